"""项目个数与表格一致 — "涉及项目15个" equals the projects a 项目支出表 lists."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import says, table_of
from auditor.model import Table
from auditor.numbers import Interval
from auditor.rules.base import CLAIM, Context, Row, Rule, pattern

RULE_ID = "count_matches_rows"


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None:
        return []
    if c.subject != "项目数":  # people, vehicles, equipment: the members rule checks them when listed
        return [ctx.claim_row(c, RULE_ID, says("count.no_source"), has_evidence=False)]
    counts = [(t, project_count(t)) for t in ctx.tables if t.type == "project_expenditure" and not t.empty]
    counts = [(t, n) for t, n in counts if n]
    if not counts:
        return [ctx.claim_row(c, RULE_ID, says("count.no_table"), has_evidence=False)]
    t, n = min(counts, key=lambda tn: abs(tn[1] - int(c.stated)))
    return [ctx.claim_row(c, RULE_ID, says("count.rows", table=table_of(t), n=n),
                          expected=Interval.exact(Decimal(n)))]


def project_count(t: Table) -> int:
    """Projects listed in a 项目支出表: figure rows that are neither totals nor group rows
    (a group row's figure is the sum of the rows right below it)."""
    vals: list[Decimal] = []
    labels: list[str] = []
    unit_code, total = pattern("count", "unit_code"), pattern("count", "total_label")
    for r, row in enumerate(t.rows):
        label = link._row_label(t, r)
        fig = next((c for c in row if isinstance(c, Decimal)), None)
        unit_row = any(isinstance(c, str) and unit_code.fullmatch(c.strip()) for c in row)
        if fig is None or unit_row or total.fullmatch(label or ""):
            continue
        vals.append(fig)
        labels.append(link.clean_label(" ".join(c for c in row if isinstance(c, str))))
    n = len(vals)
    group = [False] * n

    def is_group(i: int) -> bool:
        acc = Decimal(0)
        for j in range(i + 1, n):
            acc += vals[j]
            if abs(acc - vals[i]) <= Decimal("0.005") * (j - i + 1):
                # one child with the same figure: a heading row when the child repeats its name
                return j > i + 1 or group[i + 1] or (labels[i] and labels[i] in labels[i + 1])
            if acc > vals[i]:
                return False
        return False

    for i in range(n - 1, -1, -1):
        group[i] = is_group(i)
    return sum(1 for g in group if not g)


RULE = Rule(
    id="count", reports=RULE_ID, scope=CLAIM, applies_to=("count",),
    name="项目个数与表格一致", name_en="Project count matches the table",
    summary="文中“涉及项目N个”应等于项目支出表列出的项目数（不含合计与分组行）。",
    summary_en="A stated number of projects equals the projects the 项目支出表 lists (totals and group rows left out).",
    levels=("warn", "fail"), examples="corpus/rules/count.yaml", check=check)
