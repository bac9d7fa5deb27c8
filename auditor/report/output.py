"""A judged run -> its findings, one document at a time, in `workers` processes when asked.

For each document: its spilled claims and check rows are read back, given their statuses
from the one GX validation (gx.Validation), made into its part of the findings contract
(findings.build) and its HTML page (html.Site.pages). The parts come back in input order
and go to findings.json / the CSVs (findings.Writer), the report index (html.Site) and the
caller (`on_document`); the whole contract is kept only when asked (`keep`). Memory holds
one document's findings at a time, whatever the size of the corpus.

    write(run, validation, out_dir=None, reviews=None, keep=True, on_document=None, workers=1)
        -> (findings contract, errors met while writing)
"""
from __future__ import annotations

from pathlib import Path

from auditor import parallel
from auditor.model import IngestError
from auditor.report import findings as fnd

_JOB: dict = {}  # what every document's job reads: set before the worker processes are forked


def document_part(i: int) -> tuple[dict, dict]:
    """Document i's part of the findings contract (its page written), and the labels of its failing rows."""
    run, validation, site = _JOB["run"], _JOB["validation"], _JOB["site"]
    got, first_key = run.details(i), run.metas[i]["first_key"]
    status, _ = validation.statuses(got["rows"], first_key)
    part = fnd.build([run.docs[i]], [], got["claims"], got["rows"], status)
    if site is not None:
        site.pages(part, [run.docs[i]], got["claims"])
    return part, validation.labels(got["rows"], first_key)


def write(run, validation, out_dir: str | Path | None = None, reviews: str | Path | None = None,
          keep: bool = True, on_document=None, workers: int = 1, progress: bool = False
          ) -> tuple[dict, list[IngestError]]:
    """The findings of a collected (parallel.Collected) and validated run; with `out_dir`, written there
    with the HTML report and the Data Docs. `keep=False`: the contract without its claims and
    table checks (they are in the files and went to `on_document`)."""
    out = Path(out_dir) if out_dir else None
    errors, writer, site = [], None, None
    if out is not None:
        from auditor import review
        from auditor.report import html

        writer = fnd.Writer(out)
        source = reviews or review.default_reviews_path(out)
        try:
            verdicts = review.load_reviews(source)  # read only: never rewritten
        except review.ReviewError as e:  # a bad review file is reported, the reports still get written
            verdicts = {}
            errors.append(IngestError(str(source), str(e).split(": ", 1)[-1]))
        site = html.Site(out, verdicts, data_docs=bool(validation.results))
    result = {"documents": [], "claims": [], "table_checks": []}
    labels = {}  # check ids and sentences of the rows that did not pass, for the Data Docs

    def deliver(part: dict) -> None:
        result["documents"] += part["documents"]
        if keep:
            result["claims"] += part["claims"]
            result["table_checks"] += part["table_checks"]
        if writer is not None:
            writer.add(part)
            site.summarise(part)
        if on_document is not None:
            on_document(part)

    _JOB.update(run=run, validation=validation, site=site)
    bar = parallel.progress_bar(len(run.docs), progress, "findings")
    try:
        chunk = parallel.chunk_size(len(run.docs), workers)
        for part, found in parallel.ordered_map(document_part, range(len(run.docs)), workers, chunk):
            deliver(part)
            labels.update(found)
            if bar is not None:
                bar.update(1)
    finally:
        _JOB.clear()
        if bar is not None:
            bar.close()
    deliver({"documents": fnd.error_documents(run.errors), "claims": [], "table_checks": []})
    if not keep:
        del result["claims"], result["table_checks"]
    result["counts"] = fnd.counts(result)
    if out is not None:
        from auditor.report import datadocs

        writer.close(result["documents"], result["counts"])
        datadocs.build(validation, labels)  # GX Data Docs once per run, labelled and offline
        site.close()
    return result, errors
