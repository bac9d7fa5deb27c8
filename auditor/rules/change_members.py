"""各项增减之和等于总增减 — in a "其中" list that adds up, when the total and each of its parts state
their change on last year ("一般公共预算支出318.28万元，较上年增加2.79万元。其中：工资福利支出126.92万元，
较上年增加20.79万元…；商品和服务支出191.36万元，较上年减少18万元…"), the total's change is the sum
of its parts' changes (+20.79 − 18 = +2.79) and each part's is the total's less the others'. A part
said to be unchanged ("与上年持平") counts as nil, and is checked too: nil is what the total's
change less the others' leaves it. The total's change may be stated beside the same
figure of the same concept in another paragraph ("一般公共预算支出318.28万元，较上年增加2.79万元" there,
"一般公共预算支出318.28万元，其中：…" here). When the changes do not add up, the total's change
fails and nothing says which part's is wrong: those stay as their own checks leave them."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval, interval_sum
from auditor.rules import composition
from auditor.rules.base import CLAIMS, Context, Row, Rule

RULE_ID = "parts_sum_to_whole"
NIL = Interval(Decimal(0), Decimal(0))
ZERO = Decimal("0.00")  # a 持平's change: nil, compared at the cent


def check(ctx: Context) -> list[Row]:
    changes, of_figure = {}, {}
    for o in ctx.claims:  # each figure's first stated change (a flat claim: nil)
        if o.of and o.of not in changes and (o.kind == "flat" and o.direction == 0 or
                                             o.kind == "change" and o.direction and o.stated is not None
                                             and o.unit in link.UNIT_IN_YUAN):
            changes[o.of] = o
            fig = ctx.by_id.get(o.of)
            if o.kind == "change" and fig is not None and fig.subject and not fig.base:
                of_figure.setdefault((fig.subject, fig.stated, fig.unit), o)
    rows = []
    for c in ctx.claims:
        if c.kind != "composition":
            continue
        total, parts, why = composition.members(ctx, c)
        if why or total.unit not in link.UNIT_IN_YUAN or \
                not composition.figure(total).meets(composition.parts_sum(parts)):
            continue
        # the total's change, stated where the list is or beside the same figure of the same concept elsewhere
        whole = changes.get(total.id) or \
            (of_figure.get((total.subject, total.stated, total.unit)) if total.subject else None)
        items = [changes.get(p.id) for p in parts]
        if whole is None or whole.kind != "change" or any(x is None for x in items):
            continue
        signed = [_signed(x) for x in items]
        moved = [(x, iv) for x, iv in zip(items, signed) if x.kind == "change"]
        quoted = [quote(x.text, x.id) for x, _ in moved]
        q_whole = quote(whole.text, whole.id)
        rows.append(_row(ctx, whole, c, says("change_members.total", parts=quoted), interval_sum(signed),
                         whole.direction))
        if not Interval.printed(whole.stated).scale(link.conversion(whole.unit, "万元")).meets(
                _size(interval_sum(signed), whole.direction)):
            continue  # the total's row fails; which part is wrong, nothing says
        for i, (x, _) in enumerate(moved):
            others = interval_sum(iv for j, (_, iv) in enumerate(moved) if j != i)
            rest = quoted[:i] + quoted[i + 1:]
            ev = says("change_members.part", total=q_whole, others=rest) if rest else \
                says("change_members.part_alone", total=q_whole)
            rows.append(_row(ctx, x, c, ev, _signed(whole) - others, x.direction))
        for x in items:
            if x.kind == "flat":  # "与上年持平": nil is what the total's change leaves it
                ev = says("change_members.flat", total=q_whole, others=quoted)
                nil = _signed(whole) - interval_sum(iv for _, iv in moved)
                row = ctx.checked_by(x, c, "in_changes", RULE_ID, ev, nil)
                row.stated, row.unit = ZERO, whole.unit
                rows.append(row)
    return rows


def _signed(x) -> Interval:
    """A change as a signed interval in 万元 (增加 +, 减少 −; 持平 nil)."""
    if x.kind == "flat":
        return NIL
    return _size(Interval.printed(x.stated).scale(link.conversion(x.unit, "万元")), x.direction)


def _size(iv: Interval, direction: int) -> Interval:
    """What a change of `direction` must state for the signed amount `iv` (negative: the sign is wrong)."""
    return iv if direction > 0 else Interval(-iv.hi, -iv.lo)


def _row(ctx: Context, x, lst, evidence, signed: Interval, direction: int) -> Row:
    expected = _size(signed, direction).scale(link.conversion("万元", x.unit))
    return ctx.checked_by(x, lst, "in_changes", RULE_ID, evidence, expected)


RULE = Rule(
    id="change_members", reports=RULE_ID, scope=CLAIMS, applies_to=("change",),
    name="各项增减之和等于总增减", name_en="The parts' changes add up to the total's change",
    summary="“其中”各项与总数都说明了比上年增减时，总数的增减额应等于各项增减额之和，每项的增减额等于总增减减去其余各项。",
    summary_en="When a list's total and parts each state their change on last year, the total's change "
               "is the sum of the parts' changes, and each part's is the total's less the others'.",
    levels=("warn", "fail"), examples="corpus/rules/change_members.yaml", check=check)
