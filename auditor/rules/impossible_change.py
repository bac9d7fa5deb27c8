"""增减表述自相矛盾 — a change that cannot be: a direction word against the sign of its figure,
a growth rate on a zero or negative base."""
from __future__ import annotations

from auditor.evidence import says
from auditor.rules import growth
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "prose_consistent"


def check(ctx: Context, c) -> list[Row]:
    if c.kind == "change":
        if c.stated is not None and c.stated < 0 and c.direction in (1, -1):
            return [ctx.claim_row(c, RULE_ID, says("impossible_change.against_sign"), holds=False)]
        return []
    if c.stated is None:
        return []
    got = growth.prior_and_change(ctx, c)
    if got is not None and got[1].ratio(got[0]) is None:
        return [ctx.claim_row(c, RULE_ID, says("impossible_change.zero_base", formula=got[2]),
                              holds=False, level="fail")]
    return []


RULE = Rule(
    id="impossible_change", reports=RULE_ID, scope=CLAIM, applies_to=("growth", "change"),
    name="增减表述不可能成立", name_en="An impossible change",
    summary="增减方向词与数值符号相反，或以零、负数为基数陈述增长率。",
    summary_en="A direction word against the sign of its figure, or a growth rate on a zero or negative base.",
    levels=("fail",), examples="corpus/rules/impossible_change.yaml", check=check)
