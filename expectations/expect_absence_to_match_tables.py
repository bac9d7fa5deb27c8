"""A statement of absence or an empty-table note agrees with the tables.

    "本单位无政府性基金预算收支，并已公开空表" requires the table to be empty or zero; a table published
    with an empty-table note must not hold data.
"""
from expectations._base import HoldsExpectation


class ExpectAbsenceToMatchTables(HoldsExpectation):
    rule = "absence_matches_tables"
    description: str = "“无…”或空表说明与表中数据相符 / A statement of absence or an empty-table note agrees with the tables"
