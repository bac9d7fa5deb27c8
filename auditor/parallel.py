"""Documents -> compact per-document results, in a process pool, streamed.

The audit of a large corpus never holds its parsed Documents: each worker reads one
document (a group of paired files), extracts its claims and builds its check rows, and
sends back only what the rest of the run needs (`DocResult`: metadata, Claim objects,
its check rows as a small DataFrame (checks.rows_to_frame), the figures for the
year-on-year checks). The parent takes them in input order as they arrive; a document
that cannot be read comes back as an IngestError and the run goes on. With `spill_dir`, each parsed Document is pickled there by its worker and
the run holds a `SpilledDocument` (metadata + path) that loads it again on demand (the
HTML report renders one document at a time). A worker process that dies costs only
the document it was reading.

    collect(paths, workers=2, progress=True) -> Collected   (docs, errors, claims, frame, metas)
    document_to_result(group) -> DocResult                  (the worker function; pure, picklable)
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from auditor.model import Document, IngestError

META_FIELDS = ("doc", "files", "kind", "year", "department")


@dataclass
class DocResult:
    """What one document leaves behind after its worker is done with it."""

    index: int                          # position of the document's group in the run (keeps output order)
    meta: dict | None = None            # doc, files, kind, year, department, n_tables, n_blocks, pages, warnings
    claims: list = field(default_factory=list)        # auditor.claims.Claim objects
    frame: pd.DataFrame | None = None   # the document's check rows (checks.rows_to_frame: ids made unique)
    values: dict | None = None          # checks.document_checks' figures (year-on-year checks)
    spill: str | None = None            # where the pickled Document is (when spilling)
    error: IngestError | None = None
    seconds: float = 0.0


# --------------------------------------------------------------------------- worker side

def document_to_result(group: list[str | Path], index: int = 0, spill_dir: str | None = None) -> DocResult:
    """Read one document, extract its claims and build its check rows; never raises for a bad input."""
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
    frame = checks.rows_to_frame(rows)  # check ids start with the document id: unique per document is enough
    meta = document_meta(doc)
    spill = None
    if spill_dir is not None:
        spill = str(Path(spill_dir) / f"{index:07d}.pkl.z")
        Path(spill).write_bytes(zlib.compress(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), 1))
    return DocResult(index, meta, claims, frame, values, spill, None, time.perf_counter() - t0)


def document_meta(doc: Document) -> dict:
    pages = {(b.file, b.page) for b in doc.blocks if b.page} | {(t.file, p) for t in doc.tables for p in t.pages}
    return {**{k: getattr(doc, k) for k in META_FIELDS}, "n_tables": len(doc.tables),
            "n_blocks": len(doc.blocks), "pages": len(pages), "warnings": list(doc.warnings)}


def _warm_up() -> None:
    """Load the vocabulary, dictionaries and patterns once (before forking, so workers share them)."""
    from auditor import checks  # noqa: F401
    from auditor.claims import extract_text

    try:
        extract_text("2024年收入预算1.00万元，比上年增加0.50万元，增长100.00%。")
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


def _chunk(groups: list[list[str]], start: int, spill_dir: str | None) -> list[DocResult]:
    return [document_to_result(g, start + i, spill_dir) for i, g in enumerate(groups)]


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
        doc = pickle.loads(zlib.decompress(Path(self.path).read_bytes()))
        SpilledDocument._cache = (self.path, doc)
        return doc

    def __getattr__(self, name):  # blocks, text, … : only what is not held in memory
        if name.startswith("__") or name in ("path", "tables"):
            raise AttributeError(name)
        return getattr(self.load(), name)

    def __repr__(self) -> str:
        return f"SpilledDocument({self.doc!r}, {self.path!r})"


class _LightDocument:
    """A document's metadata only (no spill): enough for findings.build."""

    def __init__(self, meta: dict):
        for k in META_FIELDS:
            setattr(self, k, meta[k])
        self.warnings = meta.get("warnings", [])
        self.tables = [None] * meta.get("n_tables", 0)
        self.blocks = []


class Gathered:
    """The run-wide part of the document results, taken one DocResult at a time (both engines)."""

    def __init__(self):
        self.docs, self.claims, self.metas, self.values, self.pages = [], [], [], {}, 0

    def add(self, res: DocResult) -> None:
        m = res.meta
        self.metas.append({k: m[k] for k in ("doc", "year", "department", "kind")})
        self.docs.append(SpilledDocument(m, res.spill) if res.spill else _LightDocument(m))
        self.claims.extend(res.claims)
        self.values[m["doc"]] = res.values
        self.pages += m.get("pages", 0)

    def prior_year_frame(self) -> pd.DataFrame:
        from auditor import checks

        return checks.rows_to_frame(checks.prior_year_rows(self.metas, self.claims, self.values))


@dataclass
class Collected:
    docs: list                 # SpilledDocument (spill_dir given) or light metadata objects, in input order
    errors: list[IngestError]
    claims: list               # all Claim objects, in document order
    frame: pd.DataFrame        # every check row (documents' own + year-on-year), checks.COLUMNS
    metas: list[dict]
    seconds: float = 0.0       # wall time of the document stage
    pages: int = 0


def _progress_bar(total: int, on: bool):
    if not on:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="documents", unit="doc", file=sys.stderr, dynamic_ncols=True)


def iter_results(groups: list[list[Path]], workers: int = 1, spill_dir: str | None = None,
                 chunksize: int = 1) -> Iterator[DocResult]:
    """DocResults as they complete (any order). workers <= 1: in this process, one at a time.

    A bounded number of chunks is in flight, so results never pile up. If a worker dies
    (a crash in a native library), the documents it held come back as errors and a new
    pool takes over the rest.
    """
    groups = [[str(p) for p in g] for g in groups]
    if workers <= 1 or len(groups) <= 1:
        for i, g in enumerate(groups):
            yield document_to_result(g, i, spill_dir)
        return
    _warm_up()
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
                        running[pool.submit(_chunk, chunk, start, spill_dir)] = (start, chunk)
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
        yield from _isolated(suspects, spill_dir, ctx)


def _isolated(items, spill_dir, ctx) -> Iterator[DocResult]:
    """Documents each in a one-process pool: a crash now names its document, and costs only it."""
    pool = None
    try:
        for start, chunk in items:
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
            try:
                yield from pool.submit(_chunk, chunk, start, spill_dir).result()
            except BrokenProcessPool:
                yield DocResult(start, error=IngestError(chunk[0][0], "the worker reading it crashed "
                                                                      "(a fault in a native library?)"))
                pool.shutdown(wait=False)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown()


def collect(paths: Iterable[str | Path], workers: int = 1, progress: bool = False,
            spill_dir: str | Path | None = None, chunksize: int | None = None) -> Collected:
    """Read every document of `paths` in `workers` processes and gather the compact results."""
    from auditor.ingest import expand_paths, group_paths

    t0 = time.perf_counter()
    files, errors = expand_paths(paths)
    groups = group_paths(files)
    if spill_dir is not None:
        Path(spill_dir).mkdir(parents=True, exist_ok=True)
    if chunksize is None:  # small chunks: balance; bigger ones for thousands of small documents
        chunksize = max(1, min(8, len(groups) // (max(workers, 1) * 16)))
    bar = _progress_bar(len(groups), progress)
    got = Gathered()
    frames, n_err = [], len(errors)  # errors so far: unreadable paths first
    waiting: dict[int, DocResult] = {}  # finished ahead of an earlier document (a few at most)
    next_index = 0
    for arrived in iter_results(groups, workers, str(spill_dir) if spill_dir is not None else None, chunksize):
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
                continue
            got.add(res)
            frames.append(res.frame)
    if bar is not None:
        bar.close()
    frames.append(got.prior_year_frame())
    frame = _concat(frames)
    return Collected(got.docs, errors, got.claims, frame, got.metas, time.perf_counter() - t0, got.pages)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame with the dtypes a single construction would infer (a batch without a value
    in some column comes out object-typed)."""
    frames = [f for f in frames if len(f)] or frames[-1:]
    frame = pd.concat(frames, ignore_index=True)
    frames.clear()
    for c in [c for c in frame.columns if frame[c].dtype == object]:
        frame[c] = pd.Series(frame[c].tolist(), index=frame.index)  # the constructor's own inference
    return frame


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
