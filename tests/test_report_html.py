"""Evidence site and offline Data Docs from a real run over corpus/ (no browser: see test_browser.py)."""
from __future__ import annotations

import html as htmllib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from auditor import cli
from auditor.model import Block, Document, Table
from auditor.report import datadocs, words
from auditor.report.html import doc_to_filename, write_site

CORPUS = Path(__file__).parents[1] / "corpus"
DEPARTMENTS = ["汉中市南郑区政府信息中心", "栾川县政务服务和大数据中心", "南阳市行政审批和政务信息管理局",
               "郑州市金水区政务信息中心", "长治市上党区人民政府办公室"]
STALE = "000_a196a527a44fa05c:0000deadbeef"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Audit corpus/, review two findings (one id invented), audit again with --reviews."""
    out = tmp_path_factory.mktemp("audit")
    cli.main(["audit", str(CORPUS), "--out", str(out)])
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    claim = next(c for c in findings["claims"] if c["status"] == "fail")
    reviews = out.parent / "reviews.yaml"
    text = (f"reviews:\n  '{claim['id']}': {{verdict: confirmed, note: '核实<b>无误</b>', by: 审计员甲}}\n"
            f"  '{STALE}': {{verdict: dismissed, note: 旧结论}}\n")
    reviews.write_text(text, encoding="utf-8")
    cli.main(["audit", str(CORPUS), "--out", str(out), "--reviews", str(reviews)])
    return {"out": out, "findings": json.loads((out / "findings.json").read_text(encoding="utf-8")),
            "claim": claim, "reviews": reviews, "reviews_text": text}


def _text(page: Path) -> str:
    s = page.read_text(encoding="utf-8")
    s = re.sub(r"<script.*?</script>", " ", s, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", s))


def test_index_lists_every_document_with_counts_and_links(run):
    index = run["out"] / "report" / "index.html"
    text, raw = _text(index), index.read_text(encoding="utf-8")
    for name in DEPARTMENTS:
        assert name in text
    for d in run["findings"]["documents"]:
        assert f'href="doc/{doc_to_filename(d["doc"])}"' in raw
        assert (run["out"] / "report" / "doc" / doc_to_filename(d["doc"])).exists()
    assert 'href="../gx/uncommitted/data_docs/local_site/index.html"' in raw
    fails = sum(1 for r in run["findings"]["claims"] + run["findings"]["table_checks"] if r["status"] == "fail")
    assert f"不符 {fails}" in text  # statuses and rules in Chinese
    for rule in {r for c in run["findings"]["claims"] if c["rule"] for r in c["rule"].split(",")}:
        assert words.rule_name(rule) in text and words.rule_summary(rule) in text


def test_document_page_highlights_claims_and_holds_their_evidence(run):
    c = run["claim"]
    page = run["out"] / "report" / "doc" / doc_to_filename(c["doc"])
    raw = page.read_text(encoding="utf-8")
    marks = re.findall(r'<mark class="claim (\w+)[^"]*"[^>]*data-claim="([^"]+)"', raw)
    mine = [x for x in run["findings"]["claims"] if x["doc"] == c["doc"]]
    assert len(marks) >= 0.9 * len(mine)  # nearly every claim is located in the narrative
    assert (c["status"], c["id"]) in marks
    section = re.search(rf'<section class="evidence"[^>]*data-claim="{re.escape(c["id"])}".*?</section>', raw, re.S)
    assert section
    assert htmllib.escape(c["evidence"], quote=False) in section.group(0)
    assert "已确认" in section.group(0) and "核实&lt;b&gt;无误&lt;/b&gt;" in section.group(0)
    # tables with their checks
    t_text = _text(page)
    assert "表格 Tables" in t_text and "分项之和等于合计" in t_text and "parts_sum_to_whole" not in t_text


def test_review_survives_rerun_and_stale_ids_are_listed(run):
    assert run["reviews"].read_text(encoding="utf-8") == run["reviews_text"]  # never rewritten
    text = _text(run["out"] / "report" / "index.html")
    assert "Stale reviews" in text and STALE in text and "旧结论" in text
    assert run["claim"]["id"] in text and "已确认" in text


def test_markup_in_the_narrative_is_rendered_as_text(tmp_path):
    evil = '<script>document.title="pwned";alert(1)</script><b>x</b><img src=x onerror=alert(2)>'
    grid = Table(type="other", title="表" + evil, unit="万元", pages=[1], columns=["项目", "金额"],
                 rows=[[evil, Decimal("1.50")], ["<td>合计</td>", None]])
    doc = Document(doc="evil<doc>", files=["evil.txt"], blocks=[Block(text="说明" + evil, page=1)], tables=[grid])
    findings = {"documents": [{"doc": doc.doc, "files": doc.files, "kind": "budget", "year": 2024,
                               "department": "<i>部门</i>", "tables": 0, "claims": 0, "status": "ok",
                               "error": None}], "claims": [], "table_checks": []}
    index = write_site(findings, [doc], [], tmp_path)
    page = tmp_path / "report" / "doc" / doc_to_filename(doc.doc)
    raw = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=" in raw and "&lt;b&gt;x&lt;/b&gt;" in raw
    assert "<script>document" not in raw and "<b>x</b>" not in raw and "<img src=x" not in raw
    assert "<td>合计</td>" not in raw and '<td class="">&lt;td&gt;合计&lt;/td&gt;</td><td class=""></td>' in raw
    assert '<td class="n">1.50</td>' in raw  # table cells are built in Python (table_to_grid): escaped there
    assert _text(page).count(evil) == 3  # narrative, table title and cell: shown exactly as written
    assert "<i>部门</i>" not in index.read_text(encoding="utf-8")
    assert "/" not in doc_to_filename("../../etc/passwd")


def test_data_docs_are_offline(run):
    site = run["out"] / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert not datadocs.REMOTE_ASSET.search(raw), page
        assert "integrity=" not in raw
        for ref in re.findall(r'(?:src|href)="([^"#]+\.(?:css|js|ico|png|svg))"', raw):
            assert (page.parent / ref).resolve().is_file(), (page, ref)
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert not re.search(r"url\(['\"]?https?:", css)


def test_data_docs_failures_are_labelled_at_printed_precision(run):
    site = run["out"] / "gx" / "uncommitted" / "data_docs" / "local_site"
    text = " ".join(_text(p) for p in (site / "validations").rglob("*.html"))
    failing = [c for c in run["findings"]["claims"] if c["status"] in ("fail", "warn") and c["rule"]]
    assert failing
    assert "文中 stated" in text and "表中 expected" in text
    assert not re.search(r"\d\.\d{9,}", text), re.search(r".{40}\d\.\d{9,}.{20}", text)
    for c in failing:
        assert c["id"] in text and c["sentence"][:20] in text
    # the amount check's row shows the stated figure as printed
    amount = [c for c in failing if c["rule"] == "amount_matches_table"]
    shown = {Decimal(x) for x in re.findall(r"文中 stated (-?[\d.]+)", text)}
    for c in amount:
        assert Decimal(str(c["stated"])) in shown


@pytest.mark.parametrize("x,step,want", [(0.24999999999999983, None, "0.25"), (126.92, 0.01, "126.92"),
                                         (0.0, 0.01, "0.00"), (49.0, 1.0, "49"), (-0.0, None, "0")])
def test_number_to_text(x, step, want):
    assert datadocs.number_to_text(x, step) == want


def test_row_to_text_labels_intervals():
    row = {"expected_hi": 0.005, "expected_lo": -0.005, "stated_hi": 126.925, "stated_lo": 126.915, "step": 0.01}
    assert datadocs.row_to_text(row) == "文中 stated 126.92 · 表中 expected 0.00 · 精度 step 0.01"


def test_cells_cited_by_failing_findings_are_marked_in_the_tables(run):
    """The cells a failing finding's evidence data names are outlined on its document's page, at
    the row and column the data gives (read off the data, not off the evidence's words)."""
    from auditor.report.html import findings_to_marks

    failing = [c for c in run["findings"]["claims"] + run["findings"]["table_checks"] if c["status"] == "fail"
               and any(k.get("cells") for k in (c["checks"] if "checks" in c else [c]))]
    assert failing
    for doc in {c["doc"] for c in failing}:
        raw = (run["out"] / "report" / "doc" / doc_to_filename(doc)).read_text(encoding="utf-8")
        assert "cell-fail" in raw, doc
    c = next(c for c in failing if "checks" in c)
    cell = next(x for k in c["checks"] for x in k["cells"])
    marks = findings_to_marks(c["doc"], [c], [_Table(cell["table"], [cell["column"]] * 3)])
    assert marks[cell["table"]] == {(cell["row"], j): "fail" for j in range(3)} if cell["col"] is None \
        else marks[cell["table"]] == {(cell["row"], cell["col"]): "fail"}


class _Table:
    def __init__(self, index, columns):
        self.index, self.columns = index, columns
