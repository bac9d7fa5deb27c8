"""Text/markdown reader, encodings, file grouping (data/file_parts.yaml examples), metadata."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.ingest import doc_id, group_paths, read_all, read_document
from auditor.ingest.text import html_table_to_rows, is_heading, text_to_parts

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PARTS = yaml.safe_load((ROOT / "auditor" / "data" / "file_parts.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds():
    docs, errors = read_all([CORPUS])
    assert errors == []
    return {d.doc[:3]: d for d in docs}


# --- grouping (duckling-style: the data file's examples are the test cases) ----------

@pytest.mark.parametrize("case", PARTS["examples"])
def test_group_examples(case):
    groups = group_paths([Path("/x") / f for f in case["files"]])
    assert len(groups) == 1
    assert doc_id(groups[0]) == case["doc"]


@pytest.mark.parametrize("case", PARTS["counter_examples"])
def test_group_counter_examples(case):
    groups = group_paths([Path("/x") / f for f in case["files"]])
    ids = [doc_id(g) for g in groups]
    assert ids == case.get("docs", [case.get("doc")])


def test_group_order_narrative_first_and_real_pdfs():
    pdfs = ROOT.parent / "shared" / "pdfs"
    names = ["js-cppcc-office-2017-budget-tables.pdf", "js-cppcc-office-2017-budget-narrative.pdf",
             "js-high-court-2017-budget.pdf"]
    groups = group_paths([pdfs / n for n in names])
    assert [[p.name for p in g] for g in groups] == [
        ["js-cppcc-office-2017-budget-narrative.pdf", "js-cppcc-office-2017-budget-tables.pdf"],
        ["js-high-court-2017-budget.pdf"]]
    assert [doc_id(g) for g in groups] == ["js-cppcc-office-2017-budget", "js-high-court-2017-budget"]


def test_folder_skips_readme_and_hidden(tmp_path):
    (tmp_path / "README.md").write_text("# 说明\n本目录是语料。\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("隐藏文件。\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("某单位2023年部门预算\n\n收入总计 10 万元。\n", encoding="utf-8")
    docs, errors = read_all([tmp_path])
    assert errors == [] and [d.doc for d in docs] == ["a"]


# --- narrative ------------------------------------------------------------------------

def test_wrapped_sentence_rejoined(seeds):
    texts = [b.text for b in seeds["000"].blocks]
    joined = [t for t in texts if "主要原因是人员薪资调整。" in t and "本单位当年财政拨款支出 318.28 万元" in t]
    assert joined, "the sentence broken by a blank line must be one block"
    assert not any(t == "资调整。" for t in texts)
    t1 = [b.text for b in seeds["001"].blocks]
    assert any("栾川县政务服务和大数据中心（栾川县 110 联动服务中心）机关本级预算" in t for t in t1)


def test_headings_and_sections(seeds):
    blocks = seeds["001"].blocks
    h = next(b for b in blocks if b.heading and b.text.startswith("一、收入支出预算总体情况说明"))
    body = blocks[blocks.index(h) + 1]
    assert not body.heading and body.section == h.text and "收入总计 595.94 万元" in body.text
    assert body.file == "001_ccd06c2c755f1d0a.txt" and body.line == 56 and body.page is None
    # markdown headings (seed 002) are headings without the # and ** marks
    heads = [b.text for b in seeds["002"].blocks if b.heading]
    assert "二、南阳市行政审批和政务信息管理局所属预算单位构成情况" in heads
    assert "（一）因公出国(境)费 0 万元。主要用于单位工作人员公务出国(境)的住宿费" not in heads
    assert is_heading("（一）单位主要职责。") and not is_heading("（一）政务公开工作。建设维护好区政府门户网站。")
    assert not is_heading("一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的支出。")


def test_table_of_contents_is_not_a_table(seeds):
    d = seeds["004"]
    assert not any("....." in t.title or t.title.startswith("第一部分") for t in d.tables)
    toc = next(b for b in d.blocks if "2023年预算收支总表" in b.text and not b.heading)
    assert "....." not in toc.text and "\t" not in toc.text


def test_table_titles_not_narrative(seeds):
    texts = [b.text for b in seeds["002"].blocks]
    assert "部门收支总体情况表" not in texts and "单位：万元" not in texts
    # notes under a table stay in the narrative (the claims step reads them)
    assert any("故本表无数据" in t for t in texts)


def test_metadata_from_title():
    blocks, _ = text_to_parts("2 0 2 4 年 某市财政局部门决算\n\n部门名称：某市财政局\n\n一、收入支出决算总体情况\n")
    from auditor.ingest import document_metadata
    kind, year, dept = document_metadata(blocks, [], "x")
    assert (kind, year, dept) == ("final_account", 2024, "某市财政局")


def _title_cases(key):
    import yaml
    from pathlib import Path
    data = yaml.safe_load((Path(__file__).parents[1] / "auditor" / "data" / "document.yaml").read_text(encoding="utf-8"))
    return [pytest.param(c, id=" / ".join(c["lines"])) for c in data[key]]


@pytest.mark.parametrize("case", _title_cases("examples") + _title_cases("negatives"))
def test_kind_and_year_from_the_title(case):
    """data/document.yaml: a document's first lines -> its kind and year; navigation never decides."""
    from auditor.ingest import document_metadata
    blocks, _ = text_to_parts("\n\n".join(case["lines"]) + "\n\n一、部门职责\n\n负责本部门工作。\n")
    kind, year, _ = document_metadata(blocks, [], "x")
    assert kind == case["kind"]
    if "year" in case:
        assert year == case["year"]


def test_kind_from_the_title_not_from_the_page_navigation(tmp_path):
    """A web page whose menu and breadcrumb say 预决算公开 / 部门决算 and whose own title says
    2025年部门预算 is a budget of 2025."""
    f = tmp_path / "page.html"
    f.write_text("<html><body><div>首页 &gt; 信息公开 &gt; 财政预决算 &gt; 部门决算</div><ul><li>预决算公开</li>"
                 "<li>部门决算</li></ul><h1>某市某局2025年部门预算</h1><p>发布时间：2025-02-10</p>"
                 "<p>2025年收入预算总计100.00万元。</p></body></html>", encoding="utf-8")
    doc = read_document([f])
    assert (doc.kind, doc.year) == ("budget", 2025)


# --- formats ----------------------------------------------------------------------------

def test_markdown_pipe_and_html_tables(tmp_path):
    md = tmp_path / "doc.md"
    md.write_text(
        "# 某局2024年部门预算\n\n## 部门收支总表\n\n单位：万元\n\n"
        "| 收入 | | 支出 | |\n|---|---|---|---|\n| 项目 | 金额 | 项目 | 金额 |\n"
        "| 收入总计 | 1,790.63 | 支出总计 | 1,790.63 |\n\n"
        "## 三公经费支出表\n\n单位：万元\n\n"
        '<table><tr><th rowspan="2">合计</th><th colspan="2">公务用车购置及运行费</th></tr>'
        "<tr><th>小计</th><th>运行费</th></tr><tr><td>4.30</td><td>4.00</td><td>4.00</td></tr></table>\n",
        encoding="utf-8")
    doc = read_document([md])
    assert [t.type for t in doc.tables] == ["income_expenditure_summary", "three_public"]
    assert doc.tables[0].rows == [["收入总计", __import__("decimal").Decimal("1790.63"), "支出总计",
                                   __import__("decimal").Decimal("1790.63")]]
    assert doc.tables[1].columns == ["合计", "公务用车购置及运行费/小计", "公务用车购置及运行费/运行费"]
    assert doc.year == 2024 and doc.blocks[0].heading


def test_html_spans():
    rows = html_table_to_rows('<table><tr><td rowspan="2">a</td><td>b</td></tr><tr><td>c</td></tr></table>')
    assert rows == [["a", "b"], ["a", "c"]]


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""),
                                          ("gbk", b"")])
def test_encodings(tmp_path, encoding, bom):
    text = "某县2023年部门预算说明\n\n收入总计 595.94 万元，较上年增长 53%。\n\n部门收支总表\n单位：万元\n项目\t金额\n收入总计\t595.94\n"
    f = tmp_path / f"doc_{encoding}.txt"
    f.write_bytes(bom + text.encode(encoding))
    doc = read_document([f])
    assert doc.blocks[0].text == "某县2023年部门预算说明"
    assert "收入总计 595.94 万元" in doc.blocks[1].text
    assert doc.tables[0].rows[0][1] == __import__("decimal").Decimal("595.94")


def test_fullwidth_kept_in_blocks(tmp_path):
    f = tmp_path / "fw.txt"
    f.write_text("某单位２０２３年预算\n\n收入总计５９５．９４万元。\n", encoding="utf-8")
    doc = read_document([f])
    assert doc.blocks[1].text == "收入总计５９５．９４万元。"
    assert doc.year == 2023


def test_html_page(tmp_path):
    f = tmp_path / "page.html"
    f.write_text("<html><head><title>x</title></head><body><h1>某市财政局2024年部门预算</h1>"
                 "<p>2024年收入总计100.00万元。</p><h2>部门收支总表</h2><p>单位：万元</p>"
                 "<table><tr><th>项目</th><th>金额</th></tr><tr><td>收入总计</td><td>100.00</td></tr></table>"
                 "</body></html>", encoding="utf-8")
    doc = read_document([f])
    assert [(b.heading, b.text) for b in doc.blocks] == [(True, "某市财政局2024年部门预算"),
                                                        (False, "2024年收入总计100.00万元。")]
    t = doc.tables[0]
    assert (t.type, t.title, t.unit, t.columns) == ("income_expenditure_summary", "部门收支总表", "万元", ["项目", "金额"])
    assert doc.department == "某市财政局"
