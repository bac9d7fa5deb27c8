"""The public surface: read_documents(), tables(), claims(), audit(). The CLI mirrors these.

Each takes `pdf_engine=`: pdfium (the default) or pdfplumber reads the PDFs of the call
(auditor.ingest.pdf_pages); worker processes follow the choice."""
from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Iterable

from auditor.model import Document, IngestError
from auditor.settings import DEFAULT, Limits


def _pdf_engine(fn):
    """fn(..., pdf_engine=None): the PDFs read during the call are read by that engine."""
    @functools.wraps(fn)
    def call(*args, pdf_engine: str | None = None, **kwargs):
        from auditor.ingest.pdf_pages import engine_used

        with engine_used(pdf_engine):
            return fn(*args, **kwargs)
    sig = inspect.signature(fn)
    call.__signature__ = sig.replace(parameters=[*sig.parameters.values(), inspect.Parameter(
        "pdf_engine", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None")])
    return call


@_pdf_engine
def read_documents(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestError]]:
    """Read files and folders into Documents (paired files become one document).

    Unreadable inputs come back as IngestErrors; the rest of the batch goes on.
    """
    from auditor.ingest import read_all

    return read_all(paths)


@_pdf_engine
def tables(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor tables --json` contract: {"documents": [{"doc", "files", "tables": [...]}]}."""
    from auditor.tables import table_to_json

    docs, errors = read_documents(paths)
    out = {"documents": [
        {"doc": d.doc, "files": d.files, "tables": [table_to_json(t) for t in d.tables]}
        for d in docs
    ]}
    return out, errors


@_pdf_engine
def claims(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor claims --json` contract: {"claims": [{"id", "doc", "page", ...}]}."""
    from auditor.claims import extract
    from auditor.pipeline import guarded

    docs, errors = read_documents(paths)
    out = []
    for d in docs:  # one document's claims in one guard: a bug costs that document, not the run
        got, error = guarded(d.files[0] if d.files else d.doc, extract, d)
        if error is None:
            out += [c.to_json() for c in got]
        else:
            errors.append(error)
    return {"claims": out}, errors


@_pdf_engine
def audit(paths: Iterable[str | Path], out_dir: str | Path | None = None,
          progress: bool = False, reviews: str | Path | None = None, workers: int | None = None,
          engine: str = "local", keep: bool = True, on_document=None,
          limits: Limits = DEFAULT, xlsx: str | Path | None = None,
          page_images: bool | str | None = None, digest=None) -> tuple[dict, list[IngestError]]:
    """Read, extract claims, build every check, judge them in ONE GX validation per suite.

    Returns the findings contract ({"documents", "claims", "table_checks", "counts"}) and the
    inputs that could not be audited (IngestError and kin: `status` error, limit, internal_error,
    or warning for a limit applied to a document that was still audited). With `out_dir`, also
    writes findings.json, the CSVs, the HTML report, the GX context and its Data Docs, and the
    run's log (auditor.log) there.

    Each document goes through one guarded pipeline (auditor.pipeline): whatever goes wrong with
    it is its error entry, the run goes on. `limits` (auditor.settings) hold each document to a
    wall time, a worker's memory, file, page, span and table sizes.

    Memory stays bounded whatever the corpus: documents are read and checked one at a time
    (in `workers` processes when asked, auditor.parallel) and wait on disk; after the one
    validation the findings are built and written one document at a time. `keep=False`
    returns only the documents list and the counts (the findings are in `out_dir`, and
    `on_document(part)` sees each document's part of the contract as it is made; with
    `digest`, on_document(digest(part)), digest made in the worker that made the part).
    With the local engine the documents are read in worker processes (one by default here, one per
    processor from the CLI) while this process sets GX up (gx.prepare), so its import and context
    cost no time of their own; with two workers or more, the suites are validated in two processes.
    `engine="spark"`: documents distributed and checks validated with PySpark (auditor.spark,
    extra [spark]).

    `reviews`: the auditors' verdicts (auditor.review: YAML, CSV or a filled-in working paper; default
    DIR/reviews.yaml when there is one), read before any document, so a file that does not exist or
    does not parse raises review.ReviewError at once. `xlsx`: also write the working paper there
    (auditor.report.xlsx). `page_images` ("findings" or True, "all"): the document pages show the PDF
    pages that carry a fail or warn (all: every page), sentences and cited cells boxed (report.pages).
    """
    from auditor import gx, parallel, review
    from auditor.report import output

    out = Path(out_dir) if out_dir else None
    paths = list(paths)  # read twice: the documents, and the run's name
    reviews = review.load_reviews(reviews or (out and review.default_reviews_path(out)), required=reviews is not None)
    workers = workers or 1
    if engine == "spark":
        from auditor import spark

        run, validation = spark.collect_and_validate(paths, out, keep_documents=out is not None, limits=limits)
    elif engine == "local":
        prepared = []  # GX's fixed cost (import, context, suites) paid while a worker reads the documents
        run = parallel.collect(paths, workers=workers, progress=progress, keep_documents=out is not None,
                               limits=limits, meanwhile=lambda: prepared.append(gx.prepare(out)))
        validation = gx.validate(run.judged, out, run_label=gx.run_name(paths), prepared=prepared[0],
                                 processes=workers)
        run.judged = None
    else:
        raise ValueError(f"unknown engine {engine!r} (local or spark)")
    result, late = output.write(run, validation, out, reviews, keep=keep, on_document=on_document, xlsx=xlsx,
                                page_images=page_images, digest=digest,
                                map_documents=parallel.mapper(workers), progress=progress)
    return result, run.errors + late
