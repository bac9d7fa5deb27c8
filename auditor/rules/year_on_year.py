"""与上年文件一致 — a change or growth "比上年" against the same department's previous-year document
in the run: change = this year's figure − last year's table figure; growth = change ÷ last year's.
A direction word against the two years' figures is a contradiction (prose_consistent).

Last year's figure is the one on the same row of the same table type, in the same column, as the
cell that holds this year's figure (its label, and its subject code where both have one); failing
that, the cells that hold the claim's concept in last year's tables (data/evidence.yaml), whether
or not last year's narrative named it; failing that, nil when the concept's table was published
empty. A blank on a labelled row is nil, as in the document's own checks."""
from __future__ import annotations

import re
from decimal import Decimal

from auditor import link
from auditor.claims import is_last_year
from auditor.evidence import in_document, quote, says, table_of
from auditor.numbers import Interval
from auditor.rules import flat, prose
from auditor.rules.base import CORPUS, Row, Rule, miss

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)


def check(claims: list, prior_of: dict[str, tuple[str, int]], values: dict[str, dict]) -> list[Row]:
    """`prior_of`: doc -> (previous-year doc, its year); `values`: per doc, the cells its amounts
    were found in, and its tables (checks.document_checks)."""
    by_id = {c.id: c for c in claims}
    rows = []
    for c in claims:
        flat = c.kind == "flat" and c.direction == 0
        if c.doc not in prior_of or not (flat or (c.kind in ("change", "growth") and c.direction and c.stated is not None)):
            continue
        prior_doc, prior_year = prior_of[c.doc]
        if c.base and not is_last_year(c.base) and c.base != f"{prior_year}年":
            continue
        current = by_id.get(c.of) if c.of else None
        if current is None or current.stated is None or current.unit not in link.UNIT_IN_YUAN \
                or prose.inside_reason(c):
            continue
        concept = current.subject or c.subject
        places = values.get(c.doc, {}).get("claims", {}).get(current.id)
        tables = values.get(prior_doc, {}).get("tables") or []
        options = same_rows(tables, places) or \
            same_places([cell_record(x) for x in link.find(concept, tables)] if concept else [], places) or \
            published_empty(concept, tables, prior_doc)
        if not options:
            continue
        k = link.conversion(current.unit, "万元")
        cur = Interval.printed(current.stated).scale(k)
        made = None
        for prior in options:
            row = (_flat_against if flat else _against)(c, current, cur, prior, prior_doc)
            if row is not None and (made is None or miss(row) < miss(made)):
                made = row
        if made is not None:
            rows.append(made)
    return rows


def cell_record(cell: link.Cell) -> tuple:
    """A cell as plain data for cross-document checks: (table type, column, 万元 interval, the cell,
    its row's label and subject code)."""
    _, lo, hi = cell.in_unit("万元")
    t = cell.table
    return (t.type, link.clean_column(cell.column), str(lo), str(hi), cell.ref(), link.clean_label(cell.label),
            _code(t, cell.row))


def _code(t, r: int) -> str | None:
    """Row r's subject code, if the table has a code column."""
    return t.codes[r] if t.codes and r < len(t.codes) else None


_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")


def same_rows(tables: list, places: list[tuple] | None) -> list[tuple]:
    """Last year's cells on the rows where this year's figure is printed: the same table type, the
    same label (one name inside the other will do when both rows carry the same subject code; two
    codes that differ are two subjects, and so is a code kept for a subject renamed), the same
    column, a year in the column's name aside ("2024年预算数" / "2023年预算数")."""
    out, seen = [], set()
    for place in places or []:
        if len(place) < 7:
            continue
        kind, column, label, code = place[0], _YEAR.sub("", place[1]), place[5], place[6]
        for t in tables:
            if t.type != kind or t.empty:
                continue
            for r, lab, figures in link.segments(t):
                theirs = _code(t, r)
                if not (lab == label or (code and theirs == code and (lab in label or label in lab))) \
                        or (code and theirs and theirs != code):
                    continue
                for col, v in figures:
                    key = (t.index, r, col)
                    if _YEAR.sub("", link.clean_column(col)) == column and key not in seen:
                        seen.add(key)
                        out.append(cell_record(link.Cell(t, r, col, lab, v)))
    return out


def published_empty(concept: str | None, tables: list, prior_doc: str) -> list[tuple]:
    """Last year's figure nil because the concept's table was published empty (a record like
    cell_record's, its evidence the empty table)."""
    t = link.empty_table(concept, tables)
    if t is None:
        return []
    return [(t.type, "", "0", "0", says("tables.published_empty", table=in_document(table_of(t), prior_doc)))]


def same_places(candidates: list[tuple], places: list[tuple] | None) -> list[tuple]:
    """The prior year's cells in the table types and columns where this year's figure is printed
    (failing that, the same table types; failing that, the first found)."""
    places = places or []
    for key in (lambda x: any(x[:2] == p[:2] for p in places), lambda x: any(x[0] == p[0] for p in places)):
        hits = [x for x in candidates if key(x)]
        if hits:
            return hits
    return candidates[:1]


def _where(prior: tuple, prior_doc: str) -> dict:
    """Where last year's figure is: its cell, or its table published empty (already named as last year's)."""
    term = prior[4]
    cell = term if isinstance(term, dict) else in_document(term, prior_doc)
    return says("year_on_year.where", doc=prior_doc, cell=cell)


def _row(c, evidence, **kw) -> Row:
    """Claim c's row against last year's document (the id every such row of c shares)."""
    return Row(check_id=f"{c.id}:vs_prior_year", doc=c.doc, scope="claim", rule=RULE_ID, evidence=evidence,
               claim_kind=c.kind, subject=c.subject or "", page=c.page, section=c.section or "",
               sentence=c.sentence, text=c.text, **kw)


def _flat_against(c, current, cur: Interval, prior: tuple, prior_doc: str) -> Row:
    """"与上年持平": this year's figure against last year's table figure."""
    last = Interval(Decimal(prior[2]), Decimal(prior[3])).scale(link.conversion("万元", current.unit))
    loose = flat.loose(c)
    if loose:
        last = flat.widen(last)
    where = _where(prior, prior_doc)
    return _row(c, says("year_on_year.flat", current=quote(current.text, current.id), where=where),
                stated=current.stated, unit=current.unit, expected=last, cap="warn" if loose else "")


def _against(c, current, cur: Interval, prior: tuple, prior_doc: str) -> Row | None:
    last = Interval(Decimal(prior[2]), Decimal(prior[3]))
    delta = cur - last
    where = _where(prior, prior_doc)
    q_current = quote(current.text, current.id)
    made = _row(c, None, stated=c.stated, unit=c.unit)
    if (delta.lo > 0 and c.direction < 0) or (delta.hi < 0 and c.direction > 0):
        made.rule, made.holds, made.stated = "prose_consistent", False, None
        made.evidence = says("year_on_year.up_but" if c.direction > 0 else "year_on_year.down_but",
                             current=q_current, where=where)
        return made
    size = Interval(abs(delta.lo), abs(delta.hi)) if delta.lo * delta.hi >= 0 else None
    if size is None:
        return None
    if c.kind == "change":
        if c.unit not in link.UNIT_IN_YUAN:
            return None
        made.expected = size.scale(link.conversion("万元", c.unit))
        made.evidence = says("year_on_year.change", current=q_current, where=where)
    else:
        rate = size.ratio(last)
        if rate is None:
            return None
        made.expected = rate.scale(HUNDRED)
        made.evidence = says("year_on_year.growth", current=q_current, where=where)
    return made


RULE = Rule(
    id="year_on_year", reports=RULE_ID, scope=CORPUS, applies_to=("change", "growth", "flat"),
    name="与上年文件一致", name_en="Agrees with last year's document",
    summary="“比上年增加X”应等于本年数减去同一部门上年公开文件表中的数字；增长率同理。",
    summary_en="A change “比上年” equals this year's figure minus the same department's previous-year table figure.",
    levels=("warn", "fail"), examples="corpus/rules/year_on_year.yaml", check=check)
