"""Printed numbers -> Decimal with their printed precision.

A printed figure is an interval, not a point: "178.9" means 178.85–178.95 and
"53%" means 52.5–53.5. ``Decimal`` keeps the printed exponent ("0.00" stays
two-decimal), so the interval is always recoverable from the value itself.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache

# Cells that stand for "no value" (missing), never for zero.
_MISSING = {"", "-", "--", "—", "——", "―", "－", "/", "…", "……", "x", "X", "*"}

_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")


def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) for matching."""
    return unicodedata.normalize("NFKC", text)


def parse_number(text: str | None) -> Decimal | None:
    """'1,790.63' -> Decimal('1790.63'); '0.00' -> Decimal('0.00'); blank/'-'/'——' -> None.

    Raises ValueError for text that is not a number at all.
    """
    if text is None:
        return None
    s = normalize(str(text)).strip().replace(" ", "")
    if s in _MISSING:
        return None
    neg = False
    if s.startswith("(") and s.endswith(")"):
        s, neg = s[1:-1], True
    if s.endswith("%"):
        s = s[:-1]
    if not _NUMBER_RE.match(s):
        raise ValueError(f"not a number: {text!r}")
    try:
        d = Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not a number: {text!r}") from exc
    return -d if neg else d


def try_number(text: str | None) -> Decimal | None:
    """parse_number, but None for anything that is not a number."""
    try:
        return parse_number(text)
    except ValueError:
        return None


def decimals(value: Decimal) -> int:
    """Printed decimal places: Decimal('1.50') -> 2, Decimal('12') -> 0."""
    text = str(value)  # the digits after the point, read off the plain notation (much cheaper than as_tuple)
    if "E" not in text and "e" not in text:
        point = text.find(".")
        return 0 if point < 0 else len(text) - point - 1
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


@lru_cache(maxsize=None)
def unit_of_place(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


@lru_cache(maxsize=None)
def half_unit_of_place(places: int) -> Decimal:
    return unit_of_place(places) / 2


def unit_of_last_digit(value: Decimal) -> Decimal:
    return unit_of_place(decimals(value))


def interval(value: Decimal) -> tuple[Decimal, Decimal]:
    """The interval a printed (rounded) figure stands for: half a unit of its last digit each side."""
    half = half_unit_of_place(decimals(value))
    return value - half, value + half


def fmt(value: Decimal | float | None, places: int | None = None) -> str:
    """Print a figure at a given precision (default: its own). Any size: a figure of more digits
    than the decimal context holds (28) is rounded in a context wide enough for it, never raises;
    'Infinity' and 'NaN' print as such."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if places is not None:
        if not value.is_finite():
            return str(value)
        try:
            value = value.quantize(unit_of_place(places))
        except InvalidOperation:  # more digits than the context's precision
            digits = max(value.adjusted(), 0) + places + 2
            value = value.quantize(unit_of_place(places), context=Context(prec=digits))
    text = str(value)  # the plain notation whenever str() does not switch to an exponent (cheaper than :f)
    return text if "E" not in text and "e" not in text else f"{value:f}"


def printed(value: Decimal) -> tuple[str, int]:
    """(fmt(value), decimals(value)) from one conversion to text."""
    text = str(value)
    if "E" in text or "e" in text:
        return f"{value:f}", decimals(value)
    point = text.find(".")
    return text, (0 if point < 0 else len(text) - point - 1)


_ZERO = Decimal(0)


class Interval:
    """A closed interval of Decimals: what a rounded figure, or arithmetic on them, can be."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Decimal, hi: Decimal):
        self.lo, self.hi = (lo, hi) if lo <= hi else (hi, lo)

    @classmethod
    def printed(cls, value: Decimal) -> "Interval":
        half = half_unit_of_place(decimals(value))
        return cls(value - half, value + half)

    @classmethod
    def exact(cls, value: Decimal) -> "Interval":
        return cls(value, value)

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def scale(self, k: Decimal) -> "Interval":
        return Interval(self.lo * k, self.hi * k)

    def times(self, other: "Interval") -> "Interval":
        """self × other (the product of every pair of ends: signs may differ)."""
        ps = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(ps), max(ps))

    def ratio(self, other: "Interval") -> "Interval | None":
        """self / other, or None when the denominator may be zero or negative."""
        if other.lo <= 0:
            return None
        qs = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(qs), max(qs))

    @property
    def mid(self) -> Decimal:
        return (self.lo + self.hi) / 2

    def meets(self, other: "Interval") -> bool:
        return self.hi >= other.lo and self.lo <= other.hi

    def distance(self, other: "Interval") -> Decimal:
        """max(0, other.lo - self.hi, self.lo - other.hi), without a new zero and a call to max."""
        gap = _ZERO
        above = other.lo - self.hi
        if above > gap:
            gap = above
        below = self.lo - other.hi
        if below > gap:
            gap = below
        return gap

    def __repr__(self) -> str:
        return f"[{self.lo}, {self.hi}]"


def interval_sum(items) -> Interval:
    lo = hi = Decimal(0)
    for it in items:  # the ends added up directly: no Interval per partial sum
        lo += it.lo
        hi += it.hi
    return Interval(lo, hi)


def printed_sum(values) -> Interval:
    """interval_sum(Interval.printed(v) for v in values), without an Interval per value."""
    lo = hi = Decimal(0)
    for v in values:
        half = half_unit_of_place(printed(v)[1])
        lo += v - half
        hi += v + half
    return Interval(lo, hi)


def printed_sum_shown(values, sep: str = " + ") -> tuple[Interval, str]:
    """(printed_sum(values), sep.join(map(fmt, values))): each figure converted to text once."""
    lo = hi = Decimal(0)
    texts = []
    for v in values:
        text, places = printed(v)
        half = half_unit_of_place(places)
        lo += v - half
        hi += v + half
        texts.append(text)
    return Interval(lo, hi), sep.join(texts)
