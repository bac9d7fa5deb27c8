"""与上年文件一致 — a change or growth "比上年" against the same department's previous-year document
in the run: change = this year's figure − last year's table figure; growth = change ÷ last year's.
A direction word against the two years' figures is a contradiction (prose_consistent)."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.claims import is_last_year
from auditor.evidence import in_document, quote, says
from auditor.numbers import Interval
from auditor.rules import flat, prose
from auditor.rules.base import CORPUS, Row, Rule, miss

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)


def check(claims: list, prior_of: dict[str, tuple[str, int]], values: dict[str, dict]) -> list[Row]:
    """`prior_of`: doc -> (previous-year doc, its year); `values`: per doc, the figures its tables
    give for the concepts its narrative names (checks.document_checks)."""
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
        options = same_places(values.get(prior_doc, {}).get("concepts", {}).get(concept) or [], places)
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
    """A cell as plain data (table type, column, 万元 interval, the cell) for cross-document checks."""
    _, lo, hi = cell.in_unit("万元")
    return (cell.table.type, link.clean_column(cell.column), str(lo), str(hi), cell.ref())


def same_places(candidates: list[tuple], places: list[tuple] | None) -> list[tuple]:
    """The prior year's cells in the table types and columns where this year's figure is printed
    (failing that, the same table types; failing that, the first found)."""
    places = places or []
    for key in (lambda x: any(x[:2] == p[:2] for p in places), lambda x: any(x[0] == p[0] for p in places)):
        hits = [x for x in candidates if key(x)]
        if hits:
            return hits
    return candidates[:1]


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
    where = says("year_on_year.where", doc=prior_doc, cell=in_document(prior[4], prior_doc))
    return _row(c, says("year_on_year.flat", current=quote(current.text, current.id), where=where),
                stated=current.stated, unit=current.unit, expected=last, cap="warn" if loose else "")


def _against(c, current, cur: Interval, prior: tuple, prior_doc: str) -> Row | None:
    last = Interval(Decimal(prior[2]), Decimal(prior[3]))
    delta = cur - last
    where = says("year_on_year.where", doc=prior_doc, cell=in_document(prior[4], prior_doc))
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
