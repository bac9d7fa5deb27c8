"""A stated share equals part.

    A share claim ("占30%") against part / whole, with part and whole taken from the sentence or the tables;
    the interval comes from the rounded inputs.
"""
from expectations._base import IntervalExpectation


class ExpectShareToMatchRatio(IntervalExpectation):
    rule = "share_matches_ratio"
    description: str = "文中占比等于部分除以整体 / A stated share equals part / whole"
