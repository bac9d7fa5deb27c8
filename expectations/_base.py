"""What every audit expectation shares: two row-wise metrics, two base classes, and `face`, which
makes an expectation's class from its entry in the rule registry (auditor.rules.EXPECTATIONS).

A check row (one per claim or table check; see auditor/checks.py) carries
  rule                      which check it is (each expectation takes its own rows by row_condition)
  stated_lo, stated_hi      the interval the printed figure stands for ("53%" -> 52.5..53.5)
  expected_lo, expected_hi  the interval the evidence gives, propagated from its rounded inputs
  step                      one unit of the stated figure's last printed digit
  holds                     for yes/no checks (absence, prose contradictions, reasons)

Numeric checks pass when the two intervals meet, widened by `tolerance_units` steps:
a suite holds each numeric rule twice, at 0 steps (severity warning: a miss is a
rounding-level 'warn') and at 1 step (severity critical: a miss is a 'fail').
"""
from __future__ import annotations

from typing import ClassVar, Literal

from great_expectations.compatibility import pydantic
from great_expectations.compatibility.pyspark import functions as F
from great_expectations.execution_engine import PandasExecutionEngine, SparkDFExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

INTERVAL_COLUMNS = ["stated_lo", "stated_hi", "expected_lo", "expected_hi", "step"]
HOLDS_COLUMNS = ["rule", "holds"]  # GX wants two or more columns for a multicolumn map
# Floats cannot hold 0.005 exactly; this guards the interval edges against
# representation error only (it is far below any printed precision).
FLOAT_GUARD = 1e-9


class IntervalsMeet(MulticolumnMapMetricProvider):
    condition_metric_name = "auditor.intervals_meet"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("tolerance_units",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, tolerance_units=0, **kwargs):
        c = column_list.astype("float64")
        slack = c["step"] * tolerance_units + FLOAT_GUARD * (1 + c["expected_hi"].abs())
        return (c["stated_hi"] >= c["expected_lo"] - slack) & (c["stated_lo"] <= c["expected_hi"] + slack)

    @multicolumn_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column_list, tolerance_units=0, **kwargs):
        slack = F.col("step") * F.lit(float(tolerance_units)) + F.lit(FLOAT_GUARD) * (1 + F.abs(F.col("expected_hi")))
        return (F.col("stated_hi") >= F.col("expected_lo") - slack) & (F.col("stated_lo") <= F.col("expected_hi") + slack)


class CheckHolds(MulticolumnMapMetricProvider):
    condition_metric_name = "auditor.check_holds"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        return column_list["holds"].astype(bool)

    @multicolumn_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column_list, **kwargs):
        return F.col("holds") == F.lit(True)


class _AuditExpectation(MulticolumnMapExpectation):
    """Base: an audit rule judged over the check rows whose `rule` column names it."""

    rule: ClassVar[str] = ""
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"


class IntervalExpectation(_AuditExpectation):
    """Stated figure against the evidence, with the printed precision of both."""

    column_list: list[str] = pydantic.Field(default_factory=lambda: list(INTERVAL_COLUMNS))
    tolerance_units: int = 0
    map_metric = "auditor.intervals_meet"
    success_keys = ("mostly", "tolerance_units")
    args_keys = ("column_list", "tolerance_units")


class HoldsExpectation(_AuditExpectation):
    """A yes/no check; a failing row gets the level its check row names (fail or warn)."""

    column_list: list[str] = pydantic.Field(default_factory=lambda: list(HOLDS_COLUMNS))
    map_metric = "auditor.check_holds"
    success_keys = ("mostly",)
    args_keys = ("column_list",)


def face(rule: str) -> type:
    """The GX expectation class of a registry expectation: its name, description and base (interval
    or yes/no) all come from auditor.rules.EXPECTATIONS; the rules it judges are listed in its
    docstring. GX registers it under its snake-case name (`type`)."""
    from auditor.rules import EXPECTATION_OF, RULES
    from auditor.rules.base import INTERVAL

    e = EXPECTATION_OF[rule]
    base = IntervalExpectation if e.judged == INTERVAL else HoldsExpectation
    judged = [r for r in RULES if r.reports == rule]
    doc = f"{e.name} — {e.name_en}.\n\n    {e.summary} / {e.summary_en}\n\n    Rules judged by it (auditor/rules/):\n" + \
        "".join(f"    - {r.id}: {r.name}：{r.summary}\n" for r in judged)
    name = "".join(w.title() for w in e.type.split("_"))
    return type(name, (base,), {"__module__": f"expectations.{e.type}", "__doc__": doc, "rule": rule,
                                "__annotations__": {"description": str},
                                "description": f"{e.name}：{e.summary} / {e.summary_en}"})
