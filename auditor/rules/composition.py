"""其中各项之和等于总数 — the parts a "其中…" list states add up to the figure it follows."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.claims import item_number
from auditor.evidence import quote, says
from auditor.numbers import Interval, interval_sum
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, c) -> list[Row]:
    total, parts, why = members(ctx, c)
    if why == "no_total":
        return [ctx.claim_row(c, RULE_ID, says("composition.no_total"), has_evidence=False)]
    if why == "few_parts" and len(parts) == 1 and figure(parts[0]).lo > figure(total).hi:
        # "车辆5辆，其中一般公务用车6辆": one part cannot be more than its whole
        ev = says("composition.part_exceeds", part=quote(parts[0].text, parts[0].id), total=quote(total.text, total.id))
        return [ctx.claim_row(c, RULE_ID, ev, expected=figure(parts[0]), stated=total.stated, unit=total.unit)]
    if why:
        return [ctx.claim_row(c, RULE_ID, says(f"composition.{why}"), has_evidence=False, stated=total.stated,
                              unit=total.unit)]
    ev = says("composition.sum", total=quote(total.text, total.id), parts=[quote(p.text, p.id) for p in parts])
    return [ctx.claim_row(c, RULE_ID, ev, expected=parts_sum(parts), stated=total.stated, unit=total.unit)]


def members(ctx: Context, c) -> tuple:
    """(total, parts, why not): the claims a "其中" list c adds up, and, when they cannot be added
    up, why (a key of evidence_words.yaml `composition`). A list whose parts run over several
    paragraphs is too loosely bound to be sure they are this total's (the items' own details are
    printed like items): it is added up as far as its first parts add up to the total, and said to
    be loose when none do."""
    total = ctx.by_id.get(c.of) if c.of else None
    if total is None or total.stated is None:
        return total, [], "no_total"
    parts = [ctx.by_id[p] for p in (c.parts or []) if p in ctx.by_id]
    parts = [p for p in parts if p.stated is not None and p.unit == total.unit]
    if len(parts) < 2:
        return total, parts, "few_parts"
    if not all(p.block == total.block for p in parts) and not figure(total).meets(parts_sum(parts)) \
            and not numbered(parts):
        first = first_breakdown(total, parts)
        return (total, first, None) if first else (total, parts, "loose")
    return total, parts, None


def numbered(parts) -> bool:
    """Each part opens the next item of one numbered list ("其中：（一）…；" then "（二）…" on a line of its
    own): the list is bound however many paragraphs it spans."""
    marks = [item_number(p.sentence, p.start) for p in parts]
    return None not in marks and all(b == (a[0], a[1] + 1) for a, b in zip(marks, marks[1:]))


def first_breakdown(total, parts) -> list:
    """The list's first parts up to the point where they add up to the total, when they do: a list
    spread over paragraphs ("支出预算总计X万元，包括：\n1.公共安全支出…\n2.…") runs on into what
    follows (a second breakdown of the same total by 经济分类, the next section's figures). Empty
    when no two or more first parts add up to it."""
    whole, lo, hi = figure(total), Decimal(0), Decimal(0)
    for k, p in enumerate(parts):
        iv = figure(p)
        lo, hi = lo + iv.lo, hi + iv.hi
        if lo > whole.hi:
            return []
        if k >= 1 and hi >= whole.lo:
            return parts[:k + 1]
    return []


def figure(c) -> Interval:
    """A claim's figure as printed: money to its last digit, a count exactly."""
    return (Interval.printed if c.unit in link.UNIT_IN_YUAN else Interval.exact)(c.stated)


def parts_sum(parts) -> Interval:
    return interval_sum(figure(p) for p in parts)


RULE = Rule(
    id="composition", reports=RULE_ID, scope=CLAIM, applies_to=("composition",),
    name="其中各项之和等于总数", name_en="Listed parts sum to their total",
    summary="“其中：…”列出的各项金额之和应等于其所属的总数。",
    summary_en="The amounts a “其中” list states add up to the total it belongs to.",
    levels=("warn", "fail"), examples="corpus/rules/composition.yaml", check=check)
