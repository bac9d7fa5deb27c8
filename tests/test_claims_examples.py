"""One parametrised test over every example file in corpus/claims/*.yaml (duckling-style)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from auditor import nlp
from auditor.claims import KINDS, extract_text

EXAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "claims"


def _cases():
    for f in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for i, ex in enumerate(data.get("examples") or []):
            yield pytest.param(ex["text"], ex["claims"], id=f"{f.stem}-{i}")
        for i, text in enumerate(data.get("negatives") or []):
            yield pytest.param(text, [], id=f"{f.stem}-neg{i}")


RELATIONS = ("of", "parent", "whole")


def _same(field, want, got) -> bool:
    if field == "stated" and want is not None:
        return got is not None and Decimal(str(want)) == got
    return want == got


def claim_matches(expected: dict, claim, ids: list[str | None]) -> bool:
    for field, want in expected.items():
        got = getattr(claim, field)
        if field in RELATIONS and isinstance(want, int):
            want = ids[want]
        if not _same(field, want, got):
            return False
    return True


def _productions() -> dict:
    from auditor.claims import PATTERNS_FILE

    return yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))["productions"]


def _should_have_matched(want: dict) -> str:
    """The production an expected claim should have come from (the one it names, else those of its kind)."""
    prods = _productions()
    names = [want["production"]] if want.get("production") else [n for n, p in prods.items() if p["kind"] == want.get("kind")]
    return "; ".join(f"production {n} ({prods[n]['says']}; words: {', '.join(prods[n]['reads']) or '-'} in "
                     f"data/patterns.yaml)" for n in names)


@pytest.mark.parametrize("text,expected", list(_cases()))
def test_example(text, expected):
    claims = extract_text(text, doc="ex")
    found = "\n".join(f"  {c.kind} {c.subject} {c.stated} [{c.text}] by {c.production}" for c in claims)
    if len(claims) < len(expected):
        missing = [w for w in expected if not any(claim_matches({k: v for k, v in w.items() if k not in RELATIONS}, c, [])
                                                  for c in claims)]
        pytest.fail("\n".join([f"{len(expected)} claims expected, {len(claims)} found:", found]
                               + [f"missing {w}: should come from {_should_have_matched(w)}" for w in missing]))
    assert len(claims) == len(expected), f"{len(expected)} claims expected, {len(claims)} found:\n{found}"
    ids: list[str | None] = []
    for want, got in zip(expected, claims):
        ids.append(got.id)
    for i, (want, got) in enumerate(zip(expected, claims)):
        assert claim_matches(want, got, ids), (f"claim {i}: want {want}, got {got.to_json()} "
                                               f"(made by {got.production}; should come from {_should_have_matched(want)})")


def test_every_production_makes_claims_in_the_examples():
    made = set()
    for f in EXAMPLES.glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for ex in data.get("examples") or []:
            made |= {c.production for c in extract_text(ex["text"], doc="ex")}
    from auditor.claims import NUMBER_PRODUCTIONS

    assert {n for n, _, _ in NUMBER_PRODUCTIONS} | {"flat", "absence", "composition", "bare_rate_number"} == set(_productions())
    assert set(_productions()) - {"bare_rate"} <= made


def test_examples_cover_every_kind():
    kinds = set()
    for f in EXAMPLES.glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for ex in data.get("examples") or []:
            kinds |= {c["kind"] for c in ex["claims"]}
    assert kinds == set(KINDS)


def test_example_subjects_are_ontology_ids():
    concepts = nlp.ontology()["concepts"]
    for f in EXAMPLES.rglob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for ex in data.get("examples") or []:
            for c in ex["claims"]:
                for key in ("subject", "whole_subject"):
                    if c.get(key) is not None:
                        assert c[key] in concepts, (f.name, c)


def test_dictionary_matches_ontology():
    assert nlp.DICTIONARY_FILE.read_text(encoding="utf-8").splitlines()[1:] == \
        nlp.ontology_to_dictionary().splitlines()


def test_budget_terms_are_single_tokens():
    toks = nlp.tokens("2023年收入总计595.94万元，其中一般公共预算拨款收入318.28万元，机关运行经费5万元")
    for term in ("收入总计", "一般公共预算拨款收入", "机关运行经费"):
        assert term in toks
    assert "年收入" not in toks


def test_ids_are_stable_and_unique():
    text = "收入总计10万元。\n\n收入总计10万元。"
    a = extract_text(text, doc="d")
    b = extract_text("前言一句。\n\n" + text, doc="d")
    assert len({c.id for c in a}) == 2
    assert [c.id for c in a] == [c.id for c in b]


def test_spans_point_into_the_printed_sentence():
    for c in extract_text("2 0 2 3 年收入总计 595.94 万元，比上年增加 20 万元，增长 3.5%。", doc="d"):
        assert c.sentence[c.start:c.end] == c.text
    (c,) = extract_text("“三公”经费１２．５万元。", doc="d")
    assert c.text == "“三公”经费１２．５万元" and c.stated == Decimal("12.5")


def test_to_json_contract():
    (c, _) = extract_text("收入总计1,313.62万元，比上年增加0.50万元。", doc="d")[:2]
    j = c.to_json()
    for key in ("id", "doc", "page", "section", "sentence", "text", "start", "end", "kind", "subject",
                "subject_text", "stated", "decimals", "unit", "direction", "base", "of", "whole",
                "whole_subject", "parent", "parts", "reason", "reason_blank"):
        assert key in j
    assert j["stated"] == 1313.62 and j["decimals"] == 2 and j["unit"] == "万元"
    assert isinstance(extract_text("涉及项目15个。")[0].to_json()["stated"], int)
