"""Generalisation: for each statement family, a generator writes sentences in several phrasings
(those of many provinces' templates) with random figures; the right ones must pass and the wrong
ones, two or more units of their last digit off, must fail. Fixed seeds: the same cases every run.

The figures are large enough (hundreds of 万元, two decimals) that rounding leaves each computed
figure less than half a unit open, so two units off is always provable.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from auditor import api

SUBJECTS = ["一般公共预算支出", "基本支出", "项目支出", "“三公”经费", "机关运行经费", "财政拨款支出", "收入总计"]
Q = Decimal("0.01")


def _r(x: Decimal) -> Decimal:
    return x.quantize(Q, rounding=ROUND_HALF_UP)


def _levels(rng: random.Random):
    a = _r(Decimal(rng.randint(50_000, 900_000)) / 100)
    b = _r(a * Decimal(rng.choice([rng.uniform(0.55, 0.97), rng.uniform(1.03, 1.9)])))
    return a, b


def _words(up: bool) -> tuple[str, str]:
    return ("增加", "增长") if up else ("减少", "下降")


# family -> phrasings: each makes (sentence, the stated figure's text, its right value) from (rng, a, b, wrong)
def growth_on_levels(rng, a, b, off):
    up = b > a
    rate = _r((b - a).copy_abs() / a * 100) + off
    w, g = _words(up)
    y, py, s = 2026, 2025, rng.choice(SUBJECTS)
    forms = [f"{py}年当年预算执行数为{a}万元，{y}年预算安排{b}万元，比{py}年预算执行数{w}{rate}%。",
             f"{s}由{py}年的{a}万元{w}到{y}年的{b}万元，{g}{rate}%。",
             f"{s}上年为{a}万元，本年为{b}万元，{g}{rate}%。",
             f"{s}上年执行数为{a}万元，本年预算安排{b}万元，比上年{w}{rate}%。"]
    return rng.choice(forms), f"{rate}%"


def growth_on_change(rng, a, b, off):
    up = b > a
    rate = _r((b - a).copy_abs() / a * 100) + off
    w, g = _words(up)
    s = rng.choice(SUBJECTS)
    forms = [f"{s}{b}万元，比上年{w}{(b - a).copy_abs()}万元，{g}{rate}%。",
             f"{s}预算数为{b}万元，与上年相比{w}{(b - a).copy_abs()}万元，{g}{rate}%。",
             f"2026年{s}{b}万元，较上年{w}{(b - a).copy_abs()}万元，{'增幅' if up else '降幅'}{rate}%。",
             f"{s}{b}万元，同比{w}{(b - a).copy_abs()}万元，{g}{rate}%。"]
    return rng.choice(forms), f"{rate}%"


def change_on_levels(rng, a, b, off):
    up = b > a
    chg = (b - a).copy_abs() + off
    w, _ = _words(up)
    s = rng.choice(SUBJECTS)
    forms = [f"{s}2026年预算{b}万元，较上年的{a}万元{w}{chg}万元。",
             f"{s}上年为{a}万元，本年为{b}万元，{w}{chg}万元。",
             f"{s}由上年的{a}万元{w}到{b}万元，{w}{chg}万元。"]
    return rng.choice(forms), f"{chg}万元"


def share_of_total(rng, a, b, off):
    whole = a + b
    share = _r(a / whole * 100) + off
    forms = [f"2026年支出预算合计{whole}万元，其中：基本支出{a}万元，占{share}%；项目支出{b}万元。",
             f"本年支出合计{whole}万元。其中基本支出{a}万元，占本年支出合计的{share}%。",
             f"支出总计{whole}万元，其中基本支出{a}万元，占比为{share}%。"]
    return rng.choice(forms), f"{share}%"


def parts_of_total(rng, a, b, off):
    whole = a + b + off
    forms = [f"2026年收入预算合计{whole}万元，其中：一般公共预算拨款收入{a}万元，政府性基金预算拨款收入{b}万元。",
             f"本年支出合计{whole}万元，其中：基本支出{a}万元；项目支出{b}万元。"]
    return rng.choice(forms), None


FAMILIES = {"growth_on_levels": growth_on_levels, "growth_on_change": growth_on_change,
            "change_on_levels": change_on_levels, "share_of_total": share_of_total,
            "parts_of_total": parts_of_total}
N = 8  # right and wrong cases per family


def _cases():
    rng = random.Random(20261201)
    for fam, make in FAMILIES.items():
        for i in range(2 * N):
            wrong = i % 2 == 1
            a, b = _levels(rng)
            off = (Decimal(rng.randint(2, 40)) * Q * rng.choice([-1, 1])) if wrong else Decimal(0)
            sentence, stated = make(rng, a, b, off)
            yield f"{fam}-{i:02d}", fam, sentence, stated, wrong


CASES = list(_cases())


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generalise")
    for doc, _, sentence, _, _ in CASES:
        (folder / f"{doc}.txt").write_text(f"某单位2026年部门预算\n\n{sentence}主要原因是工作任务调整。\n", encoding="utf-8")
    findings, errors = api.audit([folder])
    assert errors == []
    return findings["claims"]


def _verdict(claims, doc, stated):
    mine = [c for c in claims if c["doc"] == doc]
    if stated is None:  # the list's sum: the composition claim
        return next(c for c in mine if c["kind"] == "composition")
    return next(c for c in mine if c["kind"] in ("growth", "share", "change") and c["text"].endswith(stated))


@pytest.mark.parametrize("doc,family,sentence,stated,wrong", CASES, ids=[c[0] for c in CASES])
def test_right_figures_pass_and_wrong_ones_fail(audited, doc, family, sentence, stated, wrong):
    c = _verdict(audited, doc, stated)
    got = [k for k in c["checks"] if k["by"] != "reason"]
    assert c["status"] == ("fail" if wrong else "pass"), f"{sentence}\n{c['status']}: {c['evidence']}"
    assert got and all(k["status"] == "pass" for k in got) != wrong
