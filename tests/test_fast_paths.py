"""The fast paths give what the plain definitions give (squeeze, token boundaries, decimals, label lookups)."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from auditor import link, nlp
from auditor.claims import Sentence
from auditor.model import Block, Table
from auditor.numbers import Interval, decimals, interval_sum


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
