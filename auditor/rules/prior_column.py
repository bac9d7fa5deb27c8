"""与表中上年数一致 — a change, growth or "持平" whose sentence states no last-year figure, against
last year's figure printed beside this year's in the same table ("项目 | 2024年预算数 | 2025年预算数",
"上年预算数 | 本年预算数 | 增减"): change = this year's cell − last year's, growth = change ÷ last
year's, 持平 = the two equal. A direction word against the two cells is a contradiction. A 决算's
"较年初预算增加…" is the same against the budget printed beside the account ("年初预算数 | 决算数").

This year's cell is the one the amount the claim is about was found in (rules/amount.py); last
year's is on its row, in the column of the earlier period (link.column_periods): the one whose
name is this year's column's with its year or 上年 word aside, else the only one."""
from __future__ import annotations

import re
from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval
from auditor.rules import flat, sentence
from auditor.rules.base import CLAIM, Context, Row, Rule, cell_ref, pattern

RULE_ID = "growth_matches_change"
HUNDRED = Decimal(100)
_BASE_KIND, _COLUMN_KIND, _BUDGET_BASE = (pattern("prior_column", k) for k in ("base_kind", "column_kind", "budget_base"))
_PERIOD_WORDS = re.compile(r"(?:19|20)\d{2}年度?|上年度?|上一年度?|去年|本年度?|当年")


def check(ctx: Context, c) -> list[Row]:
    if c.kind in ("change", "growth") and (not c.direction or c.stated is None):
        return []
    if c.kind == "flat" and c.direction != 0:
        return []
    if sentence.levels(ctx, c) is not None:
        return []  # the sentence states the figure it compares with
    current = ctx.by_id.get(c.of) if c.of else None
    cell = ctx.nearest.get(current.id) if current is not None else None
    if cell is None or cell.value is None:
        return []
    at = (sentence.sibling_change(ctx, c) or c).start if c.kind == "growth" else c.start  # the words before its change
    budget = _BUDGET_BASE.search(c.sentence[max(0, at - 20):at])
    if budget:  # "较年初预算增加…" in a 决算: against the row's budget
        j, base = budget_column(cell, budget.group(1) or ""), says("prior_column.budget")
    elif c.base and not _last_year(c.base, ctx):
        return []  # compares with something else
    else:
        j, base = prior_column(cell), says("prior_column.last_year")
        if j is not None and not _same_kind(c, cell.table.columns[j]):
            return []
    if j is None:
        return []
    t, r = cell.table, cell.row
    last_value = t.rows[r][j] if j < len(t.rows[r]) else None
    last_value = last_value if isinstance(last_value, Decimal) else (Decimal(0) if last_value is None else None)
    if last_value is None:
        return []
    now = Interval(*cell.in_unit("万元")[1:])
    last = Interval.printed(last_value).scale(link.conversion(t.unit, "万元"))
    terms = dict(current=cell.ref(), prior=cell_ref(t, r, j), base=base)
    if c.kind == "flat":
        expected = last.scale(link.conversion("万元", current.unit))
        loose = flat.loose(c)
        return [ctx.claim_row(c, RULE_ID, says("prior_column.flat", **terms), stated=current.stated,
                              unit=current.unit, expected=flat.widen(expected) if loose else expected,
                              cap="warn" if loose else "")]
    delta = now - last
    if (delta.lo > 0 and c.direction < 0) or (delta.hi < 0 and c.direction > 0):
        key = "prior_column.up_but" if c.direction > 0 else "prior_column.down_but"
        return [ctx.claim_row(c, "prose_consistent", says(key, **terms), holds=False, stated=None)]
    if delta.lo * delta.hi < 0:
        return []  # the two print the same figure within rounding: no direction, no size to compare
    size = Interval(abs(delta.lo), abs(delta.hi))
    if c.kind == "change":
        if c.unit not in link.UNIT_IN_YUAN:
            return []
        return [ctx.claim_row(c, RULE_ID, says("prior_column.change", **terms),
                              expected=size.scale(link.conversion("万元", c.unit)))]
    rate = size.ratio(last)
    if rate is None:
        return []
    return [ctx.claim_row(c, RULE_ID, says("prior_column.growth", **terms), expected=rate.scale(HUNDRED))]


def budget_column(cell: link.Cell, qualifier: str) -> int | None:
    """The budget column beside the account on the cell's row ("年初预算数 | 调整预算数 | 决算数"): the one
    the comparison names (年初, 调整), else the first."""
    t = cell.table
    budgets = [j for j, p in enumerate(link.column_periods(t)) if p == "budget"]
    named = [j for j in budgets if qualifier and qualifier[:2] in t.columns[j]]
    return (named or budgets or [None])[0]


def prior_column(cell: link.Cell) -> int | None:
    """The column of the earlier period on the cell's row: the one named as the cell's own column with
    its period words aside ("2024年预算数" for "2025年预算数", "上年预算数" for "本年预算数"), else the
    only one the table has."""
    t = cell.table
    periods = link.column_periods(t)
    prior = [j for j, p in enumerate(periods) if p == "prior"]
    if not prior:
        return None
    own = _PERIOD_WORDS.sub("", link.clean_column(cell.column))
    named = [j for j in prior if _PERIOD_WORDS.sub("", link.clean_column(t.columns[j])) == own]
    if len(named) == 1:
        return named[0]
    return prior[0] if len(prior) == 1 else None


def _same_kind(c, column: str) -> bool:
    """The comparison and the column name the same figure of last year (预算, 执行 or 决算), or one
    of them names none."""
    said = _BASE_KIND.findall(c.sentence[:c.start])
    held = _COLUMN_KIND.search(column)
    return not said or not held or said[-1] == held.group(0)


def _last_year(base: str, ctx: Context) -> bool:
    from auditor.claims import is_last_year

    if is_last_year(base):
        return True
    year = ctx.doc.year
    return bool(year) and base.startswith(f"{year - 1}年")


RULE = Rule(
    id="prior_column", reports=RULE_ID, scope=CLAIM, applies_to=("change", "growth", "flat"),
    name="与表中上年数一致", name_en="Agrees with last year's column",
    summary="句中未述上年数时，“比上年增加X”“增长X%”“持平”应与表中同一行的上年数一致。",
    summary_en="With no last-year figure in its sentence, a change, rate or “no change” agrees with last year's "
               "figure printed on the same table row.",
    levels=("warn", "fail"), examples="corpus/rules/prior_column.yaml", check=check)
