"""Review record: verdicts keyed by stable ids survive reruns and count (a dismissed finding leaves
the fail count and the exit code); unknown ids are stale and offered their likely new id; a review
file that is missing or does not parse stops the run with one line and exit 2."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from auditor import api, cli
from auditor.review import ReviewError, load_reviews, merge_reviews

CORPUS = Path(__file__).parents[1] / "corpus"
SEED = CORPUS / "000_a196a527a44fa05c.txt"


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
    assert load_reviews(tmp_path / "missing.yaml", required=False) == {}
    with pytest.raises(ReviewError):
        load_reviews(tmp_path / "missing.yaml")


def test_chinese_verdict_words_are_read(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("reviews:\n  'a:1': {verdict: 已排除, by: 张三}\n  'a:2': {verdict: 已确认}\n", encoding="utf-8")
    got = load_reviews(p)
    assert (got["a:1"]["verdict"], got["a:1"]["by"], got["a:2"]["verdict"]) == ("dismissed", "张三", "confirmed")


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


@pytest.mark.parametrize("name, text", [("missing.yaml", None), ("reviews.yaml", "reviews: [\n"),
                                        ("reviews.yaml", "reviews:\n  'x:1': {verdict: perhaps}\n"),
                                        ("reviews.csv", "verdict,note\ndismissed,x\n"),
                                        ("reviews.xlsx", "not a workbook")])
def test_a_review_file_that_is_missing_or_bad_is_one_line_and_exit_2(tmp_path, capsys, name, text):
    bad = tmp_path / name
    if text is not None:
        bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(["audit", str(SEED), "--out", str(out), "--reviews", str(bad)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(bad) in err[0] and err[0].startswith("error: ")
    assert not (out / "findings.json").exists()  # stopped before any document: nothing silently ignored
    with pytest.raises(ReviewError):
        api.audit([SEED], out_dir=out, reviews=bad)


def test_the_default_review_file_is_used_when_there_and_skipped_when_not(tmp_path):
    out = tmp_path / "out"
    data, _ = api.audit([SEED], out_dir=out)  # no DIR/reviews.yaml: no reviews, no error
    fail = next(c for c in data["claims"] if c["status"] == "fail")
    (out / "reviews.yaml").write_text(f"reviews:\n  '{fail['id']}': {{verdict: dismissed}}\n", encoding="utf-8")
    again, _ = api.audit([SEED], out_dir=out)
    assert again["counts"]["dismissed"] == 1 and again["counts"]["fail"] == data["counts"]["fail"] - 1


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "out"
    data, errors = api.audit([SEED], out_dir=out)
    assert not errors
    return data


def test_a_dismissed_finding_leaves_the_fail_count_and_the_exit_code(seed_run, tmp_path, capsys):
    fails = [r for r in seed_run["claims"] + seed_run["table_checks"] if r["status"] == "fail"]
    assert len(fails) >= 2 and seed_run["counts"]["fail"] == len(fails)
    claim = next(r for r in fails if "checks" in r)
    reviews = tmp_path / "reviews.yaml"
    reviews.write_text("reviews:\n" + "".join(f"  '{r['id']}': {{verdict: dismissed, note: 口径不同, by: 张三}}\n"
                                               for r in fails), encoding="utf-8")
    out = tmp_path / "out"
    before = cli.main(["audit", str(SEED), "--out", str(tmp_path / "plain")])
    capsys.readouterr()
    code = cli.main(["audit", str(SEED), "--out", str(out), "--reviews", str(reviews)])
    text = capsys.readouterr().out
    assert (before, code) == (1, 0)
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["counts"]["fail"] == 0 and data["counts"]["dismissed"] == len(fails)
    assert data["counts"]["claims"]["dismissed"] == sum(1 for r in fails if "checks" in r)
    assert data["documents"][0]["counts"]["reviews"]["dismissed"] == len(fails)
    got = next(c for c in data["claims"] if c["id"] == claim["id"])
    assert got["status"] == "fail" and got["review"] == {"verdict": "dismissed", "note": "口径不同", "by": "张三"}
    with (out / "claims.csv").open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == claim["id"])
    assert (row["review_verdict"], row["review_note"], row["review_by"]) == ("dismissed", "口径不同", "张三")
    assert "已排除 dismissed" in text and "by 张三: 口径不同" in text  # the console: the count, by and note
    page = (out / "report" / "doc" / "000_a196a527a44fa05c.html").read_text(encoding="utf-8")
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "已排除" in page and "张三" in page and f"已排除 dismissed {len(fails)}" in index
    # a confirmed fail still fails
    reviews.write_text(f"reviews:\n  '{claim['id']}': {{verdict: confirmed}}\n", encoding="utf-8")
    assert cli.main(["audit", str(SEED), "--out", str(out), "--reviews", str(reviews)]) == 1


def test_a_stale_review_is_offered_its_likely_new_id(seed_run, tmp_path, capsys):
    claim = next(c for c in seed_run["claims"] if c["status"] == "fail")
    stale_id = claim["doc"] + ":000000000000"
    reviews = tmp_path / "reviews.yaml"  # the review remembers the figure and the sentence (as the working paper does)
    reviews.write_text(f"reviews:\n  '{stale_id}': {{verdict: dismissed, stated: {claim['stated']}, "
                       f"sentence: '{claim['sentence']}'}}\n  'gone:1': {{verdict: note}}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["audit", str(SEED), "--out", str(out), "--reviews", str(reviews)]) == 1  # a stale one does not count
    err = capsys.readouterr().err
    assert f"stale review {stale_id}" in err and claim["id"] in err and "stale review gone:1" in err
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert stale_id in index and claim["id"] in index
    # a review that carries only its id: what it was about is read from the previous run's findings.json
    findings = out / "findings.json"
    findings.write_text(findings.read_text(encoding="utf-8").replace(claim["id"], stale_id), encoding="utf-8")
    reviews.write_text(f"reviews:\n  '{stale_id}': {{verdict: dismissed}}\n", encoding="utf-8")
    data, _ = api.audit([SEED], out_dir=out, reviews=reviews)
    assert [(s["id"], s["suggested"]) for s in data["stale_reviews"]] == [(stale_id, claim["id"])]


def test_previous_findings_are_read_in_both_spacings(tmp_path):
    # findings.json lines are compact now ({"id":"…"}); a folder written by an older run has {"id": "…"}
    from auditor.review import previous_findings

    rec = {"id": "d:1", "doc": "d", "stated": 595.94, "sentence": "收入总计595.94万元。", "status": "fail"}
    for name, sep in (("new", (",", ":")), ("old", (", ", ": "))):
        out = tmp_path / name
        out.mkdir()
        line = json.dumps(rec, ensure_ascii=False, separators=sep)
        (out / "findings.json").write_text('{"documents": [\n],\n"claims": [\n' + line + "\n]}\n", encoding="utf-8")
        assert previous_findings(out, {"d:1", "d:2"}) == {"d:1": {"doc": "d", "stated": 595.94,
                                                                  "sentence": "收入总计595.94万元。"}}, name
