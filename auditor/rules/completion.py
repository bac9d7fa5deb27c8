"""完成率与决算数÷预算数一致 — a stated completion rate ("支出决算为B万元，完成年初预算的X%",
"为预算数的X%", "预算执行率为X%") equals the account's figure ÷ the budget's × 100.

Evidence: the two figures the sentence states (the budget with its base: "年初预算为A万元"); with no
budget figure in the sentence, the table row its account's figure was found on when that row prints
the budget beside it (the 三公 account table's "预算数 | 决算数"); else it is unverified, and says
so. Last year's figure worked back from it: rules/prior_level.py."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval
from auditor.rules import sentence
from auditor.rules.base import CLAIM, Context, Row, Rule, cell_ref, vocab

RULE_ID = "share_matches_ratio"
HUNDRED = Decimal(100)
_QUALIFIERS = tuple(vocab("completion")["budget_qualifiers"])


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None:
        return []
    actual, budget = ctx.by_id.get(c.of) if c.of else None, ctx.by_id.get(c.whole) if c.whole else None
    if sentence.money(actual) and not sentence.money(budget):
        row = _on_table_row(ctx, c, actual)
        if row is not None:
            return [row]
    if not sentence.money(actual) or not sentence.money(budget):
        return [ctx.claim_row(c, RULE_ID, says("completion.no_budget"), has_evidence=False)]
    ratio = sentence.in_wan(actual).ratio(sentence.in_wan(budget))
    q_actual, q_budget = quote(actual.text, actual.id), quote(budget.text, budget.id)
    if ratio is None:
        return [ctx.claim_row(c, RULE_ID, says("completion.zero_budget", budget=q_budget), has_evidence=False)]
    return [ctx.claim_row(c, RULE_ID, says("completion.ratio", actual=q_actual, budget=q_budget),
                          expected=ratio.scale(HUNDRED))]


def _on_table_row(ctx: Context, c, actual) -> Row | None:
    """No budget in the sentence: the table row the account's figure was found on, when it prints the
    budget beside the account ("项目 | 预算数 | 决算数"): the row's account ÷ its budget."""
    cell = ctx.nearest.get(actual.id)
    if cell is None:
        return None
    t, r = cell.table, cell.row
    row = t.rows[r]
    periods = link.column_periods(t)  # "budget": the budget beside the account, the table's own figure
    cols = [j for j in range(min(len(t.columns), len(row))) if not isinstance(row[j], str)]  # a blank is nil
    accounts = [j for j in cols if periods[j] is None and link.ACCOUNT_COL.search(t.columns[j])]
    account = next((j for j in accounts if t.columns[j] == cell.column), accounts[0] if accounts else None)
    budgets = [j for j in cols if periods[j] == "budget"]
    # the budget of the account's own group ("…/公务接待费/预算数" beside "…/公务接待费/决算数"), and
    # "完成调整预算的X%" of the 调整预算数 column, "完成年初预算的X%" of the 年初预算数 one
    group = t.columns[account].rpartition("/")[0] if account is not None else ""
    budgets = [j for j in budgets if t.columns[j].rpartition("/")[0] == group] or budgets
    named = [j for j in budgets if any(w in c.text and w in t.columns[j] for w in _QUALIFIERS)]
    budget = (named or budgets or [None])[0]
    if budget is None or account is None:
        return None
    a, b = cell_ref(t, r, account), cell_ref(t, r, budget)
    ratio = _printed(row[account]).ratio(_printed(row[budget]))
    if ratio is None:
        return ctx.claim_row(c, RULE_ID, says("completion.zero_budget", budget=b), has_evidence=False)
    return ctx.claim_row(c, RULE_ID, says("completion.ratio", actual=a, budget=b), expected=ratio.scale(HUNDRED))


def _printed(v: Decimal | None) -> Interval:
    """A table figure at its printed precision; a blank on a row with figures is nil."""
    return Interval.printed(v) if v is not None else Interval.exact(Decimal(0))


RULE = Rule(
    id="completion", reports=RULE_ID, scope=CLAIM, applies_to=("completion",),
    name="完成率与决算数÷预算数一致", name_en="Completion rate matches account ÷ budget",
    summary="文中“完成年初预算的X%”“预算执行率为X%”应等于句中决算（执行）数除以预算数。",
    summary_en="A stated completion rate equals the account's figure ÷ the budget's, as the sentence states them.",
    levels=("warn", "fail"), examples="corpus/rules/completion.yaml", check=check)
