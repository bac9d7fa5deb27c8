"""问题清单, the findings list, and the console around it, on the bundled corpus: what a person sees
in headless Chromium (filters, sorting, the next-failure key) and at the terminal."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from auditor import cli
from auditor.report import words, worklist
from auditor.report.html import doc_to_filename

CORPUS = Path(__file__).parents[1] / "corpus"
DISMISSED = "000_a196a527a44fa05c:aab89ed08e30"  # a failing claim of seed 000 (机关工资福利支出 126.92万元)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The corpus audited by the command line, with one failing claim dismissed in DIR/reviews.yaml."""
    out = tmp_path_factory.mktemp("worklist")
    (out / "reviews.yaml").write_text(
        f'reviews:\n  "{DISMISSED}":\n    verdict: dismissed\n    note: 表中为0属模板问题\n    by: 张三\n', encoding="utf-8")
    code = cli.main(["audit", str(CORPUS), "--out", str(out), "--json", str(out / "copy.json")])
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return out, findings, code


def _listed(findings, statuses=("fail", "warn")):
    return [r for k in ("claims", "table_checks") for r in findings[k] if r["status"] in statuses]


def test_the_list_page_holds_every_finding_that_is_not_a_pass(run):
    out, findings, _ = run
    page = (out / "report" / worklist.PAGE).read_text(encoding="utf-8")
    data = page.split('<script type="application/json" id="worklist-data">', 1)[1].split("</script>", 1)[0]
    rows = json.loads(data)
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in _listed(findings, worklist.LISTED))
    one = next(r for r in rows if r["id"] == DISMISSED)
    assert (one["status_zh"], one["rule"], one["verdict_zh"], one["by"]) == ("不符", "金额与表格一致", "已排除", "张三")
    assert one["stated"] == "126.92万元" and one["diff"] == "+126.92" and one["page"] == "第119行"
    assert one["d"] == "汉中市南郑区政府信息中心 2023年部门预算"
    assert one["href"] == f"doc/{doc_to_filename(one['doc'])}#claim={DISMISSED}"
    # unverified rows carry their grouped reason, quoted words blanked
    reasons = {r["reason"] for r in rows if r["status"] == "unverified"}
    assert "表中未找到「…」" in reasons and "人数、车辆、设备等数量：本文件的表中没有可核对的数" in reasons


def test_a_pair_names_its_file_and_a_pdf_its_page():
    assert worklist.page_label("x/js-2018-budget-narrative.pdf", 3, None, True) == "js-2018-budget-narrative.pdf 第3页"
    assert worklist.page_label("a.pdf", 3, None, False) == "第3页"
    assert worklist.page_label("a.txt", None, 12, False) == "第12行"
    assert worklist.page_label("a.txt", None, None, False) == ""


def test_words_are_chinese_first():
    assert [words.status(s) for s in ("fail", "warn", "unverified", "pass")] == ["不符", "舍入差异", "未核实", "相符"]
    assert [words.verdict(v) for v in ("confirmed", "dismissed", "note", None)] == ["已确认", "已排除", "备注", "未复核"]
    assert words.kind("budget", 2018) == "2018年部门预算" and words.kind("final_account", 2019) == "2019年部门决算"
    assert words.table_type("general_budget_expenditure") == "一般公共预算支出表"
    assert words.table_type("other") == "其他表"
    from auditor.rules import EXPECTATIONS, RULES

    for code in [r.id for r in RULES] + [e.rule for e in EXPECTATIONS]:
        assert words.rule_name(code) != code and words.rule_summary(code), code
    assert words.rule_codes("表间数字") >= {"figure_agrees_across_tables", "cross_table"}
    assert words.rule_codes("amount_matches_table") == {"amount_matches_table"}


def test_console_lists_in_chinese_and_ends_with_the_report(run, tmp_path, capsys):
    out, findings, code = run
    assert code == 1
    capsys.readouterr()
    assert cli.main(["audit", str(CORPUS / "001_ccd06c2c755f1d0a.txt"), "--out", str(tmp_path / "o"),
                     "--status", "warn", "--rule", "占比与计算一致"]) == 1
    printed = capsys.readouterr().out.splitlines()
    listed = [line for line in printed if line.startswith("   舍入差异") or line.startswith("   不符")]
    assert len(listed) == 2 and all("占比与计算一致" in line for line in listed), listed
    assert not any(" p-" in line for line in printed)
    assert any(line.startswith("陈述 claims 62") for line in printed)
    assert any(line.startswith("表检查 table checks 134") for line in printed)
    assert "   占比与计算一致：文中占比等于部分除以整体" in printed
    assert printed[-1] == f"报告 report: {tmp_path / 'o' / 'report' / worklist.PAGE}"
    assert cli.main(["audit", str(CORPUS / "001_ccd06c2c755f1d0a.txt"), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("==") for line in printed) and printed[-1].startswith("报告 report:")
    assert cli.main(["audit", str(CORPUS), "--out", str(tmp_path / "o"), "--rule", "no-such-rule"]) == 2
    assert "--rule" in capsys.readouterr().err


def test_rerun_into_a_used_folder_drops_pages_of_documents_gone(tmp_path, capsys):
    seeds = sorted(CORPUS.glob("*.txt"))[:2]
    out = tmp_path / "o"
    cli.main(["audit", *map(str, seeds), "--out", str(out), "--quiet"])
    assert sorted(p.name for p in (out / "report" / "doc").iterdir()) == sorted(doc_to_filename(s.stem) for s in seeds)
    cli.main(["audit", str(seeds[1]), "--out", str(out), "--quiet"])
    assert [p.name for p in (out / "report" / "doc").iterdir()] == [doc_to_filename(seeds[1].stem)]


def test_empty_folder_and_skipped_types_are_said(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["audit", str(empty), "--out", str(tmp_path / "o1"), "--quiet"]) == 2
    assert f"no readable documents in {empty}" in capsys.readouterr().err
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text((CORPUS / "002_c9d3211da2288e2b.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "附件.docx").write_bytes(b"PK")
    (folder / "data.yaml").write_text("a: 1", encoding="utf-8")  # not a disclosure type: passed over quietly
    assert cli.main(["audit", str(folder), "--out", str(tmp_path / "o2"), "--quiet"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "附件.docx" in line] == [f"warning: {folder / '附件.docx'}: "
                                                          "Word 文档，未读取（请另存为 PDF）· a Word file, not read (save it as PDF)"]
    assert not any("data.yaml" in line for line in err)


# ---------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def browser():
    from test_browser import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("chromium not installed: run scripts/setup.sh (make setup)")
    b = Browser()
    yield b
    b.close()


def _rows(browser, box=0):
    return browser.js(f"[...document.querySelectorAll('div.worklist')[{box}].querySelectorAll('tbody tr')]"
                      ".map(r => [r.dataset.id, [...r.cells].map(c => c.innerText)])")


def _choose(browser, name, value, box=0):
    browser.js(f"(() => {{ const s = document.querySelectorAll('div.worklist')[{box}]"
               f".querySelector('select[name={name}]'); s.value = {json.dumps(value)};"
               " s.dispatchEvent(new Event('change')); })()")


def test_the_list_filters_and_sorts(browser, run):
    out, findings, _ = run
    browser.navigate((out / "report" / worklist.PAGE).as_uri())
    problems = _listed(findings)
    rows = _rows(browser)
    assert sorted(i for i, _ in rows) == sorted(r["id"] for r in problems)
    assert [c[7] for _, c in rows] == sorted((c[7] for _, c in rows), key=["不符", "舍入差异"].index)  # fails first
    _choose(browser, "status", "warn")
    assert sorted(i for i, _ in _rows(browser)) == sorted(r["id"] for r in problems if r["status"] == "warn")
    _choose(browser, "status", "")
    _choose(browser, "rule", "figure_agrees_across_tables")
    assert [i for i, _ in _rows(browser)] == [r["id"] for r in problems if r["rule"] == "figure_agrees_across_tables"]
    _choose(browser, "rule", "")
    docs = browser.js("[...document.querySelectorAll('div.worklist')[0].querySelectorAll('select[name=doc] option')]"
                      ".map(o => o.textContent)")
    assert "郑州市金水区政务信息中心 2024年部门预算 (2)" in docs and not any("_" in o for o in docs)
    _choose(browser, "doc", "003_6b3b4e85c1fcbcb6")
    assert {c[0] for _, c in _rows(browser)} == {"郑州市金水区政务信息中心 2024年部门预算"}
    _choose(browser, "doc", "")
    _choose(browser, "verdict", "dismissed")
    got = _rows(browser)
    assert [i for i, _ in got] == [DISMISSED] and got[0][1][8].startswith("已排除（张三）")
    _choose(browser, "verdict", "")
    # sorting by 差额 orders by its size
    browser.js("[...document.querySelectorAll('div.worklist')[0].querySelectorAll('th')].find(t => t.dataset.key === 'diff').click()")
    diffs = [c[5] for _, c in _rows(browser)]
    sizes = [abs(float(d)) for d in diffs if d]
    assert sizes == sorted(sizes) and len(sizes) >= 5
    # unverified: collapsed, grouped by reason with their counts
    assert browser.js("document.getElementById('unverified').open") is False
    options = browser.js("[...document.querySelectorAll('div.worklist')[1].querySelectorAll('select[name=reason] option')]"
                         ".map(o => o.textContent)")
    n_unverified = sum(1 for r in _listed(findings, ("unverified",)))
    assert options[0].endswith(f"({n_unverified})") and any(o.startswith("表中未找到「…」 (") for o in options)
    link = browser.js("document.querySelector('div.worklist tbody a').getAttribute('href')")
    assert link.startswith("doc/") and "#claim=" in link
    assert not browser.failed and not browser.errors
    assert all(u.startswith("file://") for u in browser.requests), browser.requests


def test_next_failure_moves_the_selection(browser, run):
    out, findings, _ = run
    doc = "003_6b3b4e85c1fcbcb6"
    fails = [c["id"] for c in findings["claims"] if c["doc"] == doc and c["status"] == "fail"]
    assert len(fails) == 2
    browser.navigate((out / "report" / "doc" / doc_to_filename(doc)).as_uri())
    order = browser.js("[...document.querySelectorAll('#narrative mark.claim.fail')].map(m => m.dataset.claim)")
    assert sorted(order) == sorted(fails)
    selected = "document.querySelector('mark.claim.selected') && document.querySelector('mark.claim.selected').dataset.claim"
    press = "document.dispatchEvent(new KeyboardEvent('keydown', {key: '%s', bubbles: true}))"
    browser.js(press % "n")
    assert browser.js(selected) == order[0]
    assert browser.js("[...document.querySelectorAll('section.evidence')].filter(s => !s.hidden).length") == 1
    browser.js(press % "n")
    assert browser.js(selected) == order[1]
    browser.js(press % "p")
    assert browser.js(selected) == order[0]
    browser.js("document.querySelector('#next-failure [data-step=\"1\"]').click()")
    assert browser.js(selected) == order[1]
    assert browser.js("document.getElementById('failure-pos').textContent") == "2 / 2"
    # the page's own list: only its findings, no document column; a row selects its claim
    rows = _rows(browser)
    assert {i for i, _ in rows} == {r["id"] for r in _listed(findings) if r["doc"] == doc}
    assert browser.js("document.querySelector('div.worklist th').dataset.key") == "page"
    browser.js(f"[...document.querySelectorAll('div.worklist tbody tr')].find(r => r.dataset.id === {json.dumps(order[0])})"
               ".querySelector('a').click()")
    assert browser.js(selected) == order[0]
    assert not browser.failed and not browser.errors


def test_the_list_stays_quick_at_many_rows(browser, run, tmp_path):
    """20,000 rows: the page draws 500 at a time, and a filter answers within a second."""
    out, findings, _ = run
    page = (out / "report" / worklist.PAGE).read_text(encoding="utf-8")
    head, rest = page.split('id="worklist-data">', 1)
    data, tail = rest.split("</script>", 1)
    rows = json.loads(data)
    many = [{**rows[i % len(rows)], "id": f"x{i}", "doc": f"d{i % 2000}"} for i in range(20000)]
    big = tmp_path / "report"
    big.mkdir()
    (big / "static").symlink_to(out / "report" / "static")
    (big / worklist.PAGE).write_text(head + 'id="worklist-data">' + str(worklist.data(many)) + "</script>" + tail,
                                     encoding="utf-8")
    browser.navigate((big / worklist.PAGE).as_uri(), settle=1.0)
    assert len(_rows(browser)) == 500
    t = time.time()
    _choose(browser, "status", "warn")
    assert time.time() - t < 1.0 and 0 < len(_rows(browser)) <= 500
    assert not browser.errors


# ---------------------------------------------------------------- Data Docs

def _stored(out):
    return {p: json.loads(p.read_text(encoding="utf-8")) for p in (out / "gx" / "uncommitted" / "validations").rglob("*.json")}


def test_data_docs_show_each_rule_once_with_the_status_the_report_gives(run):
    from auditor.report.datadocs import LEVEL

    out, findings, _ = run
    stored = _stored(out)
    assert stored and all(p.parent.parent.name == "corpus" for p in stored), list(stored)  # named by the folder
    assert not list((out / "gx").rglob("__none__"))
    status = {k["id"]: k["status"] for c in findings["claims"] for k in c["checks"]}
    status |= {t["id"]: t["status"] for t in findings["table_checks"]}
    seen = 0
    for data in stored.values():
        rules = [r["expectation_config"]["kwargs"]["row_condition"]["parameter"] for r in data["results"]]
        assert len(rules) == len(set(rules)), rules  # one section per rule, its warn and fail levels together
        for r in data["results"]:
            rule = r["expectation_config"]["kwargs"]["row_condition"]["parameter"]
            assert r["expectation_config"]["description"].startswith(words.rule_name(rule))
            for e in r["result"].get("unexpected_index_list") or []:
                assert e[LEVEL] == words.status(status[e["check_id"]]), e
                seen += 1
    assert seen >= 6
    pages = list((out / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations").rglob("*.html"))
    assert pages and all("corpus" in p.parts for p in pages)


def test_another_corpus_does_not_pile_up_in_the_folder(tmp_path):
    from auditor import api

    out = tmp_path / "o"
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "a.txt").write_text((CORPUS / "001_ccd06c2c755f1d0a.txt").read_text(encoding="utf-8"), encoding="utf-8")
        api.audit([folder], out_dir=out, keep=False)
    runs = {p.parent.parent.name for p in _stored(out)}
    assert runs == {"second"}
    index = (out / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").read_text(encoding="utf-8")
    assert "second" in index and "first" not in index
