"""Review record: verdicts keyed by stable ids survive reruns; unknown ids are listed as stale."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor import api
from auditor.review import ReviewError, load_reviews, merge_reviews

CORPUS = Path(__file__).parents[1] / "corpus"


@pytest.fixture(scope="module")
def findings():
    data, errors = api.audit([CORPUS])
    assert not errors
    return data


def test_yaml_and_csv_read_the_same(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "reviews:\n  'a:1':\n    verdict: Confirmed\n    note: 表中为0.00\n  'a:2': {verdict: dismissed}\n",
        encoding="utf-8")
    (tmp_path / "r.csv").write_text("id,verdict,note\na:1,confirmed,表中为0.00\na:2,dismissed,\n",
                                    encoding="utf-8")
    y, c = load_reviews(tmp_path / "r.yaml"), load_reviews(tmp_path / "r.csv")
    assert y["a:1"]["verdict"] == c["a:1"]["verdict"] == "confirmed"
    assert y["a:1"]["note"] == c["a:1"]["note"] == "表中为0.00"
    assert y["a:2"]["verdict"] == c["a:2"]["verdict"] == "dismissed"
    assert load_reviews(tmp_path / "missing.yaml") == {}


def test_bad_verdict_is_one_line_error(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("reviews:\n  'a:1': {verdict: maybe}\n", encoding="utf-8")
    with pytest.raises(ReviewError) as e:
        load_reviews(p)
    assert "\n" not in str(e.value) and "maybe" in str(e.value) and str(p) in str(e.value)


def test_real_ids_attach_and_unknown_ids_are_stale(findings, tmp_path):
    claim = next(c for c in findings["claims"] if c["status"] == "fail")
    check = findings["table_checks"][0]
    p = tmp_path / "reviews.yaml"
    p.write_text(f"reviews:\n  '{claim['id']}': {{verdict: confirmed, note: 已核实}}\n"
                 f"  '{check['id']}': {{verdict: dismissed}}\n"
                 f"  '000_a196a527a44fa05c:gone0000000': {{verdict: note, note: 旧的}}\n", encoding="utf-8")
    merged = merge_reviews(findings, load_reviews(p))
    assert merged["by_id"][claim["id"]]["verdict"] == "confirmed"
    assert merged["by_id"][check["id"]]["verdict"] == "dismissed"
    assert [s["id"] for s in merged["stale"]] == ["000_a196a527a44fa05c:gone0000000"]
    assert merged["counts"] == {"confirmed": 1, "dismissed": 1}


def test_ids_are_stable_across_runs_so_reviews_survive(findings):
    again, _ = api.audit([CORPUS])
    assert {c["id"] for c in again["claims"]} == {c["id"] for c in findings["claims"]}
    assert {t["id"] for t in again["table_checks"]} == {t["id"] for t in findings["table_checks"]}


def test_a_bad_review_file_is_reported_and_the_run_goes_on(tmp_path):
    bad = tmp_path / "reviews.yaml"
    bad.write_text("reviews:\n  'x:1': {verdict: perhaps}\n", encoding="utf-8")
    out = tmp_path / "out"
    data, errors = api.audit([CORPUS / "000_a196a527a44fa05c.txt"], out_dir=out, reviews=bad)
    assert [str(bad) in str(e) and "perhaps" in str(e) for e in errors] == [True]
    assert (out / "report" / "index.html").exists() and data["documents"][0]["status"] == "ok"
