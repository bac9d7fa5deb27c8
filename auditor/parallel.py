"""Documents -> compact per-document results, in a process pool, streamed.

The audit of a large corpus never holds its parsed Documents nor its check rows: each
worker reads one document (a group of paired files), extracts its claims, builds its
check rows and writes them to a spill file; it sends back only what the run-wide
stages need (`DocResult`: metadata and the judged rows GX reads, gx.judged_rows). The
parent takes them in input order as they arrive; a document that cannot be read comes
back as an IngestError and the run goes on. After the last document, the year-on-year
checks pair each document with the same department's previous year (two spill files
at a time). The findings are then written one document at a time from the spill files
(`Collected.details`). A worker process that dies costs only the document it was reading.

    collect(paths, workers=2, progress=True) -> Collected  (docs, errors, metas, judged rows, spills)
    document_to_result(group, index, spill_dir) -> DocResult   (the worker function; pure, picklable)
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from auditor import gx
from auditor.model import Document, IngestError

META_FIELDS = ("doc", "files", "kind", "year", "department")


@dataclass
class DocResult:
    """What one document leaves in memory after its worker is done with it."""

    index: int                          # position of the document's group in the run (keeps output order)
    meta: dict | None = None            # META_FIELDS, n_tables, n_blocks, pages, warnings, n_claims, n_judged
    judged: dict | None = None          # gx.judged_rows of its check rows, keyed from index × gx.KEY_STRIDE
    spill: str | None = None            # its claims, check rows and figures on disk (spill_path)
    document: str | None = None         # the pickled Document on disk (when documents are kept)
    error: IngestError | None = None
    seconds: float = 0.0


def spill_path(spill_dir: str | Path, index: int, what: str) -> Path:
    """rows: claims, check rows, figures · doc: the Document · yoy: its year-on-year check rows."""
    return Path(spill_dir) / f"{index:07d}.{what}.pkl.z"


def dump(obj, path: str | Path) -> str:
    Path(path).write_bytes(zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1))
    return str(path)


def load(path: str | Path):
    return pickle.loads(zlib.decompress(Path(path).read_bytes()))


# --------------------------------------------------------------------------- worker side

def document_to_result(group: list[str | Path], index: int, spill_dir: str | Path,
                       keep_document: bool = False) -> DocResult:
    """Read one document, extract its claims, build its check rows, spill them; never raises for a bad input."""
    from auditor import checks
    from auditor.claims import extract
    from auditor.ingest import read_document

    t0 = time.perf_counter()
    group = [Path(p) for p in group]
    try:
        doc = read_document(group)
        claims = extract(doc)
        rows, values = checks.document_checks(doc, claims)
    except IngestError as exc:
        return DocResult(index, error=exc, seconds=time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a bug or an odd file must not stop the run
        return DocResult(index, error=IngestError(group[0], f"unexpected error while auditing: "
                                                            f"{type(exc).__name__}: {exc}"),
                         seconds=time.perf_counter() - t0)
    records = checks.rows_to_records(rows)  # check ids start with the document id: unique per document is enough
    judged = gx.judged_rows(records, index * gx.KEY_STRIDE)
    meta = {**document_meta(doc), "n_claims": len(claims), "n_judged": len(judged["row"])}
    spill = dump({"claims": claims, "rows": records, "values": values}, spill_path(spill_dir, index, "rows"))
    kept = dump(doc, spill_path(spill_dir, index, "doc")) if keep_document else None
    return DocResult(index, meta, judged, spill, kept, None, time.perf_counter() - t0)


def document_meta(doc: Document) -> dict:
    pages = {(b.file, b.page) for b in doc.blocks if b.page} | {(t.file, p) for t in doc.tables for p in t.pages}
    return {**{k: getattr(doc, k) for k in META_FIELDS}, "n_tables": len(doc.tables),
            "n_blocks": len(doc.blocks), "pages": len(pages), "warnings": list(doc.warnings)}


def warm_up() -> None:
    """Load the vocabulary, dictionaries and patterns (spaCy, jieba) now rather than on the first
    document. The pool does not call it in the parent: each worker loads them itself, so the
    parent, which holds the run-wide state, does not also carry the language models."""
    from auditor import checks, link
    from auditor.claims import extract_text

    try:
        checks._table_rules()  # the table rules and the evidence locations (YAML files)
        link.cross_table_concepts()
        extract_text("2024年收入预算1.00万元，比上年增加0.50万元，增长100.00%。")
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


def _chunk(groups: list[list[str]], start: int, spill_dir: str, keep: bool) -> list[DocResult]:
    return [document_to_result(g, start + i, spill_dir, keep) for i, g in enumerate(groups)]


# --------------------------------------------------------------------------- parent side

class _LazyTables(Sequence):
    """A spilled document's tables: the count is known without loading; items load the document."""

    def __init__(self, owner: "SpilledDocument", n: int):
        self._owner, self._n = owner, n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        return self._owner.load().tables[i]

    def __iter__(self):
        return iter(self._owner.load().tables)


class SpilledDocument:
    """A Document's metadata in memory, the rest on disk; attribute access loads it (one kept at a time)."""

    _cache: tuple[str, Document] | None = None

    def __init__(self, meta: dict, path: str):
        for k in META_FIELDS:
            setattr(self, k, meta[k])
        self.warnings = meta.get("warnings", [])
        self.tables = _LazyTables(self, meta.get("n_tables", 0))
        self.path = path

    def load(self) -> Document:
        cached = SpilledDocument._cache
        if cached is not None and cached[0] == self.path:
            return cached[1]
        doc = load(self.path)
        SpilledDocument._cache = (self.path, doc)
        return doc

    def __getattr__(self, name):  # blocks, text, … : only what is not held in memory
        if name.startswith("__") or name in ("path", "tables"):
            raise AttributeError(name)
        return getattr(self.load(), name)

    def __repr__(self) -> str:
        return f"SpilledDocument({self.doc!r}, {self.path!r})"


class _LightDocument:
    """A document's metadata only (its Document not kept): enough for the findings."""

    def __init__(self, meta: dict):
        for k in META_FIELDS:
            setattr(self, k, meta[k])
        self.warnings = meta.get("warnings", [])
        self.tables = [None] * meta.get("n_tables", 0)
        self.blocks = []


@dataclass
class Collected:
    """The run after its document stage: per document its metadata and spill files, and every
    judged row (own and year-on-year) for the one GX validation."""

    docs: list                   # SpilledDocument (documents kept) or metadata-only objects, in input order
    errors: list[IngestError]
    metas: list[dict]            # per document: META_FIELDS, counts, first_key, spill files
    judged: pd.DataFrame         # every judged row gathered here (gx.concat_judged; under Spark only the
                                 # year-on-year rows: the documents' own stay in the Spark DataFrame)
    seconds: float = 0.0         # wall time of the document stage
    pages: int = 0
    tmp: object = None           # the temporary spill folder (removed with this object)

    @property
    def n_claims(self) -> int:
        return sum(m["n_claims"] for m in self.metas)

    def details(self, i: int) -> dict:
        """Document i's claims, its check rows (own, then year-on-year: the judged rows' key order)
        and figures, read back from its spill files."""
        m = self.metas[i]
        got = load(m["spill"])
        if m.get("yoy"):
            got["rows"] = got["rows"] + load(m["yoy"])
        return got


class Gathered:
    """The run-wide part of the document results, taken one DocResult at a time (both engines)."""

    BATCH = 256  # documents' judged rows joined into one frame (each column a category or an array)

    def __init__(self, spill_dir: str):
        self.spill_dir = spill_dir
        self.docs, self.metas, self.judged, self.pending, self.pages = [], [], [], [], 0

    def add(self, res: DocResult) -> None:
        m = {**res.meta, "first_key": res.index * gx.KEY_STRIDE, "spill": res.spill, "index": res.index}
        m.pop("warnings", None)
        self.metas.append(m)
        self.docs.append(SpilledDocument(res.meta, res.document) if res.document else _LightDocument(res.meta))
        if res.judged is not None:
            self.pending.append(res.judged)
            if len(self.pending) >= self.BATCH:
                self.judged.append(gx.concat_judged(self.pending))
                self.pending = []
        self.pages += res.meta.get("pages", 0)

    def year_on_year(self) -> list[dict]:
        """Changes and growth rates against the same department's previous-year document in the run
        (checks.prior_year_rows, one pair of documents at a time): their check rows are spilled
        beside the document's own, their judged rows returned."""
        from auditor import checks

        prior_of = checks.prior_documents(self.metas)
        out = []
        for m in self.metas:
            prior = prior_of.get(m["doc"])
            if prior is None:
                continue
            mine, theirs = load(m["spill"]), load(prior["spill"])
            rows = checks.prior_year_rows([prior, m], mine["claims"],
                                          {m["doc"]: mine["values"], prior["doc"]: theirs["values"]})
            if not rows:
                continue
            records = checks.rows_to_records(rows)
            m["yoy"] = dump(records, spill_path(self.spill_dir, m["index"], "yoy"))
            out.append(gx.judged_rows(records, m["first_key"] + m["n_judged"]))
        return out

    def finish(self, errors: list[IngestError], seconds: float, tmp=None) -> Collected:
        judged = gx.concat_judged(self.judged + self.pending + self.year_on_year())
        self.judged, self.pending = [], []
        return Collected(self.docs, errors, self.metas, judged, seconds, self.pages, tmp)


def progress_bar(total: int, on: bool, desc: str = "documents"):
    """A bar on stderr with documents/s (tqdm), or None when `on` is false."""
    if not on:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, dynamic_ncols=True)


def iter_results(groups: list[list[Path]], spill_dir: str, workers: int = 1, keep_documents: bool = False,
                 chunksize: int = 1) -> Iterator[DocResult]:
    """DocResults as they complete (any order). workers <= 1: in this process, one at a time.

    A bounded number of chunks is in flight, so results never pile up. If a worker dies
    (a crash in a native library), the documents it held come back as errors and a new
    pool takes over the rest.
    """
    groups = [[str(p) for p in g] for g in groups]
    if workers <= 1 or len(groups) <= 1:
        for i, g in enumerate(groups):
            yield document_to_result(g, i, spill_dir, keep_documents)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    chunks = [(i, groups[i:i + chunksize]) for i in range(0, len(groups), chunksize)]
    todo = list(reversed(chunks))
    window = max(2, workers * 4)
    while todo:
        suspects = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            running = {}
            try:
                while todo or running:
                    while todo and len(running) < window:
                        start, chunk = todo.pop()
                        running[pool.submit(_chunk, chunk, start, spill_dir, keep_documents)] = (start, chunk)
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        got = fut.result()  # raises BrokenProcessPool while the chunk is still `running`
                        del running[fut]
                        yield from got
            except BrokenProcessPool:
                # which document killed it is unknown: rerun those in flight one by one, alone
                suspects = sorted(((start + k, [g]) for start, chunk in running.values()
                                   for k, g in enumerate(chunk)), key=lambda x: x[0])
                running.clear()
        yield from _isolated(suspects, spill_dir, keep_documents, ctx)


def _isolated(items, spill_dir: str, keep_documents: bool, ctx) -> Iterator[DocResult]:
    """Documents each in a one-process pool: a crash now names its document, and costs only it."""
    pool = None
    try:
        for start, chunk in items:
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
            try:
                yield from pool.submit(_chunk, chunk, start, spill_dir, keep_documents).result()
            except BrokenProcessPool:
                yield DocResult(start, error=IngestError(chunk[0][0], "the worker reading it crashed "
                                                                      "(a fault in a native library?)"))
                pool.shutdown(wait=False)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown()


def chunk_size(n: int, workers: int) -> int:
    """Documents per task: small chunks balance the workers; bigger ones (up to 8) for thousands of small documents."""
    return max(1, min(8, n // (max(workers, 1) * 16)))


def ordered_map(fn, items: list, workers: int = 1, chunksize: int = 1) -> Iterator:
    """fn(item) for every item, in input order; in `workers` forked processes when asked.

    The processes are forked from this one, so `fn` may read what this process already holds
    (a run's metadata, its verdicts) without it being sent; only the items and the results travel.
    Without fork (or with one worker) it runs here."""
    if workers <= 1 or len(items) <= 1 or "fork" not in mp.get_all_start_methods():
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


def spill_folder(spill_dir: str | Path | None):
    """(folder, owner): the given folder, or a new temporary one removed when `owner` is."""
    if spill_dir is not None:
        Path(spill_dir).mkdir(parents=True, exist_ok=True)
        return str(spill_dir), None
    tmp = tempfile.TemporaryDirectory(prefix="auditor-spill-")
    return tmp.name, tmp


def collect(paths: Iterable[str | Path], workers: int = 1, progress: bool = False,
            spill_dir: str | Path | None = None, keep_documents: bool = False,
            chunksize: int | None = None) -> Collected:
    """Read every document of `paths` in `workers` processes and gather the compact results.

    Per-document details go to `spill_dir` (default: a temporary folder living as long as the
    result); `keep_documents`: the parsed Documents too, for the HTML pages."""
    from auditor.ingest import expand_paths, group_paths

    t0 = time.perf_counter()
    files, errors = expand_paths(paths)
    groups = group_paths(files)
    folder, tmp = spill_folder(spill_dir)
    if chunksize is None:
        chunksize = chunk_size(len(groups), workers)
    bar = progress_bar(len(groups), progress)
    got = Gathered(folder)
    n_err = len(errors)  # errors so far: unreadable paths first
    waiting: dict[int, DocResult] = {}  # finished ahead of an earlier document (a few at most)
    next_index = 0
    for arrived in iter_results(groups, folder, workers, keep_documents, chunksize):
        if arrived.error is not None:
            n_err += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(errors=n_err, refresh=False)
        waiting[arrived.index] = arrived
        while next_index in waiting:  # take results in input order, as soon as they can be
            res = waiting.pop(next_index)
            next_index += 1
            if res.error is not None:
                errors.append(res.error)
            else:
                got.add(res)
    if bar is not None:
        bar.close()
    return got.finish(errors, time.perf_counter() - t0, tmp=tmp)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
