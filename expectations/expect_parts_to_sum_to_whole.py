"""Parts sum to their whole.

    Composition claims ("其中：a；b；c") and table footing: children to parents by subject-code hierarchy
    (类 ⊃ 款 ⊃ 项), 小计/合计 rows, and columns (基本支出 + 项目支出 = 合计; 人员经费 + 公用经费 = 基本支出).
"""
from expectations._base import IntervalExpectation


class ExpectPartsToSumToWhole(IntervalExpectation):
    rule = "parts_sum_to_whole"
    description: str = "各分项之和等于合计 / Parts sum to their whole"
