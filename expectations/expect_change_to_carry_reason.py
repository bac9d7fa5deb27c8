"""A stated change carries a real reason.

    Every stated change carries a reason; an empty reason ("主要原因是。"), a leftover template
    ("增加（减少）") or a reason that contradicts the direction is reported.
"""
from expectations._base import HoldsExpectation


class ExpectChangeToCarryReason(HoldsExpectation):
    rule = "reason_given"
    description: str = "增减变动说明了原因，且原因不是模板残留 / A stated change carries a real reason"
