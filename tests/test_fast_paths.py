"""The fast paths give what the plain definitions give (squeeze, token boundaries, decimals, label lookups,
the reader's whitespace tests, column-number rows and header spreading)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from auditor import link, nlp
from auditor.claims import Sentence
from auditor.model import Block, Document, Table
from auditor.ingest.encoding import read_text_file
from auditor.ingest.text import _classify, text_to_parts
from auditor.numbers import Interval, decimals, fmt, interval_sum, printed, printed_sum
from auditor.tables import (_cell, _clean_row, _clean_rows, _CODE_DIGITS, _drop_misaligned, _has_figure, _is_colnum_row,
                            _no_space, _Part, _shift_subtotals, _without_colnum_rows, flatten_header)


def _squeeze_by_character(text: str) -> tuple[str, list[int]]:
    out, pos = [], []
    for i, ch in enumerate(text):
        if ch in nlp._DROP:
            continue
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        for c in n:
            if c not in nlp._DROP:
                out.append(c)
                pos.append(i)
    pos.append(len(text))
    return "".join(out), pos


@pytest.mark.parametrize("text", [
    "", "abc", "收入总计318.28万元。", "收入 318.28 万元，“三公”经费", "２０２３年…㎡①", "　* x ¨y",
    "一般公共预算拨款收入１２３．４５万元（占比５０％）", "\u200b“\"'‘’「」『』*#`",
])
def test_squeeze_is_the_per_character_normal_form(text):
    assert nlp.squeeze(text) == _squeeze_by_character(text)


def test_token_boundaries_are_the_pipelines_tokens():
    text = "2024年收入预算1.00万元，比上年增加0.50万元，增长100.00%。"
    s = Sentence(text, Block(text=text), 0, "。", squeezed=text)
    start = 0
    for tok in nlp.tokens(text):
        assert s.is_token(start, start + len(tok))
        if len(tok) > 1:  # inside a word is no boundary
            assert not s.is_token(start, start + 1)
        start += len(tok)


@pytest.mark.parametrize("text", ["1.50", "12", "0", "0.00", "-3.25", "1E+2", "1E-7", "-0.000", "NaN", "12345.678"])
def test_decimals_as_printed(text):
    exp = Decimal(text).as_tuple().exponent
    assert decimals(Decimal(text)) == (max(0, -exp) if isinstance(exp, int) else 0)


def test_interval_sum_adds_the_ends():
    total = interval_sum([Interval.printed(Decimal("1.5")), Interval.printed(Decimal("2.25"))])
    assert (str(total.lo), str(total.hi)) == ("3.695", "3.805")


def test_label_index_is_find_label():
    t = Table(type="other", title="t", unit="万元", pages=[1], columns=["项目", "金额", "项目#2", "金额#2"],
              rows=[["（一）工资福利支出", Decimal("5.00"), "其中：办公费", Decimal("1.00")],
                    ["工资福利支出", None, "办公费", Decimal("2.00")]])
    index = link.label_index([t])
    assert [c.value for c in index["办公费"]] == [Decimal("1.00"), Decimal("2.00")]
    assert [c.value for c in link.find_label("（二）办公费", index)] == [Decimal("1.00"), Decimal("2.00")]
    assert [c.value for c in link.find_label("工资福利支出", index)] == [Decimal("5.00")]


# --- the reader (auditor.ingest.text, auditor.tables) ------------------------------------------

SEEDS = sorted((Path(__file__).resolve().parents[1] / "corpus").glob("00*.txt"))
ODD_SPACES = ["", " ", "a b", "a\u3000b", "a\xa0b", "a\u200bb", "\ufeffa", "a\tb", "a\nb", "a\x1fb", "a\u2028b",
              "a\u202fb", "ａｂ", "工资福利支 出", "2023年", "\u3000", "\t\t", " a \t b ", "a\u200b\tb", "a\u3000\tb"]


def _seed_parts():
    return [text_to_parts(read_text_file(p), p.name) for p in SEEDS]


def _seed_tables():
    return [_Part(raw, i) for _, raws in _seed_parts() for i, raw in enumerate(raws)]


def test_no_space_is_the_whitespace_pattern():
    texts = ODD_SPACES + [p.read_text(encoding="utf-8") for p in SEEDS]
    texts += [line for t in texts for line in t.split("\n")]
    texts += [c for _, raws in _seed_parts() for raw in raws for row in raw.rows for c in row]
    for s in texts:
        assert _no_space(s) == (re.search(r"\s", s) is None), repr(s)


def test_text_rows_are_split_and_stripped_cells():
    lines = ODD_SPACES + [line for p in SEEDS for line in p.read_text(encoding="utf-8").split("\n")]
    for line in lines:
        if "\t" not in line or "<" in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        kind, text = _classify(1, line)[1:]
        assert (kind, text) == (("row", cells) if any(cells) else ("blank", "")), repr(line)


def _colnum_row_by_definition(row):
    vals = [c for c in row if c]
    if len(vals) < 3 or not all(re.fullmatch(r"\d{1,2}", c) for c in vals):
        return False
    nums = [int(c) for c in vals]
    return nums == list(range(nums[0], nums[0] + len(nums)))


def test_colnum_rows_as_defined():
    rows = [row for part in _seed_tables() for row in part.rows]
    rows += [["1", "2", "3"], ["", "1", "2", "3", ""], ["１", "２", "３"], ["1", "2", "4"], ["1", "2"], ["01", "02", "03"],
             ["1", "2", "3", "x"], ["", "", ""], ["123", "124", "125"], ["٣", "٤", "٥"], ["²", "³", "⁴"]]
    for row in rows:
        assert _is_colnum_row(row) == _colnum_row_by_definition(row), row
    assert _without_colnum_rows(rows, ["".join(r) for r in rows]) == [r for r in rows if not _colnum_row_by_definition(r)]


def test_clean_rows_and_figures_as_defined():
    raws = [raw.rows for _, raws in _seed_parts() for raw in raws]
    raws += [[["a", None, "b c"], ["", ""]], [["项 目", "x"], ["", ""], ["\u3000", "1"]], [["a\u200bb", "c"]], []]
    for rows in raws:
        cleaned = [r for r in map(_clean_row, rows) if any(r)]
        assert _clean_rows(rows) == (cleaned, ["".join(r) for r in cleaned])
    for row in (r for rows in raws[:-4] for r in _clean_rows(rows)[0]):
        assert _has_figure(row) == any(isinstance(_cell(c), Decimal) and (
            "." in c or not _CODE_DIGITS.fullmatch(c.replace(",", ""))) for c in row), row


def _flatten_by_definition(header, width, body):
    grid = [list(r) + [""] * (width - len(r)) for r in header]
    h = len(grid)
    _drop_misaligned(grid, width)
    _shift_subtotals(grid, width, body)
    for r in range(h - 1):
        j = 0
        while j < width:
            lab = grid[r][j]
            if not lab:
                j += 1
                continue
            k = j + 1
            while k < width and not grid[r][k]:
                k += 1
            end = next((c for c in range(j + 1, k)
                        if any(grid[rr][c] and grid[rr][c] != grid[rr][c - 1] for rr in range(r))), k)
            closed = end == k and k < width
            for c in range(j + 1, end):
                if closed or any(grid[rr][c] for rr in range(r + 1, h)):
                    grid[r][c] = lab
            j = k
    cols = []
    for j in range(width):
        parts = []
        for r in range(h):
            v = grid[r][j]
            if v and (not parts or parts[-1] != v):
                parts.append(v)
        cols.append("/".join(parts) if parts else f"列{j + 1}")
    return cols


def test_flatten_header_spreads_parents_as_defined():
    cases = [(p.header, p.width, p.rows[p.hlen:]) for p in _seed_tables() if p.header]
    cases += [([["项目", "本年收入", "", "", "本年支出", ""], ["", "小计", "财政", "其他", "基本", "项目"],
                ["", "", "拨款", "", "", ""]], 6, []),
              ([["a", "", "b", ""], ["", "c", "", ""], ["", "", "d", "e"]], 4, []),
              ([["功能分类", "支出用途", "", ""], ["类", "款", "工资", "办公"]], 4, [["201", "01", "1.00", "2.00"]]),
              # a 小计 that may have been shifted: the body decides (figures under 项目支出 or not)
              ([["科目", "项目支出", "", ""], ["", "", "小计", "其他"]], 4, [["a", "1.00", "2.00", "3.00"]]),
              ([["科目", "项目支出", "", ""], ["", "", "小计", "其他"]], 4, [["a", "", "2.00", "3.00"]])]
    for header, width, body in cases:
        assert flatten_header(header, width, body) == _flatten_by_definition(header, width, body), header

# --- figures printed from one conversion to text, sums without an interval per part

_FIGURES = ["1.50", "12", "0", "0.00", "-0", "-3.25", "1E+2", "1E-7", "0E-8", "-0.000", "NaN", "12345.678",
            "0.0000001", "123456789012345678901234567890", "1790.63"]


@pytest.mark.parametrize("text", _FIGURES)
def test_fmt_and_printed_are_the_plain_notation(text):
    value = Decimal(text)
    assert fmt(value) == f"{value:f}"
    assert printed(value) == (f"{value:f}", decimals(value))
    for places in range(4):
        try:
            q = value.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            continue
        assert fmt(value, places) == f"{q:f}"


def test_printed_sum_is_the_sum_of_printed_intervals():
    values = [Decimal(t) for t in ("1.5", "2.25", "0", "-3.125", "1E+2", "7.00")]
    fast, plain = printed_sum(values), interval_sum(Interval.printed(v) for v in values)
    assert (str(fast.lo), str(fast.hi)) == (str(plain.lo), str(plain.hi))
    assert (str(printed_sum([]).lo), str(printed_sum([]).hi)) == ("0", "0")


# --- table readings remembered per table, on the seed documents' tables

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def seed_tables():
    from auditor.ingest import expand_paths, group_paths, read_document

    return [t for g in group_paths(expand_paths([CORPUS])[0]) for t in read_document(g).tables]


def _segments_plain(table):
    for r, row in enumerate(table.rows):
        label, figures = None, []
        for col, cell in zip(table.columns, row):
            if isinstance(cell, str) and cell.strip():
                if link._is_code(cell):
                    continue
                if label is not None:
                    yield r, label, figures
                label, figures = link.clean_label(cell), []
            elif label is not None:
                figures.append((col, cell if isinstance(cell, Decimal) else None))
        if label is not None:
            yield r, label, figures


def _row_label_plain(t, r):
    for cell in t.rows[r]:
        if isinstance(cell, str) and cell.strip() and not link._is_code(cell):
            return link.clean_label(cell)
    return (t.codes[r] or "") if t.codes else ""


def test_segments_and_row_labels_are_the_plain_reading(seed_tables):
    assert seed_tables
    for t in seed_tables:
        assert link.segments(t) == list(_segments_plain(t))
        assert link.row_labels(t) == [_row_label_plain(t, r) for r in range(len(t.rows))]
        for _, label, _ in link.segments(t):
            for pattern in ("收入总计|收入合计", "(一般公共预算)?拨款收入", ".*支出"):
                assert link.row_pattern(pattern).matches(label) == bool(re.fullmatch(pattern, label))
                assert link.row_pattern(pattern).answers[label] == bool(re.fullmatch(pattern, label))


def test_numeric_columns_are_the_plain_definition(seed_tables):
    from auditor.rules.base import Context

    tc = Context(Document(doc="d", files=[], tables=seed_tables), [])
    for t in seed_tables + [Table(type="other", title="t", unit="万元", pages=[], columns=["a", "b", "c"],
                                  rows=[["x", Decimal("1")], ["y", None, Decimal("2")]])]:
        plain = [j for j in range(len(t.columns)) if any(isinstance(row[j], Decimal) for row in t.rows if j < len(row))]
        assert tc.numeric_columns(t) == plain


def test_cells_remember_what_they_compute(seed_tables):
    for t in seed_tables:
        for r, label, figures in link.segments(t):
            for col, value in figures[:2]:
                cell = link.Cell(t, r, col, label, value)
                for unit in ("万元", "元", None):
                    assert cell.in_unit(unit) == cell._in_unit(unit) == cell.in_unit(unit)
                plain = (f"《{t.title}》" + (f"第{','.join(map(str, t.pages))}页" if t.pages else "")
                         + f"「{label}」行「{col or '金额'}」列 = " + ("空白" if value is None else f"{value}{t.unit or ''}"))
                assert cell.describe() == plain == cell.describe()


@pytest.mark.parametrize("path", ["合计", "小计", "总计", "X/合计", "一般公共预算/小计", "/合计", "a/b/总计", "合计/X",
                                  "X合计", "X/合计\n", "\n/合计", "计", ""])
def test_total_parent_is_the_total_column_pattern(path):
    from auditor.rules.column_tree import TOTAL_COLUMN, total_parent

    m = TOTAL_COLUMN.fullmatch(path)
    assert total_parent(path) == ((m.group(1) + "/" if m.group(1) else "") if m else None)


def test_printed_sum_shown_is_the_sum_and_the_figures():
    from auditor.numbers import printed_sum_shown

    values = [Decimal(t) for t in ("1.5", "2.25", "0", "-3.125", "1E+2", "7.00", "1E-7")]
    total, shown = printed_sum_shown(values)
    plain = interval_sum(Interval.printed(v) for v in values)
    assert (str(total.lo), str(total.hi)) == (str(plain.lo), str(plain.hi))
    assert shown == " + ".join(fmt(v) for v in values)


def test_side_labels_are_the_plain_reading(seed_tables):
    from auditor.numbers import normalize
    from auditor.rules.base import pattern
    from auditor.rules.ordinal_sums import side_label

    _TOP_ORDINAL, _SIDE_TOTAL = pattern("ordinal_sums", "top_item"), pattern("ordinal_sums", "side_total")
    labels = {c for t in seed_tables for row in t.rows for c in row if isinstance(c, str) and c.strip()}
    labels |= {"一、一般公共预算拨款", "本年收入合计", "（一）收入总计", " 二 、 事业收入"}
    for label in labels:
        text = normalize(label).strip()
        top = bool(_TOP_ORDINAL.match(text))
        total = link.clean_label(text) if not top and _SIDE_TOTAL.fullmatch(link.clean_label(text)) else None
        assert side_label(label) == (top, total)


def _as_dict_plain(row) -> dict:
    """Row.as_dict as first written (Intervals, decimals and fmt per field)."""
    from auditor.rules.base import _show
    from auditor.numbers import unit_of_last_digit

    exact = row.claim_kind == "count" or (row.claim_kind == "composition" and row.unit not in link.UNIT_IN_YUAN)
    exp = row.expected
    if row.stated is None:
        st, places, step = None, 2, Decimal("0.01")
    else:
        st = Interval.exact(row.stated) if exact else Interval.printed(row.stated)
        places, step = decimals(row.stated), unit_of_last_digit(row.stated)
    shown = ""
    if exp is not None:
        shown = fmt(row.point if row.point is not None else exp.mid, places)
        if row.point is None and exp.hi - exp.lo > step:
            shown = f"{shown}（{fmt(exp.lo, places)}~{fmt(exp.hi, places)}）"
    return {
        "check_id": row.check_id, "doc": row.doc, "scope": row.scope, "rule": row.rule,
        "claim_kind": row.claim_kind, "subject": row.subject, "page": row.page,
        "section": row.section, "sentence": row.sentence, "text": row.text, "table": row.table,
        "stated": fmt(row.stated) if row.stated is not None else "",
        "unit": row.unit or "",
        "stated_lo": float(st.lo) if st else None, "stated_hi": float(st.hi) if st else None,
        "step": (0.0 if exact else float(step)) if row.stated is not None else None,
        "expected": shown,
        "expected_lo": float(exp.lo) if exp else None, "expected_hi": float(exp.hi) if exp else None,
        "has_evidence": row.has_evidence, "holds": row.holds, "level": row.level, "cap": row.cap,
        "evidence": row.evidence, "by": row.by,
    }


def test_records_are_the_plain_records():
    from auditor import checks
    from auditor.claims import extract
    from auditor.ingest import expand_paths, group_paths, read_document

    n = 0
    for g in group_paths(expand_paths([CORPUS])[0]):
        doc = read_document(g)
        for row in checks.document_checks(doc, extract(doc))[0]:
            assert repr(row.as_dict()) == repr(_as_dict_plain(row))
            n += 1
    assert n


def test_distance_is_the_largest_gap():
    ends = [Decimal(t) for t in ("-1.5", "0", "0.00", "1.25", "3", "3.000", "7.5")]
    ivs = [Interval(a, b) for a in ends for b in ends]
    for a in ivs:
        for b in ivs:
            assert a.distance(b) == max(Decimal(0), b.lo - a.hi, a.lo - b.hi)


def test_inside_reason_is_the_words_without_spaces():
    from auditor.rules.prose import inside_reason as _inside_reason
    from auditor.claims import extract
    from auditor.ingest import expand_paths, group_paths, read_document

    class C:
        def __init__(self, sentence, start):
            self.sentence, self.start = sentence, start

    claims = [c for g in group_paths(expand_paths([CORPUS])[0]) for c in extract(read_document(g))]
    cases = [C(c.sentence, c.start) for c in claims] + [C("主要原 因是增加1万元", 8), C("用\u3000于支出5万元", 6),
                                                       C("原因", 1), C("用于", 2)]
    cases += [C("主要用于保障运转，其中：人员经费5万元", 17), C("其中：人员经费5万元，主要用于补贴3万元", 19)]
    for c in cases:
        before = re.sub(r"\s+", "", c.sentence[:c.start])
        last = max(before.rfind(w) for w in ("原因", "用于"))
        assert _inside_reason(c) == (last >= 0 and not re.search("其中[:：，,]", before[last:])), before


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parents[1] / "auditor" / "data").glob("*.yaml")))
def test_data_files_load_as_safe_load(name):
    import yaml
    from importlib import resources

    from auditor import data

    text = resources.files("auditor.data").joinpath(name).read_text(encoding="utf-8")
    assert repr(data.read(name)) == repr(yaml.safe_load(text))  # order too


# --------------------------------------------------------------------------- jieba's prefix dictionary

def _fresh_tokenizer():
    import jieba

    return jieba.Tokenizer()


def test_prefix_dictionary_cache_gives_what_jieba_builds(tmp_path, monkeypatch):
    """auditor's cache of jieba's prefix dictionary: built from jieba's own the first time, then read
    back word for word, frequency for frequency, and the segmentation is the same."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = _fresh_tokenizer()
    assert nlp.load_prefix_dictionary(built) == "built"
    path = nlp.prefix_cache_path(built)
    assert path.parent == tmp_path / "auditor" and path.exists()
    read = _fresh_tokenizer()
    assert nlp.load_prefix_dictionary(read) == "cache"
    assert read.initialized and read.total == built.total
    assert list(read.FREQ.items()) == list(built.FREQ.items())
    assert len(read.FREQ) > 300_000
    sentence = "上年执行数为595.94万元，本年预算安排由178.9万元增加到206.67万元，主要是因人员经费增加"
    assert list(read.cut(sentence)) == list(built.cut(sentence))
    assert nlp.load_prefix_dictionary(read) == "jieba"  # already loaded: left alone


@pytest.mark.parametrize("damage", ["truncated", "other format", "empty"])
def test_prefix_dictionary_cache_damaged_is_rebuilt(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = _fresh_tokenizer()
    nlp.load_prefix_dictionary(first)
    path = nlp.prefix_cache_path(first)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "other format": b"x" + data[1:], "empty": b""}[damage])
    again = _fresh_tokenizer()
    assert nlp.load_prefix_dictionary(again) == "built"
    assert again.FREQ == first.FREQ and path.read_bytes() == data


def test_prefix_dictionary_without_a_writable_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    tok = _fresh_tokenizer()
    assert nlp.load_prefix_dictionary(tok) == "jieba"
    assert tok.initialized and "收入" in tok.FREQ


def test_findings_lines_by_orjson_read_back_as_the_standard_encoder_wrote_them(tmp_path):
    # findings.json's lines are orjson's; a record it refuses (an integer beyond 64 bits, a key that
    # is not a string) is written by the standard encoder, and the file stays one JSON document
    import json

    import numpy as np

    from auditor.report import findings as fnd

    plain = {"id": "d:1", "stated": Decimal("1.10"), "expected": 595.94, "rate": np.float64(0.53),
             "n": np.int64(7), "cells": [{"table": 2, "row": 3, "value": "1269.2"}], "page": None,
             "text": "收入总计595.94万元\u2028", "ok": True}
    huge = {"id": "d:2", "stated": 10 ** 30}
    odd = {"id": "d:3", "by": {1: "一"}}
    writer = fnd.Writer(tmp_path)
    writer.add({"documents": [], "claims": [plain, huge, odd], "table_checks": []})
    writer.close([{"doc": "d"}], {"pass": 1})
    back = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert back["claims"] == json.loads(json.dumps([plain, huge, odd], ensure_ascii=False, default=str))
    assert back["claims"][0]["rate"] == 0.53 and back["claims"][0]["n"] == "7"  # as json's default=str has them
    assert back["claims"][1]["stated"] == 10 ** 30 and back["claims"][2]["by"] == {"1": "一"}
    assert fnd._line(plain) == fnd._ENCODER.encode(plain).encode("utf-8")  # one format, whichever encoder
