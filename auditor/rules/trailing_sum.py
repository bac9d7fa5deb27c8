"""合计与前列各项之和一致 — a bare "合计/共计/总计X万元" after the amounts it adds up, in one sentence
("人员经费支出800.00万元，公用经费支出200.00万元，合计1,000.00万元"), equals their sum.

The parts are the sentence's amounts before it of this year (no comparison base), not a list's
total (its parts are counted instead), and of one level: when some are a list's parts, those of the
last one's list. Two or more parts are needed. When they add up, each part is checked too: the
total less the others (as in a "其中" list, rules/members.py)."""
from __future__ import annotations

from auditor import link
from auditor.claims import patterns, words_before
from auditor.evidence import quote, says
from auditor.numbers import interval_sum
from auditor.rules import composition
from auditor.rules.base import CLAIM, Context, Row, Rule

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context, c) -> list[Row]:
    if c.subject or c.base or c.stated is None or c.unit not in link.UNIT_IN_YUAN:
        return []
    if not patterns().trailing_total.search(words_before(c)):
        return []
    parts = terms(ctx, c)
    if len(parts) < 2:
        return []
    quoted = [quote(p.text, p.id) for p in parts]
    whole = composition.parts_sum(parts)
    rows = [ctx.claim_row(c, RULE_ID, says("trailing_sum.sum", parts=quoted), expected=whole)]
    if composition.figure(c).meets(whole):  # it adds up: each part is the total less the others
        for i, p in enumerate(parts):
            others = interval_sum(composition.figure(o) for j, o in enumerate(parts) if j != i)
            ev = says("trailing_sum.part", total=quote(c.text, c.id), others=quoted[:i] + quoted[i + 1:])
            rows.append(ctx.checked_by(p, c, "in_list", RULE_ID, ev, composition.figure(c) - others))
    return rows


def terms(ctx: Context, c) -> list:
    """The amounts c adds up (see the module's words)."""
    totals = {o.of for o in ctx.claims if o.kind == "composition" and o.of}
    before = [o for o in ctx.in_sentence(c) if o.kind == "amount" and o is not c and o.start < c.start
              and o.stated is not None and not o.base
              and o.unit == c.unit and o.id not in totals]
    if before and before[-1].parent:
        return [o for o in before if o.parent == before[-1].parent]
    return [o for o in before if not o.parent]


RULE = Rule(
    id="trailing_sum", reports=RULE_ID, scope=CLAIM, applies_to=("amount",),
    name="合计与前列各项之和一致", name_en="A trailing total matches the amounts before it",
    summary="句中各项金额之后的“合计/共计X万元”应等于这些金额之和。",
    summary_en="A bare “合计/共计X万元” after the amounts of its sentence equals their sum.",
    levels=("warn", "fail"), examples="corpus/rules/trailing_sum.yaml", check=check)
