"""Table lookups the table tests read figures with: the audit's own reading of labels and figures
(auditor.link.segments, clean_label), by label, by subject code, by row."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable, Pattern

from auditor.link import clean_label, segments
from auditor.model import Table
from auditor.numbers import normalize


def _as_matcher(label):
    if isinstance(label, Pattern):
        return lambda s: bool(label.search(s))
    if isinstance(label, str):
        rx = re.compile(label)
        return lambda s: bool(rx.search(s))
    names = {clean_label(x) for x in label}
    return lambda s: s in names


def find_value(table: Table, label: str | Pattern | Iterable[str], column: str | Pattern | None = None
               ) -> list[tuple[int, str, Decimal]]:
    """Figures that belong to a row label: [(row index, column name, value)]; a label's figures are
    those to its right up to the next label; `column` (regex on the path) picks among them, else the
    first non-blank figure. Blank cells are never 0."""
    match = _as_matcher(label)
    col_rx = re.compile(column) if isinstance(column, str) else column
    out: list[tuple[int, str, Decimal]] = []
    for i, lab, figures in segments(table):
        if not match(lab):
            continue
        for col, v in figures:
            if v is None:
                continue
            if col_rx is None:
                out.append((i, col, v))
                break
            if col_rx.search(normalize(col)):
                out.append((i, col, v))
    return out


def find_code(table: Table, code: str, column: str | Pattern | None = None) -> list[tuple[int, str, Decimal]]:
    """Figures of the rows whose subject code is `code`, in column order (`column`: regex on the path)."""
    col_rx = re.compile(column) if isinstance(column, str) else column
    return [(i, table.columns[j], v) for i, c in enumerate(table.codes) if c == code
            for j, v in enumerate(table.rows[i])
            if isinstance(v, Decimal) and (col_rx is None or col_rx.search(normalize(table.columns[j])))]


def find_rows(table: Table, label: str | Pattern | Iterable[str]) -> list[int]:
    """Row indexes with a text cell that matches the label."""
    match = _as_matcher(label)
    return [i for i, row in enumerate(table.rows) if any(isinstance(c, str) and match(clean_label(c)) for c in row)]
