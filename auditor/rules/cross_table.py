"""表间数字一致 — the same total (data/evidence.yaml `agree_across_tables`) printed in two tables."""
from __future__ import annotations

from auditor import link
from auditor.evidence import says
from auditor.numbers import Interval
from auditor.rules.base import TABLES, Context, Row, Rule

RULE_ID = "figure_agrees_across_tables"


def check(ctx: Context) -> list[Row]:
    rows = []
    for concept in link.cross_table_concepts():
        cells = ctx.found[concept] if concept in ctx.found else link.find(concept, ctx.doc.tables)
        by_table: dict[int, link.Cell] = {}
        for cell in cells:
            if cell.value is not None:
                by_table.setdefault(cell.table.index, cell)
        found = list(by_table.values())
        if len(found) < 2:
            continue
        first = found[0]
        for other in found[1:]:
            v, lo, hi = other.in_unit(first.table.unit)
            rows.append(ctx.table_row(first.table, f"{concept}~T{other.table.index}", RULE_ID, first.value,
                                      Interval(lo, hi), says("cross_table.pair", concept=concept,
                                                             first=first.ref(), other=other.ref())))
    return rows


RULE = Rule(
    id="cross_table", reports=RULE_ID, scope=TABLES, applies_to=("*",),
    name="表间数字一致", name_en="A figure agrees across tables",
    summary="同一合计数在不同表中应一致（如收支总表与财政拨款收支总表的支出合计）。",
    summary_en="The same total agrees wherever two tables print it.",
    levels=("warn", "fail"), examples="corpus/rules/cross_table.yaml", check=check)
