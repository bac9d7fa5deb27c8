"""A growth rate equals change.

    A growth claim against change / (current − change) when both are stated in the sentence, or against the
    previous year's document of the same department when the corpus holds it; a change claim against the prior document.
"""
from expectations._base import IntervalExpectation


class ExpectGrowthToMatchChange(IntervalExpectation):
    rule = "growth_matches_change"
    description: str = "增长率等于增减额除以上年数；增减额等于本年数减上年数 / A growth rate equals change / (current − change); a change equals current − prior"
