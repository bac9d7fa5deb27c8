"""持平与计算一致 — "与上年持平/一致": this year's figure equals last year's when the sentence
states both ("上年为A，本年为A，与上年持平"); otherwise the year-on-year rule checks it against last
year's document when the run holds it, and this rule says why nothing else can."""
from __future__ import annotations

from decimal import Decimal

from auditor import link
from auditor.evidence import quote, says
from auditor.numbers import Interval
from auditor.rules import sentence
from auditor.rules.base import CLAIM, Context, Row, Rule, pattern, vocab

RULE_ID = "growth_matches_change"
_LOOSE = pattern("flat", "loose")
LOOSE_SHARE = str(vocab("flat")["loose_share"])


def check(ctx: Context, c) -> list[Row]:
    if c.direction != 0:
        return []
    got = sentence.levels(ctx, c)
    if got is not None:
        prior, current = got
        expected = sentence.in_wan(prior).scale(link.conversion("万元", current.unit))
        terms = dict(current=quote(current.text, current.id), prior=quote(prior.text, prior.id))
        if not loose(c):
            return [ctx.claim_row(c, RULE_ID, says("flat.levels", **terms), stated=current.stated,
                                  unit=current.unit, expected=expected)]
        return [ctx.claim_row(c, RULE_ID, says("flat.loose", share=LOOSE_SHARE, **terms), stated=current.stated,
                              unit=current.unit, expected=widen(expected), cap="warn")]
    return [ctx.claim_row(c, RULE_ID, says("flat.no_figures"), has_evidence=False, stated=None)]


def loose(c) -> bool:
    """"基本持平": roughly no change (words and band: data/rules.yaml `flat`)."""
    return bool(_LOOSE.search(c.text))


def widen(iv: Interval) -> Interval:
    """"基本持平": last year's figure, give or take loose_share percent of it."""
    d = abs(iv.mid) * Decimal(LOOSE_SHARE) / 100
    return Interval(iv.lo - d, iv.hi + d)


RULE = Rule(
    id="flat", reports=RULE_ID, scope=CLAIM, applies_to=("flat",),
    name="持平与计算一致", name_en="No change, as the figures say",
    summary="文中称“与上年持平/一致”时，本年数应等于上年数（句中所述，或上年公开文件表中的数）。",
    summary_en="A stated “no change” holds: this year's figure equals last year's (as the sentence or last year's document gives it).",
    levels=("warn", "fail"), examples="corpus/rules/flat.yaml", check=check)
