"""增减表述不可能成立 — a change that cannot be, whether or not the sentence names its subject:
a direction word against the sign of its figure ("增加-2.00万元"), against the two levels the
sentence states (A then B, "增加" although B < A), against another direction word of the same
figure ("减少84.20万元，增长12.3%"), a growth rate on a zero or negative base, a fall of more than
100% ("下降135%"), an increase to a level of zero ("预算0万元，比上年增加356.70万元")."""
from __future__ import annotations

from decimal import Decimal

from auditor.evidence import quote, says
from auditor.rules import growth, sentence
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "prose_consistent"
HUNDRED = Decimal(100)


def check(ctx: Context, c) -> list[Row]:
    ev = problem(ctx, c)
    return [ctx.claim_row(c, RULE_ID, ev, holds=False, level="fail")] if ev is not None else []


def problem(ctx: Context, c):
    """What makes the change impossible, as evidence; None when nothing does."""
    if c.stated is None:
        return None
    if c.kind == "change" and c.stated < 0 and c.direction in (1, -1):
        return says("impossible_change.against_sign")
    if not c.direction:
        return None
    if c.kind == "growth" and c.direction < 0 and c.stated > HUNDRED:
        return says("impossible_change.fall_over_100")
    got = sentence.levels(ctx, c)
    if got is not None:
        prior, current = got
        q_prior, q_current = quote(prior.text, prior.id), quote(current.text, current.id)
        if c.kind == "growth" and prior.stated <= 0:
            return says("impossible_change.zero_prior", prior=q_prior)
        moved = sentence.sign(sentence.difference(prior, current))
        if moved and moved != c.direction:
            return says("impossible_change.levels_up" if moved > 0 else "impossible_change.levels_down",
                        prior=q_prior, current=q_current)
    current = ctx.by_id.get(c.of) if c.of else None
    if c.direction > 0 and current is not None and current.stated == 0 and not current.base \
            and sentence.same_sentence(current, c):
        return says("impossible_change.zero_now", current=quote(current.text, current.id))
    other = next((o for o in ctx.in_sentence(c) if o is not c and o.kind in ("change", "growth") and o.direction
                  and o.direction != c.direction and o.start < c.start
                  and o.of == c.of and (o.subject == c.subject)), None)
    if other is not None and c.kind == "growth":
        return says("impossible_change.two_directions", first=quote(other.text, other.id), then=quote(c.text, c.id))
    if c.kind == "growth":
        got = growth.prior_and_change(ctx, c)
        if got is not None and got[1].ratio(got[0]) is None:
            return says("impossible_change.zero_base", formula=got[2])
    return None


RULE = Rule(
    id="impossible_change", reports=RULE_ID, scope=CLAIM, applies_to=("growth", "change"),
    name="增减表述不可能成立", name_en="An impossible change",
    summary="增减方向与数值符号、与句中前后两个数或与同句另一方向词相反，以零或负数为基数陈述增长率，"
            "下降超过100%，或本年数为零却称增加。",
    summary_en="A direction word against the sign, the two stated levels or another direction word; a rate on a zero "
               "or negative base; a fall of more than 100%; an increase to a level of zero.",
    levels=("fail",), examples="corpus/rules/impossible_change.yaml", check=check)
