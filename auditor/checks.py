"""Claims + tables -> check rows (plain records), through the rules of auditor/rules/.

Every row says what was stated, what the evidence gives (as an interval computed from rounded
inputs) and the evidence itself as data (auditor/evidence.py). A row with no evidence is
'unverified'. Yes/no checks (absence, prose contradictions, reasons) carry `holds` and the
`level` a failure means. GX judges the rows (auditor/gx.py).

    document_checks(doc, claims) -> (rows, figures)      a document's own rows (rules.document_rows)
    prior_year_rows(documents, claims, figures) -> rows  the year-on-year rows across documents
    rows_to_records(rows) -> records                     the rows as plain dicts (keys: COLUMNS)
"""
from __future__ import annotations

import re
from typing import Iterable

from auditor.model import Document
from auditor.rules import corpus_rows, document_rows, year_on_year
from auditor.rules.base import Row

COLUMNS = ["check_id", "doc", "scope", "rule", "claim_kind", "subject", "page", "section", "sentence",
           "text", "table", "stated", "unit", "stated_lo", "stated_hi", "step", "expected",
           "expected_lo", "expected_hi", "has_evidence", "holds", "level", "cap", "evidence", "by"]


def document_checks(doc: Document, claims: list) -> tuple[list[Row], dict]:
    """The document's own check rows, and for the year-on-year checks against the next year's
    document: the cells its amounts were found in (万元 intervals) and its tables."""
    rows, ctx = document_rows(doc, claims)
    record = year_on_year.cell_record
    values = {"claims": {cid: [record(x) for x in cells] for cid, cells in ctx.best.items()},
              "tables": list(doc.tables)}  # the next year's document looks up its own rows and concepts here
    return rows, values


_YEAR = re.compile(r"(?:19|20)\d{2}")


def series_key(doc: str, kind: str) -> str:
    """What stays the same from one year's disclosure of a department to the next:
    the document id without its year (js-npc-office-2018-budget -> js-npc-office--budget)."""
    return kind + "|" + _YEAR.sub("", doc)


def prior_documents(documents: list[dict]) -> dict[str, dict]:
    """doc -> the same department's previous-year document among `documents` (dicts with doc, year,
    department, kind; of two for one year, the later listed): the same series (series_key) and the
    same department (same_department: a name printed in full one year, abbreviated the next)."""
    def key(d: dict, year: int) -> tuple[str, int]:
        return series_key(d["doc"], d.get("kind") or ""), year

    by_series: dict[tuple[str, int], list[dict]] = {}
    for d in documents:
        if d.get("year"):
            by_series.setdefault(key(d, int(d["year"])), []).append(d)
    out = {}
    for d in documents:
        if not d.get("year"):
            continue
        same = [p for p in by_series.get(key(d, int(d["year"]) - 1), ())
                if same_department(p.get("department"), d.get("department"))]
        if same:
            out[d["doc"]] = same[-1]
    return out


def same_department(a: str | None, b: str | None) -> bool:
    """Two documents' departments are one: either unknown, or the shorter name's characters appear in
    the longer in order (江苏省人大 / 江苏省人大常委会办公厅, 中共江苏省委办公厅 / 中国共产党江苏省委员会办公厅)."""
    if not a or not b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    rest = iter(long_)
    return all(ch in rest for ch in short)


def prior_year_rows(documents: list[dict], claims: list, values: dict[str, dict]) -> list[Row]:
    """The year-on-year rows (rules/year_on_year.py) of the documents that have their previous
    year in the run. `documents`: dicts with doc, year, department, kind; `values`: per doc,
    from document_checks."""
    prior_of = {doc: (p["doc"], int(p["year"])) for doc, p in prior_documents(documents).items()}
    return corpus_rows(claims, prior_of, values)


def rows_to_records(rows: Iterable[Row]) -> list[dict]:
    """The check rows as plain records (keys: COLUMNS); check ids made unique (a claim may meet one rule twice)."""
    records, seen = [], {}
    for r in rows:
        d = r.as_dict()
        n = seen.get(d["check_id"], 0)
        seen[d["check_id"]] = n + 1
        if n:
            d["check_id"] = f"{d['check_id']}-{n + 1}"
        records.append(d)
    return records
