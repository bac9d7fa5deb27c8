"""增减变动说明原因 — a stated change carries its reason; a blank template reason or a leftover
"增加（减少）" is a form problem (warn). A side check: it never stands for checking the figure."""
from __future__ import annotations

from auditor.evidence import says
from auditor.rules import prose
from auditor.rules.base import CLAIMS, Context, Row, Rule, pattern

RULE_ID = "reason_given"
_TEMPLATE_LEFT = pattern("reason", "template_left")


def check(ctx: Context) -> list[Row]:
    rows, seen = [], set()
    for c in ctx.claims:
        if c.kind not in ("change", "growth") or not c.direction:
            continue
        if c.kind == "growth" and not c.of:
            continue  # "压减10%": a rate with no figure of its own is a target, not a reported change
        if prose.inside_reason(c):
            continue  # "主要原因是基本支出增加X万元": a change inside a reason is part of that reason
        key = (c.sentence, c.page, c.of or c.subject)
        if key in seen:
            continue
        seen.add(key)
        template = _TEMPLATE_LEFT.search(c.sentence)
        if template:
            rows.append(ctx.claim_row(c, RULE_ID, says("reason.template_left", words=template.group(0)), holds=False,
                                      level="warn", stated=None))
        elif c.reason_blank:
            rows.append(ctx.claim_row(c, RULE_ID, says("reason.blank"), holds=False, level="warn", stated=None))
        elif not c.reason and not any(o.reason for o in ctx.claims
                                      if o.sentence == c.sentence and o.kind in ("change", "growth")):
            rows.append(ctx.claim_row(c, RULE_ID, says("reason.missing"), holds=False, level="warn", stated=None))
        else:
            ev = says("reason.given", reason=c.reason) if c.reason else says("reason.same_sentence")
            rows.append(ctx.claim_row(c, RULE_ID, ev, stated=None))
    return rows


RULE = Rule(
    id="reason", reports=RULE_ID, scope=CLAIMS, applies_to=("change", "growth"),
    name="增减变动说明原因", name_en="A change gives its reason",
    summary="陈述增减变动时应说明原因；原因留空或模板残留“增加（减少）”只作提示。",
    summary_en="A stated change gives its reason; a blank template reason or a leftover “增加（减少）” is a warning.",
    levels=("warn",), examples="corpus/rules/reason.yaml", check=check)
