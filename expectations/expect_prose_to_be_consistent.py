"""The narrative does not contradict itself.

    A zero base with a stated increase or "增长100%", a direction word against the sign, one concept
    stated with two different values.
"""
from expectations._base import HoldsExpectation


class ExpectProseToBeConsistent(HoldsExpectation):
    rule = "prose_consistent"
    description: str = "文字表述自身不矛盾 / The narrative does not contradict itself"
