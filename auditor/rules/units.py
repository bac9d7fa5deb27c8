"""元与万元一致 — a project's money in 元 (项目绩效目标表) against the same project in 万元 (项目支出表)."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import says, table_of
from auditor.model import Table
from auditor.numbers import Interval
from auditor.rules.base import TABLES, Context, Row, Rule, pattern, vocab

RULE_ID = "units_agree"


def check(ctx: Context) -> list[Row]:
    projects: dict[str, link.Cell] = {}
    for t in ctx.doc.tables:
        if t.type == "project_expenditure" and not t.empty:
            for r, label, figs in link.segments(t):
                val = next((v for _, v in figs if v is not None), None)
                if val is not None and label:
                    projects.setdefault(label, link.Cell(t, r, figs[0][0], label, val))
    rows = []
    for t in ctx.doc.tables:
        if t.type != "project_performance":
            continue
        name, amount = performance_amount(t)
        if not name or amount is None or name not in projects:
            continue
        ref = projects[name]
        unit = amount[1] or t.unit or "元"
        factor = link.conversion(ref.table.unit, unit)
        ref_iv = Interval.printed(ref.value).scale(factor)
        r = ctx.table_row(t, f"units:{name}", RULE_ID, amount[0], ref_iv,
                          says("units.pair", table=table_of(t), name=name, amount=amount[0], unit=unit,
                               ref=ref.ref()))
        r.unit = unit
        rows.append(r)
    return rows


def performance_amount(t: Table):
    """(project name, (amount, unit or None)) of a 项目绩效目标表."""
    name, amount = None, None
    name_label = vocab("units")["project_name"]
    amount_label, unit_in_label = pattern("units", "amount_label"), pattern("units", "unit_in_label")
    for row in t.rows:
        cells = [c for c in row if c is not None and c != ""]
        for i, c in enumerate(cells):
            if name is None and isinstance(c, str) and link.clean_label(c) == name_label:
                nxt = next((x for x in cells[i + 1:] if isinstance(x, str) and x.strip()), None)
                name = link.clean_label(nxt) if nxt else None
            if amount is None and isinstance(c, str) and amount_label.search(c):
                val = next((x for x in cells[i + 1:] if isinstance(x, Decimal)), None)
                unit_m = unit_in_label.search(" ".join(x for x in cells if isinstance(x, str)))
                if val is not None:
                    amount = (val, unit_m.group(1) if unit_m else None)
        if name is not None and amount is not None:
            break  # both found: the rest of the form cannot change them
    return name, amount


RULE = Rule(
    id="units", reports=RULE_ID, scope=TABLES, applies_to=("project_performance",),
    name="元与万元一致", name_en="Units agree",
    summary="绩效目标表中以元计的项目资金应等于项目支出表中以万元计的同一项目。",
    summary_en="A project's money in 元 (performance table) equals the same project in 万元 (project table).",
    levels=("warn", "fail"), examples="corpus/rules/units.yaml", check=check)
