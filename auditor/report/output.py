"""A judged run -> its findings, one document at a time, in `workers` processes when asked.

For each document: its spilled claims and check rows are read back, given their statuses
from the one GX validation (gx.Validation), made into its part of the findings contract
(findings.build), its HTML page (html.Site.pages), its lines of findings.json and the CSVs
(findings.part_to_text, encoded and appended to that process's spool file: findings.Spool) and its
row of the index (html.Site.summary), all in the process that read its spill. What comes back, in
input order, is where its text lies in the spool (findings.Writer copies the bytes), small data for
the report index (html.Site) and, only when asked, the part itself (`keep`, or
`on_document`; with `digest` only digest(part) travels). Memory holds one document's findings
at a time, whatever the size of the corpus.

    write(run, validation, out_dir=None, reviews=None, keep=True, on_document=None, map_documents=map,
          digest=None) -> (findings contract, errors met while writing)

Each document's part is made in one guard (pipeline.guarded): a document whose findings or page
cannot be made becomes its error entry (status internal_error), the run goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.model import IngestError, text_to_line
from auditor.pipeline import guarded
from auditor.report import findings as fnd
from auditor.report.console import progress_bar

LOG = "auditor.log"  # under the output folder: library warnings, notes and tracebacks, each naming its file


@dataclass
class Done:
    """What the making of one document's findings sends back to the process that writes the run:
    where its text for the files lies (findings.json and the CSVs, made and spooled in the worker),
    small data for the index, and the part of the contract itself only when someone asked for it."""

    documents: list             # its entries of the documents list
    part: dict | None           # its part of the contract (keep, or on_document without a digest)
    texts: dict | None          # fnd.Spool.add(fnd.part_to_text(part)): where its findings.json lines and CSV
                                # rows lie (when written)
    summary: dict | None        # html.Site.summary(part): what the index shows (when written)
    labels: dict                # the labels of its failing rows, for the Data Docs
    shown: object = None        # digest(part), for on_document
    error: IngestError | None = None


def part_to_done(part: dict, site, labels: dict, needs, error: IngestError | None = None) -> Done:
    """A document's part of the contract -> what travels back (`needs`: Needs)."""
    return Done(part["documents"], part if needs.part else None,
                needs.spool.add(fnd.part_to_text(part)) if needs.spool is not None else None,
                site.summary(part) if site is not None else None,
                labels, needs.digest(part) if needs.digest is not None else None, error)


@dataclass
class Needs:
    part: bool = True           # the whole part goes back to the caller
    digest: object = None       # digest(part) is made beside it, for on_document
    labelled: set | None = None  # the failing rows whose labels go back (those the Data Docs list); None: all
    reviews: dict | None = None  # the verdicts applied to each part (auditor.review.apply)
    spool: object = None        # fnd.Spool: where each part's lines of the files go (when written)


def document_part(run, validation, site, i: int, needs: Needs | None = None) -> Done:
    """Document i's part of the findings (its reviews applied, its page written, its lines of
    findings.json and the CSVs made), the labels of its failing rows; or, when that raised, its error
    entry and the error (the rest of the run goes on)."""
    needs = needs or Needs()
    got, error = guarded(run.metas[i]["files"][0], _document_part, run, validation, site, i, needs)
    if error is None:
        return got
    d = run.docs[i]
    entry = {**fnd.error_documents([error])[0], "doc": d.doc, "files": d.files}
    return part_to_done({"documents": [entry], "claims": [], "table_checks": []}, site, {}, needs, error)


def _document_part(run, validation, site, i: int, needs: Needs) -> Done:
    from auditor import review

    got = run.details(i)
    status, _ = validation.statuses(got["rows"])
    part = fnd.build([run.docs[i]], [], got["claims"], got["rows"], status)
    review.apply(part, needs.reviews)
    if site is not None:
        site.pages(part, [run.docs[i]], got["claims"])
    labels = validation.labels(got["rows"])
    if needs.labelled is not None:
        labels = {k: v for k, v in labels.items() if k in needs.labelled}
    return part_to_done(part, site, labels, needs)


def write(run, validation, out_dir: str | Path | None = None, reviews: str | Path | dict | None = None,
          keep: bool = True, on_document=None, map_documents=map, progress: bool = False,
          xlsx: str | Path | None = None, page_images: bool | str | None = None, digest=None
          ) -> tuple[dict, list[IngestError]]:
    """The findings of a collected (pipeline.Collected) and validated run; with `out_dir`, written there
    with the HTML report, the Data Docs and the run's log. `keep=False`: the contract without its
    claims and table checks (they are in the files and went to `on_document`). `map_documents(fn,
    items)`: how the documents are mapped, in input order (auditor.parallel.mapper: in workers).
    `reviews`: the verdicts (auditor.review.load_reviews, or the file to load; a file that is missing
    or bad raises review.ReviewError); `xlsx`: the working paper's path (auditor.report.xlsx);
    `page_images`: each document page shows its PDF pages that carry a fail or warn (report.pages).
    `digest(part)`: made where each part is made, and handed to `on_document` instead of the part
    (then, with `keep=False`, no working paper and no reviews, no part travels between processes)."""
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
    labels = {}  # check ids and sentences of the rows that did not pass and that the Data Docs list

    # the part itself travels back when the caller, the working paper or the stale reviews read it
    needs = Needs(part=keep or (on_document is not None and digest is None) or paper is not None or bool(reviews),
                  digest=digest if on_document is not None else None, reviews=reviews,
                  spool=writer.spool if writer is not None else None)
    if out is not None and validation.results:
        from auditor.report import datadocs

        needs.labelled = datadocs.shown_rows(validation)

    def deliver(done: Done) -> None:
        result["documents"] += done.documents
        if keep:
            result["claims"] += done.part["claims"]
            result["table_checks"] += done.part["table_checks"]
        if writer is not None:
            writer.add_spooled(done.texts)
            site.take(done.summary)
        if paper is not None:
            paper.add(done.part)
        if stale.reviews:
            stale.see(done.part)
        if on_document is not None:
            on_document(done.shown if needs.digest is not None else done.part)

    def one(i: int) -> Done:
        return document_part(run, validation, site, i, needs)

    bar = progress_bar(len(run.docs), progress, "findings")
    log = list(run.log)
    try:
        for done in map_documents(one, range(len(run.docs))):
            deliver(done)
            labels.update(done.labels)
            error = done.error
            if error is not None:
                errors.append(error)
                if error.detail:
                    log.append(f"{text_to_line(error.path)}: {error.detail.rstrip()}")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    deliver(part_to_done({"documents": fnd.error_documents(run.errors), "claims": [], "table_checks": []},
                         site, {}, needs))
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
