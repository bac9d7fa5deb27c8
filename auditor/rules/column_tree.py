"""表头层级合计 — every "X/合计" or "X/小计" column equals the sum of X's other columns (a child
with columns of its own counts through its own 小计, or its leaves; "其中" columns are parts of
a part and are left out)."""
from __future__ import annotations

import re

from auditor import link
from auditor.model import Table
from auditor.numbers import unit_of_last_digit
from auditor.rules.base import TABLE, Context, Row, Rule, miss, pattern, vocab
from auditor.rules.column_sums import column_relation

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, t: Table) -> list[Row]:
    cols = [link.clean_column(c) for c in t.columns]
    numeric = set(ctx.numeric_columns(t))
    unnamed = pattern("column_tree", "unnamed")
    part_of_part = vocab("column_tree")["part_of_part"]
    rows = []
    for w, path in enumerate(cols):
        parent = total_parent(path) if w in numeric else None
        if parent is None:
            continue
        groups: dict[str, list[int]] = {}
        for j, c in enumerate(cols):
            if j != w and j in numeric and c.startswith(parent) and not (not parent and j < w):
                groups.setdefault(c[len(parent):].split("/")[0], []).append(j)
        parts = []
        for comp, idxs in groups.items():
            if comp.startswith(part_of_part):
                continue
            sub = [j for j in idxs if cols[j] in {parent + comp + "/" + x for x in _SUBTOTALS}]
            parts.extend(sub[:1] or [j for j in idxs if "/" + part_of_part not in cols[j][len(parent):]])
        if len(parts) < 2 or any(unnamed.search(cols[j]) for j in parts):
            continue  # a column whose header was not read cannot be placed in the tree
        found = column_relation(ctx, t, w, parts, "tree:r")
        # a relation that holds on no row at all says the header was misread, not that every row is wrong
        telling = [x for x in found if x.stated != 0]
        if len(telling) < 2 or any(miss(x) <= unit_of_last_digit(x.stated) for x in telling):
            rows.extend(found)
    return rows


_TOTALS = tuple(vocab("column_tree")["total"])
_SUBTOTALS = tuple(vocab("column_tree")["subtotal"])
TOTAL_COLUMN = re.compile(r"(?:(.+)/)?(" + "|".join(_TOTALS) + ")")


def total_parent(path: str) -> str | None:
    """The parent path ("X/", or "" at the top) of a column TOTAL_COLUMN matches ("X/合计", "小计"), else None.
    Read off the end of the path: the pattern's backtracking costs more than the check it guards."""
    if path[-2:] not in _TOTALS:
        return None
    if len(path) == 2:
        return ""
    if len(path) > 3 and path[-3] == "/" and "\n" not in path:
        return path[:-2]
    return None


RULE = Rule(
    id="column_tree", reports=RULE_ID, scope=TABLE, applies_to=("*",),
    name="表头层级合计", name_en="Header totals add up",
    summary="表头中“X/合计”“X/小计”列应等于X下其他列之和。",
    summary_en="Every “X/合计” or “X/小计” column equals the sum of X's other columns.",
    levels=("warn", "fail"), examples="corpus/rules/column_tree.yaml", check=check)
