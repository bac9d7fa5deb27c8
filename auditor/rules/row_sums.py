"""行间合计 — a total row equals the sum of the rows data/table_checks.yaml names for it
(收入总计 = 本年收入合计 + 上年结转 …), side-by-side layouts read per label."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import says, table_of
from auditor.model import Table
from auditor.numbers import Interval, interval_sum
from auditor.rules.base import TABLE, Context, Row, Rule, table_rules

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, t: Table) -> list[Row]:
    rows = []
    for spec in table_rules().get("row_sums") or []:
        if t.type not in spec["tables"]:
            continue
        segs = link.segments(t)
        whole = first_figure(t, segs, spec["whole"])
        parts = [first_figure(t, segs, p) for p in spec["parts"]]
        if whole is None or whole[1] is None or any(p is None for p in parts):
            continue
        vals = [p[1] or Decimal(0) for p in parts]
        expected = interval_sum(Interval.printed(v) if v else Interval.exact(v) for v in vals)
        terms = [says("row_sums.part", label=p[0], value=v) for p, v in zip(parts, vals)]
        ev = says("row_sums.sum", table=table_of(t), label=whole[0], whole=whole[1], parts=terms,
                  cells=[x[2] for x in [whole, *parts] if x[2] is not None])
        rows.append(ctx.table_row(t, f"{whole[0]}={'+'.join(p[0] for p in parts)}", RULE_ID, whole[1], expected, ev))
    return rows


def first_figure(t: Table, segs, row_pattern: str):
    """(label, first figure or None, its cell) of the first row the pattern names that has figures."""
    for r, label, figs in link.row_pattern(row_pattern).select(segs):
        if figs:
            hit = next(((col, v) for col, v in figs if v is not None), None)
            if hit is None:
                return label, None, None
            return label, hit[1], link.Cell(t, r, hit[0], label, hit[1]).ref()
    return None


RULE = Rule(
    id="row_sums", reports=RULE_ID, scope=TABLE, applies_to=("*",),
    name="行间合计", name_en="Rows add up",
    summary="总计行应等于其组成行之和（如收入总计 = 本年收入合计 + 上年结转）。",
    summary_en="A total row equals the sum of its part rows (e.g. 收入总计 = 本年收入合计 + 上年结转).",
    levels=("warn", "fail"), examples="corpus/rules/row_sums.yaml", check=check)
