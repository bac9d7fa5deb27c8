"""Issue 4 on the seed corpus: the genuine inconsistencies found by reading the seeds are
reported, and no correct statement fails."""
import json
from pathlib import Path

import pytest

from auditor import api
from auditor.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# Found by reading the seeds as an auditor would (see the closing note of issue 4):
#   000: the prose puts 126.92 under 机关工资福利支出(501) and 191.36 under 机关商品和服务支出(502);
#        the 财政拨款收支总表 books the whole 318.28 as 对事业单位经常性补助 and 0.00 under 501/502.
#   001: 收入合计 595.94 "其中…财政性结转资金 0 万元" while the tables carry 49.02 of 上年结转;
#        人员经费 161.97 / 178.9 = 90.5 % printed as 90 %, 公用经费 9.46 % printed as 10 % (rounding-level).
#   003: 收入合计 364.4 "其中：一般公共预算 284.4 万元" (284.4 is the 基本支出; the tables give 364.4),
#        so the parts do not add up to the total either.
EXPECTED_CLAIMS = {
    ("000_a196a527a44fa05c", "机关工资福利支出（501）126.92万元", "fail"),
    ("000_a196a527a44fa05c", "机关商品和服务支出（502）191.36万元", "fail"),
    ("001_ccd06c2c755f1d0a", "财政性结转资金 0 万元", "fail"),
    ("001_ccd06c2c755f1d0a", "占 90%", "warn"),
    ("001_ccd06c2c755f1d0a", "占 10%", "warn"),
    ("003_6b3b4e85c1fcbcb6", "一般公共预算 284.4 万元", "fail"),
    ("003_6b3b4e85c1fcbcb6", "其中：", "fail"),
}
# Between tables, 001 publishes 一般公共预算支出 595.94 in its 支出 tables while its
# 财政拨款收支预算表 books 本年支出 546.92 and 年终结转结余 49.02.
EXPECTED_TABLE_FAILS = {("001_ccd06c2c755f1d0a", "一般公共预算支出")}


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    data, errors = api.audit([CORPUS], out_dir=out)
    assert not errors
    return data, out


def test_genuine_inconsistencies_are_reported(findings):
    data, _ = findings
    got = {(c["doc"], c["text"], c["status"]) for c in data["claims"] if c["status"] in ("fail", "warn")}
    assert EXPECTED_CLAIMS <= got


def test_no_correct_statement_fails(findings):
    data, _ = findings
    fails = {(c["doc"], c["text"]) for c in data["claims"] if c["status"] == "fail"}
    assert fails == {(d, t) for d, t, s in EXPECTED_CLAIMS if s == "fail"}


def test_tables_disagreeing_are_reported(findings):
    data, _ = findings
    fails = {(t["doc"], t["evidence"].split("」")[0].lstrip("「")) for t in data["table_checks"]
             if t["status"] == "fail"}
    assert fails == EXPECTED_TABLE_FAILS


def test_every_claim_has_a_verdict_and_evidence_in_words(findings):
    data, _ = findings
    assert {d["doc"] for d in data["documents"]} == {p.stem for p in CORPUS.glob("*.txt")}
    for c in data["claims"]:
        assert c["status"] in ("pass", "fail", "warn", "unverified")
        assert c["evidence"]
    failing = [c for c in data["claims"] if c["status"] == "fail" and c["kind"] == "amount"]
    assert all("《" in c["evidence"] and "行" in c["evidence"] for c in failing)


def test_output_folder_holds_json_csv_and_data_docs(findings):
    result, out = findings
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert set(data) == {"documents", "claims", "table_checks", "counts"}
    # written one document at a time, it is the contract the call returned
    assert data == json.loads(json.dumps(result, ensure_ascii=False, default=str))
    for s in ("pass", "warn", "fail", "unverified"):
        assert data["counts"][s] == sum(1 for r in data["claims"] + data["table_checks"] if r["status"] == s)
        assert data["counts"]["claims"][s] == sum(1 for r in data["claims"] if r["status"] == s)
        assert data["counts"]["table_checks"][s] == sum(1 for r in data["table_checks"] if r["status"] == s)
    assert data["counts"]["figure_checked"] == sum(1 for r in data["claims"] if r["figure_checked"])
    assert data["counts"]["reasons"]["pass"] == sum(1 for r in data["claims"] for k in r["checks"]
                                                    if k["rule"] == "reason_given" and k["status"] == "pass")
    header = (out / "claims.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("id,doc,page,section,sentence,text,kind,subject,stated,unit,status")
    assert (out / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_ids_are_stable_run_after_run(findings, tmp_path):
    data, _ = findings
    again, _ = api.audit([CORPUS / "001_ccd06c2c755f1d0a.txt"])
    first = [c["id"] for c in data["claims"] if c["doc"] == "001_ccd06c2c755f1d0a"]
    assert [c["id"] for c in again["claims"]] == first
    assert len(set(first)) == len(first)


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["audit", str(CORPUS / "002_c9d3211da2288e2b.txt"), "--out", str(tmp_path / "a")]) == 0
    assert main(["audit", str(CORPUS / "003_6b3b4e85c1fcbcb6.txt"), "--out", str(tmp_path / "b")]) == 1
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["audit", str(empty), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "empty.txt" in err


def test_missing_standard_tables_are_named(findings):
    """Seed 000's own 目录 lists 15 tables (陕西's 综合预算公开报表); its text holds ten of them: the
    three 总表 (表1–3), the 政府采购 table (表11) and the “三公” table (表12) are not there. The
    other seeds publish every table of their template."""
    data, _ = findings
    missing = {(t["doc"], t["id"].rsplit(":", 1)[-1]) for t in data["table_checks"] if t["rule"] == "tables_complete"}
    assert missing == {("000_a196a527a44fa05c", name) for name in (
        "综合预算收支总表", "综合预算收入总表", "综合预算支出总表", "政府采购（资产配置、购买服务）预算表",
        "一般公共预算拨款“三公”经费及会议费、培训费支出预算表")}
    assert {t["status"] for t in data["table_checks"] if t["rule"] == "tables_complete"} == {"warn"}
