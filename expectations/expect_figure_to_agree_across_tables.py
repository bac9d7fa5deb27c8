"""The same figure agrees across tables.

    Totals, 基本支出, 人员经费, 公用经费, "三公" items and project totals, wherever two tables both print them.
"""
from expectations._base import IntervalExpectation


class ExpectFigureToAgreeAcrossTables(IntervalExpectation):
    rule = "figure_agrees_across_tables"
    description: str = "同一数字在各表之间一致 / The same figure agrees across tables"
