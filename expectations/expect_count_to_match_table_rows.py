"""A stated count equals the number of table rows.

    A count claim ("涉及项目15个") against the rows of the table that lists the things counted.
"""
from expectations._base import IntervalExpectation


class ExpectCountToMatchTableRows(IntervalExpectation):
    rule = "count_matches_rows"
    description: str = "文中个数与表中行数一致 / A stated count equals the number of table rows"
