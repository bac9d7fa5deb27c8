"""The working paper (--xlsx): every fail/warn/unverified claim and failing table check with review
columns to fill in, each document's counts; filled in with openpyxl and read back as --reviews."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from auditor import cli
from auditor.report.xlsx import COLUMNS, COUNTS_SHEET, FINDINGS_SHEET

CORPUS = Path(__file__).parents[1] / "corpus"
KEYS = [k for k, _ in COLUMNS]


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper") / "out"
    code = cli.main(["audit", str(CORPUS), "--out", str(out), "--xlsx", str(out / "底稿.xlsx")])
    return out, code, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()


def test_the_paper_lists_every_finding_to_review_and_each_documents_counts(paper):
    out, code, data = paper
    rows = _rows(out / "底稿.xlsx", FINDINGS_SHEET)
    assert list(rows[0]) == [h for _, h in COLUMNS] and "差额 difference" in rows[0]
    listed = {c["id"] for c in data["claims"] if c["status"] in ("fail", "warn", "unverified")} | \
             {t["id"] for t in data["table_checks"] if t["status"] in ("fail", "warn")}
    assert {r[0] for r in rows[1:]} == listed and len(rows) - 1 == len(listed)
    by_id = {r[0]: dict(zip(KEYS, r)) for r in rows[1:]}
    fail = next(c for c in data["claims"] if c["status"] == "fail" and c["expected"] is not None)
    row = by_id[fail["id"]]
    assert row["status"] == "不符" and row["sentence"] == fail["sentence"] and row["doc"] == fail["doc"]
    assert row["difference"] == pytest.approx(fail["stated"] - fail["expected"])
    assert row["rule"] == "金额与表格一致" and row["file"] == Path(fail["file"]).name
    assert {r["status"] for r in by_id.values()} <= {"不符", "舍入差异", "未核实"}
    counts = _rows(out / "底稿.xlsx", COUNTS_SHEET)
    assert [r[0] for r in counts[1:]] == [d["doc"] for d in data["documents"]]
    assert sum(r[counts[0].index("不符 fail")] for r in counts[1:]) == data["counts"]["fail"]


def test_a_verdict_filled_in_the_sheet_counts_on_the_rerun(paper, tmp_path, capsys):
    out, code, data = paper
    wb = openpyxl.load_workbook(out / "底稿.xlsx")
    ws = wb[FINDINGS_SHEET]
    col = {k: i for i, k in enumerate(KEYS)}
    filled = None
    for row in ws.iter_rows(min_row=2):
        if row[col["status"]].value == "不符":
            row[col["verdict"]].value, row[col["note"]].value, row[col["by"]].value = "已排除", "口径不同", "李四"
            filled = row[col["id"]].value
            break
    filled_path = tmp_path / "底稿-已复核.xlsx"
    wb.save(filled_path)
    again = tmp_path / "out"
    capsys.readouterr()
    cli.main(["audit", str(CORPUS), "--out", str(again), "--reviews", str(filled_path),
              "--xlsx", str(again / "底稿.xlsx")])
    assert "已排除 dismissed 1" in capsys.readouterr().out
    new = json.loads((again / "findings.json").read_text(encoding="utf-8"))
    assert new["counts"]["fail"] == data["counts"]["fail"] - 1 and new["counts"]["dismissed"] == 1
    rec = next(r for r in new["claims"] + new["table_checks"] if r["id"] == filled)
    assert rec["review"] == {"verdict": "dismissed", "note": "口径不同", "by": "李四"}
    # the new paper carries the verdict already given, so it can be reviewed on from there
    row = next(dict(zip(KEYS, r)) for r in _rows(again / "底稿.xlsx", FINDINGS_SHEET)[1:] if r[0] == filled)
    assert (row["verdict"], row["note"], row["by"]) == ("已排除", "口径不同", "李四")
