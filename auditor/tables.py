"""RawTables -> typed Tables, and pure lookups over a Table.

raw_to_tables() does, in order:
  1. clean cells (whitespace inside CJK text from line wrapping removed: "郑州市金水区政 务信息中心"
     -> "郑州市金水区政务信息中心"; "项 目" -> "项目"), pad rows to one width;
  2. merge continuations: a RawTable without a title of its own whose header repeats the previous
     table's header, or whose column count equals it, continues that table (page breaks);
     header rows repeated inside one table are dropped;
  3. split header rows from the body (leading rows without figures, at most 5) and flatten them into
     column paths ("支出/一般公共预算/小计"); a column-number row ("1 2 3 …") is dropped;
  4. join 类/款/项 code columns (201|03|01 -> "2010301") and single code columns (科目编码 2010399);
     the first subject-code group becomes the first column "科目编码" and Table.codes;
  5. parse figures with auditor.numbers.parse_number in value columns (blank -> None, never 0);
     name/code/indicator columns stay text;
  6. unit from the context (单位：万元 / 元 / 千元 / 亿元, "单位：万\\n元") or the header ("金额（元）");
  7. type from the title (data/tables.yaml), header hints when the title says nothing;
  8. empty: the table is published empty — its context/note says so (本表无数据, 故此表无数据,
     并已公开空表, 此表为空, 空表 …) OR its body holds no non-zero figure at all.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal
from itertools import compress, repeat
from pathlib import Path
from typing import Sequence


from auditor.data import read as read_data
from auditor.model import Cell, RawTable, Table
from auditor.numbers import normalize, try_number

__all__ = [
    "raw_to_tables", "table_to_json", "classify_title", "classify",
    "label_text", "load_types",
]

_DATA = Path(__file__).parent / "data" / "tables.yaml"
_WORDS = read_data("table_words.yaml")
_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_WS_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_WS = re.compile(r"\s+")
_TITLE_ORDINAL, _TITLE_YEAR = re.compile(_WORDS["title_ordinal"]), re.compile(_WORDS["title_year"])
_ANY_WS = re.compile(r"\s")
_UNIT_RE = re.compile(_WORDS["unit_line"])
_HEADER_UNIT_RE = re.compile(_WORDS["unit_in_header"])
_EMPTY_RE = re.compile(_WORDS["empty_note"])
_NOTE_RE = re.compile(_WORDS["note_line"])
_TITLE_MARK = re.compile(_WORDS["title_mark"])
_META_RE = re.compile(_WORDS["meta_line"])
_TOTAL_RE = re.compile(_WORDS["total_label"])
_ENUM_RE = re.compile(_WORDS["enumerator"])
_CODE_LEAF = frozenset(_WORDS["code_levels"])  # the code columns' labels (cells are cleaned: no stray whitespace)
_CODE_COL = re.compile(_WORDS["code_column"])
_TEXT_COL = re.compile(_WORDS["text_column"])
_HEADER_WORD = re.compile(_WORDS["header_word"])
_DIGITS = re.compile(r"^\d{3,}$|^\d{2}$")
_DIGIT = re.compile(r"\d")
_COLNUM = re.compile(r"\d{1,2}")
_CODE_DIGITS = re.compile(r"\d{3,}")
_YEAR_CELL = re.compile(r"\d{4}年?.*")


# ---------------------------------------------------------------- types

@functools.lru_cache(maxsize=None)
def load_types(path: str | None = None) -> dict:
    """The table-type data file, with its regexes compiled once."""
    data = read_data(Path(path) if path else _DATA)
    for t in data["types"]:
        t["_patterns"] = [re.compile(normalize(p)) for p in t.get("patterns", [])]
        t["_exclude"] = [re.compile(normalize(p)) for p in t.get("exclude", [])]
    data["_fuzzy"] = [(_norm_title(ex), t["id"]) for t in data["types"] for ex in t.get("examples", []) + [t.get("name", "")] if ex]
    return data


def _norm_title(title: str) -> str:
    s = normalize(title or "")
    s = s.replace("“", "").replace("”", "").replace('"', "")
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"^#+", "", s)
    s = _TITLE_MARK.sub("", s)
    s = _TITLE_ORDINAL.sub("", s)
    s = _TITLE_YEAR.sub("", s)
    return s


@functools.lru_cache(maxsize=4096)
def classify_title(title: str) -> str | None:
    """Type id for a table title, or None when the title names no standard table."""
    s = _norm_title(title)
    if not s or "表" not in s and len(s) < 4:
        return None
    data = load_types()
    final = "决算" in s
    for t in data["types"]:
        if t["id"].startswith("final_") and not final:
            continue
        if any(p.search(s) for p in t["_patterns"]) and not any(p.search(s) for p in t["_exclude"]):
            if final and not t["id"].startswith("final_") and "预算" not in s:
                continue
            return t["id"]
    try:
        from rapidfuzz import fuzz, process

        best = process.extractOne(s, [e for e, _ in data["_fuzzy"]], scorer=fuzz.ratio,
                                  score_cutoff=data.get("fuzzy_cutoff", 90))
        if best is not None:
            return data["_fuzzy"][best[2]][1]
    except ImportError:  # pragma: no cover
        pass
    return None


def classify(title: str, columns: Sequence[str] = (), body_text: str = "") -> str:
    """Type id from title, else from the header (data/tables.yaml header_hints), else "other"."""
    t = classify_title(title)
    if t:
        return t
    if _norm_title(title) and "表" in title:
        return "other"
    head = normalize(" ".join(columns) + " " + body_text)
    for hint in load_types().get("header_hints", []):
        if all(w in head for w in hint.get("all", [])) and (not hint.get("any") or any(w in head for w in hint["any"])):
            return hint["id"]
    return "other"


# ---------------------------------------------------------------- cells

def _no_space(s: str) -> bool:
    """No whitespace in s. Every whitespace character but the ASCII space is unprintable, so
    most text answers with two scans in C; the rest (zero-width and other unprintable
    characters) ask the pattern."""
    if " " in s:
        return False
    return s.isprintable() or not _ANY_WS.search(s)


def clean_cell(cell) -> str:
    if cell is None:
        return ""
    s = str(cell)
    if _no_space(s):  # most cells: nothing to clean
        return s
    return _cleaned(s)


@functools.lru_cache(maxsize=4096)
def _cleaned(s: str) -> str:
    """The whitespace of a cell cleaned (the same cells, mostly header labels, come back table after table)."""
    s = s.replace("\u00a0", " ").replace("\u3000", " ")
    s = _WS_IN_CJK.sub("", s.strip())
    return _WS.sub(" ", s)


def _clean_row(row: list) -> list[str]:
    """clean_cell of every cell; a row of text without whitespace (most rows) is taken as it is."""
    try:
        if _no_space("".join(row)):
            return list(row)
    except TypeError:  # a missing (None) cell: clean them one by one
        pass
    return [clean_cell(c) if c is None or " " in c or not c.isprintable() else c for c in row]  # (see _no_space)


def _clean_rows(rows: list[list]) -> tuple[list[list[str]], list[str]]:
    """_clean_row of every row, rows left blank dropped; and the text of each row ("".join of its cells).
    A table without whitespace (most) is copied as it is."""
    try:
        texts = list(map("".join, rows))
    except TypeError:  # a missing (None) cell
        texts = None
    if texts is not None and _no_space("".join(texts)):
        return list(map(list, compress(rows, texts))), list(filter(None, texts))
    rows = [r for r in map(_clean_row, rows) if any(r)]
    return rows, list(map("".join, rows))


def label_text(cell) -> str:
    """A row label without its enumerator and 其中： ("（一）一般公共预算拨款" -> "一般公共预算拨款");
    the audit's own cleaning (auditor.link.clean_label), so lookups here and there agree."""
    from auditor.link import clean_label

    return clean_label(cell) if isinstance(cell, str) else ""


@functools.lru_cache(maxsize=1 << 16)
def _cell(text: str) -> Cell:
    """What a cell of a figure column holds: the number its text prints, else the text; None when
    blank. Cells repeat across rows and tables, so each text is read once."""
    if not text:
        return None
    n = try_number(text)
    return n if n is not None and _DIGIT.search(text) else text


def _is_num(s: str) -> bool:
    return isinstance(_cell(s), Decimal)


def _is_colnum_row(row: list[str]) -> bool:
    if not "".join(row).isdecimal():  # most rows: a cell that is not digits (str.isdecimal is \d)
        return False
    vals = [c for c in row if c]
    if len(vals) < 3 or not all(_COLNUM.fullmatch(c) for c in vals):
        return False
    nums = [int(c) for c in vals]
    return nums == list(range(nums[0], nums[0] + len(nums)))


def _without_colnum_rows(rows: list[list[str]], texts: list[str]) -> list[list[str]]:
    """The rows but column-number rows (texts: the rows' texts)."""
    if not any(map(str.isdecimal, texts)):  # most tables: no row of bare digits
        return rows
    return [r for r in rows if not _is_colnum_row(r)]


def _has_figure(row: list[str]) -> bool:
    """A figure: a number with decimals, or one that is not a bare run of 3+ digits (a code)."""
    if not _DIGIT.search("".join(row)):  # a figure prints a digit (see _cell)
        return False
    return any(isinstance(_cell(c), Decimal) and ("." in c or not _CODE_DIGITS.fullmatch(c.replace(",", "")))
               for c in row)


def _header_len(rows: list[list[str]]) -> int:
    """Number of leading header rows."""
    n = 0
    for i, row in enumerate(rows[:6]):
        if _is_colnum_row(row):
            n = i + 1
            continue
        nonempty = list(filter(None, row))
        first = nonempty[0] if nonempty else ""
        if nonempty and max(map(len, nonempty)) > 40:  # header cells are short; long text is a form's body
            break
        if _has_figure(row) and not all(_YEAR_CELL.fullmatch(c) or not _is_num(c) for c in nonempty):
            break
        if _TOTAL_RE.match(first.replace(" ", "")):
            after = row[row.index(first) + 1:]
            if not any(c and not _is_num(c) for c in after):
                break
        if first and (_ENUM_RE.match(first) or _TITLE_MARK.fullmatch(first.replace(" ", ""))):
            break  # an item's enumerator, or a table's mark in a list of tables (表1 | 收支总表 | …)
        if i > 0 and len(nonempty) == 1 and row and row[0] == first and n >= 1 \
                and not _HEADER_WORD.search(first):
            break
        if i >= 5:
            break
        n = i + 1
    return n


def flatten_header(header: list[list[str]], width: int, body: list[list[str]] | None = None) -> list[str]:
    """Header rows -> one path per column; a parent spans the empty cells to its right that have children."""
    if not header:
        return [f"列{j + 1}" for j in range(width)]
    cols = _header_paths(tuple(map(tuple, header)), width)
    return list(cols) if cols is not None else _flatten(header, width, body or [])


@functools.lru_cache(maxsize=2048)
def _header_paths(header: tuple[tuple[str, ...], ...], width: int) -> tuple[str, ...] | None:
    """flatten_header of a header whose paths the body does not decide (None when it does: a 小计 that
    may have been shifted). Headers repeat across tables and documents: each is flattened once."""
    cols = _flatten(header, width, None)
    return tuple(cols) if cols is not None else None


def _flatten(header: Sequence[Sequence[str]], width: int, body: list[list[str]] | None) -> list[str] | None:
    """flatten_header proper; None when body is None and its figures would decide."""
    grid = [list(r) + [""] * (width - len(r)) for r in header]
    h = len(grid)
    _drop_misaligned(grid, width)
    if not _shift_subtotals(grid, width, body):
        return None
    # below[r][c]: a label under row r in column c (rows below r are not changed before row r is spread)
    below = [[False] * width]
    for r in range(h - 1, 0, -1):
        below.append([b or bool(v) for b, v in zip(below[-1], grid[r])])
    below.reverse()
    starts = [False] * width  # a parent starts in column c in a row above (a boundary a span never crosses)
    for r in range(h - 1):
        row = grid[r]
        j = 0
        while j < width:
            lab = row[j]
            if not lab:
                j += 1
                continue
            k = j + 1
            while k < width and not row[k]:
                k += 1
            if k > j + 1:
                end = next((c for c in range(j + 1, k) if starts[c]), k)
                closed = end == k and k < width  # ended by the next label of the same row: a merged cell
                under = below[r]
                for c in range(j + 1, end):
                    if closed or under[c]:
                        row[c] = lab
            j = k
        for c in range(1, width):
            if row[c] and row[c] != row[c - 1]:
                starts[c] = True
    cols = []
    for j, column in enumerate(zip(*grid)):
        parts: list[str] = []
        for v in column:
            if v and (not parts or parts[-1] != v):
                parts.append(v)
        cols.append("/".join(parts) if parts else f"列{j + 1}")
    return cols


_SUBTOTAL = frozenset(("小计", "合计"))


def _shift_subtotals(grid: list[list[str]], width: int, body: list[list[str]] | None) -> bool:
    """小计 is the first child of its parent: "项目支出" at column j with its "小计" at j+1, while column j
    holds figures and has no label of its own, means that part of the header row was shifted right by
    extraction; move it back (up to the next parent above). False (and the grid left half done) when
    the figures would decide but there is no body (None) to ask."""
    def has_figures(c: int) -> bool:
        return any(c < len(row) and _is_num(row[c]) for row in body)

    for r in range(1, len(grid)):
        j = 1
        while j < width:
            if grid[r][j] in _SUBTOTAL and not grid[r][j - 1] \
                    and grid[r - 1][j - 1] and not grid[r - 1][j] \
                    and (j - 1 == 0 or grid[r - 1][j - 1] != grid[r - 1][j - 2]) \
                    and not any(grid[rr][j - 1] for rr in range(r + 1, len(grid))):
                if body is None:
                    return False
                if has_figures(j - 1):
                    k = j + 1
                    while k < width and not any(grid[rr][k] for rr in range(r)):
                        k += 1
                    grid[r][j - 1:k] = grid[r][j:k] + [""]
            j += 1
    return True


def _misaligned(grid: list[list[str]], r: int, width: int) -> bool:
    """Row r has a label under a leaf label of a row above (a label followed by another label)."""
    for j, v in enumerate(grid[r]):
        if not v or v in _CODE_LEAF or v == grid[r - 1][j]:  # rowspan copy
            continue
        for rr in range(r - 1, -1, -1):
            up = grid[rr][j]
            if up:
                nxt = grid[rr][j + 1] if j + 1 < width else ""
                prv = grid[rr][j - 1] if j > 0 else ""
                # a label followed by another label is a leaf; next to its own copy, a colspan
                if nxt and up not in (nxt, prv) and not any(grid[k][j] for k in range(rr + 1, r)):
                    return True
                break
    return False


def _respread(upper: list[str], lower: list[str], width: int) -> list[str] | None:
    """Parents packed to the left over a run of children ("功能分类|支出用途|  |  " over four children):
    spread them evenly over the run. None when the row does not look like that."""
    out = list(upper)
    j = 0
    changed = False
    while j < width:
        if not lower[j] or lower[j] in _CODE_LEAF:
            j += 1
            continue
        b = j
        while b < width and lower[b] and lower[b] not in _CODE_LEAF:
            b += 1
        run = upper[j:b]
        k = 0
        while k < len(run) and run[k]:
            k += 1
        if k >= 2 and not any(run[k:]) and len(run) % k == 0 and len(run) // k >= 2:
            step = len(run) // k
            spread = []
            for lab in run[:k]:
                spread += [lab] + [""] * (step - 1)
            out[j:b] = spread
            changed = True
        j = b
    return out if changed else None


def _drop_misaligned(grid: list[list[str]], width: int) -> None:
    """Repair or blank header rows broken by text extraction that lost empty cells.

    Parents packed to the left over their children are spread evenly again; a row whose labels still
    sit under leaf columns of the rows above ("工资福利支出" under "单位代码") is blanked — misplaced
    names are worse than none. 类/款/项 code labels are kept."""
    for r in range(1, len(grid)):
        if not _misaligned(grid, r, width):
            continue
        fixed = _respread(grid[r - 1], grid[r], width)
        if fixed is not None:
            saved = grid[r - 1]
            grid[r - 1] = fixed
            if not _misaligned(grid, r, width):
                continue
            grid[r - 1] = saved
        grid[r] = [v if v in _CODE_LEAF else "" for v in grid[r]]


# ---------------------------------------------------------------- context

# Context lines, titles and column names repeat across the tables of a document and across documents
# (the standard tables): what each text says is worked out once (bounded caches keyed on the text).

@functools.lru_cache(maxsize=4096)
def _is_note(line: str) -> bool:
    return _NOTE_RE.search(line) is not None


_YEAR_LINE = re.compile(_WORDS["year_line"])


@functools.lru_cache(maxsize=4096)
def _title_candidate(line: str) -> str | None:
    """The context line as a title candidate; None for a note, a meta line (单位：…), a bare table mark or year."""
    t = line.strip().lstrip("#").strip()
    if not t or _is_note(t):
        return None
    n = normalize(t)
    if _META_RE.search(n) or _TITLE_MARK.fullmatch(n.replace(" ", "")) or _YEAR_LINE.fullmatch(t):
        return None
    return t


@functools.lru_cache(maxsize=4096)
def _bare_title(title: str) -> str:
    return _TITLE_MARK.sub("", normalize(title)).strip()


@functools.lru_cache(maxsize=4096)
def _printed_unit(text: str) -> str | None:
    """The unit a 单位：… line states ("单位：万" is 万元)."""
    m = _UNIT_RE.search(normalize(text).replace(" ", ""))
    if m:
        return "万元" if m.group(1) == "万" else m.group(1)
    return None


@functools.lru_cache(maxsize=4096)
def _header_unit(header: str) -> str | None:
    m = _HEADER_UNIT_RE.search(normalize(header))
    return m.group(1) if m else None


@functools.lru_cache(maxsize=4096)
def _is_text_col(column: str) -> bool:
    return _TEXT_COL.search(column) is not None


@functools.lru_cache(maxsize=4096)
def _is_code_col(column: str) -> bool:
    return _CODE_COL.search(column) is not None


def context_title(context: Sequence[str]) -> str:
    """The table's title among its context lines ('' when none)."""
    cands = [t for t in map(_title_candidate, context) if t is not None]
    with_table = [i for i, c in enumerate(cands) if "表" in c]
    if with_table:
        i = with_table[-1]
        pick = cands[i]
        # a title broken over two lines: "…培训费支出预" + "算表"
        if i > 0 and len(pick) <= 8 and not cands[i - 1].endswith("表"):
            pick = cands[i - 1] + pick
    else:
        pick = cands[-1] if cands else ""
    pick = pick.replace("**", "")
    return _bare_title(pick) if pick else ""


def context_unit(context: Sequence[str], columns: Sequence[str] = ()) -> str | None:
    return _printed_unit("".join(s for s in context if not _is_note(s))) or _header_unit(" ".join(columns))


def context_note(context: Sequence[str]) -> str | None:
    notes = [s.strip() for s in context if _is_note(s)]
    return "\n".join(notes) if notes else None


# ---------------------------------------------------------------- raw -> table

class _Part:
    def __init__(self, raw: RawTable, index: int):
        self.raw = raw
        rows, texts = _clean_rows(raw.rows)
        split = _split_code_leaf_row(rows)
        if split is not rows:
            rows, texts = split, list(map("".join, split))
        width = max(map(len, rows), default=0)
        self.rows = _padded(rows, width)
        self.texts = texts  # each row's text ("".join of its cells; padding adds none)
        self.width = width
        self.title = context_title(raw.context)
        self.hlen = _header_len(self.rows)
        self.header = self.rows[: self.hlen]
        self.pages = list(raw.pages)
        self.context = list(raw.context)
        self.index = index


def _padded(rows: list[list[str]], width: int) -> list[list[str]]:
    """The rows with empty cells up to the width (a row that has them all is itself: rows are never
    changed in place once cleaned)."""
    if not rows or min(map(len, rows)) >= width:
        return list(rows)
    return [r if len(r) >= width else r + [""] * (width - len(r)) for r in rows]


def _split_code_leaf_row(rows: list[list[str]]) -> list[list[str]]:
    """"类|款|项|合计|2946.25|…": the code labels of the header printed on the first body row -> two rows."""
    for i, row in enumerate(rows[:6]):
        if not row or row[0] != "类":
            continue
        k = 1
        while k < len(row) and row[k] in _CODE_LEAF:
            k += 1
        if k >= 2 and _has_figure(row[k:]):
            head = row[:k] + [""] * (len(row) - k)
            body = [""] * k + row[k:]
            return rows[:i] + [head, body] + rows[i + 1:]
    return rows


def _row_key(row: list[str]) -> list[str]:
    """A header row as compared: its non-empty cells without spaces."""
    return [c.replace(" ", "") for c in row if c]


def _same_header(a: list[list[str]], b: list[list[str]]) -> bool:
    if not a or not b:
        return False
    if "".join(a[0]).replace(" ", "") != "".join(b[0]).replace(" ", ""):  # most: the first rows' text differs
        return False
    return _starts_with(b, [_row_key(r) for r in a])


def _starts_with(rows: list[list[str]], key: list[list[str]]) -> bool:
    """The first rows are the header whose row keys are `key` (compared row by row, first miss stops)."""
    return len(rows) >= len(key) and all(_row_key(r) == k for r, k in zip(rows, key))


def _continues(group: list[_Part], cur: _Part) -> bool:
    prev, last = group[0], group[-1]
    if last.raw.file != cur.raw.file:
        return False
    same = _same_header(prev.header, cur.rows)
    if cur.title and not same:
        return False
    if cur.title and classify_title(cur.title) != classify_title(prev.title):
        return False
    if same:
        return True
    if cur.title:
        return False
    # a title + header whose body starts on the next page (header split by the page break)
    if len(group) == 1 and prev.hlen >= len(prev.rows) and last.pages and cur.pages \
            and cur.pages[0] == last.pages[-1] + 1:
        return True
    # untitled: same width and the next page (PDF) or no header of its own;
    # a narrower body-only fragment on the next page (empty columns not drawn) also continues
    if cur.width > 1 and (cur.width == prev.width or (cur.width < prev.width and cur.hlen == 0)):
        if last.pages and cur.pages:
            return cur.pages[0] in (last.pages[-1], last.pages[-1] + 1)
        return cur.hlen == 0
    return False


def _spread(row: list[str], width: int) -> list[str]:
    """A header row printed with fewer cells: spread each over width/len columns (left-aligned otherwise)."""
    n = len(row)
    if n and width % n == 0 and n < width:
        k = width // n
        out: list[str] = []
        for c in row:
            out += [c] + [""] * (k - 1)
        return out
    return row + [""] * (width - n)


def _align(rows: list[list[str]], body: list[list[str]], width: int) -> list[list[str]]:
    """Pad a narrower continuation so its figures fall under the columns that hold figures."""
    w = max((len(r) for r in rows), default=width)
    if w >= width:
        return [r + [""] * (width - len(r)) for r in rows]
    numeric = [any(_is_num(b[j]) for b in body if j < len(b)) for j in range(width)]
    best, best_score = 0, -1
    for off in range(width - w + 1):
        score = sum(1 for r in rows for j, c in enumerate(r) if c and _is_num(c) == numeric[j + off])
        if score > best_score:
            best, best_score = off, score
    return [[""] * best + r + [""] * (width - best - len(r)) for r in rows]


def raw_to_tables(raws: list[RawTable]) -> list[Table]:
    """Typed tables from a document's raw tables (in reading order); continuations merged."""
    groups: list[list[_Part]] = []
    for i, raw in enumerate(raws):
        part = _Part(raw, i)
        if not part.rows:
            continue
        if groups and _continues(groups[-1], part):
            groups[-1].append(part)
        else:
            groups.append([part])
    out = []
    for g in groups:
        t = _parts_to_table(g)
        t.index = len(out)
        out.append(t)
    return out


def _parts_to_table(parts: list[_Part]) -> Table:
    first = parts[0]
    width = max(p.width for p in parts)
    if len(parts) > 1 and first.hlen >= len(first.rows) and first.width != parts[1].width:
        # header printed above a page break, the rest of the table on the next page
        nxt = parts[1]
        merged = _Part.__new__(_Part)
        merged.__dict__.update(first.__dict__)
        merged.rows = [_spread(r, width) for r in first.rows] + [r + [""] * (width - len(r)) for r in nxt.rows]
        merged.texts = first.texts + nxt.texts
        merged.header = merged.rows[: len(first.rows) + nxt.hlen]
        merged.hlen = len(merged.header)
        merged.width = width
        merged.pages = first.pages + [p for p in nxt.pages if p not in first.pages]
        merged.raw = RawTable(rows=[], pages=merged.pages, context=first.context + nxt.context, file=first.raw.file)
        parts = [merged] + parts[2:]
        first = merged
    header = _padded(first.header, width)
    # a row is compared with the header's first row only when its text is the same (most rows: not)
    first_text = "".join(header[0]).replace(" ", "") if header else None  # "".join(_row_key(header[0]))
    body: list[list[str]] = []
    body_texts: list[str] = []  # the body rows' texts
    context = list(first.context)
    pages: list[int] = []
    for k, p in enumerate(parts):
        texts = p.texts  # (padding and alignment add empty cells only: the texts stay)
        if k > 0:
            rows = _align(p.rows, body, width)
            context += [c for c in p.context if _is_note(c)]
            if _same_header(first.header, rows):
                rows, texts = rows[len(first.header):], texts[len(first.header):]
        else:
            rows, texts = _padded(p.rows[len(header):], width), texts[len(header):]
        # header repeated inside one block (page break in a text file)
        if first_text is None or first_text not in map(str.replace, texts, repeat(" "), repeat("")):
            body += rows  # most blocks: no row has the header's first row's text (spaces aside)
            body_texts += texts
        else:
            header_key = [_row_key(r) for r in header]
            i = 0
            while i < len(rows):
                if texts[i].replace(" ", "") == first_text and _starts_with(rows[i:i + len(header)], header_key):
                    i += len(header)
                    continue
                body.append(rows[i])
                body_texts.append(texts[i])
                i += 1
        for pg in p.pages:
            if pg not in pages:
                pages.append(pg)
    # drop column-number rows inside the header/body
    body = _without_colnum_rows(body, body_texts)
    header = _without_colnum_rows(header, first.texts[:len(header)])
    columns = flatten_header(header, width, body)
    # from here on the body is taken column by column (every row has one cell per column)
    data = list(zip(*body)) if body else [()] * width
    columns, data, codes = _join_codes(columns, data)
    # drop columns that are empty everywhere and unnamed
    keep = [j for j, c in enumerate(columns) if not (c.startswith("列") and not any(data[j]))]
    if len(keep) < len(columns):
        columns = [columns[j] for j in keep]
        data = [data[j] for j in keep]
    text_cols = [_is_text_col(c) for c in columns]
    typed = [[v or None for v in col] if is_text else list(map(_cell, col))
             for is_text, col in zip(text_cols, data)]
    rows = list(map(list, zip(*typed))) if typed else [[] for _ in body]
    title = first.title
    unit = context_unit(context, columns)
    note = context_note(context)
    ttype = classify_title(title) or "other"
    # both stop at the first figure that answers them (most tables: in their first rows)
    empty = bool(note and _EMPTY_RE.search(note)) or not any(
        isinstance(c, Decimal) and c != 0 for col, is_text in zip(typed, text_cols) if not is_text for c in col)
    if ttype == "other" and not title and any(isinstance(c, Decimal) for r in rows for c in r):
        body_text = " ".join(str(c) for r in list(zip(*data))[:40] for c in r if c)
        ttype = classify("", columns, body_text)
    return Table(type=ttype, title=title, unit=unit, pages=pages, columns=columns, rows=rows,
                 codes=codes, empty=empty, note=note, file=first.raw.file)


def _join_codes(columns: list[str], data: list[Sequence[str]]
                ) -> tuple[list[str], list[Sequence[str]], list[str | None]]:
    """Join 类/款/项 columns into one code column; the first code group moves to the front as 科目编码.
    ``data``: the body column by column."""
    width = len(columns)
    groups: list[tuple[int, int, str]] = []  # start, end (excl), name
    leaves = [c.rpartition("/")[2] for c in columns]  # (the last part of each path)
    j = 0
    while j < width:
        if leaves[j] == "类":
            k = j + 1
            while k < width and leaves[k] in _CODE_LEAF and leaves[k] != "类":
                k += 1
            if k > j + 1 and _codeish(data[j:k]):
                parent = "/".join(p for p in columns[j].split("/")[:-1] if p not in ("科目编码",))
                groups.append((j, k, parent))
                j = k
                continue
        j += 1
    single = None
    if not groups:
        for j, c in enumerate(columns):
            if _is_code_col(c) and _codeish(data[j:j + 1]):
                single = j
                break
    if not groups and single is None:
        return columns, data, []
    main = groups[0] if groups else (single, single + 1, "")
    printed = _joined_columns(data, main[0], main[1])
    codes: list[str | None] = [c if c.isdigit() else None for c in (p.replace(" ", "") for p in printed)]
    # a label printed in the code column (合计) stays visible as text
    new_cols: list[str] = ["科目编码"]
    new_data: list[Sequence[str]] = [[code or text for code, text in zip(codes, printed)]]
    # the other columns in order, each other code group joined into one column
    j = 0
    gi = {g[0]: g for g in groups[1:]}
    while j < width:
        if j == main[0]:
            j = main[1]
            continue
        if j in gi:
            s, e, parent = gi[j]
            new_cols.append(f"{parent}/科目编码" if parent else "科目编码#2")
            new_data.append(_joined_columns(data, s, e))
            j = e
            continue
        new_cols.append(columns[j])
        new_data.append(data[j])
        j += 1
    return new_cols, new_data, codes


def _joined_columns(data: list[Sequence[str]], start: int, end: int) -> Sequence[str]:
    """Columns start..end-1 joined into one, row by row (blank cells add nothing)."""
    return data[start] if end == start + 1 else list(map("".join, zip(*data[start:end])))


def _codeish(columns: list[Sequence[str]]) -> bool:
    vals = [v for col in columns for v in col if v]
    if not vals:
        return True
    return sum(1 for v in vals if _DIGITS.match(v.replace(" ", ""))) >= 0.8 * len(vals)


# ---------------------------------------------------------------- json

def _json_cell(c: Cell):
    if isinstance(c, Decimal):
        return float(c)
    return c


def table_to_json(t: Table) -> dict:
    """The `auditor tables --json` contract for one table (numbers as JSON numbers, missing as null)."""
    return {
        "type": t.type,
        "title": t.title,
        "unit": t.unit,
        "pages": list(t.pages),
        "columns": list(t.columns),
        "rows": [[_json_cell(c) for c in r] for r in t.rows],
        "empty": t.empty,
        "codes": list(t.codes),
        "note": t.note,
        "file": t.file,
    }


# ---------------------------------------------------------------- lookups
