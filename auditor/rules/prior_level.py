"""上年数与增减一致 — an earlier period's figure ("2023年当年预算执行数为60.13万元", "上年为A",
"年初预算为A") is checked by the figures the same sentence states after it: this year's figure and
the change (A = B ∓ 增减额), the rate (A = B ÷ (1 ± 增长率)), "持平" (A = B) or, in an account, the
completion rate (年初预算 A = 决算 B ÷ 完成率). The current year's
figure is checked against the tables by its own rule; the arithmetic then fixes last year's.

It decides only when the arithmetic fixes the figure near its printed precision (the interval it
gives no wider than data/rules.yaml's `prior_level.max_units` units of its last digit: "增长5%"
cannot fix a figure to the cent, and then says so).
When the figures disagree, the change or the rate fails by its own check, and nothing says which
of them is wrong: last year's figure then stays unverified, with that reason."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval, unit_of_place
from auditor.rules import flat, sentence
from auditor.rules.base import CLAIM, Context, Row, Rule, vocab

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)
ONE = Interval(Decimal(1), Decimal(1))
MAX_UNITS = int(vocab("prior_level")["max_units"])  # data/rules.yaml


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None or c.unit not in link.UNIT_IN_YUAN or not sentence.is_prior(ctx, c):
        return []
    for r in ctx.claims:
        if r.kind not in ("change", "growth", "flat", "completion") or r.start <= c.start \
                or not sentence.same_sentence(r, c):
            continue
        got = sentence.levels(ctx, r)
        if got is None or got[0] is not c:
            continue
        current = got[1]
        expected, how = implied(current, r)
        if expected is None:
            return []
        expected = expected.scale(link.conversion("万元", c.unit))
        q_current, q_by = quote(current.text, current.id), quote(r.text, r.id)
        if expected.hi - expected.lo > MAX_UNITS * unit_of_place(c.decimals or 0):
            return [ctx.checked_by(c, r, "prior_of", RULE_ID, says("prior_level.too_coarse", by=q_by), None)]
        if not Interval.printed(c.stated).meets(expected):
            return [ctx.checked_by(c, r, "prior_of", RULE_ID, says("prior_level.unsettled", current=q_current, by=q_by),
                                   None)]
        up = (r.direction or 0) > 0
        ev = says(f"prior_level.{how}", current=q_current, by=q_by,
                  sign=("−" if up else "+") if how == "change" else ("+" if up else "−"))
        return [ctx.checked_by(c, r, "prior_of", RULE_ID, ev, expected)]
    return []


def implied(current, r) -> tuple[Interval | None, str]:
    """Last year's figure in 万元 as this year's figure and the change, rate or 持平 `r` give it."""
    cur = sentence.in_wan(current)
    if r.kind == "flat":
        return (flat.widen(cur) if flat.loose(r) else cur), "flat"
    if r.kind == "completion":
        return (cur.ratio(Interval.printed(r.stated).scale(1 / HUNDRED)) if r.stated else None), "completion"
    if r.stated is None or not r.direction:
        return None, ""
    if r.kind == "change":
        if r.unit not in link.UNIT_IN_YUAN:
            return None, ""
        chg = Interval.printed(r.stated).scale(link.conversion(r.unit, "万元"))
        return (cur - chg if r.direction > 0 else cur + chg), "change"
    rate = Interval.printed(r.stated).scale(1 / HUNDRED)
    return cur.ratio(ONE + rate if r.direction > 0 else ONE - rate), "growth"


RULE = Rule(
    id="prior_level", reports=RULE_ID, scope=CLAIM, applies_to=("amount",),
    name="上年数与增减一致", name_en="Last year's figure agrees with this year's and the change",
    summary="句中所述上年（或年初预算）数，应等于本年数减增减额、本年数 ÷（1 + 增长率），或持平时的本年数。",
    summary_en="A stated earlier-period figure equals this year's figure less the change, this year's ÷ (1 + rate), "
               "or this year's figure when “no change” is stated.",
    levels=("warn", "fail"), examples="corpus/rules/prior_level.yaml", check=check)
