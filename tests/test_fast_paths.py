"""The fast paths give what the plain definitions give (squeeze, token boundaries, decimals, label lookups)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from auditor import link, nlp
from auditor.claims import Sentence
from auditor.model import Block, Document, Table
from auditor.numbers import Interval, decimals, fmt, interval_sum, printed, printed_sum


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
    from auditor.checks import _TableChecks

    tc = _TableChecks(Document(doc="d", files=[], tables=seed_tables))
    for t in seed_tables + [Table(type="other", title="t", unit="万元", pages=[], columns=["a", "b", "c"],
                                  rows=[["x", Decimal("1")], ["y", None, Decimal("2")]])]:
        plain = [j for j in range(len(t.columns)) if any(isinstance(row[j], Decimal) for row in t.rows if j < len(row))]
        assert tc._numeric_columns(t) == plain


def test_cells_remember_what_they_compute(seed_tables):
    for t in seed_tables:
        for r, label, figures in link.segments(t):
            for col, value in figures[:2]:
                cell = link.Cell(t, r, col, label, value)
                for unit in ("万元", "元", None):
                    assert cell.in_unit(unit) == cell._in_unit(unit) == cell.in_unit(unit)
                assert cell.describe() == cell._describe() == cell.describe()


@pytest.mark.parametrize("path", ["合计", "小计", "总计", "X/合计", "一般公共预算/小计", "/合计", "a/b/总计", "合计/X",
                                  "X合计", "X/合计\n", "\n/合计", "计", ""])
def test_total_parent_is_the_total_column_pattern(path):
    from auditor.checks import _TOTAL_COLUMN, _total_parent

    m = _TOTAL_COLUMN.fullmatch(path)
    assert _total_parent(path) == ((m.group(1) + "/" if m.group(1) else "") if m else None)


def test_printed_sum_shown_is_the_sum_and_the_figures():
    from auditor.numbers import printed_sum_shown

    values = [Decimal(t) for t in ("1.5", "2.25", "0", "-3.125", "1E+2", "7.00", "1E-7")]
    total, shown = printed_sum_shown(values)
    plain = interval_sum(Interval.printed(v) for v in values)
    assert (str(total.lo), str(total.hi)) == (str(plain.lo), str(plain.hi))
    assert shown == " + ".join(fmt(v) for v in values)


def test_side_labels_are_the_plain_reading(seed_tables):
    from auditor.checks import _SIDE_TOTAL, _TOP_ORDINAL, _side_label
    from auditor.numbers import normalize

    labels = {c for t in seed_tables for row in t.rows for c in row if isinstance(c, str) and c.strip()}
    labels |= {"一、一般公共预算拨款", "本年收入合计", "（一）收入总计", " 二 、 事业收入"}
    for label in labels:
        text = normalize(label).strip()
        top = bool(_TOP_ORDINAL.match(text))
        total = link.clean_label(text) if not top and _SIDE_TOTAL.fullmatch(link.clean_label(text)) else None
        assert _side_label(label) == (top, total)


def _as_dict_plain(row) -> dict:
    """Row.as_dict as first written (Intervals, decimals and fmt per field)."""
    from auditor.checks import _show
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
        "evidence": row.evidence,
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
    from auditor.checks import _inside_reason
    from auditor.claims import extract
    from auditor.ingest import expand_paths, group_paths, read_document

    class C:
        def __init__(self, sentence, start):
            self.sentence, self.start = sentence, start

    claims = [c for g in group_paths(expand_paths([CORPUS])[0]) for c in extract(read_document(g))]
    cases = [C(c.sentence, c.start) for c in claims] + [C("主要原 因是增加1万元", 8), C("用\u3000于支出5万元", 6),
                                                       C("原因", 1), C("用于", 2)]
    for c in cases:
        before = re.sub(r"\s+", "", c.sentence[:c.start])
        assert _inside_reason(c) == any(w in before for w in ("原因", "用于"))


@pytest.mark.parametrize("name", ["evidence.yaml", "table_checks.yaml"])
def test_data_files_load_as_safe_load(name):
    import yaml
    from importlib import resources

    text = resources.files("auditor.data").joinpath(name).read_text(encoding="utf-8")
    assert repr(yaml.load(text, Loader=link.SAFE_LOADER)) == repr(yaml.safe_load(text))  # order too
