"""Generic data-file test: every example title in data/tables.yaml is typed as its own type,
every counter-example is not, and other_examples come out "other" (duckling-style)."""
from __future__ import annotations

import time

import pytest

from auditor.tables import classify, classify_title, load_types

DATA = load_types()
EXAMPLES = [(t["id"], ex) for t in DATA["types"] for ex in t.get("examples", [])]
COUNTER = [(t["id"], ex) for t in DATA["types"] for ex in t.get("counter_examples", [])]


def test_ids_unique_and_documented():
    ids = [t["id"] for t in DATA["types"]]
    assert len(ids) == len(set(ids))
    header = open(__import__("auditor.tables", fromlist=["_DATA"])._DATA, encoding="utf-8").read().split("types:")[0]
    for i in ids:
        assert i in header, f"type {i} not documented at the top of tables.yaml"
    assert all(t.get("examples") for t in DATA["types"])


@pytest.mark.parametrize("expected,title", EXAMPLES)
def test_example(expected, title):
    assert classify_title(title) == expected


@pytest.mark.parametrize("not_expected,title", COUNTER)
def test_counter_example(not_expected, title):
    assert classify_title(title) != not_expected


@pytest.mark.parametrize("title", DATA.get("other_examples", []))
def test_other(title):
    assert classify(title) == "other"


def test_header_hint_for_untitled_table():
    cols = ["收入/项目", "收入/金额", "支出/项目", "支出/合计", "支出/一般公共预算", "支出/政府性基金"]
    assert classify("", cols, "一、本年收入 一般公共预算拨款") == "fiscal_grant_summary"
    assert classify("", ["项目名称", "金额"], "") == "other"


def test_typing_is_fast():
    titles = [ex for _, ex in EXAMPLES] * 20
    start = time.perf_counter()
    for t in titles:
        classify_title(t)
    per = (time.perf_counter() - start) / len(titles)
    assert per < 0.002, f"{per * 1000:.2f} ms per title"
