"""Custom Great Expectations for the audit: one expectation per file, suites as data.

Importing this package registers every expectation with GX; do it before a
file-backed context loads suites that name them.
"""
from pathlib import Path

from expectations.expect_absence_to_match_tables import ExpectAbsenceToMatchTables
from expectations.expect_amount_to_match_table_cell import ExpectAmountToMatchTableCell
from expectations.expect_change_to_carry_reason import ExpectChangeToCarryReason
from expectations.expect_count_to_match_table_rows import ExpectCountToMatchTableRows
from expectations.expect_figure_to_agree_across_tables import ExpectFigureToAgreeAcrossTables
from expectations.expect_growth_to_match_change import ExpectGrowthToMatchChange
from expectations.expect_parts_to_sum_to_whole import ExpectPartsToSumToWhole
from expectations.expect_prose_to_be_consistent import ExpectProseToBeConsistent
from expectations.expect_share_to_match_ratio import ExpectShareToMatchRatio
from expectations.expect_units_to_agree import ExpectUnitsToAgree

SUITES_DIR = Path(__file__).parent / "suites"

ALL = [
    ExpectAmountToMatchTableCell, ExpectShareToMatchRatio, ExpectGrowthToMatchChange,
    ExpectPartsToSumToWhole, ExpectFigureToAgreeAcrossTables, ExpectCountToMatchTableRows,
    ExpectUnitsToAgree, ExpectAbsenceToMatchTables, ExpectProseToBeConsistent, ExpectChangeToCarryReason,
]
RULES = {cls.rule: cls for cls in ALL}
