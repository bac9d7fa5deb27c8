"""增减额与计算一致 — a stated change ("比上年增加50.20万元") equals this year's figure minus last
year's when the sentence states both ("较上年的560.20万元", "由A增加到B", "上年为A，本年为B"), or
agrees with this year's figure and the rate the sentence states ("595.94万元，增加206.67万元，增长53%":
the change is 595.94 × 53% ÷ 153%; a miss there is worth a look, the rate's own check says which)."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval
from auditor.rules import prose, sentence
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None or c.unit not in link.UNIT_IN_YUAN or not c.direction:
        return []
    k = link.conversion("万元", c.unit)
    got = sentence.levels(ctx, c)
    if got is not None:
        prior, current = got
        delta = sentence.difference(prior, current)
        size = Interval(abs(delta.lo), abs(delta.hi)) if delta.lo * delta.hi >= 0 else \
            Interval(Decimal(0), max(abs(delta.lo), abs(delta.hi)))
        return [ctx.claim_row(c, RULE_ID, says("change.levels", current=quote(current.text, current.id),
                                               prior=quote(prior.text, prior.id)), expected=size.scale(k))]
    current = ctx.by_id.get(c.of) if c.of else None
    rate = sentence.sibling_rate(ctx, c)
    if current is not None and current.base and sentence.is_prior(ctx, current) and sentence.money(current) \
            and rate is not None and rate.stated is not None:
        # "与2016年度相比（2016年度…为A万元），增加C万元，增长X%": C = A × X%
        ev = says("change.from_prior_rate", prior=quote(current.text, current.id), rate=quote(rate.text, rate.id))
        share = Interval.printed(rate.stated).scale(Decimal("0.01"))
        return [ctx.claim_row(c, RULE_ID, ev, expected=sentence.in_wan(current).scale(k).times(share), cap="warn")]
    if current is not None and current.stated is not None and current.unit in link.UNIT_IN_YUAN \
            and not current.base and rate is not None and rate.stated is not None:
        r = Interval.printed(rate.stated)
        whole = (Interval(HUNDRED, HUNDRED) + r) if c.direction > 0 else (Interval(HUNDRED, HUNDRED) - r)
        share = r.ratio(whole)
        if share is not None:
            ev = says("change.from_rate", current=quote(current.text, current.id), rate=quote(rate.text, rate.id),
                      sign="+" if c.direction > 0 else "−")
            return [ctx.claim_row(c, RULE_ID, ev, expected=sentence.in_wan(current).scale(k).times(share),
                                  cap="warn")]
    why = "change.in_reason" if prose.inside_reason(c) else "change.no_figures"
    return [ctx.claim_row(c, RULE_ID, says(why), has_evidence=False)]


RULE = Rule(
    id="change", reports=RULE_ID, scope=CLAIM, applies_to=("change",),
    name="增减额与计算一致", name_en="Change matches the figures",
    summary="文中增减额应等于句中本年数减上年数；句中只有本年数与增长率时，应与二者相符。",
    summary_en="A stated change equals this year's minus last year's figure as the sentence states them, "
               "or agrees with this year's figure and the stated rate.",
    levels=("warn", "fail"), examples="corpus/rules/change.yaml", check=check)
