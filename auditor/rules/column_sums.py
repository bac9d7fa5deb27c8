"""列间合计 — in every row of a table, a whole column equals the sum of its part columns
(合计 = 基本支出 + 项目支出 …), as data/table_checks.yaml lists them per table type."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import CELL, says, table_of
from auditor.model import Table
from auditor.numbers import printed_sum
from auditor.rules.base import TABLE, Context, Row, Rule, table_rules

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, t: Table) -> list[Row]:
    rows = []
    for spec in table_rules().get("column_sums") or []:
        if t.type not in spec["tables"]:
            continue
        cols = [link.clean_column(c) for c in t.columns]
        whole_rx = link._rx(spec["whole"])
        wj = next((j for j, c in enumerate(cols) if whole_rx.search(c)), None)
        part_js = [columns_matching(cols, p, wj) for p in spec["parts"]]
        if wj is None or not all(part_js):
            continue
        part_js += [columns_matching(cols, p, wj) for p in spec.get("optional", [])]
        rows.extend(column_relation(ctx, t, wj, [j for js in part_js for j in js], "r"))
    return rows


def column_relation(ctx: Context, t: Table, w: int, parts: list[int], key: str) -> list[Row]:
    """One row per table row: column w against the sum of the `parts` columns."""
    names = [t.columns[j] for j in parts]
    head = t.columns[w]
    labels = link.row_labels(t)
    tref = table_of(t)
    columns = t.columns
    found = []
    for r, row in enumerate(t.rows):
        whole = row[w]
        if type(whole) is not Decimal:
            continue
        label = labels[r]
        # the cells are built in place (evidence.cell's fields): a table has thousands of them
        cells = [(CELL, tref, r, j, label, columns[j], row[j]) for j in parts if type(row[j]) is Decimal]
        if not cells:
            continue
        ev = says("column_sums.row", table=tref, label=label or r, head=head,
                  whole=(CELL, tref, r, w, label, head, whole), names=names, parts=cells)
        found.append(ctx.table_row(t, f"{key}{r}:{head}", RULE_ID, whole, printed_sum([row[j] for j in parts
                                                                                       if type(row[j]) is Decimal]), ev))
    return found


def columns_matching(cols: list[str], pattern: str, but: int | None) -> list[int]:
    rx = link._rx(pattern)
    return [j for j, c in enumerate(cols) if rx.search(c) and j != but]


RULE = Rule(
    id="column_sums", reports=RULE_ID, scope=TABLE, applies_to=("*",),
    name="列间合计", name_en="Columns add up",
    summary="表中每一行的合计列应等于各组成列之和（如合计 = 基本支出 + 项目支出）。",
    summary_en="In every row, the total column equals the sum of its part columns (e.g. 合计 = 基本支出 + 项目支出).",
    levels=("warn", "fail"), examples="corpus/rules/column_sums.yaml", check=check)
