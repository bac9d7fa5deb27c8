"""The PDF reader (auditor.ingest.pdf) on the real disclosure PDFs, on seeds rendered to PDF, and on bad input."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from auditor.ingest.pdf import heading_level, read_pdf
from auditor.model import IngestError
from auditor.numbers import normalize, try_number

import pdf_fixtures
from pdf_fixtures import bad_pdfs, need_pdfs, pdf_documents, seed_pdfs  # noqa: F401  (fixtures)

# The 收支总表 of every document: the totals its table prints (收入 side, 支出 side, the
# table's unit) and the figure the narrative prints for them (万元), read by hand from the PDFs.
# Jiangsu labels the rows 收入合计/支出合计, Shanghai budgets 收入总计/支出总计 (in 元),
# the 决算 prints 总计 on both sides of 收入支出决算总表.
SUMMARY_TOTALS = {
    "js-cppcc-office-2017-budget": ("9,146.79", "9,146.79", "万元", "9146.79"),
    "js-cppcc-office-2018-budget": ("10,150.48", "10,150.48", "万元", "10150.48"),
    "js-cppcc-office-2019-budget": ("13,377.11", "13,377.11", "万元", "13377.11"),
    "js-high-court-2017-budget": ("28,849.38", "28,849.38", "万元", "28849.38"),
    "js-high-court-2018-budget": ("33,172.15", "33,172.15", "万元", "33172.15"),
    "js-high-court-2019-budget": ("37,188.34", "37,188.34", "万元", "37188.34"),
    "js-npc-office-2017-budget": ("13,649.07", "13,649.07", "万元", "13649.07"),
    "js-npc-office-2018-budget": ("15897.44", "15897.44", "万元", "15897.44"),
    "js-npc-office-2019-budget": ("18,330.37", "18,330.37", "万元", "18330.37"),
    "js-party-office-2017-budget": ("20,849.45", "20,849.45", "万元", "20849.45"),
    "js-party-office-2018-budget": ("24,458.43", "24,458.43", "万元", "24458.43"),
    "js-party-office-2019-budget": ("27,664.22", "27,664.22", "万元", "27664.22"),
    "js-procuratorate-2017-budget": ("17,996.68", "17,996.68", "万元", "17996.68"),
    "js-procuratorate-2018-budget": ("21,955.35", "21,955.35", "万元", "21955.35"),
    "js-procuratorate-2019-budget": ("24,169.74", "24,169.74", "万元", "24169.74"),
    "sh-putuo-district-office-2025-budget": ("91,016,775.35", "91,016,775.35", "元", "9,101.68"),
    "sh-putuo-district-office-unit-2025-budget": ("91,016,775.35", "91,016,775.35", "元", "9,101.68"),
    "sh-putuo-wanli-subdistrict-2024-budget": ("156,211,123", "156,211,123", "元", "15621.11"),
    "sh-putuo-finance-bureau-2024-final-account": ("2,995.39", "2,995.39", "万元", "2995.39"),
}

_SUMMARY_TITLE = re.compile(r"收支(预算)?总表|收入支出决算总表|收支总体情况表")
_LABEL = re.compile(r"^(收入|支出)?(总计|合计)$")


def _squash(s: str | None) -> str:
    return re.sub(r"\s+", "", normalize(s or ""))


@pytest.fixture(scope="module")
def documents():
    """Every PDF document read once: doc id -> (blocks, raw tables, files)."""
    need_pdfs()
    out = {}
    for doc, files in pdf_documents().items():
        blocks, tables = [], []
        for f in files:
            b, t = read_pdf(f)
            blocks += b
            tables += t
        out[doc] = (blocks, tables, files)
    return out


def _summary_rows(tables) -> list[list]:
    """The 收支总表's rows, its continuation pieces (no title of their own) appended."""
    for i, t in enumerate(tables):
        title = " ".join(t.context)
        if _SUMMARY_TITLE.search(_squash(title)) and "财政拨款" not in title:
            rows = list(t.rows)
            for nxt in tables[i + 1:]:
                if nxt.context:
                    break
                rows += nxt.rows
            return rows
    return []


def _totals(rows) -> tuple[str | None, str | None]:
    """(收入 total, 支出 total) as printed: 总计 before 合计; a bare 总计 row is 收入 then 支出."""
    found: dict[str, list[str]] = {}
    for r in rows:
        bare = []
        for j, c in enumerate(r):
            m = _LABEL.match(_squash(c))
            if not m:
                continue
            value = next((v for v in r[j + 1:] if try_number(v) is not None), None)
            if value is None:
                continue
            if m.group(1):
                found.setdefault(m.group(1) + m.group(2), []).append(value)
            else:
                bare.append((m.group(2), value))
        if len(bare) == 2:
            found.setdefault("收入" + bare[0][0], []).append(bare[0][1])
            found.setdefault("支出" + bare[1][0], []).append(bare[1][1])

    def pick(side):
        for kind in ("总计", "合计"):
            if found.get(side + kind):
                return found[side + kind][-1]
        return None

    return pick("收入"), pick("支出")


def test_every_pdf_document_has_an_expected_total():
    need_pdfs()
    assert set(pdf_documents()) == set(SUMMARY_TOTALS)


@pytest.mark.parametrize("doc", sorted(SUMMARY_TOTALS))
def test_summary_table_totals_match_narrative(documents, doc):
    blocks, tables, _ = documents[doc]
    income, expenditure, unit, narrative = SUMMARY_TOTALS[doc]
    rows = _summary_rows(tables)
    assert rows, f"{doc}: no 收支总表 among {[t.context[:2] for t in tables]}"
    got_in, got_out = _totals(rows)
    assert got_in == income
    assert got_out == expenditure
    # the narrative prints the same figure (in 万元)
    text = _squash("\n".join(b.text for b in blocks)).replace(",", "")
    assert narrative.replace(",", "") + "万元" in text
    factor = Decimal(10000) if unit == "元" else Decimal(1)
    assert (try_number(income) / factor).quantize(Decimal("0.01")) == try_number(narrative)


@pytest.mark.parametrize("doc", sorted(SUMMARY_TOTALS))
def test_narrative_blocks_carry_pages_and_sections(documents, doc):
    blocks, tables, files = documents[doc]
    narrative_files = [f for f in files if not f.stem.endswith("-tables")]
    assert blocks
    assert all(b.page is not None and b.page >= 1 for b in blocks)
    for f in narrative_files:
        mine = [b for b in blocks if b.file == str(f)]
        assert len(mine) > 30, f"{f.name}: only {len(mine)} narrative blocks"
        assert any(b.heading for b in mine)
        # running footers ("- 3 -", "第 3 页", bare page numbers) are gone
        assert not any(re.fullmatch(r"[-—–─]?\s*\d{1,3}\s*[-—–─]?|第\s*\d+\s*页", b.text.strip()) for b in mine)
        # paragraphs are re-joined: most body blocks are longer than one printed line
        body = [b for b in mine if not b.heading]
        assert sum(len(b.text) > 45 for b in body) >= len(body) // 4
        assert any(b.section for b in body)


def test_paragraph_rejoined_across_lines_and_pages(documents):
    """js-high-court-2018 p22-23: "…比上年预算减少 10" / "万元，主要原因是…" (line and page break)."""
    blocks = documents["js-high-court-2018-budget"][0]
    hit = [b for b in blocks if "因公出国（境）费预算支出 170 万元" in b.text]
    assert len(hit) == 1
    assert "减少 10万元，主要原因是 2018 年度因公出国（境）费支出预算的减少。" in hit[0].text
    assert hit[0].page == 22
    assert hit[0].section.startswith("九、一般公共预算“三公”经费")


def test_final_account_figures_set_below_the_line_stay_in_their_sentence(documents):
    """The 决算 narrative sets figures a few points lower than the text: they stay in place."""
    blocks = documents["sh-putuo-finance-bureau-2024-final-account"][0]
    text = "\n".join(b.text for b in blocks)
    assert "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比" in text
    para = next(b for b in blocks if b.text.startswith("本年收入合计"))
    assert para.text.replace(" ", "") == "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；"
    assert para.page == 21 and para.section == "二、收入决算情况说明"
    # justified text stops short before a figure that did not fit: the sentence still goes on
    assert "住房保障支出（类）445.69万元，占15.16%；" in text


def test_headings_and_sections(documents):
    blocks = documents["sh-putuo-finance-bureau-2024-final-account"][0]
    heads = [b for b in blocks if b.heading and b.page == 24]
    assert [h.text for h in heads] == ["（二）政府采购支出情况", "（三）国有资产占有使用情况说明"]
    assert heads[0].section == "十一、其他重要事项的情况说明"
    para = next(b for b in blocks if b.text.startswith("上海市普陀区财政局2024年度政府采购金额"))
    assert para.section == "（二）政府采购支出情况" and not para.heading
    assert heading_level("第三部分 2019年度部门预算情况说明") == 0
    assert heading_level("一、收支预算总体情况说明") == 1
    assert heading_level("（二）政府采购支出情况") == 2
    assert heading_level("（一）贯彻执行国家和本市有关财政工作的法律、法规；研究拟订本区财政发展战略。") is None


def test_table_split_over_pages_continues_without_title(documents):
    """js-high-court-2018 收支总表 runs from p9 onto p10; the open top row on p10 is still read."""
    tables = documents["js-high-court-2018-budget"][1]
    first = next(t for t in tables if t.pages == [9])
    cont = next(t for t in tables if t.pages == [10])
    assert "单位：万元" in first.context and any("收支预算总表" in c for c in first.context)
    assert cont.context == []
    assert len(cont.rows[0]) == len(first.rows[0]) == 6
    assert cont.rows[0][2:4] == ["十八、住房保障支出", "4,716.51"]
    # the next table on the same page has its own title
    nxt = tables[tables.index(cont) + 1]
    assert any("收入预算总表" in c for c in nxt.context) and nxt.rows[1] == ["收入总计", None, "33,172.15"]


def test_title_row_inside_the_grid_moves_to_context(documents):
    """Jiangsu table files draw the title and 部门/单位 line inside the ruled frame (rotated pages too)."""
    tables = documents["js-npc-office-2019-budget"][1]
    first = tables[0]
    assert first.context == ["收支预算总表", "公开表一", "部门： 江苏省人大常委会办公厅 单位：万元"]
    assert first.rows[0] == ["收入", None, "支出", None, None, None]
    assert first.rows[-1] == ["收入合计", "18,330.37", "支出合计", None, None, "18,330.37"]


def test_cells_broken_over_lines_are_joined(documents):
    tables = documents["js-high-court-2018-budget"][1]
    cells = {c for t in tables for r in t.rows for c in r if c}
    assert "计算机设备维修和保养服务" in cells
    assert "三、单位预留机动经费" in cells
    assert not any("\n" in c for c in cells)


# --- seeds rendered to PDF agree with the text reading ----------------------

def _grid(rows) -> list[list[str]]:
    """Cells squashed, blank rows and trailing blank columns dropped."""
    rows = [[_squash(c) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    while width and not any(r[width - 1] for r in rows):
        width -= 1
        rows = [r[:width] for r in rows]
    return rows


def _merged(raws):
    """Continuation pieces (no context) appended to the table before them."""
    out = []
    for t in raws:
        if out and not t.context:
            out[-1] = (out[-1][0], out[-1][1] + t.rows)
        else:
            out.append((list(t.context), list(t.rows)))
    return out


_IN_GRID_META = re.compile(r"^(部门名称|单位名称|编制部门|编制单位|单位)[:：]")


def _expected(t):
    """What the PDF reading should give for a text table: the title lines above it as context
    (notes go below the table), and a leading one-cell 部门名称/单位 row counts as context too."""
    context = [c for c in t.context if not pdf_fixtures._NOTE.search(c)]
    rows = _grid(t.rows)
    while rows and sum(1 for c in rows[0] if c) == 1 and _IN_GRID_META.match(next(c for c in rows[0] if c)):
        context.append(next(c for c in rows[0] if c))
        rows = rows[1:]
    return [_squash(c) for c in context], _grid(rows)


@pytest.fixture(scope="module")
def seed_reads(seed_pdfs):
    """read_pdf of each rendered seed, once."""
    return [(s, *read_pdf(s.pdf)) for s in seed_pdfs]


def test_seed_pdfs_tables_equal_text_tables(seed_reads):
    assert len(seed_reads) == 5
    for s, blocks, raws in seed_reads:
        assert len(s.rendered) >= len(s.text_tables) - 1, s.seed.name  # at most one oversize table left out
        pdf_tables = _merged(raws)
        assert len(pdf_tables) == len(s.rendered), s.seed.name
        for (ctx, rows), t in zip(pdf_tables, s.rendered):
            want_ctx, want_rows = _expected(t)
            assert _grid(rows) == want_rows, (s.seed.name, t.context)
            assert [_squash(c) for c in ctx] == want_ctx, s.seed.name


def test_seed_pdfs_narrative_equals_text(seed_reads):
    for s, blocks, _ in seed_reads:
        pdf_text = _squash("".join(b.text for b in blocks))
        for b in s.text_blocks:
            assert _squash(b.text) in pdf_text, (s.seed.name, b.text)
        # headings come back as headings, paragraphs as paragraphs
        text_heads = [_squash(b.text) for b in s.text_blocks if b.heading and heading_level(b.text) is not None]
        pdf_heads = {_squash(b.text) for b in blocks if b.heading}
        assert set(text_heads) <= pdf_heads, s.seed.name
        assert not any(b.text.strip().startswith("- ") for b in blocks)  # footers dropped
        assert not any(pdf_fixtures.RUNNING_HEADER in b.text for b in blocks)  # running header too


def test_seed_pdfs_typed_tables_equal_text_typed_tables(seed_reads):
    tables_mod = pytest.importorskip("auditor.tables")
    raw_to_tables = getattr(tables_mod, "raw_to_tables", None)
    if raw_to_tables is None:
        pytest.skip("auditor.tables.raw_to_tables not available yet")
    for s, _, raws in seed_reads:
        from_pdf = raw_to_tables(raws)
        from_text = raw_to_tables(s.rendered)
        assert [t.type for t in from_pdf] == [t.type for t in from_text], s.seed.name
        for a, b in zip(from_pdf, from_text):
            nums_a = [c for r in a.rows for c in r if isinstance(c, Decimal)]
            nums_b = [c for r in b.rows for c in r if isinstance(c, Decimal)]
            assert nums_a == nums_b, (s.seed.name, a.type, a.title)


# --- bad input ------------------------------------------------------------------

@pytest.mark.parametrize("problem", [
    "empty file", "not a PDF (17 bytes)", "no text layer (scanned PDF?)", "encrypted PDF",
    "truncated or damaged PDF",
])
def test_bad_input_raises_one_line_ingest_error(bad_pdfs, problem):
    if problem not in bad_pdfs:
        pytest.skip("needs a real PDF to truncate")
    path = bad_pdfs[problem]
    with pytest.raises(IngestError) as info:
        read_pdf(path)
    assert info.value.problem == problem
    assert str(info.value) == f"{path}: {problem}"
    assert "\n" not in str(info.value)


def test_missing_file_is_an_ingest_error(tmp_path):
    with pytest.raises(IngestError) as info:
        read_pdf(tmp_path / "nowhere.pdf")
    assert "\n" not in str(info.value) and "nowhere.pdf" in str(info.value)


def test_continuation_with_fewer_rules_keeps_the_previous_columns(documents):
    """js-npc-office-2017 收支总表, p9: the last rows have rules for 4 columns only; they are put
    back on the 6 columns of p7-8 so the merge lines them up."""
    tables = documents["js-npc-office-2017-budget"][1]
    pieces = [t for t in tables if t.pages in ([8], [9]) and not t.context]
    assert [len(t.rows[0]) for t in pieces] == [6, 6]
    assert pieces[1].rows[-1] == ["收入合计", "13,649.07", "支出合计", None, None, "13,649.07"]


def test_title_at_the_foot_of_the_page_goes_to_the_table_overleaf(documents):
    """js-npc-office-2017 p12 ends with "财政拨款基本支出预算表 / 部门：… 单位：万元"; the table starts on p13."""
    blocks, tables, _ = documents["js-npc-office-2017-budget"]
    t = next(t for t in tables if t.pages == [13])
    assert t.context == ["财政拨款基本支出预算表", "部门： 江苏省人大常委会办公厅 单位：万元"]
    assert t.rows[0] == ["科目编码", "科目名称", "金额"]
    assert not any(b.text == "财政拨款基本支出预算表" for b in blocks)


def test_chart_legend_is_not_a_table(documents):
    """js-high-court-2018 p18: a pie chart's legend drawn with boxes (no figures, no title) is no table."""
    tables = documents["js-high-court-2018-budget"][1]
    assert not [t for t in tables if t.pages == [18]]


def test_table_without_rules_falls_back_to_text_alignment(tmp_path):
    pytest.importorskip("reportlab")
    path = pdf_fixtures.make_unruled_table_pdf(tmp_path / "unruled.pdf")
    blocks, tables = read_pdf(path)
    assert len(tables) == 1
    assert tables[0].context == ["一般公共预算“三公”经费支出表", "部门名称：测试局 单位：万元"]
    assert tables[0].rows == [
        ["项目", "2023年预算数", "2024年预算数"], ["合计", "12.50", "10.00"],
        ["因公出国（境）费", "0.00", "0.00"], ["公务接待费", "2.50", "2.00"],
        ["公务用车购置及运行费", "10.00", "8.00"]]
    assert [b.text for b in blocks] == ["说明：本表反映“三公”经费预算情况。"]
    assert blocks[0].page == 1


def test_header_piece_at_page_foot_lines_up_with_the_body_overleaf(documents):
    """js-high-court-2018 财政拨款收支预算总表: only its 收入/支出 header row fits on p10 (rules
    merged there); it is put on the 4 columns of the body on p11."""
    tables = documents["js-high-court-2018-budget"][1]
    head = next(t for t in tables if any("财政拨款收支预算总表" in c for c in t.context))
    body = tables[tables.index(head) + 1]
    assert head.pages == [10] and body.pages == [11] and body.context == []
    assert head.rows == [["收入", None, "支出", None]]
    assert body.rows[2] == ["一、一般公共预算", "33,172.15", "一、基本支出", "18,570.82"]


# --- through the public reading (grouping + typing), on a few documents ----------

@pytest.mark.parametrize("doc", [
    "js-npc-office-2017-budget",                   # 收支总表 split over three pages
    "js-party-office-2018-budget",                 # narrative + tables files, rotated table pages
    "sh-putuo-wanli-subdistrict-2024-budget",      # tables in 元
    "sh-putuo-finance-bureau-2024-final-account",  # 决算: 收入支出决算总表
])
def test_read_documents_types_the_summary_table(doc):
    need_pdfs()
    from auditor.api import read_documents

    files = pdf_documents()[doc]
    docs, errors = read_documents(files)
    assert errors == [] and len(docs) == 1
    d = docs[0]
    assert sorted(d.files) == sorted(str(f) for f in files) or sorted(d.files) == sorted(f.name for f in files)
    summary = [t for t in d.tables if t.type in ("income_expenditure_summary", "final_income_expenditure_summary")]
    assert len(summary) == 1, [(t.type, t.title) for t in d.tables]
    income, expenditure, unit, _ = SUMMARY_TOTALS[doc]
    assert summary[0].unit == unit
    figures = {c for r in summary[0].rows for c in r if isinstance(c, Decimal)}
    assert try_number(income) in figures and try_number(expenditure) in figures
    assert d.blocks and all(b.page for b in d.blocks)
