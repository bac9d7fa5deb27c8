"""表述格式规范 — the printed form of a figure: a rate printed without its % ("增长8.41。"), a
comparison year or a claim's year that belongs to another year's template (a 2024 document saying
"比2021年增加…"), a garbled template word ("较上一度"). A side check: a warn about the words, never
a verdict on the figure."""
from __future__ import annotations

import re

from auditor.evidence import says
from auditor.rules import prose
from auditor.rules.base import CLAIMS, Context, Row, Rule, pattern

RULE_ID = "printed_form"
_YEAR = re.compile(r"(\d{4})年")
_SLIP = pattern("printed_form", "slips")


def check(ctx: Context) -> list[Row]:
    rows = []
    year = ctx.doc.year
    for c in ctx.claims:
        if c.kind not in ("growth", "change", "amount", "flat"):
            continue
        ev = None
        if c.form == "no_percent":
            ev = says("printed_form.no_percent", text=c.text)
        elif c.kind != "amount" and _SLIP.search(c.sentence):
            ev = says("printed_form.slip", words=_SLIP.search(c.sentence).group(0))
        elif year:
            years = [int(y) for y in _YEAR.findall(prose.head(c))]
            if c.base:
                years += [int(y) for y in _YEAR.findall(c.base)]
            odd = [y for y in years if not year - 1 <= y <= year + 1]
            if odd:
                ev = says("printed_form.other_year", year=f"{odd[0]}年", doc_year=f"{year}年")
        if ev is not None:
            rows.append(ctx.claim_row(c, RULE_ID, ev, holds=False, level="warn", stated=None))
    return rows


RULE = Rule(
    id="printed_form", reports=RULE_ID, scope=CLAIMS, applies_to=("growth", "change", "amount", "flat"),
    name="表述格式规范", name_en="Printed form",
    summary="增长率应带“%”；句中年份应是本文件年度或上一年度，不应留有其他年度模板的年份或错字。",
    summary_en="A rate carries its %; the years a claim names are the document's or the year before, "
               "not another year's template's.",
    levels=("warn",), examples="corpus/rules/printed_form.yaml", check=check)
