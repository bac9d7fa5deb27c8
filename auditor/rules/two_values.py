"""同一事项前后数字一致 — one concept stated with two different amounts in one section."""
from __future__ import annotations

from collections import defaultdict

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval
from auditor.rules import prose
from auditor.rules.base import CLAIMS, Context, Row, Rule

RULE_ID = "prose_consistent"


def check(ctx: Context) -> list[Row]:
    groups: dict[tuple, list] = defaultdict(list)
    for c in ctx.claims:
        if (c.kind == "amount" and c.subject and c.stated is not None and not c.base and c.unit
                and not c.parent and c.unit in link.UNIT_IN_YUAN and not prose.counted(c.subject)
                and not prose.in_reason(c)):
            groups[(c.section, c.subject, c.subject_text or "", c.qualifier or "", c.unit)].append(c)
    rows = []
    for (_, subject, _, _, _), cs in groups.items():
        first = cs[0]
        for other in cs[1:]:
            if not Interval.printed(first.stated).meets(Interval.printed(other.stated)):
                rows.append(ctx.claim_row(other, RULE_ID, says("two_values.differ", subject=subject,
                                                               first=quote(first.text, first.id),
                                                               other=quote(other.text, other.id)),
                                          holds=False))
    return rows


RULE = Rule(
    id="two_values", reports=RULE_ID, scope=CLAIMS, applies_to=("amount",),
    name="同一事项前后数字一致", name_en="One concept, one value",
    summary="同一节内对同一事项先后陈述的金额应一致。",
    summary_en="Within one section, the same concept is stated with the same amount each time.",
    levels=("fail",), examples="corpus/rules/two_values.yaml", check=check)
