"""Concepts -> the table cells that hold them, through data/evidence.yaml.

A table row is read as segments: a text cell (the label) and the figures to
its right up to the next label, so side-by-side layouts (收入 | 金额 | 支出 |
金额 …) give each label its own figures. Labels are compared after removing
ordinals ("一、", "(一)", "1、"), "其中：", spaces and quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Iterator


from auditor.data import read as read_data
from auditor.evidence import cell as evidence_cell
from auditor.evidence import render_cell, table_of
from auditor.model import Table
from auditor.numbers import interval, normalize

UNIT_IN_YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}

_WORDS = read_data("table_words.yaml")
_ORDINAL = re.compile(_WORDS["label_ordinal"])
_STRIP = re.compile(r"[\s\"“”'‘’「」]")


@lru_cache(maxsize=1 << 16)
def clean_label(text: str) -> str:
    """'（一）一般公共预算拨款' -> '一般公共预算拨款'; '收 入 总 计' -> '收入总计'.

    Labels repeat on every table and every lookup, so each text is cleaned once."""
    s = _STRIP.sub("", normalize(text or ""))
    prev = None
    while prev != s:
        prev, s = s, _ORDINAL.sub("", s)
    return s.rstrip(":：")


@dataclass(frozen=True)
class Cell:
    """One figure of a table, with what an auditor needs to find it again."""

    table: Table
    row: int
    column: str
    label: str
    value: Decimal | None        # None: the row is there with its cell left blank (nothing published)

    def in_unit(self, unit: str | None) -> tuple[Decimal, Decimal, Decimal]:
        """(value, lo, hi) converted to `unit` (the claim's), interval from the printed precision.

        A blank cell on a labelled row stands for no amount: exactly zero.
        Kept on the cell per unit: a figure is compared, kept and described several times."""
        memo = self.__dict__.setdefault("_by_unit", {})
        if unit not in memo:
            memo[unit] = self._in_unit(unit)
        return memo[unit]

    def _in_unit(self, unit: str | None) -> tuple[Decimal, Decimal, Decimal]:
        if self.value is None:
            return Decimal(0), Decimal(0), Decimal(0)
        lo, hi = interval(self.value)
        factor = conversion(self.table.unit, unit)
        return self.value * factor, lo * factor, hi * factor

    def ref(self) -> tuple:
        """The cell as an evidence term (auditor.evidence.cell), made once."""
        ref = self.__dict__.get("_ref")
        if ref is None:
            ref = self.__dict__["_ref"] = evidence_cell(table_of(self.table), self.row, None, self.label,
                                                        self.column, self.value)
        return ref

    def describe(self) -> str:
        """The cell in words (auditor.evidence.render_cell)."""
        return render_cell(self.ref())


@lru_cache(maxsize=None)  # a handful of unit pairs, asked for on every cell compared
def conversion(from_unit: str | None, to_unit: str | None) -> Decimal:
    a = UNIT_IN_YUAN.get(from_unit or "万元", Decimal(10000))
    b = UNIT_IN_YUAN.get(to_unit or "万元", Decimal(10000))
    return a / b


_PRIOR_COL, _CHANGE_COL, _COL_YEAR, _CARRIED = (re.compile(_WORDS[k]) for k in
                                                  ("prior_column", "change_column", "column_year", "carry_over_column"))
BUDGET_COL, ACCOUNT_COL = (re.compile(_WORDS[k]) for k in ("budget_column", "account_column"))


def column_periods(table: Table) -> list[str | None]:
    """Per column: "prior" for an earlier period's figures (上年预算数; 2024年预算数 beside 2025年预算数,
    or in a table titled 2025年), "later" for a later one's, "change" for changes (增减额, 增长%),
    "budget" for the budget beside the account ("年初预算数 | 决算数"), None for the table's own
    figures. Computed once per table."""
    cached = table.__dict__.get("_periods")
    if cached is None:
        years = [set() if _CARRIED.search(col) else {int(y) for y in _COL_YEAR.findall(col)} for col in table.columns]
        titled = [int(y) for y in _COL_YEAR.findall(table.title or "")]
        printed = set().union(*years)
        # the table's own year: its title's when a column prints it (a title left from another year's
        # template names none), else the latest a column prints
        own = titled[0] if titled and titled[0] in printed else max(printed, default=None)
        cached = []
        for col, ys in zip(table.columns, years):
            parts = [clean_column(p) for p in col.split("/")]
            if any(_PRIOR_COL.search(p) for p in parts) or (ys and own is not None and max(ys) < own):
                cached.append("prior")
            elif ys and own is not None and min(ys) > own:
                cached.append("later")  # a plan's later years ("2026年" in a 2025 table)
            elif any(_CHANGE_COL.search(p) for p in parts):
                cached.append("change")
            else:
                cached.append(None)
        # "年初预算数 | 调整预算数 | 决算数": the account is the table's own figure, the budget beside it not
        if any(p is None and ACCOUNT_COL.search(col) and not BUDGET_COL.search(col)
               for p, col in zip(cached, table.columns)):
            cached = ["budget" if p is None and BUDGET_COL.search(col) and not ACCOUNT_COL.search(col) else p
                      for p, col in zip(cached, table.columns)]
        table.__dict__["_periods"] = cached
    return cached


def own_period(table: Table, period: str | None = None) -> list[bool]:
    """Per column: it holds the table's own period's figures (not another period's, not a change),
    or, with `period` ("budget", "prior"), that kind of column's."""
    return [p == period for p in column_periods(table)]


def segments(table: Table, period: str | None = None) -> list[tuple[int, str, list[tuple[str, Decimal | None]]]]:
    """(row index, cleaned label, [(column, figure)]) for every labelled run of a row, in the
    table's own columns (or those of `period`, see own_period).

    Computed once per table (every concept lookup walks them)."""
    key = "_segments" if period is None else f"_segments_{period}"
    cached = table.__dict__.get(key)
    if cached is None:
        cached = table.__dict__[key] = _segments(table, period)
    return cached


def _segments(table: Table, period: str | None = None) -> list[tuple[int, str, list[tuple[str, Decimal | None]]]]:
    out = []
    own = own_period(table, period)
    for r, row in enumerate(table.rows):
        figures = None
        for col, cell, mine in zip(table.columns, row, own):
            if not mine and not isinstance(cell, str):
                continue  # another period's figure or a change: no figure of this one
            if cell is None:  # the commonest cell: a blank
                if figures is not None:
                    figures.append((col, None))
            elif isinstance(cell, Decimal):
                if figures is not None:
                    figures.append((col, cell))
            elif isinstance(cell, str) and cell.strip():
                label = _label_of(cell)
                if label is None:  # a subject code: neither a label nor a figure
                    continue
                figures = []  # filled as the row is read on
                out.append((r, label, figures))
            elif figures is not None:
                figures.append((col, None))
    return out


def row_labels(table: Table) -> list[str]:
    """_row_label of every row (its first label cell, cleaned, or its subject code), computed once per table."""
    cached = table.__dict__.get("_row_labels")
    if cached is None:
        cached = table.__dict__["_row_labels"] = [_row_label(table, r) for r in range(len(table.rows))]
    return cached


_CODE = re.compile(r"\d{3,}")


@lru_cache(maxsize=1 << 16)
def _is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(normalize(text).strip()))


@lru_cache(maxsize=1 << 16)
def _label_of(text: str) -> str | None:
    """A text cell's cleaned label, None for a subject code (one lookup where a row is read)."""
    return None if _is_code(text) else clean_label(text)


@lru_cache(maxsize=None)
def _evidence() -> dict:
    return read_data("evidence.yaml")


@lru_cache(maxsize=4096)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class RowPattern:
    """A row pattern (fullmatched against cleaned labels) with the answers it has given: the same labels
    meet the same patterns in every document, so each is matched once (`answers` forgets all at 4096).
    select() walks a table's segments looking in `answers` first (no call for a label already seen)."""

    __slots__ = ("answers", "fullmatch")

    def __init__(self, pattern: str):
        self.answers: dict[str, bool] = {}
        self.fullmatch = _rx(pattern).fullmatch

    def matches(self, label: str) -> bool:
        hit = self.answers.get(label)
        if hit is None:
            if len(self.answers) >= 4096:
                self.answers.clear()
            hit = self.answers[label] = self.fullmatch(label) is not None
        return hit

    def select(self, segs: list[tuple[int, str, list]]) -> Iterator[tuple[int, str, list]]:
        """The segments (see segments()) whose label the pattern matches, in order."""
        answers = self.answers
        for seg in segs:
            hit = answers.get(seg[1])
            if self.matches(seg[1]) if hit is None else hit:
                yield seg


@lru_cache(maxsize=4096)
def row_pattern(pattern: str) -> RowPattern:
    return RowPattern(pattern)


def locations(concept: str) -> list[dict]:
    """The locations of a concept; `{same_as: X}` entries borrow every location of concept X."""
    return list(_locations(concept))


@lru_cache(maxsize=4096)  # asked for on every lookup; the concepts are the vocabulary's
def _locations(concept: str) -> tuple[dict, ...]:
    out = []
    for loc in _evidence().get("concepts", {}).get(concept) or []:
        if "same_as" in loc:
            out.extend({**other, "fallback": loc.get("fallback", other.get("fallback", False))}
                       for other in _locations(loc["same_as"]))
        else:
            out.append(loc)
    return tuple(out)


@lru_cache(maxsize=1 << 12)
def clean_column(path: str) -> str:
    """A column path for matching: NFKC, no spaces or quotes ("“三公”经费合计" -> "三公经费合计")."""
    return _STRIP.sub("", normalize(path or ""))


def cross_table_concepts() -> list[str]:
    return list(_evidence().get("agree_across_tables") or [])


def find(concept: str, tables: Iterable[Table], period: str | None = None) -> list[Cell]:
    """Every cell that holds `concept`, in the order of preference data/evidence.yaml gives, in the
    tables' own columns (with `period` "budget": in the budget printed beside a 决算's account).

    Concepts with no entry there are looked up by their subject codes in every coded
    table, then by their names in the summary tables (ontology.yaml)."""
    tables = [t for t in tables if not t.empty]
    locs = locations(concept) or _generic_locations(concept)
    found: list[Cell] = []
    for loc in locs:
        if loc.get("fallback") and found:
            continue
        types = _as_list(loc.get("table", []))
        for t in tables:
            if types and t.type not in types:
                continue
            found.extend(_find_in(t, loc, period))
    return found


def usually_equal(concept: str | None) -> str | None:
    """data/evidence.yaml `usually_equal`: the concept whose figure this one is for most units."""
    return (_evidence().get("usually_equal") or {}).get(concept or "")


def own_types(concept: str | None) -> set[str]:
    """The types of the concept's own table: its first location's that is not a summary table (a
    summary lists every fund; 政府性基金收入's own table is the 政府性基金 table), else its first's."""
    locs = locations(concept or "")
    summaries = set(_evidence().get("summary") or []) | set(_evidence().get("fiscal") or [])
    typed = [set(_as_list(loc.get("table", []))) for loc in locs if loc.get("table")]
    return next((t for t in typed if not t <= summaries), typed[0] if typed else set())


def empty_table(concept: str | None, tables: Iterable[Table]) -> Table | None:
    """The concept's own table when every copy of it is published empty."""
    types = own_types(concept)
    present = [t for t in tables if t.type in types]
    return present[0] if present and all(t.empty for t in present) else None


_EMPTY_FLAG, _FLAG_YES = (re.compile(_WORDS[k]) for k in ("empty_flag_column", "empty_flag_yes"))


def declared_empty(tables: Iterable[Table]) -> dict[str, tuple[Table, str, str]]:
    """Table type -> (the list that says so, the table's name, the reason printed beside it) for
    every table a list of the document's tables marks empty: a 目录 with a 是否空表 column
    ("表12 | 部门综合预算一般公共预算拨款“三公”经费…支出预算表 | 是 | 不涉及，并已公开空表")."""
    from auditor.tables import classify_title

    out: dict[str, tuple[Table, str, str]] = {}
    for t in tables:
        flag = next((j for j, col in enumerate(t.columns) if _EMPTY_FLAG.search(col)), None)
        if flag is None:
            continue
        for row in t.rows:
            texts = [x.strip() if isinstance(x, str) else "" for x in row]
            if flag >= len(texts) or not _FLAG_YES.fullmatch(texts[flag]):
                continue
            named = next(((x, ty) for x in texts[:flag] if "表" in x and (ty := classify_title(x))), None)
            if named:
                out.setdefault(named[1], (t, named[0], "".join(texts[flag + 1:])))
    return out


_OPTIONAL_END = _WORDS["label_optional_end"]


def find_label(label: str, index: dict[str, list[Cell]]) -> list[Cell]:
    """Cells on rows whose cleaned label is exactly `label` (a sub-item the ontology does not name),
    looked up in label_index(tables), built once for a document's tables; failing that, the label
    with or without its optional ending (table_words.yaml `label_optional_end`: 支出)."""
    key = clean_label(label)
    hits = index.get(key)
    if not hits and key:
        other = key[:-len(_OPTIONAL_END)] if key.endswith(_OPTIONAL_END) else key + _OPTIONAL_END
        hits = index.get(other) if other else None
    return list(hits or [])


def under(cells: list[Cell], parent: str) -> list[Cell]:
    """The cells whose row's subject code sits under a row labelled `parent` (with or without its
    optional ending): the 行政运行 of 人大事务 (2010101 under 20101), not that of 政府办公厅 (2010301)."""
    want = {clean_label(parent), clean_label(parent) + _OPTIONAL_END}
    if parent.endswith(_OPTIONAL_END):
        want.add(clean_label(parent)[:-len(_OPTIONAL_END)])
    out = []
    for x in cells:
        codes = x.table.codes or []
        code = codes[x.row] if x.row < len(codes) else None
        if not code:
            continue
        ancestors = {c: r for r, c in enumerate(codes) if c and len(c) < len(code) and code.startswith(c)}
        if ancestors and row_labels(x.table)[ancestors[max(ancestors, key=len)]] in want:
            out.append(x)
    return out


def label_index(tables: Iterable[Table]) -> dict[str, list[Cell]]:
    """Cleaned row label -> the first figure of every row so labelled, in table order."""
    index: dict[str, list[Cell]] = {}
    for t in tables:
        if t.empty:
            continue
        for r, lab, figures in segments(t):
            val = next(((col, v) for col, v in figures if v is not None), None)
            if val is not None:
                index.setdefault(lab, []).append(Cell(t, r, val[0], lab, val[1]))
    return index


@lru_cache(maxsize=None)
def _generic_locations_cached(concept: str) -> tuple:
    from auditor.nlp import ontology  # the claim extractor's own copy of the concepts

    spec = ontology()["concepts"].get(concept) or {}
    locs = [{"code": str(c)} for c in spec.get("codes") or []]
    names = [clean_label(n) for n in spec.get("names") or [concept]]
    if names:
        summary = (_evidence().get("summary") or []) + (_evidence().get("fiscal") or [])
        rx = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
        locs.append({"table": list(summary), "row": rx})
    return tuple(locs)


def _generic_locations(concept: str) -> list[dict]:
    return list(_generic_locations_cached(concept))


def _as_list(v) -> list:
    return v if isinstance(v, list) else [v]


_TOTAL_LABEL = re.compile(_WORDS["total_label_end"])


def _find_in(t: Table, loc: dict, period: str | None = None) -> list[Cell]:
    """The cells of one table a location names (every matching column: the audit picks the best)."""
    col_rx = _rx(loc["column"]) if "column" in loc else None
    add = loc.get("sum", False)
    if "codes" in loc:  # a concept made of whole subjects: the sum of their rows' first figures
        codes = {str(x) for x in loc["codes"]}
        picked = [_pick(t, r, col_rx, _row_label(t, r), period=period)[:1]
                  for r, c in enumerate(t.codes or []) if c in codes]
        vals = [cells[0] for cells in picked if cells]
        if not vals:
            return []
        return [Cell(t, vals[0].row, vals[0].column, "+".join(x.label for x in vals),
                     _sum([x.value for x in vals if x.value is not None]))]
    code = loc.get("code")
    if code is not None:
        for r, c in enumerate(t.codes or []):
            if c == str(code):
                return _pick(t, r, col_rx, _row_label(t, r), add, period)
        return []
    if "row" not in loc:
        for r in range(len(t.rows)):
            cells = _pick(t, r, col_rx, _row_label(t, r), add, period)
            if cells:
                return cells
        return []
    for r, label, figures in row_pattern(loc["row"]).select(segments(t, period)):
        hits = [(col, val) for col, val in figures if col_rx is None or col_rx.search(clean_column(col))]
        if not hits:
            continue
        vals = [(col, v) for col, v in hits if v is not None]
        if add:
            return [Cell(t, r, "+".join(c for c, _ in hits), label, _sum([v for _, v in vals]) if vals else None)]
        if vals:
            return [Cell(t, r, col, label, v) for col, v in vals]
        if _TOTAL_LABEL.search(label):
            continue  # a total row printed blank is not a zero: the figure is elsewhere or missing
        return [Cell(t, r, hits[0][0], label, None)]
    return []


def _sum(vals: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for v in vals:
        total += v
    return total


def _row_label(t: Table, r: int) -> str:
    for cell in t.rows[r]:
        if isinstance(cell, str) and cell.strip():
            label = _label_of(cell)
            if label is not None:
                return label
    return (t.codes[r] or "") if t.codes else ""


def _pick(t: Table, r: int, col_rx, label: str, add: bool = False, period: str | None = None) -> list[Cell]:
    """The figures of row r (in the columns `col_rx` names, of the table's own period or `period`).
    With a column named, a blank cell of a row that has figures elsewhere is evidence of nil, like
    a blank on a labelled row."""
    row, own = t.rows[r], own_period(t, period)
    hits = [(col, cell) for col, cell, mine in zip(t.columns, row, own)
            if mine and isinstance(cell, Decimal) and (col_rx is None or col_rx.search(clean_column(col)))]
    if add:
        return [Cell(t, r, "+".join(c for c, _ in hits), label, _sum([v for _, v in hits]))] if hits else []
    if col_rx is not None and any(isinstance(c, Decimal) for c in row):
        hits += [(col, None) for col, cell, mine in zip(t.columns, row, own)
                 if mine and cell is None and col_rx.search(clean_column(col))]
    return [Cell(t, r, col, label, v) for col, v in hits]
