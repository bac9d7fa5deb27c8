"""A judged run -> its findings, one document at a time, in `workers` processes when asked.

For each document: its spilled claims and check rows are read back, given their statuses
from the one GX validation (gx.Validation), made into its part of the findings contract
(findings.build) and its HTML page (html.Site.pages). The parts come back in input order
and go to findings.json / the CSVs (findings.Writer), the report index (html.Site) and the
caller (`on_document`); the whole contract is kept only when asked (`keep`). Memory holds
one document's findings at a time, whatever the size of the corpus.

    write(run, validation, out_dir=None, reviews=None, keep=True, on_document=None, map_documents=map)
        -> (findings contract, errors met while writing)

Each document's part is made in one guard (pipeline.guarded): a document whose findings or page
cannot be made becomes its error entry (status internal_error), the run goes on.
"""
from __future__ import annotations

from pathlib import Path

from auditor.model import IngestError, text_to_line
from auditor.pipeline import guarded
from auditor.report import findings as fnd
from auditor.report.console import progress_bar

LOG = "auditor.log"  # under the output folder: library warnings, notes and tracebacks, each naming its file


def document_part(run, validation, site, i: int, reviews: dict | None = None
                  ) -> tuple[dict, dict, IngestError | None]:
    """Document i's part of the findings contract (its reviews applied, its page written), the labels
    of its failing rows, and None; or, when that raised, its error entry and the error (the rest of
    the run goes on)."""
    got, error = guarded(run.metas[i]["files"][0], _document_part, run, validation, site, i, reviews)
    if error is None:
        return (*got, None)
    d = run.docs[i]
    entry = {**fnd.error_documents([error])[0], "doc": d.doc, "files": d.files}
    return {"documents": [entry], "claims": [], "table_checks": []}, {}, error


def _document_part(run, validation, site, i: int, reviews: dict | None) -> tuple[dict, dict]:
    from auditor import review

    got = run.details(i)
    status, _ = validation.statuses(got["rows"])
    part = fnd.build([run.docs[i]], [], got["claims"], got["rows"], status)
    review.apply(part, reviews)
    if site is not None:
        site.pages(part, [run.docs[i]], got["claims"])
    return part, validation.labels(got["rows"])


def write(run, validation, out_dir: str | Path | None = None, reviews: str | Path | dict | None = None,
          keep: bool = True, on_document=None, map_documents=map, progress: bool = False,
          xlsx: str | Path | None = None, page_images: bool | str | None = None
          ) -> tuple[dict, list[IngestError]]:
    """The findings of a collected (pipeline.Collected) and validated run; with `out_dir`, written there
    with the HTML report, the Data Docs and the run's log. `keep=False`: the contract without its
    claims and table checks (they are in the files and went to `on_document`). `map_documents(fn,
    items)`: how the documents are mapped, in input order (auditor.parallel.mapper: in workers).
    `reviews`: the verdicts (auditor.review.load_reviews, or the file to load; a file that is missing
    or bad raises review.ReviewError); `xlsx`: the working paper's path (auditor.report.xlsx);
    `page_images`: each document page shows its PDF pages that carry a fail or warn (report.pages)."""
    from auditor import review

    out = Path(out_dir) if out_dir else None
    errors, writer, site, paper = [], None, None, None
    if not isinstance(reviews, dict):  # read only: never rewritten
        required = reviews is not None
        reviews = review.load_reviews(reviews or (out and review.default_reviews_path(out)), required=required)
    stale = review.Stale(reviews, review.previous_findings(out, reviews))
    if out is not None:
        from auditor.report import html

        writer = fnd.Writer(out)
        site = html.Site(out, reviews, data_docs=bool(validation.results))
        site.page_images = page_images
    if xlsx is not None:
        from auditor.report.xlsx import Workbook

        paper = Workbook(xlsx)
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
        if paper is not None:
            paper.add(part)
        stale.see(part)
        if on_document is not None:
            on_document(part)

    def one(i: int):
        return document_part(run, validation, site, i, reviews)

    bar = progress_bar(len(run.docs), progress, "findings")
    log = list(run.log)
    try:
        for part, found, error in map_documents(one, range(len(run.docs))):
            deliver(part)
            labels.update(found)
            if error is not None:
                errors.append(error)
                if error.detail:
                    log.append(f"{text_to_line(error.path)}: {error.detail.rstrip()}")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    deliver({"documents": fnd.error_documents(run.errors), "claims": [], "table_checks": []})
    if not keep:
        del result["claims"], result["table_checks"]
    result["counts"] = fnd.counts(result)
    stale_reviews = stale.result()  # reviews whose id went stale, with their likely new ids
    more = {"stale_reviews": stale_reviews} if stale_reviews else {}
    result.update(more)
    if paper is not None:
        paper.close()
    if out is not None:
        from auditor.report import datadocs

        writer.close(result["documents"], result["counts"], more)
        datadocs.build(validation, labels)  # GX Data Docs once per run, labelled, escaped and offline
        site.close(stale_reviews)
        (out / LOG).write_text("".join(line + "\n" for line in log), encoding="utf-8", errors="backslashreplace")
    return result, errors
