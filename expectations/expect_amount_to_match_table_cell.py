"""An amount stated in the narrative equals its table cell, at printed precision.

    An amount claim ("基本支出178.9万元") against the table cell that holds its concept (chosen through the
    concept ontology: the right table and column when several hold it).
"""
from expectations._base import IntervalExpectation


class ExpectAmountToMatchTableCell(IntervalExpectation):
    rule = "amount_matches_table"
    description: str = "文中金额与表中对应单元格一致（按印刷精度） / An amount stated in the narrative equals its table cell, at printed precision"
