"""The same amount agrees between a 元 table and a 万元 table.

    A figure printed in 元 (e.g. a 绩效目标表) against the same figure in a 万元 table (e.g. the 项目支出表),
    converted; a factor-of-10,000 slip is a fail.
"""
from expectations._base import IntervalExpectation


class ExpectUnitsToAgree(IntervalExpectation):
    rule = "units_agree"
    description: str = "元表与万元表的同一金额一致 / The same amount agrees between a 元 table and a 万元 table"
