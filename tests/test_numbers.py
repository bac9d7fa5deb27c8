"""Printed figures are intervals: the precision printed is the precision judged."""
from decimal import Decimal

import pytest

from auditor.numbers import Interval, decimals, interval, parse_number, try_number


@pytest.mark.parametrize("text,value,places", [
    ("1,790.63", Decimal("1790.63"), 2), ("0.00", Decimal("0.00"), 2), ("595.94", Decimal("595.94"), 2),
    ("１２３．４", Decimal("123.4"), 1), ("53", Decimal("53"), 0), ("-3.5", Decimal("-3.5"), 1),
    ("1313.62 ", Decimal("1313.62"), 2),
])
def test_parse_keeps_printed_precision(text, value, places):
    d = parse_number(text)
    assert d == value and decimals(d) == places


@pytest.mark.parametrize("text", ["", "-", "——", "—", None, "  "])
def test_blank_and_dash_are_missing_not_zero(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["2010301号", "abc", "1.2.3", "≥95%"])
def test_words_are_not_numbers(text):
    assert try_number(text) is None
    if text:
        with pytest.raises(ValueError):
            parse_number(text)


def test_interval_is_half_a_unit_of_the_last_digit():
    assert interval(Decimal("178.9")) == (Decimal("178.85"), Decimal("178.95"))
    assert interval(Decimal("53")) == (Decimal("52.5"), Decimal("53.5"))


def test_ratio_of_rounded_inputs_brackets_the_truth():
    # 161.97 / 178.9 = 90.54 %: a printed "90%" misses the interval, "91%" meets it
    r = Interval.printed(Decimal("161.97")).ratio(Interval.printed(Decimal("178.9"))).scale(Decimal(100))
    assert not r.meets(Interval.printed(Decimal("90")))
    assert r.meets(Interval.printed(Decimal("91")))
    assert Interval.printed(Decimal("1")).ratio(Interval.exact(Decimal("0"))) is None
