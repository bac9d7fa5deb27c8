"""The rule registry (auditor/rules/) and one parametrised test over every rule's example file.

Each corpus/rules/<rule>.yaml holds documents (a narrative, and its tables as markdown) and the
check rows the rule must make on them: claim + tables in, verdict + expected out. All examples
are audited in one run (one GX validation), then each is one test case, named after its file
and its `name`. `negatives` are documents on which the rule must raise nothing (no fail, no warn).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from auditor import api
from auditor.rules import BY_ID, EXPECTATION_OF, EXPECTATIONS, RULES, suites
from auditor.rules.base import CLAIM, CLAIMS, CORPUS, SCOPES, TABLE, TABLES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "rules"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _files():
    return sorted(EXAMPLES.glob("*.yaml"))


def _load(f: Path) -> dict:
    return yaml.safe_load(f.read_text(encoding="utf-8")) or {}


def _cases():
    for f in _files():
        data = _load(f)
        for i, ex in enumerate(data.get("examples") or []):
            yield pytest.param(f.stem, f"{f.stem}-{i}", ex, False, id=f"{f.stem}-{i}-{ex.get('name', '')}")
        for i, ex in enumerate(data.get("negatives") or []):
            yield pytest.param(f.stem, f"{f.stem}-neg{i}", ex, True, id=f"{f.stem}-neg{i}-{ex.get('name', '')}")


CASES = list(_cases())


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """Every example document audited at once: {doc id: (claims, table checks)}."""
    folder = tmp_path_factory.mktemp("rule-examples")
    for p in CASES:
        _, doc, ex, _ = p.values
        for name, text in _files_of(doc, ex).items():
            (folder / name).write_text(text, encoding="utf-8")
    findings, errors = api.audit([folder])
    assert errors == [], errors
    out = {}
    for d in findings["documents"]:
        out[d["doc"]] = ([c for c in findings["claims"] if c["doc"] == d["doc"]],
                         [t for t in findings["table_checks"] if t["doc"] == d["doc"]])
    return out


def _files_of(doc: str, ex: dict) -> dict[str, str]:
    """An example's files: its document; with `last_year`, the same department's 2023 document
    beside its 2024 one (the year-on-year rules pair documents whose ids differ only by the year)."""
    if ex.get("last_year"):
        return {f"{doc}-2024.txt": ex["document"], f"{doc}-2023.txt": ex["last_year"]}
    return {f"{doc}.txt": ex["document"]}


def _doc_id(doc: str, ex: dict) -> str:
    return f"{doc}-2024" if ex.get("last_year") else doc


def _rows_of(rule: str, claims: list[dict], tables: list[dict]) -> list[dict]:
    """The check rows a rule made: claim checks (with their claim's text) and table checks."""
    rows = [{**k, "text": c["text"], "claim_status": c["status"], "sentence": c["sentence"]}
            for c in claims for k in c["checks"] if k["by"] == rule]
    rows += [{**t, "key": t["id"].split(":", 3)[-1]} for t in tables if t["by"] == rule]
    return rows


def _matches(want: dict, got: dict) -> bool:
    for field, value in want.items():
        if field == "key":
            if value not in got.get("key", ""):
                return False
        elif field == "evidence":
            if value not in got["evidence"]:
                return False
        elif field == "table":
            if value not in (got.get("table") or ""):
                return False
        elif field == "expected":
            if not _same_figure(got.get("expected"), value):
                return False
        elif got.get(field) != value:
            return False
    return True


def _same_figure(got, want) -> bool:
    """The expected figure a row shows ("150.00", 150.0, "150.00（149.99~150.01）") is `want`."""
    from decimal import Decimal, InvalidOperation

    text = str(got).split("（")[0]
    try:
        return Decimal(text) == Decimal(str(want))
    except InvalidOperation:
        return text == str(want)


@pytest.mark.parametrize("rule,doc,example,negative", CASES)
def test_rule_example(audited, rule, doc, example, negative):
    doc = _doc_id(doc, example)
    assert doc in audited, f"{doc} was not audited"
    rows = _rows_of(rule, *audited[doc])
    shown = "\n".join(f"  {r['status']:<10} {r.get('text') or r.get('key')}  expected {r.get('expected')}  "
                      f"{r['evidence']}" for r in rows)
    if negative:
        bad = [r for r in rows if r["status"] in ("fail", "warn")]
        assert not bad, f"{rule} raised on a negative example:\n{shown}"
        return
    wanted = example.get("checks") or []
    if not wanted:
        assert not rows, f"{rule} made rows where it should make none:\n{shown}"
    for want in wanted:
        assert any(_matches(want, r) for r in rows), f"{rule}: no row {want}; its rows:\n{shown}"


# --------------------------------------------------------------------------- the registry

def test_every_rule_is_a_module_with_its_names_and_examples():
    for r in RULES:
        assert (ROOT / "auditor" / "rules" / f"{r.id}.py").exists(), r.id
        assert r.scope in SCOPES and r.reports in EXPECTATION_OF, r.id
        assert CJK.search(r.name) and CJK.search(r.summary), r.id
        assert r.name_en and r.summary_en and not CJK.search(r.name_en), r.id
        assert set(r.levels) <= {"warn", "fail"} and r.levels, r.id
        assert r.examples == f"corpus/rules/{r.id}.yaml", r.id
        assert (ROOT / r.examples).exists(), f"{r.id}: no example file"
        if r.scope == CLAIM:
            assert r.applies_to, r.id
    assert len(BY_ID) == len(RULES)


def test_every_example_file_names_a_rule_and_holds_examples():
    for f in _files():
        data = _load(f)
        assert data.get("rule") == f.stem and f.stem in BY_ID, f.name
        assert data.get("examples"), f"{f.name}: no examples"
        assert data.get("negatives"), f"{f.name}: no negatives"


def test_every_expectation_judges_some_rule_and_has_its_face():
    import expectations

    for e in EXPECTATIONS:
        assert any(r.reports == e.rule for r in RULES), e.rule
        assert (ROOT / "expectations" / f"{e.type}.py").exists(), e.type
        cls = expectations.RULES[e.rule]
        assert cls.rule == e.rule and e.name in cls.__fields__["description"].default
        assert CJK.search(e.name) and CJK.search(e.summary)
    faces = {p.stem for p in (ROOT / "expectations").glob("expect_*.py")}
    assert faces == {e.type for e in EXPECTATIONS}


def test_suites_on_disk_are_the_registry():
    on_disk = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "expectations" / "suites").glob("*.json")}
    assert on_disk == {s["name"]: s for s in suites()}


def test_rules_run_in_scope_order():
    order = [SCOPES.index(r.scope) for r in RULES]
    assert order == sorted(order)
    assert {r.scope for r in RULES} == {CLAIM, CLAIMS, TABLE, TABLES, CORPUS}
