"""The two PDF engines (PDFium and pdfminer under pdfplumber) give the same documents.

On every PDF in ../shared/pdfs: the page objects PDFium reads are pdfplumber's (characters in
its order with its boxes, the same rects, lines and curves); the tables are identical cell for
cell; the narrative blocks are identical but for the differences listed in KEPT with their
reason; the audit's findings are identical. Then the engine choice, the fallback to pdfplumber,
truncated and damaged files, and the library's own warnings.
"""
from __future__ import annotations

import json
import logging
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from auditor import api
from auditor.ingest import pdf as pdf_mod
from auditor.ingest import pdf_pages
from auditor.ingest.pdf import SETTINGS, heading_level, read_pdf
from auditor.ingest.pdf_pages import ENGINE_ENV, engine_to_use, engine_used
from auditor.ingest.pdf_pdfium import PdfiumDocument
from auditor.ingest.pdf_repair import broken_streams, truncated_to_readable

import pdf_fixtures

PDFS = sorted(pdf_fixtures.PDF_DIR.glob("*.pdf")) if pdf_fixtures.PDF_DIR.is_dir() else []
needs_pdfs = pytest.mark.skipif(not PDFS, reason="../shared/pdfs is not beside the checkout")

# Differences kept between the engines: file -> [(block text by pdfplumber, by pdfium, why)].
KEPT = {
    "sh-putuo-district-office-2025-budget.pdf": [(
        "上海市普陀区 2025年区级部门预算", "上海市普陀区2025年区级部门预算",
        "the gap between 区 and 2025 is exactly x_tolerance (1.5 pt: 364.22 to 365.72). pdfminer's "
        "sum 328.22 + 36 comes out as 364.21999999999997, a hair wider, so pdfplumber splits the "
        "word; PDFium's numbers are the printed decimals and the gap is not wider than the "
        "tolerance: one word, as pdfplumber's rule (a gap wider than x_tolerance splits) says. "
        "The findings are the same either way.")],
}


def _blocks(blocks) -> list[tuple]:
    return [(b.text, b.page, b.section, b.heading) for b in blocks]


def _tables(tables) -> list[tuple]:
    return [(t.rows, t.pages, t.context) for t in tables]


@pytest.fixture(scope="module")
def reads():
    """Every PDF read by both engines: name -> {engine: (blocks, tables, warnings)}."""
    out = {}
    for f in PDFS:
        out[f.name] = {}
        for engine in pdf_pages.ENGINES:
            warnings: list[str] = []
            blocks, tables = read_pdf(f, engine=engine, warnings=warnings)
            out[f.name][engine] = (blocks, tables, warnings)
    return out


@needs_pdfs
@pytest.mark.parametrize("name", [f.name for f in PDFS])
def test_tables_identical_cell_for_cell(reads, name):
    plumber, pdfium = reads[name]["pdfplumber"], reads[name]["pdfium"]
    assert _tables(pdfium[1]) == _tables(plumber[1])
    assert pdfium[2] == plumber[2] == []  # no warnings on a sound file


@needs_pdfs
@pytest.mark.parametrize("name", [f.name for f in PDFS])
def test_narrative_blocks_identical_but_for_the_kept_differences(reads, name):
    a, b = _blocks(reads[name]["pdfplumber"][0]), _blocks(reads[name]["pdfium"][0])
    assert len(a) == len(b)
    differ = [(x[0], y[0]) for x, y in zip(a, b) if x != y]
    assert all(x[1:] == y[1:] for x, y in zip(a, b))  # pages, sections, headings
    assert differ == [(p, q) for p, q, _ in KEPT.get(name, [])]


@needs_pdfs
def test_findings_identical():
    def canonical(findings: dict) -> list[str]:
        return [json.dumps(r, ensure_ascii=False, sort_keys=True, default=str)
                for key in ("documents", "claims", "table_checks", "counts")
                for r in (findings[key] if key != "counts" else [findings[key]])]

    pdfium, e1 = api.audit([pdf_fixtures.PDF_DIR], pdf_engine="pdfium")
    plumber, e2 = api.audit([pdf_fixtures.PDF_DIR], pdf_engine="pdfplumber")
    assert e1 == e2 == []
    assert canonical(pdfium) == canonical(plumber)
    assert len(pdfium["claims"]) > 1000


# --- the page objects ---------------------------------------------------------

@needs_pdfs
@pytest.mark.parametrize("name", ["js-high-court-2017-budget.pdf", "js-npc-office-2019-budget-tables.pdf",
                                  "js-party-office-2017-budget-narrative.pdf", "sh-putuo-wanli-subdistrict-2024-budget.pdf"])
def test_pdfium_objects_are_pdfplumbers(name):
    """Characters (the /Rotate 90 pages of npc-office 2019 too): the same text in the same order,
    boxes within 0.05 pt (pdfminer puts a character spacing PDFium leaves out of one TJ array
    0.045 pt further on), upright alike; rects/lines/curves: the same objects within 0.001 pt,
    their stroke and fill alike, their colours white or not alike."""
    import pdfplumber

    path = pdf_fixtures.PDF_DIR / name
    if not path.exists():
        pytest.skip(f"{name} not in ../shared/pdfs")
    ours = PdfiumDocument(path)
    with pdfplumber.open(path) as theirs:
        for i, page in enumerate(theirs.pages):
            mine = ours.page(i)
            assert (mine.width, mine.height, mine.rotation) == (page.width, page.height, page.rotation)
            a = [c for c in page.chars if not c["text"].isspace()]
            b = [c for c in mine.chars if not c["text"].isspace()]
            assert "".join(c["text"] for c in a) == "".join(c["text"] for c in b), (name, i + 1)
            for x, y in zip(a, b):
                assert all(abs(x[k] - y[k]) < 0.05 for k in ("x0", "x1", "top", "bottom")), (name, i + 1, x["text"])
                assert x["upright"] == y["upright"]
            for kind in ("rect", "line", "curve"):
                p, q = page.objects.get(kind, []), mine.objects.get(kind, [])
                assert len(p) == len(q), (name, i + 1, kind)
                for x, y in zip(p, q):
                    assert all(abs(x[k] - y[k]) < 1e-3 for k in ("x0", "x1", "top", "bottom")), (name, i + 1, kind)
                    assert (bool(x["stroke"]), bool(x["fill"])) == (y["stroke"], y["fill"])
                    assert pdf_mod._is_white(x["non_stroking_color"], SETTINGS.white) == \
                        pdf_mod._is_white(y["non_stroking_color"], SETTINGS.white)


@needs_pdfs
def test_cells_read_as_pdfplumbers_table_extract(monkeypatch):
    """_extract (rows by bisection, one word extractor) gives pdfplumber's own Table.extract()."""
    seen = []
    ours = pdf_mod._extract

    def both(table, chars):
        grid = ours(table, chars)
        seen.append(grid == table.extract())
        return grid

    monkeypatch.setattr(pdf_mod, "_extract", both)
    for f in PDFS[:8]:
        read_pdf(f, engine="pdfium")
    assert len(seen) > 50 and all(seen)


# --- the reader's own steps give pdfplumber's answers ----------------------------------------

def _char(text, x0, top, upright=True, width=5.0, height=10.0):
    return {"object_type": "char", "text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + height,
            "doctop": top + 842.0, "upright": upright, "size": height, "width": width, "height": height}


def test_words_and_text_are_pdfplumbers_on_made_up_characters():
    """pdf_words against pdfplumber's WordExtractor and extract_text: blanks, a character starting
    before the last one, a gap just over and just at the tolerance, ligatures, tops chaining into one
    line and splitting a word, a run of rotated characters, a character without text, a NaN."""
    from pdfplumber.utils.text import WordExtractor
    from pdfplumber.utils.text import extract_text as plumber_text

    from auditor.ingest.pdf_words import extract_text, extract_words

    c = _char
    line = [c("收", 10, 100), c("入", 15, 100), c(" ", 20, 100), c("1", 25, 100.5), c("2", 31.5, 100.5),
            c("3", 38, 101), c("ﬁ", 43, 100), c("x", 40, 100)]
    chained = [c("a", 10, 100), c("b", 15, 102.5), c("c", 20, 105), c("d", 25, 107.9), c("e", 30, 111.2)]
    rotated = [c("竖", 300, 200, upright=False), c("排", 300, 212, upright=False), c("字", 300, 224, upright=False)]
    cases = {"one line": line, "chained tops": chained, "two lines": line + [c("下", 10, 120), c("行", 15, 120)],
             "rotated between upright": line[:3] + rotated + line[3:], "no text": line[:2] + [c("", 20, 100)],
             "NaN": line[:2] + [c("n", float("nan"), 100)], "blanks only": [c(" ", 10, 100)], "empty": []}
    # one line (extract_text's own path): a NaN top between two others (its words hold a NaN: the
    # text only is compared), tops at and just over the tolerance, a ligature inside a word, words
    # split by a gap and by a blank
    one_line = {"NaN top": [c("a", 10, 100), c("b", 15, float("nan")), c("c", 20, 101)],
                "at the tolerance": [c("a", 10, 100), c("b", 15, 103)],
                "over the tolerance": [c("a", 10, 100), c("b", 15, 103.0000001)],
                "ligature in a word": [c("n", 15, 100), c("ﬁ", 10, 100), c("e", 20, 100)],
                "gap and blank": [c("a", 10, 100), c("b", 30, 100), c(" ", 35, 100), c("d", 40, 100)]}
    for name, chars in one_line.items():
        assert extract_text(chars) == plumber_text(chars), name
    for name, chars in cases.items():
        for xt, yt in ((1.5, 3), (3, 3), (0, 0)):
            assert extract_words(chars, xt, yt) == WordExtractor(x_tolerance=xt, y_tolerance=yt).extract_words(chars), \
                (name, xt, yt)
        assert extract_text(chars) == plumber_text(chars), name


@needs_pdfs
def test_words_and_text_are_pdfplumbers_on_every_page():
    """On every page's characters (PDFium's; pdfminer's of two files): the reader's words at its
    tolerances and at pdfplumber's defaults, and the text of bands of the page (several lines)
    and of each line's left half, as pdfplumber's own extraction gives them."""
    import pdfplumber
    from pdfplumber.utils.text import WordExtractor
    from pdfplumber.utils.text import extract_text as plumber_text

    from auditor.ingest.pdf_words import extract_text, extract_words

    def pages():
        for f in PDFS:
            doc = PdfiumDocument(f)
            for i in range(len(doc)):
                yield doc.page(i)
            doc.close()
        for f in PDFS[:2]:
            with pdfplumber.open(f) as pdf:
                yield from pdf.pages

    n = 0
    for page in pages():
        chars = page.chars
        for xt, yt in ((SETTINGS.x_tolerance, SETTINGS.y_tolerance), (3, 3)):
            words = extract_words(chars, xt, yt)
            assert words == WordExtractor(x_tolerance=xt, y_tolerance=yt).extract_words(chars), page.page_number
        for top in range(0, int(page.height), 40):
            band = [ch for ch in chars if top <= ch["top"] < top + 60]
            half = [ch for ch in band if ch["top"] < top + 8 and ch["x0"] < page.width / 2]
            assert extract_text(band) == plumber_text(band) and extract_text(half) == plumber_text(half)
        n += 1
    assert n > 500


def test_table_cells_are_pdfplumbers_on_made_up_grids():
    """pdf_finder.cells against pdfplumber's intersections_to_cells on ruled grids with rules left
    out at random (merged cells, open rows, stray rules)."""
    import random

    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    from auditor.ingest.pdf_finder import cells

    rnd = random.Random(16)
    for _ in range(300):
        xs = sorted(rnd.sample(range(0, 400, 10), rnd.randint(2, 8)))
        ys = sorted(rnd.sample(range(0, 400, 10), rnd.randint(2, 8)))
        edges = []
        for y in ys:
            for a, b in zip(xs, xs[1:]):
                if rnd.random() < 0.8:
                    edges.append({"x0": a, "x1": b, "top": y, "bottom": y, "width": b - a, "orientation": "h"})
        for x in xs:
            for a, b in zip(ys, ys[1:]):
                if rnd.random() < 0.8:
                    edges.append({"x0": x, "x1": x, "top": a, "bottom": b, "height": b - a, "orientation": "v"})
        intersections = edges_to_intersections(edges, 1, 1)
        assert cells(intersections) == intersections_to_cells(intersections)


def test_merged_edges_are_pdfplumbers_on_made_up_edges():
    """pdf_finder.merge_edges (its snap_edges) against pdfplumber's merge_edges: rules a hair apart
    chaining into one cluster, at and just over the tolerance, repeated, overlapping and touching,
    edges with and without doctop/y0/y1, at tolerances 0, 1 and 3, and a NaN position."""
    import random

    from pdfplumber.table import merge_edges as plumber_merge

    from auditor.ingest.pdf_finder import merge_edges

    rnd = random.Random(18)

    def edge(kind, pos, a, b, full):
        if kind == "h":
            e = {"x0": a, "x1": b, "top": pos, "bottom": pos, "width": b - a, "orientation": "h"}
        else:
            e = {"x0": pos, "x1": pos, "top": a, "bottom": b, "height": b - a, "orientation": "v"}
        if full:
            e.update({"doctop": e["top"] + 842.0, "y0": 800.0 - e["bottom"], "y1": 800.0 - e["top"]})
        return e

    steps = (0.0, 0.1, 0.7, 1.0, 2.9, 3.0, 3.0000001, 5.0, 20.0)
    for _ in range(400):
        edges = []
        for _ in range(rnd.randint(1, 30)):
            kind = rnd.choice("hv")
            pos = rnd.choice((10.0, 100.0, 100.1)) + rnd.choice(steps)
            a = rnd.choice((0.0, 10.0, 12.5, 40.0)) + rnd.choice(steps)
            edges.append(edge(kind, pos, a, a + rnd.choice((0.5, 10.0, 30.0)), rnd.random() < 0.5))
        edges += [dict(e) for e in rnd.sample(edges, min(3, len(edges)))]  # repeated edges
        for snap, join in ((3, 3), (1, 0), (0, 3), (0, 0), (3, 1)):
            assert merge_edges(edges, snap, snap, join, join) == plumber_merge(edges, snap, snap, join, join)
    with_nan = [edge("v", float("nan"), 0.0, 10.0, False), edge("v", 5.0, 0.0, 10.0, False),
                edge("h", 7.0, 0.0, 10.0, True)]
    assert [e["x0"] == e["x0"] for e in merge_edges(with_nan, 3, 3, 3, 3)] == \
        [e["x0"] == e["x0"] for e in plumber_merge(with_nan, 3, 3, 3, 3)]


@needs_pdfs
def test_merged_edges_are_pdfplumbers_on_every_page():
    """pdf_finder.merge_edges gives pdfplumber's merge_edges for every page's edges (PDFium's), at
    the table finder's default tolerances and at tighter ones."""
    from pdfplumber.table import merge_edges as plumber_merge

    from auditor.ingest.pdf_finder import merge_edges

    n = 0
    for f in PDFS:
        doc = PdfiumDocument(f)
        for i in range(len(doc)):
            edges = [e for e in doc.page(i).edges if e["orientation"] in ("h", "v")]
            if edges:
                for snap, join in ((3, 3), (1, 0.5)):
                    assert merge_edges(edges, snap, snap, join, join) == plumber_merge(edges, snap, snap, join, join), \
                        (f.name, i + 1)
                n += 1
        doc.close()
    assert n > 300


@needs_pdfs
def test_table_finder_is_pdfplumbers_on_every_page():
    """pdf_finder.find_tables (pdfplumber's TableFinder, its cells and snapping steps with less work)
    finds the tables pdfplumber's page.find_tables finds, cell for cell, on every page that draws
    rules; and the same with an explicit line (as the reader adds for a table's open row)."""
    from auditor.ingest.pdf_finder import find_tables

    n = 0
    for f in PDFS:
        doc = PdfiumDocument(f)
        for i in range(len(doc)):
            page = doc.page(i)
            if page.rects or page.lines or page.curves:
                assert [t.cells for t in find_tables(page)] == [t.cells for t in page.find_tables()], (f.name, i + 1)
                extra = {"explicit_horizontal_lines": [page.height / 2]}
                assert [t.cells for t in find_tables(page, extra)] == [t.cells for t in page.find_tables(extra)], \
                    (f.name, i + 1)
                n += 1
        doc.close()
    assert n > 300


@needs_pdfs
def test_path_points_read_in_one_go_are_pdfiums(monkeypatch):
    """A path's points read from PDFium's array are the ones its calls give, for every path on
    every page (and what the native helper says of each path is what the calls say); with
    another layout assumed, the check finds it and the calls are used."""
    import ctypes
    import struct

    import pypdfium2.raw as R

    from auditor.ingest import pdf_pdfium as P
    from auditor.ingest import pdfium_native

    n = 0
    for f in PDFS:
        doc = PdfiumDocument(f)
        for i in range(len(doc)):
            raw = R.FPDF_LoadPage(doc._pdf.raw, i)
            page = P._Handle(ctypes.cast(raw, ctypes.c_void_p).value)
            native = pdfium_native.page_objects(page, P._C.count_objects(page))
            for k in range(P._C.count_objects(page)):
                obj = P._C.get_object(page, k)
                if P._C.object_type(obj) == R.FPDF_PAGEOBJ_PATH:
                    facts = P._called_path(obj, P._Out())
                    assert native is None or pdfium_native.PATH.unpack_from(native[2], 96 * k) == facts
                    assert P._points(obj, facts) == P._called_points(obj, P._C.segments(obj))
                    n += 1
            R.FPDF_ClosePage(raw)
        doc.close()
    assert n > 30000 and P._LAYOUT["ok"] and {R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO} <= P._LAYOUT["checked"]
    path = pdf_fixtures.PDF_DIR / "js-party-office-2018-budget-tables.pdf"
    right = PdfiumDocument(path).page(1).objects
    monkeypatch.setattr(P, "_LAYOUT", {"ok": True, "checked": set()})
    monkeypatch.setattr(P, "_POINT", struct.Struct("=ffxxBB"))
    assert PdfiumDocument(path).page(1).objects == right and not P._LAYOUT["ok"]


def _native_or_skip() -> None:
    """The native helper must load wherever a C compiler is there (the set-up builds it, or the
    user cache does); only a machine without one skips the comparisons."""
    import shutil

    from auditor.ingest import pdfium_native

    if pdfium_native.library() is None:
        if shutil.which("gcc") or shutil.which("cc"):
            pytest.fail("a C compiler is on PATH but the native PDFium helper could not be loaded or built")
        pytest.skip("no C compiler: the native helper cannot be built here")


def _all_pages(path) -> list:
    """Every page of a PDF read by the pdfium reader: (doctop, box, rotation, objects) each."""
    doc = PdfiumDocument(path)
    try:
        return [(p.initial_doctop, p.bbox, p.rotation, p.objects) for p in map(doc.page, range(len(doc)))]
    finally:
        doc.close()


def _same(a, b) -> bool:
    """Equal dict for dict, and bit for bit (repr tells -0.0 from 0.0 and writes floats exactly)."""
    return a == b and repr(a) == repr(b)


@needs_pdfs
def test_native_helper_reads_what_the_calls_read(monkeypatch):
    """Every page of every PDF: the characters (and every other object) read with the native
    helper's one call per page are those read with PDFium's calls one by one, dict for dict."""
    from auditor.ingest import pdfium_native

    _native_or_skip()
    native = {f.name: _all_pages(f) for f in PDFS}
    with monkeypatch.context() as m:
        m.setattr(pdfium_native, "library", lambda: None)
        called = {f.name: _all_pages(f) for f in PDFS}
    chars = 0
    for name, pages in native.items():
        assert len(pages) == len(called[name])
        for k, (a, b) in enumerate(zip(pages, called[name])):
            assert _same(a, b), (name, k + 1)
            chars += len(a[3].get("char", []))
    assert chars > 200_000


def _native_state(monkeypatch, tmp_path, beside: Path, path: str) -> None:
    """The native helper forgotten, looked for `beside` the source, then in a cache under
    tmp_path, with PATH `path` to find a compiler on."""
    from auditor.ingest import pdfium_native

    monkeypatch.setattr(pdfium_native, "_state", {})
    monkeypatch.setattr(pdfium_native, "BESIDE", beside)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(pdfium_native.ENV, raising=False)
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setenv("PATH", path)


@needs_pdfs
def test_native_helper_missing_or_garbage_falls_back_to_the_calls(monkeypatch, tmp_path):
    """A library that is missing, garbage or built from another source is not used; one is built
    into the user cache when a compiler is there, else the calls are made: the same pages."""
    import os
    import shutil
    import subprocess

    from auditor.ingest import pdfium_native

    path_env = os.environ["PATH"]
    path = pdf_fixtures.PDF_DIR / "js-party-office-2018-budget-tables.pdf"
    _native_or_skip()
    right = _all_pages(path)
    garbage = tmp_path / "garbage.so"
    garbage.write_bytes(b"\x7fELF this is no library" * 40)
    stale = tmp_path / "stale.so"
    (tmp_path / "stale.c").write_text('const char *auditor_source_hash(void) { return "0123456789abcdef"; }\n')
    subprocess.run([shutil.which("gcc") or "cc", "-shared", "-fPIC", "-o", str(stale), str(tmp_path / "stale.c")],
                   check=True)
    for beside in (tmp_path / "missing.so", garbage, stale):
        _native_state(monkeypatch, tmp_path / beside.name, beside, str(tmp_path / "no-bin"))
        assert pdfium_native.library() is None
        assert _same(_all_pages(path), right), beside.name
    # the same, a compiler on PATH: built into the user cache (atomically) and used from there
    _native_state(monkeypatch, tmp_path, garbage, path_env)
    assert pdfium_native.library() is not None
    built = pdfium_native._state["path"]
    assert built == tmp_path / "cache" / "auditor" / f"pdfium_chars-{pdfium_native.source_hash()}.so"
    assert [p.name for p in built.parent.iterdir()] == [built.name]  # no temporary file left
    assert _same(_all_pages(path), right)
    # AUDITOR_NATIVE=0: the calls, whatever library there is
    monkeypatch.setattr(pdfium_native, "_state", {})
    monkeypatch.setenv(pdfium_native.ENV, "0")
    assert pdfium_native.library() is None
    assert _same(_all_pages(path), right)


def test_form_xobjects_are_followed(tmp_path):
    """Text and rules drawn inside a form XObject (reportlab's beginForm/doForm) reach the page."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path))
    pdf_fixtures._font()
    c.beginForm("grid")
    c.setFont(pdf_fixtures.FONT, 11)
    c.drawString(80, 700, "单位：万元")
    for k in range(4):
        c.line(72, 690 - 20 * k, 400, 690 - 20 * k)
        c.drawString(80, 675 - 20 * k, f"项目{k}")
        c.drawString(300, 675 - 20 * k, f"{k},234.5{k}")
    for x in (72, 250, 400):
        c.line(x, 690, x, 630)
    c.endForm()
    c.translate(10, -20)
    c.doForm("grid")
    c.save()
    engines = {e: read_pdf(path, engine=e) for e in pdf_pages.ENGINES}
    assert _blocks(engines["pdfium"][0]) == _blocks(engines["pdfplumber"][0])
    assert _tables(engines["pdfium"][1]) == _tables(engines["pdfplumber"][1])
    assert engines["pdfium"][1] and engines["pdfium"][1][0].rows[0] == ["项目0", "0,234.50"]


# --- choosing the engine ----------------------------------------------------------

def test_engine_choice(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert engine_to_use(None, SETTINGS.engine) == "pdfium" == SETTINGS.engine
    with engine_used("pdfplumber"):
        assert engine_to_use(None, SETTINGS.engine) == "pdfplumber"
        assert engine_to_use("pdfium", SETTINGS.engine) == "pdfium"
    assert engine_to_use(None, SETTINGS.engine) == "pdfium"
    with pytest.raises(ValueError, match="unknown PDF engine"):
        engine_to_use("mupdf", SETTINGS.engine)
    with pytest.raises(ValueError):
        with engine_used("mupdf"):
            pass


def test_cli_and_api_take_the_engine(tmp_path, monkeypatch, capsys):
    import inspect

    from auditor import cli

    for fn in (api.read_documents, api.tables, api.claims, api.audit):
        assert "pdf_engine" in inspect.signature(fn).parameters
    used = []
    real = pdf_mod.read_pdf

    def spy(path, engine=None, **kw):
        used.append(pdf_pages.engine_to_use(engine, SETTINGS.engine))
        return real(path, engine, **kw)

    monkeypatch.setattr(pdf_mod, "read_pdf", spy)
    pdf = pdf_fixtures.render_seed(pdf_fixtures.SEEDS[0], tmp_path / "seed.pdf").pdf
    for engine in pdf_pages.ENGINES:
        assert cli.main(["tables", str(pdf), "--pdf-engine", engine, "--json", str(tmp_path / "t.json")]) == 0
    assert used == list(pdf_pages.ENGINES)
    with pytest.raises(SystemExit):
        cli.main(["tables", str(pdf), "--pdf-engine", "mupdf"])
    capsys.readouterr()


# --- fallback -----------------------------------------------------------------------

@needs_pdfs
def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber(monkeypatch, caplog):
    path = pdf_fixtures.PDF_DIR / "js-cppcc-office-2018-budget-tables.pdf"

    def refuse(self, source):
        raise RuntimeError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(PdfiumDocument, "__init__", refuse)
    with caplog.at_level(logging.WARNING, logger="auditor.ingest.pdf"):
        blocks, tables = read_pdf(path, engine="pdfium")
    lines = [r.getMessage() for r in caplog.records if "PDFium" in r.getMessage()]
    assert lines == [f"{path}: PDFium could not open it (Failed to load document (PDFium: Data format error).); "
                     "read with pdfplumber"]
    assert _tables(tables) == _tables(read_pdf(path, engine="pdfplumber")[1])


@needs_pdfs
def test_a_page_pdfium_cannot_read_is_read_by_pdfplumber(monkeypatch, caplog):
    path = pdf_fixtures.PDF_DIR / "js-cppcc-office-2018-budget-tables.pdf"
    real = PdfiumDocument.page

    def page(self, index):
        if index in (2, 3):
            raise RuntimeError("cannot load page")
        return real(self, index)

    monkeypatch.setattr(PdfiumDocument, "page", page)
    with caplog.at_level(logging.WARNING, logger="auditor.ingest.pdf"):
        blocks, tables = read_pdf(path, engine="pdfium")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [f"{path}: pages 3-4: PDFium could not read them (cannot load page); read with pdfplumber"]
    assert _tables(tables) == _tables(read_pdf(path, engine="pdfplumber")[1])


# --- truncated and damaged files -------------------------------------------------------

@needs_pdfs
@pytest.mark.parametrize("engine", pdf_pages.ENGINES)
def test_truncated_pdf_is_read_as_far_as_it_goes(tmp_path, engine):
    src = pdf_fixtures.PDF_DIR / "js-npc-office-2018-budget.pdf"
    data = src.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    warnings: list[str] = []
    blocks, _ = read_pdf(cut, engine=engine, warnings=warnings)
    whole, _ = read_pdf(src, engine=engine)
    # 21 of the 31 pages survive; PDFium counts the page tree's 31, pdfminer the pages it finds
    assert warnings == [{"pdfium": "truncated: 21 of 31 pages read",
                         "pdfplumber": "truncated: 21 of 22 pages read"}[engine]]
    n = 21
    # the pages read are the file's first pages, read as in the whole file
    last = max(b.page for b in blocks)
    assert last <= n and [b.text for b in blocks if b.page < last] == [b.text for b in whole if b.page < last]


@needs_pdfs
def test_truncated_warning_reaches_the_document(tmp_path):
    from auditor.ingest import read_document

    data = (pdf_fixtures.PDF_DIR / "js-npc-office-2018-budget.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    doc = read_document([cut])
    assert [w for w in doc.warnings if "truncated" in w] == [f"cut.pdf: truncated: 21 of 31 pages read"]


def test_truncated_with_its_page_tree_lost_gets_a_new_one():
    objs = [b"1 0 obj\n<< /Type /Page /MediaBox [0 0 100 100] >>\nendobj\n",
            b"2 0 obj\n<< /Type /Page /MediaBox [0 0 100 100] >>\nendobj\n", b"3 0 obj\n<< /Length 99 >>\nstre"]
    data = b"%PDF-1.4\n" + b"".join(objs)
    assert truncated_to_readable(data) is None  # no catalog left
    rebuilt = truncated_to_readable(data, tree=True)
    assert b"/Kids [1 0 R 2 0 R] /Count 2" in rebuilt and b"stre" not in rebuilt


def _minimal_pdf(content: bytes, font: bytes, extra: tuple = (), filters: bytes = b"") -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d%s >>\nstream\n" % (len(content), filters) + content + b"\nendstream", font, *extra]
    out, offsets = b"%PDF-1.4\n", []
    for k, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


@pytest.mark.parametrize("engine", pdf_pages.ENGINES)
def test_text_without_unicode_is_damaged(tmp_path, engine):
    """A CID font with no ToUnicode: pdfminer reads (cid:N), PDFium its codes (U+FFFD here)."""
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /NoUnicode /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    cid = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoUnicode /CIDSystemInfo << /Registry (Adobe) "
           b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>")
    desc = (b"<< /Type /FontDescriptor /FontName /NoUnicode /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
            b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>")
    text = b"".join(b"BT /F1 12 Tf 72 %d Td <%s> Tj ET\n" % (760 - 16 * k, b"".join(b"%04X" % (300 + k + j)
                                                                                  for j in range(20)))
                    for k in range(20))
    path = tmp_path / "nounicode.pdf"
    path.write_bytes(_minimal_pdf(text, font, (cid, desc)))
    warnings: list[str] = []
    read_pdf(path, engine=engine, warnings=warnings)
    assert warnings == ["damaged: 1 pages read with data loss"]


def _flipped_pdf(path: Path) -> None:
    """Fifty lines of text in one Flate stream, 40 bytes in its middle flipped."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    text = b"".join(b"BT /F1 11 Tf 72 %d Td (Line %d of the narrative: revenue 1,234.56) Tj ET\n" % (780 - 14 * k, k)
                    for k in range(50))
    z = bytearray(zlib.compress(text))
    for k in range(len(z) // 2, len(z) // 2 + 40):
        z[k] ^= 0x5A
    path.write_bytes(_minimal_pdf(bytes(z), font, filters=b" /Filter /FlateDecode"))


def test_bit_flipped_stream_is_damaged(tmp_path):
    """PDFium reads the stream as far as it inflates and says nothing; the file's streams are
    inflated once more to say so. pdfminer says it too (its "Data-loss while decompressing")."""
    path = tmp_path / "flipped.pdf"
    _flipped_pdf(path)
    assert broken_streams(path.read_bytes()) == 1
    for engine in pdf_pages.ENGINES:
        warnings: list[str] = []
        blocks, _ = read_pdf(path, engine=engine, warnings=warnings)
        assert "damaged: 1 compressed stream decodes with data loss" in warnings, engine
        assert blocks and blocks[0].text.startswith("Line 0 of the narrative"), engine


@needs_pdfs
def test_sound_pdfs_have_no_broken_streams():
    assert [f.name for f in PDFS if broken_streams(f.read_bytes())] == []


@needs_pdfs
def test_library_warnings_name_the_file_and_do_not_reach_stderr_raw(tmp_path, caplog, capfd):
    """pdfminer's own warnings (here: fonts without a FontBBox in a cut-off file) are kept and
    reported in one line naming the file, through logging; nothing of pdfminer's reaches stderr."""
    data = max(PDFS, key=lambda p: p.stat().st_size).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[:7000])
    with caplog.at_level(logging.WARNING):
        read_pdf(cut, engine="pdfplumber")
    err = capfd.readouterr().err
    assert "FontBBox" not in err
    mine = [r for r in caplog.records if r.name == "auditor.ingest.pdf"]
    assert len(mine) == 1 and mine[0].getMessage().startswith(f"{cut}: ") and "pdfminer" in mine[0].getMessage()
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]


# --- settings ---------------------------------------------------------------------------

def test_settings_are_named_in_one_place():
    """One frozen settings object with the defaults, used by both engines' reading."""
    with pytest.raises(Exception):
        SETTINGS.x_tolerance = 3
    assert (SETTINGS.x_tolerance, SETTINGS.y_tolerance, SETTINGS.white, SETTINGS.margin_share) == (1.5, 3, 0.99, 0.1)
    long_heading = "一、" + "收支预算总体情况" * 3
    assert heading_level(long_heading) == 1
    assert heading_level(long_heading, replace(SETTINGS, heading_max_len=10)) is None
    assert pdf_mod._is_white((0.995, 0.995, 0.995), SETTINGS.white)
    assert not pdf_mod._is_white((0.995, 0.995, 0.995), 0.999)
