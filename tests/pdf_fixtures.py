"""PDF fixtures: real disclosure PDFs and seed texts rendered to PDF, plus bad inputs.

Import the fixtures into a test module (``from pdf_fixtures import *``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PDF_DIR = Path(__file__).resolve().parents[2] / "shared" / "pdfs"
SEEDS = sorted((REPO / "corpus").glob("00*.txt"))
FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed
RUNNING_HEADER = "部门预算公开（测试页眉）"
_NOTE = re.compile(r"^\s*注\s*[:：\d]|本表无数据|此表无数据|空表")


def need_pdfs() -> Path:
    if not PDF_DIR.is_dir() or not any(PDF_DIR.glob("*.pdf")):
        pytest.skip(f"real PDFs not found in {PDF_DIR} (../shared/pdfs relative to the repo)")
    return PDF_DIR


def pdf_documents() -> dict[str, list[Path]]:
    """Document id -> its files; '<stem>-narrative.pdf' + '<stem>-tables.pdf' form one document."""
    docs: dict[str, list[Path]] = {}
    if not PDF_DIR.is_dir():
        return docs
    for p in sorted(PDF_DIR.glob("*.pdf")):
        key = re.sub(r"-(narrative|tables)$", "", p.stem)
        docs.setdefault(key, []).append(p)
    return docs


# --- seed text -> PDF ---------------------------------------------------------

@dataclass
class RenderedSeed:
    seed: Path
    pdf: Path
    text_blocks: list      # Blocks read from the seed text
    text_tables: list      # RawTables read from the seed text
    rendered: list         # the text RawTables drawn into the PDF, in order (a table with a
                           # cell too long to fit on one page is left out)


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    try:
        pdfmetrics.getFont(FONT)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return pdfmetrics


def _wrap(text: str, width: float, size: float, metrics) -> list[str]:
    """Break text into lines no wider than width (character wrapping, as CJK typesetting does)."""
    lines, cur = [], ""
    for ch in text:
        if cur and metrics.stringWidth(cur + ch, FONT, size) > width:
            lines.append(cur)
            cur = ch.lstrip() if ch.isspace() else ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines or [""]


def _is_amount(s: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]+(?:\.\d+)?%?", s.strip()))


class _Writer:
    """A landscape A4 canvas with a cursor and a running footer ("- n -") on every page."""

    def __init__(self, path: Path, header: str = ""):
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.pdfgen import canvas

        self.metrics = _font()
        self.w, self.h = landscape(A4)
        self.margin = 36
        self.c = canvas.Canvas(str(path), pagesize=(self.w, self.h))
        self.page = 1
        self.header = header
        self.y = self.h - self.margin

    def new_page(self):
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.h - self.margin

    def _footer(self):
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(self.w / 2, 18, f"- {self.page} -")
        if self.header:  # a running header with text, the same on every page
            self.c.drawRightString(self.w - self.margin, self.h - 20, self.header)

    def room(self) -> float:
        return self.y - self.margin

    def paragraph(self, text: str, size: float = 11, indent: bool = True):
        width = self.w - 2 * self.margin
        first = (2 * size) if indent else 0
        lines = _wrap(text, width - first, size, self.metrics)
        # re-wrap the rest at full width after the indented first line
        if len(lines) > 1:
            rest = _wrap(text[len(lines[0]):], width, size, self.metrics)
            lines = [lines[0]] + rest
        for k, line in enumerate(lines):
            if self.room() < size * 1.6:
                self.new_page()
            self.c.setFont(FONT, size)
            self.c.drawString(self.margin + (first if k == 0 else 0), self.y - size, line)
            self.y -= size * 1.5
        self.y -= size * 0.6

    def layout(self, rows: list[list[str]]):
        """(rows padded, column widths, font size, row heights) or None when a row cannot fit a page."""
        ncol = max(len(r) for r in rows)
        rows = [[(c or "") for c in r] + [""] * (ncol - len(r)) for r in rows]
        avail = self.w - 2 * self.margin
        size = 8.0
        while True:
            num_w = [4 + max([self.metrics.stringWidth(r[j], FONT, size) for r in rows if _is_amount(r[j])] or [0])
                     for j in range(ncol)]
            nat_w = [4 + max(self.metrics.stringWidth(r[j], FONT, size) for r in rows) for j in range(ncol)]
            nat_w = [min(max(n, 2 * size + 4), 170) for n in nat_w]
            if sum(nat_w) <= avail:
                widths = nat_w
                break
            base = [max(num_w[j], 2 * size + 4) for j in range(ncol)]
            if sum(base) <= avail or size <= 4:
                extra = avail - sum(base)
                want = [max(nat_w[j] - base[j], 0) for j in range(ncol)]
                tot = sum(want) or 1
                widths = [base[j] + max(extra, 0) * want[j] / tot for j in range(ncol)]
                break
            size -= 0.5
        lead = size + 2
        wrapped = [[_wrap(r[j], widths[j] - 4, size, self.metrics) for j in range(ncol)] for r in rows]
        heights = [max(len(c) for c in cells) * lead + 4 for cells in wrapped]
        if max(heights) > self.h - 2 * self.margin - 80:
            return None
        return wrapped, widths, size, heights

    def table(self, context: list[str], plan):
        wrapped, widths, size, heights = plan
        lead = size + 2
        self.new_page()
        for line in context:
            self.c.setFont(FONT, 10)
            self.c.drawString(self.margin, self.y - 10, line)
            self.y -= 16
        self.y -= 4
        x0 = self.margin
        xs = [x0]
        for wd in widths:
            xs.append(xs[-1] + wd)
        top = self.y
        for cells, height in zip(wrapped, heights):
            if self.y - height < self.margin:
                self._grid(xs, top, self.y)
                self.new_page()
                top = self.y
            for j, lines in enumerate(cells):
                for k, line in enumerate(lines):
                    self.c.setFont(FONT, size)
                    self.c.drawString(xs[j] + 2, self.y - 2 - size - k * lead, line)
            self.y -= height
            self._hline(xs[0], xs[-1], self.y)
        self._grid(xs, top, self.y)

    def _hline(self, x0, x1, y):
        self.c.setLineWidth(0.5)
        self.c.line(x0, y, x1, y)

    def _grid(self, xs, top, bottom):
        self.c.setLineWidth(0.5)
        self.c.line(xs[0], top, xs[-1], top)
        for x in xs:
            self.c.line(x, top, x, bottom)

    def save(self):
        self._footer()
        self.c.save()


def render_seed(seed: Path, dest: Path) -> RenderedSeed:
    """Render a seed text (auditor.ingest.text reading) to a PDF: narrative, then one ruled table per page(s)."""
    from auditor.ingest.text import read_text

    blocks, raws = read_text(seed)
    w = _Writer(dest, header=RUNNING_HEADER)
    for b in blocks:
        w.paragraph(b.text, size=12 if b.heading else 11, indent=not b.heading)
    rendered = []
    for t in raws:
        above = [c for c in t.context if not _NOTE.search(c)]
        below = [c for c in t.context if _NOTE.search(c)]
        rows = [r for r in t.rows if any((c or "").strip() for c in r)]
        plan = w.layout(rows) if rows else None
        if plan is None:
            continue
        w.table(above, plan)
        rendered.append(t)
        for note in below:
            w.paragraph(note, size=9, indent=False)
    w.save()
    return RenderedSeed(seed=seed, pdf=dest, text_blocks=blocks, text_tables=raws, rendered=rendered)


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory) -> list[RenderedSeed]:
    pytest.importorskip("reportlab")
    out = tmp_path_factory.mktemp("seed_pdfs")
    return [render_seed(s, out / (s.stem + ".pdf")) for s in SEEDS]


def make_unruled_table_pdf(path: Path) -> Path:
    """A table set in aligned columns without any ruling line, a note below it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 14)
    c.drawString(72, 780, "一般公共预算“三公”经费支出表")
    c.setFont(FONT, 10)
    c.drawString(72, 760, "部门名称：测试局")
    c.drawString(400, 760, "单位：万元")
    rows = [["项目", "2023年预算数", "2024年预算数"], ["合计", "12.50", "10.00"],
            ["因公出国（境）费", "0.00", "0.00"], ["公务接待费", "2.50", "2.00"],
            ["公务用车购置及运行费", "10.00", "8.00"]]
    y = 730
    for r in rows:
        c.drawString(72, y, r[0])
        c.drawRightString(330, y, r[1])
        c.drawRightString(480, y, r[2])
        y -= 20
    c.drawString(72, y - 20, "说明：本表反映“三公”经费预算情况。")
    c.save()
    return path


# --- bad inputs ---------------------------------------------------------------

@pytest.fixture(scope="session")
def bad_pdfs(tmp_path_factory) -> dict[str, Path]:
    """Files a reader must refuse with a one-line reason, keyed by the expected problem."""
    pytest.importorskip("reportlab")
    return make_bad_pdfs(tmp_path_factory.mktemp("bad_pdfs"))


def make_bad_pdfs(d: Path) -> dict[str, Path]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out: dict[str, Path] = {}

    p = d / "empty.pdf"
    p.write_bytes(b"")
    out["empty file"] = p

    p = d / "short.pdf"
    p.write_bytes(b"this is no pdf!!\n")  # 17 bytes
    out["not a PDF (17 bytes)"] = p

    p = d / "scanned.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)
    c.setFillGray(0.6)
    c.rect(72, 400, 300, 200, fill=1, stroke=1)
    c.showPage()
    c.rect(72, 400, 300, 200, fill=1, stroke=1)
    c.save()
    out["no text layer (scanned PDF?)"] = p

    p = d / "encrypted.pdf"
    c = canvas.Canvas(str(p), pagesize=A4, encrypt="secret-user-pw")
    _font()
    c.setFont(FONT, 12)
    c.drawString(72, 700, "收支预算总表 单位：万元")
    c.save()
    out["encrypted PDF"] = p

    real = sorted(PDF_DIR.glob("*.pdf")) if PDF_DIR.is_dir() else []
    if real:
        src = max(real, key=lambda x: x.stat().st_size)
        data = src.read_bytes()
        p = d / "truncated.pdf"  # cut off before any page could be read
        p.write_bytes(data[:1000])
        out["truncated or damaged PDF"] = p
    return out
