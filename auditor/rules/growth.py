"""增长率与增减额一致 — a stated rate ("增长53%") equals change ÷ last year's figure.

Evidence: the change stated in the same sentence ("增加206.67万元") and the figure it changes;
last year's figure is that figure minus the change, or the figure itself when the sentence
states the comparison year's own figure ("2016年度…为8,648.07万元").
"""
from __future__ import annotations

from decimal import Decimal

from auditor.evidence import quote, says
from auditor.numbers import Interval, fmt
from auditor.rules import prose, sentence
from auditor.rules.base import CLAIM, Context, Row, Rule, pattern

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)
_YEAR_OF = pattern("growth", "year_of")


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None:
        return []
    got = prior_and_change(ctx, c) or from_levels(ctx, c)
    if got is None:
        return [ctx.claim_row(c, RULE_ID, says("growth.no_figures"), has_evidence=False)]
    prior, chg, formula = got
    rate = chg.ratio(prior)
    if rate is None:
        return []  # no rate from a zero or negative base: rules/impossible_change.py says so
    rate = rate.scale(HUNDRED)
    if formula["says"] == "growth.on_levels" and not Interval.printed(c.stated).meets(rate):
        named = wrong_level(ctx, c, rate)
        if named is not None:
            return [named]
    return [ctx.claim_row(c, RULE_ID, formula, expected=rate)]


def wrong_level(ctx: Context, c, rate: Interval) -> Row | None:
    """"上年A，本年B，增长X%" where X is (T − A) ÷ A for the table's figure T of this year, not B: the
    rate holds and B is the wrong figure (the amount rule fails it); the row names it."""
    prior, current = sentence.levels(ctx, c)
    cell = ctx.nearest.get(current.id)
    if cell is None or cell.value is None:
        return None
    _, lo, hi = cell.in_unit("万元")
    size = _size(Interval(lo, hi) - sentence.in_wan(prior))
    by_table = size.ratio(sentence.in_wan(prior))
    if by_table is None or not Interval.printed(c.stated).meets(by_table.scale(HUNDRED)):
        return None
    ev = says("growth.wrong_level", rate=fmt(rate.mid, 2), cell=cell.ref(), current=quote(current.text, current.id),
              prior=quote(prior.text, prior.id))
    return ctx.claim_row(c, RULE_ID, ev, expected=by_table.scale(HUNDRED))


def _size(delta: Interval) -> Interval:
    """How big a change is, whatever its sign (the direction word gives the sign)."""
    if delta.lo * delta.hi >= 0:
        return Interval(abs(delta.lo), abs(delta.hi))
    return Interval(Decimal(0), max(abs(delta.lo), abs(delta.hi)))


def from_levels(ctx: Context, c):
    """(last year's figure, the size of the change, the formula) from the two levels the sentence
    states ("上年执行数为A，本年预算B，增长X%", "由A增加到B"): (B − A) ÷ A, the direction word giving the sign."""
    got = sentence.levels(ctx, c)
    if got is None:
        return None
    prior, current = got
    formula = says("growth.on_levels", current=quote(current.text, current.id), prior=quote(prior.text, prior.id))
    return sentence.in_wan(prior), _size(sentence.difference(prior, current)), formula


def prior_and_change(ctx: Context, c):
    """(last year's figure, the change, the formula as evidence) of a growth claim, from its
    sentence; None when the sentence holds no current figure and change to compute it from."""
    current = ctx.by_id.get(c.of) if c.of else None
    change = sentence.sibling_change(ctx, c)
    if current is None or change is None or current.stated is None or change.stated is None:
        return None
    cur, chg = Interval.printed(current.stated), Interval.printed(change.stated)
    sign = change.direction or c.direction or 1
    q_change, q_current = quote(change.text, change.id), quote(current.text, current.id)
    stated = sentence.levels(ctx, c)
    if current.base or earlier_year(ctx, current):
        prior = cur
        formula = says("growth.on_prior", change=q_change, current=q_current)
    elif stated is not None and stated[0].unit == change.unit:
        # "比2023年预算13,649.07万元增加2,248.37万元，增长16.47%": the base the sentence states
        prior = Interval.printed(stated[0].stated)
        formula = says("growth.on_prior", change=q_change, current=quote(stated[0].text, stated[0].id))
    else:
        prior = cur - chg if sign > 0 else cur + chg
        formula = says("growth.on_current", change=q_change, current=q_current, sign="−" if sign > 0 else "+")
    return prior, chg, formula


def earlier_year(ctx: Context, c) -> bool:
    years = [int(y) for y in _YEAR_OF.findall(prose.head(c))]
    return bool(ctx.doc.year and years and years[-1] < ctx.doc.year)


RULE = Rule(
    id="growth", reports=RULE_ID, scope=CLAIM, applies_to=("growth",),
    name="增长率与增减额一致", name_en="Growth rate matches the change",
    summary="文中“增长X%”应等于增减额除以上年数（本年数减增减额，或句中所述上年数）。",
    summary_en="A stated growth rate equals change ÷ last year's figure (current − change, or a stated base figure).",
    levels=("warn", "fail"), examples="corpus/rules/growth.yaml", check=check)
