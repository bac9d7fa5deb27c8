"""收支总表分项合计 — in the 收支总表 layouts, the top-level items of a side ("一、…", "二、…") add
up to the first total below them on that side (本年收入合计, 本年支出合计, 收入合计 …)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from auditor import link
from auditor.evidence import VALUE, says, table_of
from auditor.model import Table
from auditor.numbers import Interval, normalize, printed_sum
from auditor.rules.base import TABLE, Context, Row, Rule, cell_ref, pattern, vocab

RULE_ID = "parts_sum_to_whole"
_TOP_ITEM, _SIDE_TOTAL = pattern("ordinal_sums", "top_item"), pattern("ordinal_sums", "side_total")


def check(ctx: Context, t: Table) -> list[Row]:
    rows = []
    for j in range(len(t.columns) - 1):
        items, total = [], None
        for r, row in enumerate(t.rows):
            label, fig = row[j], row[j + 1]
            if not isinstance(label, str) or not label.strip() or isinstance(fig, str):
                continue
            top, side_total = side_label(label)
            if top:
                items.append((r, fig))
            elif side_total is not None and items:
                total = (r, side_total, fig)
                break
        if total is None or not isinstance(total[2], Decimal) or len(items) < 2:
            continue
        cells = [cell_ref(t, r, j + 1, link.clean_label(t.rows[r][j])) for r, v in items if isinstance(v, Decimal)]
        labels = [link.clean_label(t.rows[r][j]) for r, _ in items]
        expected = printed_sum([x[VALUE] for x in cells]) if cells else Interval.exact(Decimal(0))
        ev = says("ordinal_sums.sum", table=table_of(t), total=total[1],
                  whole=cell_ref(t, total[0], j + 1, total[1]), labels=labels[:3], n=len(items), parts=cells)
        rows.append(ctx.table_row(t, f"ordinal:c{j}:{total[1]}", RULE_ID, total[2], expected, ev))
    return rows


@lru_cache(maxsize=1 << 14)  # the same labels in every 收支总表
def side_label(label: str) -> tuple[bool, str | None]:
    """What a label cell is to its side of a 收支总表: (a top-level item "一、…", else the side total
    it names, cleaned, or None)."""
    text = normalize(label).strip()
    if _TOP_ITEM.match(text):
        return True, None
    cleaned = link.clean_label(text)
    return False, (cleaned if _SIDE_TOTAL.fullmatch(cleaned) else None)


RULE = Rule(
    id="ordinal_sums", reports=RULE_ID, scope=TABLE, applies_to=tuple(vocab("ordinal_sums")["tables"]),
    name="收支总表分项合计", name_en="Summary items add up",
    summary="收支总表一侧的“一、”“二、”等分项之和应等于其下第一个合计行。",
    summary_en="On each side of a summary table, the top-level items add up to the first total below them.",
    levels=("warn", "fail"), examples="corpus/rules/ordinal_sums.yaml", check=check)
