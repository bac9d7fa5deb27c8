"""“无”与表格一致 — "本单位无…" / a 空表 note against the tables that hold the concept."""
from __future__ import annotations

from decimal import Decimal

from auditor.evidence import says
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "absence_matches_tables"


def check(ctx: Context, c) -> list[Row]:
    cells = ctx.cells(c.subject)
    nonzero = [x for x in cells if x.value not in (None, Decimal(0))]
    if nonzero:
        return [ctx.claim_row(c, RULE_ID, says("absence.but_data", cell=nonzero[0].ref()), holds=False, stated=None)]
    empty = ctx.published_empty(c.subject)
    if cells or empty:
        ev = empty or says("absence.cells", cells=[x.ref() for x in cells[:2]])
        return [ctx.claim_row(c, RULE_ID, ev, stated=None)]
    label = c.subject or c.subject_text
    return [ctx.claim_row(c, RULE_ID, says("tables.not_found", label=label) if label else says("amount.no_subject"),
                          has_evidence=False, stated=None)]


RULE = Rule(
    id="absence", reports=RULE_ID, scope=CLAIM, applies_to=("absence",),
    name="“无”与表格一致", name_en="A stated absence matches the tables",
    summary="文中称“无”某项支出时，表中该项应为零或空表。",
    summary_en="When the prose says there is no such spending, its table cells are zero or the table is empty.",
    levels=("fail",), examples="corpus/rules/absence.yaml", check=check)
