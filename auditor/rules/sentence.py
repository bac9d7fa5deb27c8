"""The figures one sentence states about one change: last year's level, this year's, the change and
the rate ("2025年执行数为120.50万元，2026年预算安排133.10万元，比2025年执行数增加10.46%"; "由A万元增加到B
万元"; "较上年的A万元"; "上年为A，本年为B"). Several rules read them: growth, change, impossible_change."""
from __future__ import annotations

import re

from auditor import link
from auditor.numbers import Interval

_YEAR = re.compile(r"(\d{4})年")


def same_sentence(a, b) -> bool:
    return a.sentence == b.sentence and a.page == b.page and a.block == b.block


def is_prior(ctx, claim) -> bool:
    """A claim's base makes it an earlier period's figure (上年…, 2023年执行数, 年初预算), not this year's."""
    if not claim.base:
        return False
    m = _YEAR.fullmatch(claim.base)
    return not (m and ctx.doc.year and int(m.group(1)) >= ctx.doc.year)


def levels(ctx, c):
    """(last year's figure, this year's figure) stated in the sentence of change or rate `c`, before
    it: the nearest amount with an earlier base and the nearest without one; None when the sentence
    states no such pair, or the two name different things."""
    before = [o for o in ctx.in_sentence(c) if o.kind == "amount" and o is not c and o.start < c.start
              and o.stated is not None and o.unit in link.UNIT_IN_YUAN]
    priors = [o for o in before if is_prior(ctx, o)]
    currents = [o for o in before if not o.base]
    if not priors or not currents:
        return None
    prior, current = priors[-1], currents[-1]
    if prior.subject and current.subject and prior.subject != current.subject:
        return None
    return prior, current


def money(claim) -> bool:
    """A claim that states an amount of money."""
    return claim is not None and claim.stated is not None and claim.unit in link.UNIT_IN_YUAN


def in_wan(claim) -> Interval:
    """A stated amount in 万元, at its printed precision."""
    return Interval.printed(claim.stated).scale(link.conversion(claim.unit, "万元"))


def difference(prior, current) -> Interval:
    """this year's − last year's, in 万元."""
    return in_wan(current) - in_wan(prior)


def sign(iv: Interval) -> int:
    """+1 / −1 when the interval lies wholly above / below zero, else 0."""
    return 1 if iv.lo > 0 else -1 if iv.hi < 0 else 0


def sibling_change(ctx, c):
    """The change claim (增加X万元) of the same sentence and figure as a growth claim: the last one
    before it, else the one right after it ("增幅6.67%，增加300.00万元")."""
    cands = [o for o in ctx.in_sentence(c) if o.kind == "change" and o.start < c.start and (o.of == c.of or not c.of)]
    return cands[-1] if cands else change_after(ctx, c)


def change_after(ctx, c):
    """The first change after a growth claim in its sentence, of the same figure and direction."""
    return next((o for o in ctx.in_sentence(c) if o.kind == "change" and o.start > c.start
                 and c.of and o.of == c.of and o.direction == c.direction), None)


def sibling_rate(ctx, c):
    """The rate (增长X%) the same sentence states of the same figure right after a change, else the
    rate right before it that has no change of its own ("增幅6.67%，增加300.00万元")."""
    after = next((o for o in ctx.in_sentence(c) if o.kind == "growth" and o.start > c.start
                  and o.of == c.of and o.direction == c.direction), None)
    if after is not None:
        return after
    before = [o for o in ctx.in_sentence(c) if o.kind == "growth" and o.start < c.start
              and o.of == c.of and o.direction == c.direction]
    return before[-1] if before and sibling_change(ctx, before[-1]) is c else None
