"""占比与部分÷整体一致 — a stated share ("占30%") equals part ÷ whole.

Evidence: the part is the amount the share follows (or its concept's table cell); the whole is
the total its list belongs to, the total it names ("占本年支出合计的…"), or, naming none ("占比30%"),
its part's parent concept; that whole as the prose states it before, or its table cell. The interval comes from the rounded inputs.
"""
from __future__ import annotations

from decimal import Decimal

from auditor import nlp
from auditor.evidence import quote, says
from auditor.numbers import Interval, normalize
from auditor.rules.base import CLAIM, Context, Row, Rule, pattern

RULE_ID = "share_matches_ratio"
HUNDRED = Decimal(100)
_BARE = pattern("share", "bare")


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None:
        return []
    part = stated_value(ctx.by_id.get(c.of)) if c.of else table_value(ctx, c.subject, "万元")
    whole_subject = c.whole_subject or (implied_whole(ctx, c) if not c.whole else None)
    whole = (stated_value(ctx.by_id.get(c.whole)) if c.whole
             else stated_value(stated_before(ctx, c, whole_subject))
             or table_value(ctx, whole_subject, "万元"))
    if part is not None and whole is None and c.of and not c.whole and not c.whole_subject:
        found = total_before(ctx, c, part[0])
        if found is not None:
            return [found]
    if part is None or whole is None:
        return [ctx.claim_row(c, RULE_ID, says("share.unknown"), has_evidence=False)]
    ratio = part[0].ratio(whole[0])
    if ratio is None:
        return [ctx.claim_row(c, RULE_ID, says("share.zero_whole", whole=whole[1]), has_evidence=False)]
    return [ctx.claim_row(c, RULE_ID, says("share.ratio", part=part[1], whole=whole[1]),
                          expected=ratio.scale(HUNDRED))]


def implied_whole(ctx: Context, c) -> str | None:
    """A share that names no whole ("基本支出800.00万元，占比72.73%"): its part's parent concept."""
    part = ctx.by_id.get(c.of) if c.of else None
    if part is None or not part.subject or not _BARE.fullmatch(normalize(c.text).replace(" ", "")):
        return None
    return nlp.concept(part.subject).get("parent")


def total_before(ctx: Context, c, part: Interval) -> Row | None:
    """A bare share with no whole the ontology gives ("一般公共服务支出2,300.00万元，占82.14%" of a 类 that
    belongs to several totals): the total stated last before it (a side's total or a fund's, in its
    section or the ones before) whose ratio gives the stated share passes, cited; none giving it
    leaves the share unverified, as a guess at its whole would be."""
    stated, of = Interval.printed(c.stated), ctx.by_id[c.of]
    for o in reversed(ctx.claims[:ctx.claims.index(c)]):
        if o.kind != "amount" or o.base or o.stated is None or not o.subject or o.unit != of.unit:
            continue
        concept = nlp.concept(o.subject)
        if not (concept.get("total") or concept.get("fund")):
            continue
        ratio = part.ratio(Interval.printed(o.stated))
        if ratio is not None and ratio.scale(HUNDRED).meets(stated):
            q = stated_value(o)[1]
            return ctx.claim_row(c, RULE_ID, says("share.ratio", part=stated_value(of)[1], whole=q),
                                 expected=ratio.scale(HUNDRED))
    return None


def stated_value(c):
    """A claim's amount as an interval at its printed precision, and the claim quoted."""
    if c is None or c.stated is None:
        return None
    return Interval.printed(c.stated), quote(c.text, c.id)


def table_value(ctx: Context, concept: str | None, unit: str | None):
    cells = ctx.cells(concept)
    if not cells:
        return None
    _, lo, hi = cells[0].in_unit(unit)
    return Interval(lo, hi), cells[0].ref()


def stated_before(ctx: Context, c, concept: str | None):
    """The nearest amount claim of `concept` before `c`, in its section if there is one there
    (the prose's own figure for the whole of a share)."""
    if not concept:
        return None
    before = []
    for o in ctx.claims:
        if o is c:
            break
        if o.kind == "amount" and o.subject == concept and not o.base and o.stated is not None:
            before.append(o)
    same = [o for o in before if o.section == c.section]
    return (same or before or [None])[-1]


RULE = Rule(
    id="share", reports=RULE_ID, scope=CLAIM, applies_to=("share",),
    name="占比与部分÷整体一致", name_en="Share matches part ÷ whole",
    summary="文中“占X%”应等于部分除以整体，部分与整体取自同句、同段或表格。",
    summary_en="A stated share equals part ÷ whole, taken from the sentence, the paragraph or the tables.",
    levels=("warn", "fail"), examples="corpus/rules/share.yaml", check=check)
