"""Issue 12 §2 families 9 and 11: a disclosure without tables says so (and its narrative's own
arithmetic is still checked); a web page's layout grids are no tables; the standard tables of a
document's kind and province must all be there (tables_complete); an empty table's note names that
table (empty_table)."""
from pathlib import Path

import pytest

from auditor import api
from auditor.ingest import read_document
from auditor.report.console import format_part, format_total

NO_TABLES = "未找到公开表格：只核对了说明内部的算术"

# A municipal department's web page as such pages are built: indented with tabs, a menu and a
# breadcrumb, the article framed by a layout table with a one-column grid and a footer grid inside,
# the tables published as an attachment.
LAYOUT_PAGE = """<!DOCTYPE html>
<html>
<head>
\t<meta charset="utf-8">
\t<title>某市某局2025年部门预算公开</title>
</head>
<body>
\t<div class="nav">
\t\t<ul>
\t\t\t<li><a href="/">首页</a></li>\t<li><a href="/xxgk">信息公开</a></li>
\t\t\t<li><a href="/yjs">预决算公开</a></li>
\t\t</ul>
\t</div>
\t<table width="100%"><tr><td><a href="/">首页</a></td><td><a href="/zwgk">政务公开</a></td><td><a href="/bmjs">部门决算</a></td></tr></table>
\t<table width="980"><tr><td>
\t\t<table><tr><td>您的位置：首页 &gt; 信息公开 &gt; 预决算公开</td></tr></table>
\t\t<h1>某市某局2025年部门预算</h1>
\t\t<div class="info">\t发布时间：2025-02-10\t来源：某市某局\t浏览次数：123</div>
\t\t<p>一、收支预算总体情况</p>
\t\t<p>2025年收入预算总计1,200.50万元，比上年增加100.50万元，增长9.14%，主要原因是人员经费增加。</p>
\t\t<p>二、“三公”经费预算情况</p>
\t\t<p>2025年“三公”经费预算12.00万元，比上年减少1.00万元，下降7.69%，主要原因是压减公务接待费。</p>
\t\t<p>附件：<a href="a.xls">某市某局2025年部门预算公开表.xls</a></p>
\t</td><td class="side"><table><tr><td>相关链接</td></tr><tr><td>财政部</td></tr></table></td></tr></table>
\t<table><tr><td>主办单位：某市某局</td><td>地址：某路1号</td></tr><tr><td>网站标识码：1234567890</td><td>ICP备12345678号</td></tr></table>
</body>
</html>
"""


def test_a_layout_page_yields_no_tables_and_its_narrative(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(LAYOUT_PAGE, encoding="utf-8")
    doc = read_document([f])
    assert doc.tables == [] and doc.no_tables
    texts = [b.text for b in doc.blocks]
    assert "某市某局2025年部门预算" in texts
    assert any(t.startswith("2025年收入预算总计1,200.50万元") for t in texts)
    assert (doc.kind, doc.year, doc.department) == ("budget", 2025, "某市某局")


def test_a_real_table_inside_a_layout_table_is_kept(tmp_path):
    page = LAYOUT_PAGE.replace(
        '<p>附件：', '<p>部门收支总表</p><p>单位：万元</p><table border="1"><tr><th>项目</th><th>预算数</th></tr>'
        '<tr><td>收入总计</td><td>1,200.50</td></tr></table><p>附件：')
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    doc = read_document([f])
    assert [(t.type, t.title) for t in doc.tables] == [("income_expenditure_summary", "部门收支总表")]
    assert not doc.no_tables


def test_a_document_without_tables_says_so_and_its_arithmetic_still_runs(tmp_path):
    (tmp_path / "page.html").write_text(LAYOUT_PAGE, encoding="utf-8")
    data, errors = api.audit([tmp_path])
    assert not errors
    (d,) = data["documents"]
    assert d["no_tables"] is True and d["notes"] == [NO_TABLES] and d["counts"]["no_tables"] == 1
    # the narrative's own arithmetic: 100.50 ÷ (1,200.50 − 100.50) = 9.14%, 1.00 ÷ 13.00 = 7.69%
    growth = {c["text"]: c["status"] for c in data["claims"] if c["kind"] == "growth"}
    assert growth == {"增长9.14%": "pass", "下降7.69%": "pass"}
    assert data["table_checks"] == []  # no table, no table check (nor nine "missing" tables)
    assert NO_TABLES in format_part(data)
    assert "documents without tables: 1" in format_total(data)
