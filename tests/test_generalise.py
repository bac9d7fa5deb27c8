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
             f"{s}{b}万元，同比{w}{(b - a).copy_abs()}万元，{g}{rate}%。",
             f"{s}{b}万元，{'增幅' if up else '降幅'}{rate}%，{w}{(b - a).copy_abs()}万元。"]
    return rng.choice(forms), f"{rate}%"


def change_on_levels(rng, a, b, off):
    up = b > a
    chg = (b - a).copy_abs() + off
    w, _ = _words(up)
    s = rng.choice(SUBJECTS)
    forms = [f"{s}2026年预算{b}万元，较上年的{a}万元{w}{chg}万元。",
             f"{s}上年为{a}万元，本年为{b}万元，{w}{chg}万元。",
             f"{s}由上年的{a}万元{w}到{b}万元，{w}{chg}万元。",
             f"2026年{s}{b}万元，较2025年预算数{a}万元{w}{chg}万元。",
             f"{s}{b}万元，比上年（{a}万元）{w}{chg}万元。"]
    return rng.choice(forms), f"{chg}万元"


def share_of_total(rng, a, b, off):
    whole = a + b
    share = _r(a / whole * 100) + off
    forms = [f"2026年支出预算合计{whole}万元，其中：基本支出{a}万元，占{share}%；项目支出{b}万元。",
             f"本年支出合计{whole}万元。其中基本支出{a}万元，占本年支出合计的{share}%。",
             f"支出总计{whole}万元，其中基本支出{a}万元，占比为{share}%。"]
    return rng.choice(forms), f"{share}%"


def parts_of_total(rng, a, b, off):
    # two parts and their whole carry 1.5 units of rounding; a miss within a step of that is a
    # rounding-level warn, so a wrong whole here is off by at least 3 units
    whole = a + b + off + (Q if off > 0 else -Q if off < 0 else 0)
    forms = [f"2026年收入预算合计{whole}万元，其中：一般公共预算拨款收入{a}万元，政府性基金预算拨款收入{b}万元。",
             f"本年支出合计{whole}万元，其中：基本支出{a}万元；项目支出{b}万元。"]
    return rng.choice(forms), None


def flat_on_levels(rng, a, b, off):
    """"与上年持平" with both years' figures: this year's must be last year's."""
    s = rng.choice(SUBJECTS)
    b = a + off
    forms = [f"{s}上年为{a}万元，本年为{b}万元，与上年持平。",
             f"2025年{s}执行数为{a}万元，2026年预算安排{b}万元，与2025年预算执行数持平。",
             f"{s}由上年的{a}万元调整为{b}万元，与上年预算一致。",
             f"{s}上年预算数{a}万元，本年预算数{b}万元，无增减变动。"]
    return rng.choice(forms), "flat:"


def listed_counts(rng, a, b, off):
    """A count and its kinds ("车辆N辆，其中…"): each kind is checked by the others when the list adds
    up (the part passes); when it does not, the list fails."""
    x, y, z = rng.randint(1, 40), rng.randint(1, 40), rng.randint(0, 12)
    n = x + y + z + (int(off * 100) if off else 0)
    forms = [(f"本部门共有车辆{n}辆，其中，一般公务用车{x}辆、执法执勤用车{y}辆、特种专业技术用车{z}辆。", f"执法执勤用车{y}辆"),
             (f"截至上年底，本单位编制人数{n}人，其中：行政编制{x}人，行政附属编制{z}人，事业编制{y}人。", f"事业编制{y}人"),
             (f"本单位编制{n}名，其中行政编制{x}名、事业编制{y}名、行政附属编制{z}名。", f"事业编制{y}名")]
    sentence, part = rng.choice(forms)
    return sentence, "part:" + part


def listed_amounts(rng, a, b, off):
    """A total no table holds and its parts ("政府采购预算…，其中：货物…、工程…、服务…")."""
    c = _r(a / 3)
    whole = a + b + c + off
    forms = [(f"2026年本部门政府采购预算{whole}万元，其中：政府采购货物预算{a}万元、政府采购工程预算{c}万元、"
              f"政府采购服务预算{b}万元。", f"政府采购服务预算{b}万元"),
             (f"本部门面向中小企业预留政府采购项目预算金额{whole}万元，其中：货物{a}万元，工程{c}万元，服务{b}万元。",
              f"{b}万元")]
    sentence, part = rng.choice(forms)
    return sentence, "part:" + part


def prior_of_levels(rng, a, b, off):
    """Last year's figure checked by this year's and the change or rate after them (the rate only
    fixes a figure of a few hundred 万元 to the cent); a wrong one makes the change or rate fail."""
    up = b > a
    w, g = _words(up)
    s, shown = rng.choice(SUBJECTS), a + off
    chg, rate = (b - a).copy_abs(), _r((b - a).copy_abs() / a * 100)
    forms = [(f"{s}上年为{shown}万元，本年为{b}万元，{w}{chg}万元。", f"{chg}万元"),
             (f"2026年{s}{b}万元，比2025年预算{shown}万元{w}{chg}万元。", f"{chg}万元"),
             (f"2025年{s}执行数为{shown}万元，2026年预算安排{b}万元，比2025年执行数{w}{chg}万元。", f"{chg}万元"),
             (f"{s}由上年的{shown}万元{w}到{b}万元，{w}{chg}万元。", f"{chg}万元")]
    if a < 600:
        forms.append((f"2025年当年预算执行数为{shown}万元，2026年预算安排{b}万元，比2025年预算执行数{w}{rate}%。",
                      f"{rate}%"))
    sentence, by = rng.choice(forms)
    return sentence, f"prior:{shown}万元|{by}"


FAMILIES = {"growth_on_levels": growth_on_levels, "growth_on_change": growth_on_change,
            "change_on_levels": change_on_levels, "share_of_total": share_of_total,
            "parts_of_total": parts_of_total, "flat_on_levels": flat_on_levels,
            "listed_counts": listed_counts, "listed_amounts": listed_amounts, "prior_of_levels": prior_of_levels}
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


def _verdict(claims, doc, stated, wrong):
    """The claim whose verdict the case is about: a rate, change or share by its text; the list's sum
    (the composition claim); the flat claim; a listed part when the list is right, the list when not;
    last year's figure when right, the change or rate when not."""
    mine = [c for c in claims if c["doc"] == doc]
    if stated and stated.startswith("prior:"):  # last year's figure when right, the change or rate it breaks when not
        prior, by = stated[6:].split("|")
        kinds, stated = (("growth", "change"), by) if wrong else (("amount",), prior)
        return next(c for c in mine if c["kind"] in kinds and c["text"].endswith(stated))
    if stated is None or (stated.startswith("part:") and wrong):
        return next(c for c in mine if c["kind"] == "composition")
    if stated == "flat:":
        return next(c for c in mine if c["kind"] == "flat")
    if stated.startswith("part:"):
        return next(c for c in mine if c["kind"] in ("amount", "count") and c["text"].endswith(stated[5:]))
    return next(c for c in mine if c["kind"] in ("growth", "share", "change") and c["text"].endswith(stated))


@pytest.mark.parametrize("doc,family,sentence,stated,wrong", CASES, ids=[c[0] for c in CASES])
def test_right_figures_pass_and_wrong_ones_fail(audited, doc, family, sentence, stated, wrong):
    c = _verdict(audited, doc, stated, wrong)
    computed = [k for k in c["checks"] if k["by"] != "reason" and k["status"] != "unverified"]
    assert c["status"] == ("fail" if wrong else "pass"), f"{sentence}\n{c['status']}: {c['evidence']}"
    assert computed and all(k["status"] == "pass" for k in computed) != wrong
