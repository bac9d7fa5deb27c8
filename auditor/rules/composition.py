"""其中各项之和等于总数 — the parts a "其中…" list states add up to the figure it follows."""
from __future__ import annotations

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval, interval_sum
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, c) -> list[Row]:
    total = ctx.by_id.get(c.of) if c.of else None
    if total is None or total.stated is None:
        return []
    parts = [ctx.by_id[p] for p in (c.parts or []) if p in ctx.by_id]
    parts = [p for p in parts if p.stated is not None and p.unit == total.unit]
    if len(parts) < 2 or any(p.block != total.block for p in parts):
        return []  # a list running over paragraphs is too loosely bound to add up
    money = total.unit in link.UNIT_IN_YUAN
    total_iv = interval_sum((Interval.printed if money else Interval.exact)(p.stated) for p in parts)
    ev = says("composition.sum", total=quote(total.text, total.id), parts=[quote(p.text, p.id) for p in parts])
    return [ctx.claim_row(c, RULE_ID, ev, expected=total_iv, stated=total.stated, unit=total.unit)]


RULE = Rule(
    id="composition", reports=RULE_ID, scope=CLAIM, applies_to=("composition",),
    name="其中各项之和等于总数", name_en="Listed parts sum to their total",
    summary="“其中：…”列出的各项金额之和应等于其所属的总数。",
    summary_en="The amounts a “其中” list states add up to the total it belongs to.",
    levels=("warn", "fail"), examples="corpus/rules/composition.yaml", check=check)
