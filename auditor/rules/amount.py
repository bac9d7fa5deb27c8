"""金额与表格一致 — an amount equals the table cell that holds its concept.

Evidence: every cell data/evidence.yaml locates the claim's concept in (or, for a sub-item named
by a subject path, every row so labelled); the one nearest the stated figure decides, the others
are cited beside it. A table of the concept published empty says the amount is nil.
"""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import says
from auditor.numbers import Interval
from auditor.rules import prose
from auditor.rules.base import CLAIM, Context, Row, Rule, pattern, vocab

RULE_ID = "amount_matches_table"
_SCOPE, _BUDGET_WORDS, _ITEM_LINE = (pattern("amount", k) for k in ("scope", "budget_words", "item_line"))
_INITIAL_COLUMN = vocab("amount")["initial_column"]


def check(ctx: Context, c) -> list[Row]:
    if c.stated is None or c.unit not in link.UNIT_IN_YUAN:
        return []
    if c.base:
        return _budget(ctx, c) or [ctx.claim_row(c, RULE_ID, says("amount.base_year", base=c.base), has_evidence=False)]
    if prose.in_reason(c):
        return [ctx.claim_row(c, RULE_ID, says("amount.in_reason"), has_evidence=False)]
    line = item_line(ctx, c)
    leaf = prose.sub_item(c, line) or (link.clean_label(c.subject_text) if not c.subject and c.subject_text
                                       else None)
    cells = ctx.labelled(leaf) if leaf else ctx.cells(c.subject)
    if leaf and len(cells) > 1 and (parent := prose.parent_item(c, line)):
        cells = link.under(cells, parent) or cells  # the 行政运行 of the 款 the path names
    scoped = bool(_SCOPE.search(c.sentence[max(0, c.start - 12):c.start] + prose.head(c)))
    if scoped:
        # "涉及…拨款X万元": the money a set of projects involves: all spending or the project part
        have = {(id(x.table), x.row, x.column) for x in cells}
        cells = cells + [x for x in ctx.cells("项目支出") if (id(x.table), x.row, x.column) not in have]
    if not cells and not leaf and (same := link.usually_equal(c.subject)) and ctx.cells(same):
        return _usually_equal(ctx, c, same)
    if not cells:
        empty = ctx.published_empty(c.subject)
        if empty and not leaf:  # a table published empty says the amount is nil
            return [ctx.claim_row(c, RULE_ID, empty, expected=Interval.exact(Decimal(0)), point=Decimal(0))]
        label = leaf or c.subject or c.subject_text
        ev = says("tables.not_found", label=label) if label else says("amount.no_subject")
        return [ctx.claim_row(c, RULE_ID, ev, has_evidence=False)]
    stated = Interval.printed(c.stated)
    spans = [Interval(*x.in_unit(c.unit)[1:]) for x in cells]
    best = cells[min(range(len(cells)), key=lambda i: spans[i].distance(stated))]
    value, lo, hi = best.in_unit(c.unit)
    ctx.nearest[c.id] = best
    # every place that prints this figure: the year-on-year check compares like with like
    ctx.best[c.id] = [x for x, span in zip(cells, spans) if x.value is not None and span.meets(stated)]
    others = [x.ref() for x in cells if x is not best][:2]
    note, cap = None, ""
    if scoped:
        # some of the projects may come to less than the smallest whole the tables hold: worth a look
        smallest = min(x.in_unit(c.unit)[1] for x in cells)
        if stated.hi < smallest:
            cap = "warn"
            note = says("amount.scoped")
    ev = says("amount.found", best=best.ref(), others=others, note=note)
    return [ctx.claim_row(c, RULE_ID, ev, expected=Interval(lo, hi), point=value, cap=cap)]


def _budget(ctx: Context, c) -> list[Row]:
    """A 决算's "年初预算为A万元" against the budget its tables print beside the account ("预算数 | 决算数"):
    judged against a 年初预算 column; against a column that names no 年初, it passes when equal and is
    unverified, citing the cell, when not (that budget may be the adjusted one)."""
    from auditor.claims import patterns

    if c.base != patterns().initial_budget_base or not c.subject:
        return []
    cells = link.find(c.subject, ctx.tables, period="budget")
    if not cells:
        return []
    stated = Interval.printed(c.stated)
    spans = [Interval(*x.in_unit(c.unit)[1:]) for x in cells]
    initial = [i for i, x in enumerate(cells) if _INITIAL_COLUMN in x.column]
    agree = [i for i, span in enumerate(spans) if span.meets(stated)]
    if not agree and not initial:
        return [ctx.claim_row(c, RULE_ID, says("amount.budget_differs", cell=cells[0].ref()), has_evidence=False)]
    i = agree[0] if agree else min(initial, key=lambda k: spans[k].distance(stated))
    value, lo, hi = cells[i].in_unit(c.unit)
    return [ctx.claim_row(c, RULE_ID, says("amount.budget_found", cell=cells[i].ref()), expected=Interval(lo, hi),
                          point=value)]


def _usually_equal(ctx: Context, c, same: str) -> list[Row]:
    """No table holds the concept: its figure is, for most units, `same`'s. Agreeing with one of
    its cells passes; agreeing with none leaves it unverified (their scopes may differ)."""
    stated = Interval.printed(c.stated)
    cells = ctx.cells(same)
    agree = [x for x in cells if Interval(*x.in_unit(c.unit)[1:]).meets(stated)]
    if not agree:
        ev = says("amount.usually_differs", concept=c.subject, same=same, cell=cells[0].ref())
        return [ctx.claim_row(c, RULE_ID, ev, has_evidence=False)]
    value, lo, hi = agree[0].in_unit(c.unit)
    ev = says("amount.usually_equal", concept=c.subject, same=same, cell=agree[0].ref())
    return [ctx.claim_row(c, RULE_ID, ev, expected=Interval(lo, hi), point=value)]


def item_line(ctx: Context, c) -> str:
    """For a bare "支出决算为X万元", the item line above it in its paragraph or the one before
    ("1.一般公共服务支出（类）财政事务（款）行政运行（项）")."""
    rest = _BUDGET_WORDS.sub("", link.clean_label(c.subject_text or ""))
    if c.block is None or not c.subject_text or (rest and not prose.generic_tail(rest)):
        return ""  # the claim names its own item ("2024年预算安排X万元" names none: the item line's)
    blocks = ctx.doc.blocks
    text = blocks[c.block].text
    at = text.find(c.sentence)
    candidates = [text[:at] if at > 0 else ""] + ([blocks[c.block - 1].text] if c.block > 0 else [])
    for cand in candidates:
        hits = list(_ITEM_LINE.finditer(cand))
        if hits:
            return hits[-1].group(0)
    return ""


RULE = Rule(
    id="amount", reports=RULE_ID, scope=CLAIM, applies_to=("amount",),
    name="金额与表格一致", name_en="Amount matches its table cell",
    summary="文中金额应等于表中对应科目或项目的数字（按印刷精度比较）。",
    summary_en="A stated amount equals the table cell that holds its concept, at printed precision.",
    levels=("warn", "fail"), examples="corpus/rules/amount.yaml", check=check)
