"""The source page of a finding on ../shared/pdfs: links to file.pdf#page=N naming the right file of a
narrative + tables pair; with --page-images, images of only the pages that carry a fail or warn, the
sentence and the cited cells boxed; in Chromium the link and the image appear with the finding, and
a dismissed finding leaves the counts."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from auditor import api
from auditor.report.html import doc_to_filename
from auditor.report.pages import COLOURS
from pdf_fixtures import need_pdfs
from test_browser import CHROMIUM, Browser

CORPUS = Path(__file__).parents[1] / "corpus"
PAIR = ("js-cppcc-office-2018-budget-narrative.pdf", "js-cppcc-office-2018-budget-tables.pdf")
ONE = "js-high-court-2018-budget.pdf"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    pdfs = need_pdfs()
    out = tmp_path_factory.mktemp("pages") / "out"
    data, errors = api.audit([pdfs / f for f in (*PAIR, ONE)], out_dir=out, page_images="findings")
    assert not [e for e in errors if e.status != "warning"]
    return out, data


def _page(out: Path, doc: str) -> str:
    return (out / "report" / "doc" / doc_to_filename(doc)).read_text(encoding="utf-8")


def _images(out: Path) -> set[str]:
    return {p.relative_to(out / "report" / "pages").as_posix() for p in (out / "report" / "pages").rglob("*.png")}


def test_links_name_the_file_of_the_pair_and_its_page(run):
    out, data = run
    pair = [c for c in data["claims"] if c["doc"] == "js-cppcc-office-2018-budget"]
    names = [Path(c["file"]).name for c in pair]  # a claim's file is its paragraph's: mostly the narrative's
    assert set(names) <= set(PAIR) and names.count(PAIR[0]) > 0.9 * len(names)
    checks = [t for t in data["table_checks"] if t["doc"] == "js-cppcc-office-2018-budget"]
    assert checks and {Path(t["file"]).name for t in checks} == {PAIR[1]}  # table checks the tables file's
    html = _page(out, "js-cppcc-office-2018-budget")
    links = set(re.findall(r'class="page-link" href="([^"]+)"', html))
    claim = next(c for c in pair if c["status"] == "warn")
    assert any(h.endswith(f"{PAIR[0]}#page={claim['page']}") for h in links)
    assert any(re.search(re.escape(PAIR[1]) + r"#page=\d+$", h) for h in links)
    # the link leads to the file from the page's folder
    target = next(h for h in links if PAIR[1] in h).split("#")[0]
    assert (out / "report" / "doc" / target).resolve() == (need_pdfs() / PAIR[1]).resolve()


def test_images_only_for_pages_with_a_fail_or_warn(run):
    out, data = run
    wanted = set()
    files = {d["doc"]: [] for d in data["documents"]}
    for c in data["claims"]:
        files[c["doc"]] += [c["file"]]
    for t in data["table_checks"]:
        files[t["doc"]] += [t["file"]]
    order = {doc: list(dict.fromkeys(fs)) for doc, fs in files.items()}
    for r in data["claims"] + data["table_checks"]:
        if r["status"] not in ("fail", "warn"):
            continue
        where = order[r["doc"]]
        if "checks" in r:
            wanted.add(f"{Path(doc_to_filename(r['doc'])).stem}/{where.index(r['file'])}-p{r['page']}.png")
        for k in r.get("checks", [r]):
            for t in k.get("tables") or []:
                if not t.get("doc") and any(c["table"] == t["table"] for c in k.get("cells") or []):
                    for p in t["pages"]:
                        wanted.add(f"{Path(doc_to_filename(r['doc'])).stem}/{where.index(t['file'])}-p{p}.png")
    got = _images(out)
    assert got and got <= wanted and len(got) >= len(wanted) - 1  # a cited table page printing no cell may be left out
    pages = sum(1 for _ in (need_pdfs()).glob("js-cppcc-office-2018-budget-*.pdf"))
    assert len(got) < 20 and pages == 2  # 3 PDFs of 50 pages: only the pages with a finding


def _colour_pixels(path: Path, colour: tuple) -> int:
    img = Image.open(path).convert("RGB")
    return sum(n for n, c in img.getcolors(maxcolors=1 << 20) if c == colour)


def test_sentences_and_cited_cells_are_boxed(run):
    out, data = run
    fail = next(c for c in data["claims"] if c["status"] == "fail" and c["doc"] == "js-high-court-2018-budget")
    img = out / "report" / "pages" / "js-high-court-2018-budget" / f"0-p{fail['page']}.png"
    assert _colour_pixels(img, COLOURS["fail"]) > 500  # a box three pixels wide around the sentence
    # the tables file of the pair: a warn claim cites 收支预算总表 (its p1): the cited cells boxed
    tables_page = out / "report" / "pages" / "js-cppcc-office-2018-budget" / "1-p1.png"
    assert _colour_pixels(tables_page, COLOURS["warn"]) > 200


def test_without_the_flag_there_are_links_and_no_images(tmp_path):
    pdfs = need_pdfs()
    out = tmp_path / "out"
    api.audit([pdfs / ONE], out_dir=out)
    assert not list((out / "report").rglob("*.png"))
    assert f"{ONE}#page=" in _page(out, "js-high-court-2018-budget")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run scripts/setup.sh (make setup)")
def test_in_chromium_the_page_link_and_boxed_image_appear_and_dismissed_leaves_the_counts(run, tmp_path):
    out, data = run
    fail = next(c for c in data["claims"] if c["status"] == "fail" and c["doc"] == "js-high-court-2018-budget")
    b = Browser()
    try:
        b.navigate((out / "report" / "doc" / doc_to_filename(fail["doc"])).as_uri())
        sel = json.dumps(fail["id"])
        b.js(f"[...document.querySelectorAll('mark.claim')].find(m => m.dataset.claim === {sel}).click()")
        section = f"[...document.querySelectorAll('section.evidence')].find(s => !s.hidden)"
        assert b.js(f"{section}.dataset.claim") == fail["id"]
        href = b.js(f"{section}.querySelector('a.page-link').getAttribute('href')")
        assert href.endswith(f"{ONE}#page={fail['page']}")
        b.js(f"{section}.querySelector('details.page-image').open = true")
        b.js("new Promise(r => setTimeout(r, 500))")
        size = b.js(f"(() => {{ const i = {section}.querySelector('details.page-image img');"
                    " return [i.complete, i.naturalWidth, i.getBoundingClientRect().width]; })()")
        assert size[0] and size[1] > 800 and size[2] > 100, size
        assert not b.failed and not b.errors
        # a dismissed fail: the page's and the index's counts leave it, 已排除 counts it
        seed = CORPUS / "000_a196a527a44fa05c.txt"
        plain, _ = api.audit([seed], out_dir=tmp_path / "plain")
        claim = next(c for c in plain["claims"] if c["status"] == "fail")
        reviews = tmp_path / "reviews.yaml"
        reviews.write_text(f"reviews:\n  '{claim['id']}': {{verdict: dismissed, by: 张三, note: 口径不同}}\n",
                           encoding="utf-8")
        api.audit([seed], out_dir=tmp_path / "out", reviews=reviews)
        badge = "[...document.querySelectorAll('header .badge')].map(x => x.innerText)"
        b.navigate((tmp_path / "plain" / "report" / "index.html").as_uri())
        before = b.js(badge)
        b.navigate((tmp_path / "out" / "report" / "index.html").as_uri())
        after = b.js(badge)
        n = plain["counts"]["fail"]
        assert f"不符 {n}" in before and f"不符 {n - 1}" in after and "已排除 dismissed 1" in after
        b.navigate((tmp_path / "out" / "report" / "doc" / doc_to_filename(claim["doc"])).as_uri())
        assert "已排除 dismissed 1" in b.js("document.getElementById('dismissed-count').innerText")
        sel = json.dumps(claim["id"])
        b.js(f"[...document.querySelectorAll('mark.claim')].find(m => m.dataset.claim === {sel}).click()")
        shown = b.js(f"{section}.innerText")
        assert "已排除" in shown and "张三" in shown and "口径不同" in shown
    finally:
        b.close()
