"""The public surface: read_documents(), tables(), claims(). The CLI mirrors these."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from auditor.model import Document, IngestError


def read_documents(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestError]]:
    """Read files and folders into Documents (paired files become one document).

    Unreadable inputs come back as IngestErrors; the rest of the batch goes on.
    """
    from auditor.ingest import read_all

    return read_all(paths)


def tables(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor tables --json` contract: {"documents": [{"doc", "files", "tables": [...]}]}."""
    from auditor.tables import table_to_json

    docs, errors = read_documents(paths)
    out = {"documents": [
        {"doc": d.doc, "files": d.files, "tables": [table_to_json(t) for t in d.tables]}
        for d in docs
    ]}
    return out, errors


def claims(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor claims --json` contract: {"claims": [{"id", "doc", "page", ...}]}."""
    from auditor.claims import extract

    docs, errors = read_documents(paths)
    return {"claims": [c.to_json() for d in docs for c in extract(d)]}, errors


def audit(paths: Iterable[str | Path], out_dir: str | Path | None = None,
          progress: bool = False, reviews: str | Path | None = None, workers: int | None = None,
          engine: str = "local") -> tuple[dict, list[IngestError]]:
    """Read, extract claims, build every check, judge them in ONE GX validation per suite.

    Returns the findings contract ({"documents", "claims", "table_checks"}) and the
    inputs that could not be read. With `out_dir`, also writes findings.json, the
    CSVs, the GX context and its Data Docs there.

    `workers` (N >= 1): documents read and checked in N processes, results streamed
    (auditor.parallel); `engine="spark"`: documents distributed and checks validated
    with PySpark (auditor.spark, extra [spark]).
    """
    import tempfile

    from auditor import gx, parallel
    from auditor.report import findings as fnd

    out = Path(out_dir) if out_dir else None
    # Documents are read and checked one at a time (in `workers` processes when asked); only compact
    # results are kept, and with an output folder each Document waits on disk for its HTML page.
    spill = tempfile.TemporaryDirectory(prefix="auditor-docs-") if out is not None else None
    spill_dir = spill.name if spill is not None else None
    if engine == "spark":
        from auditor import spark

        run, validation = spark.collect_and_validate(paths, out, spill_dir=spill_dir)
    elif engine == "local":
        run = parallel.collect(paths, workers=workers or 1, progress=progress, spill_dir=spill_dir)
        validation = gx.validate(run.frame, out)
    else:
        raise ValueError(f"unknown engine {engine!r} (local or spark)")
    docs, errors, all_claims, frame = run.docs, run.errors, run.claims, run.frame
    result = fnd.build(docs, errors, all_claims, frame, validation.status)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        fnd.write_json(result, out / "findings.json")
        fnd.write_csv(result, out)
        from auditor import review
        from auditor.report import datadocs, html as html_report

        datadocs.build(validation)  # GX Data Docs once per run, labelled and offline
        source = reviews or review.default_reviews_path(out)
        try:
            verdicts = review.load_reviews(source)  # read only: never rewritten
        except review.ReviewError as e:  # a bad review file is reported, the reports still get written
            errors.append(IngestError(str(source), str(e).split(": ", 1)[-1]))
            verdicts = {}
        html_report.write_site(result, docs, all_claims, out, reviews=verdicts)
    return result, errors


