"""分项之和等于所述总数 — a total and its parts stated over several sentences or paragraphs add up:
a 三公 control figure and its items under （一）…（三）, 基本支出 and its 人员经费 and 公用经费. The
parts a total is exactly the sum of are data (ontology.yaml `sum_of`); the items are looked for
after the total in its section, each taken where it is first stated, and only when every part is
stated. A list a "其中" opens is the composition rule's."""
from __future__ import annotations

from auditor import link, nlp
from auditor.evidence import quote, says
from auditor.numbers import Interval, interval_sum
from auditor.rules.base import CLAIMS, Context, Row, Rule, pattern, vocab

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context) -> list[Row]:
    rows = []
    amounts = [c for c in ctx.claims if c.kind == "amount" and c.stated is not None and not c.base
               and c.unit in link.UNIT_IN_YUAN and c.subject]
    for i, total in enumerate(amounts):
        try:
            parts_of = nlp.concept(total.subject).get("sum_of") or []
        except KeyError:
            continue
        if not parts_of or total.qualifier:
            continue
        found = {}
        for o in amounts[i + 1:]:
            if o.subject == total.subject or _new_chapter(ctx, total, o):
                break  # the next statement of the same total, or the next chapter, ends the search
            if o.subject in parts_of and o.subject not in found and not o.qualifier:
                found[o.subject] = o
        if len(found) < len(parts_of):
            continue
        parts = [found[s] for s in parts_of]
        if all(p.parent == total.id for p in parts):
            continue  # a "其中" list of this total: the composition rule adds it up
        k = [link.conversion(p.unit, total.unit) for p in parts]
        expected = interval_sum(Interval.printed(p.stated).scale(f) for p, f in zip(parts, k))
        ev = says("stated_sum.sum", total=quote(total.text, total.id), parts=[quote(p.text, p.id) for p in parts])
        rows.append(ctx.claim_row(total, RULE_ID, ev, expected=expected))
    return rows


def _new_chapter(ctx: Context, total, o) -> bool:
    """A top-level heading ("二、…", "第三部分") or more than a few paragraphs between the total and `o`."""
    if total.block is None or o.block is None:
        return o.section != total.section
    if o.block - total.block > _SPAN:
        return True
    return any(b.heading and _TOP.match(b.text.strip()) for b in ctx.doc.blocks[total.block + 1:o.block + 1])


_TOP = pattern("stated_sum", "top_heading")
_SPAN = vocab("stated_sum")["paragraphs"]


RULE = Rule(
    id="stated_sum", reports=RULE_ID, scope=CLAIMS, applies_to=("amount",),
    name="分项之和等于所述总数", name_en="Stated parts add up to the stated total",
    summary="说明中先述总数、后分条（一）（二）（三）陈述的各分项之和应等于该总数（如“三公”经费与其三项）。",
    summary_en="A total and the parts it is exactly the sum of, stated in later sentences or items, add up.",
    levels=("warn", "fail"), examples="corpus/rules/stated_sum.yaml", check=check)
