"""One document through the audit, the same in every engine; and the run that gathers them.

    plan(paths) -> (groups of paired files, their document ids, unreadable inputs)
    document_to_result(group, index, spill_dir, keep_document, doc, limits) -> DocResult
        read -> extract claims -> check -> judged rows (keyed) -> spill, in one guard:
        whatever goes wrong with one document (a bad file, a limit, a bug) comes back as its
        error (model.IngestError and kin, which pickle), never as an exception
    Gathered.add(DocResult) ... Gathered.finish() -> Collected   (the run-wide part, both engines)

The in-process run, the process pool (auditor.parallel) and Spark (auditor.spark) all call
document_to_result, so they give the same findings. `guarded(path, fn)` is the same guard
for the later per-document steps (findings and pages, auditor.report.output).
"""
from __future__ import annotations

import logging
import pickle
import signal
import threading
import time
import traceback
import warnings
import zlib
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from auditor import gx
from auditor.model import Document, IngestError, InternalError, LimitError, LimitWarning, text_to_line
from auditor.settings import DEFAULT, Limits, limit_to_text

META_FIELDS = ("doc", "files", "kind", "year", "department", "no_tables")
LOG_LINES = 20  # library warnings kept per document (the log says how many more there were)
SLOW_SECONDS = 10.0  # a document that takes longer is named in the log with its time


def plan(paths: Iterable[str | Path]) -> tuple[list[list[Path]], list[str], list[IngestError]]:
    """Inputs -> (documents as groups of paired files, their unique ids, inputs that cannot be read)."""
    from auditor.ingest import plan as ingest_plan

    return ingest_plan(paths)


@dataclass
class DocResult:
    """What one document leaves in memory after its worker is done with it."""

    index: int                          # position of the document's group in the run (keeps output order)
    meta: dict | None = None            # META_FIELDS, n_tables, n_blocks, pages, n_claims, n_judged
    judged: dict | None = None          # gx.judged_rows of its check rows, keyed from gx.document_key(index)
    spill: str | None = None            # its claims, check rows and figures on disk (spill_path)
    document: str | None = None         # the pickled Document on disk (when documents are kept)
    error: IngestError | None = None
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)           # library warnings and notes, each naming the file
    notices: list[IngestError] = field(default_factory=list)  # limits applied (LimitWarning), one line each


def spill_path(spill_dir: str | Path, index: int, what: str) -> Path:
    """rows: claims, check rows, figures · doc: the Document · yoy: its year-on-year check rows."""
    return Path(spill_dir) / f"{index:07d}.{what}.pkl.z"


def dump(obj, path: str | Path) -> str:
    Path(path).write_bytes(zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1))
    return str(path)


def load(path: str | Path):
    return pickle.loads(zlib.decompress(Path(path).read_bytes()))


def spill_folder(spill_dir: str | Path | None):
    """(folder, owner): the given folder, or a new temporary one removed when `owner` is."""
    import tempfile

    if spill_dir is not None:
        Path(spill_dir).mkdir(parents=True, exist_ok=True)
        return str(spill_dir), None
    tmp = tempfile.TemporaryDirectory(prefix="auditor-spill-")
    return tmp.name, tmp


# --------------------------------------------------------------------------- the guard

class DocumentTimeout(BaseException):
    """Raised in the document's own code when its wall time is up (a BaseException: a library's
    `except Exception` cannot swallow it)."""


@contextmanager
def deadline(seconds: float | None):
    """Stop the code inside after `seconds` (SIGALRM; main thread of a process only: elsewhere
    the parent's watch, auditor.parallel, is what stops a stuck worker)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise DocumentTimeout()

    old = signal.signal(signal.SIGALRM, expired)
    # and again every so often after: an exception raised inside a finalizer is dropped by Python
    signal.setitimer(signal.ITIMER_REAL, seconds, min(1.0, max(0.05, seconds / 10)))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def exception_to_error(path, exc: BaseException, limits: Limits = DEFAULT, seconds: float = 0.0) -> IngestError:
    """Whatever stopped one document -> its one-line error: an IngestError as it is; time and
    memory as the limit they hit; anything else an internal error naming the exception class,
    its traceback kept for the run's log."""
    if isinstance(exc, IngestError):
        return exc if exc.path else type(exc)(path, exc.problem, exc.detail)
    if isinstance(exc, DocumentTimeout):
        return LimitError(path, "stopped: " + limit_to_text("doc_seconds", f"{seconds:.0f}", limits))
    if isinstance(exc, MemoryError):
        return LimitError(path, "stopped: ran out of memory (limit "
                                f"{limits.doc_memory_mb} MB in a worker process, --doc-memory-mb)")
    text = str(exc)
    text = text if len(text) <= 200 else text[:200] + "…"
    return InternalError(path, f"internal error {type(exc).__name__}: {text} (traceback in the run's auditor.log)",
                         "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


def guarded(path, fn, *args, limits: Limits = DEFAULT, seconds: float | None = None):
    """(fn(*args), None), or (None, the error) when it raised: one document's step isolated."""
    t0 = time.perf_counter()
    try:
        with deadline(seconds):
            return fn(*args), None
    except (Exception, DocumentTimeout) as exc:  # noqa: BLE001 - one document must never stop the run
        return None, exception_to_error(path, exc, limits, time.perf_counter() - t0)


@contextmanager
def library_log(name: str, into: list[str]):
    """Warnings a library gives while one document is read (Python warnings, log records of level
    WARNING and above) -> `into`, each line prefixed with the file."""
    class Keep(logging.Handler):
        def emit(self, record):
            into.append(f"{name}: {record.name}: {text_to_line(record.getMessage())}")

    handler = Keep(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:  # the filters as they are: what would be shown
            yield
    finally:
        root.removeHandler(handler)
    into += [f"{name}: {w.category.__name__}: {text_to_line(str(w.message))}" for w in caught]
    if len(into) > LOG_LINES:
        into[LOG_LINES:] = [f"{name}: … {len(into) - LOG_LINES} more"]


# --------------------------------------------------------------------------- one document

def document_to_result(group: list[str | Path], index: int, spill_dir: str | Path, keep_document: bool = False,
                       doc: str | None = None, limits: Limits = DEFAULT) -> DocResult:
    """Read one document, extract its claims, build and key its check rows, spill them.

    Never raises: a bad input, a limit hit or an unexpected exception anywhere in these steps is
    the document's error (DocResult.error)."""
    warm_up()  # once per process, outside the document's wall time
    t0 = time.perf_counter()
    group = [Path(p) for p in group]
    log: list[str] = []
    with library_log(text_to_line(str(group[0])), log):
        got, error = guarded(group[0], _audit_document, group, index, spill_dir, keep_document, doc, limits,
                             limits=limits, seconds=limits.doc_seconds)
    seconds = time.perf_counter() - t0
    if seconds > SLOW_SECONDS:
        log.append(f"{text_to_line(str(group[0]))}: took {seconds:.1f} s")
    if error is not None:
        if error.detail:
            log.append(f"{text_to_line(str(group[0]))}: {error.detail.rstrip()}")
        return DocResult(index, error=error, seconds=seconds, log=log)
    meta, judged, spill, kept, document = got
    log += [f"{text_to_line(str(group[0]))}: {w}" for w in document.warnings]
    notices = [LimitWarning(group[0], n.split(": ", 1)[-1]) for n in document.limits]
    return DocResult(index, meta, judged, spill, kept, None, seconds, log, notices)


def _audit_document(group: list[Path], index: int, spill_dir, keep_document: bool, doc: str | None,
                    limits: Limits):
    from auditor import checks
    from auditor.claims import extract
    from auditor.ingest import read_document

    document = read_document(group, doc, limits)
    claims = extract(document)
    rows, values = checks.document_checks(document, claims)
    records = checks.rows_to_records(rows)  # check ids start with the document id: unique per document is enough
    judged = gx.judged_rows(records, gx.document_key(index))  # keys the records too
    meta = {**document_meta(document), "n_claims": len(claims), "n_judged": len(judged["row"])}
    spill = dump({"claims": claims, "rows": records, "values": values}, spill_path(spill_dir, index, "rows"))
    kept = dump(document, spill_path(spill_dir, index, "doc")) if keep_document else None
    return meta, judged, spill, kept, document


def document_meta(doc: Document) -> dict:
    pages = {(b.file, b.page) for b in doc.blocks if b.page} | {(t.file, p) for t in doc.tables for p in t.pages}
    return {**{k: getattr(doc, k) for k in META_FIELDS}, "n_tables": len(doc.tables),
            "n_blocks": len(doc.blocks), "pages": len(pages)}


_WARM: list[bool] = []
WARM_ERRORS: list[str] = []  # what went wrong warming up (empty; a test holds it so)


def warm_up() -> None:
    """Load the vocabulary, dictionaries and patterns (spaCy, jieba) once per process, before the
    first document, so that its wall time (limits.doc_seconds) is its own. The pool does not call
    it in the parent: each worker loads them itself, so the parent, which holds the run-wide
    state, does not also carry the language models."""
    if _WARM:
        return
    _WARM.append(True)
    from auditor import checks, link, nlp  # noqa: F401  (checks: the rules, their patterns compiled on import)
    from auditor.claims import extract_text
    from auditor.rules.base import table_rules

    try:
        nlp.pipeline()  # spaCy and jieba's dictionary (the claims' fast path may not reach them)
        table_rules()
        link.cross_table_concepts()
        extract_text("2024年收入预算1.00万元，比上年增加0.50万元，增长100.00%。")
    except Exception as e:  # noqa: BLE001 - warming up is an optimisation: the document will say what is wrong
        WARM_ERRORS.append(f"{type(e).__name__}: {e}")


# --------------------------------------------------------------------------- the run

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
        self.tables = [None] * meta.get("n_tables", 0)
        self.blocks = []


@dataclass
class Collected:
    """The run after its document stage: per document its metadata and spill files, and every
    judged row (own and year-on-year) for the one GX validation."""

    docs: list                   # SpilledDocument (documents kept) or metadata-only objects, in input order
    errors: list[IngestError]    # inputs and documents that could not be audited, and limits applied
    metas: list[dict]            # per document: META_FIELDS, counts, spill files
    judged: pd.DataFrame         # every judged row gathered here (gx.concat_judged; under Spark only the
                                 # year-on-year rows: the documents' own stay in the Spark DataFrame)
    seconds: float = 0.0         # wall time of the document stage
    pages: int = 0
    tmp: object = None           # the temporary spill folder (removed with this object)
    log: list[str] = field(default_factory=list)  # library warnings, notes and tracebacks, each naming its file

    @property
    def n_claims(self) -> int:
        return sum(m["n_claims"] for m in self.metas)

    def details(self, i: int) -> dict:
        """Document i's claims, its check rows (own, then year-on-year, each judged row with its key)
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
        self.errors: list[IngestError] = []
        self.log: list[str] = []

    def add(self, res: DocResult) -> None:
        """One document's result, in input order: its error, or its metadata and judged rows."""
        self.log += res.log
        self.errors += res.notices
        if res.error is not None:
            self.errors.append(res.error)
            return
        self.metas.append({**res.meta, "spill": res.spill, "index": res.index})
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
        beside the document's own, their judged rows returned (keyed after the document's own)."""
        from auditor import checks

        prior_of = checks.prior_documents(self.metas)
        out = []
        for m in self.metas:
            prior = prior_of.get(m["doc"])
            if prior is None:
                continue
            got, error = guarded(m["files"][0], self._year_on_year, m, prior)
            if error is not None:  # the pair's checks are lost, not the run: said in one line
                self.errors.append(error)
                if error.detail:
                    self.log.append(f"{text_to_line(m['files'][0])}: {error.detail.rstrip()}")
            elif got is not None:
                out.append(got)
        return out

    def _year_on_year(self, m: dict, prior: dict) -> dict | None:
        from auditor import checks

        mine, theirs = load(m["spill"]), load(prior["spill"])
        rows = checks.prior_year_rows([prior, m], mine["claims"],
                                      {m["doc"]: mine["values"], prior["doc"]: theirs["values"]})
        if not rows:
            return None
        records = checks.rows_to_records(rows)
        judged = gx.judged_rows(records, gx.document_key(m["index"]) + m["n_judged"])
        m["yoy"] = dump(records, spill_path(self.spill_dir, m["index"], "yoy"))
        return judged

    def finish(self, errors: list[IngestError], seconds: float, tmp=None) -> Collected:
        """`errors`: the inputs found unreadable before any document was read (they come first)."""
        judged = gx.concat_judged(self.judged + self.pending + self.year_on_year())
        self.judged, self.pending = [], []
        return Collected(self.docs, errors + self.errors, self.metas, judged, seconds, self.pages, tmp, self.log)
