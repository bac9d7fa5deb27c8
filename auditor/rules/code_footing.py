"""科目级次合计 — a subject code equals the sum of its children (类 ⊃ 款 ⊃ 项: a 3-digit code the
sum of its 5-digit codes, a 5-digit code the sum of its 7-digit codes), and the 合计 row the sum
of the top-level codes, in every column with figures."""
from __future__ import annotations

import re
from decimal import Decimal

from auditor import link
from auditor.evidence import CELL, says, table_of
from auditor.model import Table
from auditor.numbers import printed_sum
from auditor.rules.base import TABLE, Context, Row, Rule, vocab

RULE_ID = "parts_sum_to_whole"
_SUBJECT_CODE = re.compile(r"\d{3,7}")


def check(ctx: Context, t: Table) -> list[Row]:
    if not t.codes or not any(t.codes) or side_by_side_codes(t):
        return []
    rows = []
    cols = ctx.numeric_columns(t)
    codes = [c if c and c.isdigit() else None for c in t.codes]
    for r, parent in enumerate(codes):
        if parent is None or len(parent) not in (3, 5):
            continue
        kids, odd = [], False
        for k in range(r + 1, len(codes)):   # the children follow their parent, up to the next other code
            code = codes[k]
            if code is None:
                continue
            if not code.startswith(parent) or len(code) <= len(parent):
                break
            if len(code) == len(parent) + 2:
                kids.append(k)
            elif len(code) % 2 == 0:  # a code of no 类/款/项 length: the block is misread, say nothing
                odd = True
        if not kids or odd:
            continue
        what = says("code_footing.parent", code=parent)
        for j in cols:
            rows.extend(sum_check(ctx, t, r, kids, j, f"{parent}={'+'.join(codes[k] for k in kids)}", what))
    totals = vocab("code_footing")["total_row"]
    total_row = next((r for r, label in enumerate(link.row_labels(t)) if label in totals), None)
    top_len = min((len(code) for code in codes if code), default=0)  # 类 codes, or 项 codes when only leaves
    tops = [r for r, code in enumerate(codes) if code and len(code) == top_len]
    if total_row is not None and tops and len({codes[r] for r in tops}) == len(tops):
        what = says("code_footing.total")
        for j in cols:
            rows.extend(sum_check(ctx, t, total_row, tops, j, "合计=" + "+".join(codes[k] for k in tops), what))
    return rows


def sum_check(ctx: Context, t: Table, whole_r: int, part_rs: list[int], j: int, key: str, what) -> list[Row]:
    rows_ = t.rows
    whole = rows_[whole_r][j]
    if type(whole) is not Decimal:
        return []
    vals = [(r, rows_[r][j]) for r in part_rs if type(rows_[r][j]) is Decimal]
    if not vals:
        return []
    col = t.columns[j]
    labels = link.row_labels(t)
    tref = table_of(t)
    # the cells are built in place (evidence.cell's fields): a coded table has thousands of them
    ev = says("code_footing.sum", table=tref, column=col, what=what,
              whole=(CELL, tref, whole_r, j, labels[whole_r], col, whole),
              parts=[(CELL, tref, r, j, labels[r], col, v) for r, v in vals])
    return [ctx.table_row(t, f"{key}@{col}", RULE_ID, whole, printed_sum([v for _, v in vals]), ev)]


def side_by_side_codes(t: Table) -> bool:
    """Two blocks of the same code family on one row (e.g. 301xx | 302xx halves of a 决算 table):
    the row code then speaks for one half only, so code footing would mislead."""
    for row, code in zip(t.rows, t.codes):
        if not code:
            continue
        others = [c for c in row if isinstance(c, str) and _SUBJECT_CODE.fullmatch(c.strip()) and c.strip() != code]
        if any(o.strip()[0] == code[0] for o in others):
            return True
    return False


RULE = Rule(
    id="code_footing", reports=RULE_ID, scope=TABLE, applies_to=("*",),
    name="科目级次合计", name_en="Subject codes foot",
    summary="功能分类科目的类、款数等于其下级科目之和，合计行等于各最高级科目之和。",
    summary_en="A 类 or 款 subject equals the sum of its children, and the 合计 row the sum of the top-level subjects.",
    levels=("warn", "fail"), examples="corpus/rules/code_footing.yaml", check=check)
