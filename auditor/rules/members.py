"""其中各项与总数互证 — the figures of a "其中…" list that adds up are each checked by it: the total
equals the sum of its parts, and each part equals the total less the other parts. A figure no table
holds (a vehicle count, 政府采购货物预算, a project's 2024年预算安排) is then checked by arithmetic
on the document's own figures. When the list does not add up, nothing says which of its figures is
wrong: the composition rule fails the list, and its figures stay as their own checks leave them."""
from __future__ import annotations

from auditor.evidence import quote, says
from auditor.numbers import interval_sum
from auditor.rules import composition
from auditor.rules.base import CLAIMS, Context, Row, Rule

RULE_ID = "parts_sum_to_whole"


def check(ctx: Context) -> list[Row]:
    rows = []
    for c in ctx.claims:
        if c.kind != "composition":
            continue
        total, parts, why = composition.members(ctx, c)
        if why:
            continue

        def row(m, evidence, expected):
            return ctx.checked_by(m, c, "in_list", RULE_ID, evidence, expected)

        whole = composition.parts_sum(parts)
        q_total = quote(total.text, total.id)
        if not composition.figure(total).meets(whole):
            rows += [row(m, says("members.unsettled", total=q_total), None) for m in (total, *parts)]
            continue
        quoted = [quote(p.text, p.id) for p in parts]
        rows.append(row(total, says("members.total", parts=quoted), whole))
        for i, p in enumerate(parts):
            others = interval_sum(composition.figure(o) for j, o in enumerate(parts) if j != i)
            rows.append(row(p, says("members.part", total=q_total, others=quoted[:i] + quoted[i + 1:]),
                            composition.figure(total) - others))
    return rows


RULE = Rule(
    id="members", reports=RULE_ID, scope=CLAIMS, applies_to=("amount", "count"),
    name="其中各项与总数互证", name_en="A list that adds up checks each of its figures",
    summary="“其中：…”各项之和等于总数时，总数与每一项都由其余各数核对（总数 = 各项之和，每项 = 总数 − 其余各项）。",
    summary_en="When a “其中” list adds up, its total and each part are checked by the others "
               "(total = sum of parts; each part = total − the other parts).",
    levels=("warn", "fail"), examples="corpus/rules/members.yaml", check=check)
