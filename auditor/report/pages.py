"""The source page of a finding: a link to `file.pdf#page=N` and, with `--page-images`, the PDF page
as an image with the sentence's words and the cited cells boxed.

    sources(doc, claims, checks, page_dir, images_dir, mode) -> {claim id: [source], "T<i>": [source]}
        a source: {"file": the file's name, "page": N, "href": link from the document page,
                   "image": the page image from the document page, or None}

The file and page of a claim are its block's (a narrative + tables pair names the narrative file),
of a table check and a cited cell its table's. Images are written only when asked, and then only for
the pages that carry a fail or warn finding (`mode` "findings"), or for every page of each PDF
(`mode` "all"), under DIR/report/pages/, so a large run writes no image it was not asked for.
Boxes: a sentence's characters, found on its page by their text (white space aside), merged per
line; a cited cell's figure, found on a page of its table on the line of its row label, the n-th
figure of that line for the cell's n-th figure of the row. Page rendering is PDFium's (pypdfium2).
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

SCALE = 1.5  # image pixels per PDF point (108 dpi): a page is about 900 × 1260 pixels
COLOURS = {"fail": (220, 38, 38), "warn": (217, 119, 6)}
BOXED = ("fail", "warn")
_NUMBER = re.compile(r"^[-−]?[\d,]+(\.\d+)?%?$")


def is_pdf(path: str | None) -> bool:
    return bool(path) and str(path).lower().endswith(".pdf")


def href(path: str, page: int | None, from_dir: Path, _rel: dict | None = None) -> str:
    """A link from the pages in `from_dir` to the file (at its page, for a PDF); `_rel` keeps each
    file's relative path (one resolve per file, not per finding)."""
    rel = None if _rel is None else _rel.get(path)
    if rel is None:
        rel = quote(Path(os.path.relpath(Path(path).resolve(), from_dir.resolve())).as_posix())
        if _rel is not None:
            _rel[path] = rel
    return rel + (f"#page={page}" if page and is_pdf(path) else "")


def _places(rec: dict, doc) -> list[tuple[str, int]]:
    """(file, page) of a finding: a claim's, its paragraph's; a table check's, its table's."""
    if rec.get("file") and rec.get("page"):
        return [(rec["file"], int(rec["page"]))]
    index = rec["id"][len(rec["doc"]) + 2:].split(":", 1)[0] if "checks" not in rec else ""
    t = _table(doc, int(index)) if index.isdigit() else None
    return [(t.file, p) for p in t.pages[:1]] if t is not None and t.file else []


def _table(doc, index):
    return next((t for t in doc.tables if t.index == index), None)


def _cells(rec: dict, doc) -> list[tuple]:
    """(table, row, col, value, row label) of the cells a finding cites in its own document."""
    out = []
    for ev in rec["checks"] if "checks" in rec else [rec]:
        for c in ev.get("cells") or []:
            t = None if c.get("doc") else _table(doc, c["table"])
            if t is None or not t.file or not 0 <= c["row"] < len(t.rows):
                continue  # another document's cell (the previous year's), or one not in a table of a file
            cols = [c["col"]] if c.get("col") is not None else [j for j, n in enumerate(t.columns) if n == c["column"]]
            out += [(t, c["row"], j, c.get("value"), c.get("label")) for j in cols[:1]]
    return out


def sources(doc, claims: list[dict], checks: list[dict], page_dir: Path, images_dir: Path | None,
            mode: str | None = None) -> dict:
    """Where each claim (by id) and each table ("T<index>") of a document is printed, its page
    images rendered when `mode` is "findings" or "all" (with the cells of the table checks boxed;
    a table check is shown at its table)."""
    out: dict[str, list[dict]] = {}
    boxes: dict[tuple[str, int], list] = defaultdict(list)  # (file, page) -> [(status, kind, what)]
    rel: dict[str, str] = {}
    for rec in claims + (checks if mode else []):  # a table check's source is its table's: only its boxes count
        places = _places(rec, doc)
        if "checks" in rec:
            out[rec["id"]] = [{"file": Path(f).name, "page": p, "href": href(f, p, page_dir, rel), "image": None,
                               "key": (f, p)} for f, p in places]
        if mode and (rec["status"] in BOXED or mode == "all"):
            for f, p in places:
                if "checks" in rec:
                    boxes[(f, p)].append((rec["status"], "sentence", rec.get("sentence") or rec.get("text") or ""))
                else:
                    boxes.setdefault((f, p), [])
            for cell in _cells(rec, doc):
                for p in cell[0].pages:
                    boxes[(cell[0].file, p)].append((rec["status"], "cell", cell))
    for t in doc.tables:
        out[f"T{t.index}"] = [{"file": Path(t.file).name, "page": p, "href": href(t.file, p, page_dir, rel),
                               "image": None, "key": (t.file, p)} for p in t.pages if t.file]
    if mode and images_dir is not None:
        wanted = {k: v for k, v in boxes.items() if is_pdf(k[0]) and (mode == "all" or any(s in BOXED for s, _, _ in v))}
        if mode == "all":
            for f in _files(doc):
                if is_pdf(f):
                    for p in range(1, _page_count(f) + 1):
                        wanted.setdefault((f, p), [])
        images = render(doc, wanted, images_dir)
        for srcs in out.values():
            for s in srcs:
                img = images.get(s["key"])
                s["image"] = quote(Path(os.path.relpath(img, page_dir)).as_posix()) if img else None
    for srcs in out.values():
        for s in srcs:
            del s["key"]
    return out


def _files(doc) -> list[str]:
    """The paths of a document's files, as its blocks and tables name them (doc.files holds names)."""
    return list(dict.fromkeys([b.file for b in doc.blocks if b.file] + [t.file for t in doc.tables if t.file]))


def _page_count(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def render(doc, wanted: dict[tuple[str, int], list], images_dir: Path) -> dict[tuple[str, int], Path]:
    """Each (file, page) asked for as a PNG with its boxes; {(file, page): image path}. A page that
    cannot be read or drawn is left out (its link stays)."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from auditor.ingest.pdf_pages import open_pages

    by_file = defaultdict(list)
    for (f, p), items in sorted(wanted.items()):
        by_file[f].append((p, items))
    images_dir.mkdir(parents=True, exist_ok=True)
    out = {}
    for k, f in enumerate(_files(doc)):
        if f not in by_file:
            continue
        try:
            pdf, pages = pdfium.PdfDocument(f), open_pages(Path(f), "pdfium")
        except Exception:  # noqa: BLE001 - an image is a convenience: a file that will not open has none
            continue
        try:
            for p, items in by_file[f]:
                if not 1 <= p <= len(pdf):
                    continue
                try:
                    page = pages.read(p - 1)
                    img = pdf[p - 1].render(scale=SCALE).to_pil().convert("RGB")
                except Exception:  # noqa: BLE001
                    continue
                draw = ImageDraw.Draw(img)
                for status, box in page_boxes(page, items):
                    colour = COLOURS.get(status, (37, 99, 235))
                    x0, top, x1, bottom = (v * SCALE for v in box)
                    draw.rectangle((x0 - 2, top - 2, x1 + 2, bottom + 2), outline=colour, width=3)
                dest = images_dir / f"{k}-p{p}.png"
                img.save(dest)  # optimize=True: 2% smaller, 4× slower
                out[(f, p)] = dest
        finally:
            pages.close()
            pdf.close()
    return out


def page_boxes(page, items: list) -> list[tuple[str, tuple]]:
    """(status, (x0, top, x1, bottom)) of each sentence and cell of `items` found on a page."""
    chars = [c for c in page.chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    words = None
    out = []
    for status, kind, what in items:
        if kind == "sentence":
            out += [(status, b) for b in _text_boxes(chars, text, what)]
        else:
            if words is None:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            box = _cell_box(chars, text, words, *what)
            if box is not None:
                out.append((status, box))
    return out


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def _text_boxes(chars: list[dict], text: str, sentence: str) -> list[tuple]:
    """The boxes of one line each of the characters of `sentence` on the page (its first place);
    a sentence that runs on from the page before or onto the next is boxed where it is printed."""
    s = _squeeze(sentence)
    if not s:
        return []
    i = text.find(s)
    n = len(s)
    if i < 0:  # the part printed on this page: its longest head or tail (half of it at least)
        for m in range(len(s) - 1, max(len(s) // 2, 8) - 1, -1):
            if text.startswith(s[-m:]):
                i, n = 0, m
                break
            if text.endswith(s[:m]):
                i, n = len(text) - m, m
                break
        else:
            return []
    return _line_boxes(chars[i:i + n])


def _line_boxes(chars: list[dict]) -> list[tuple]:
    lines: list[list[float]] = []
    for c in chars:
        if lines and abs(c["top"] - lines[-1][1]) < 3 and c["x0"] >= lines[-1][0] - 1:
            ln = lines[-1]
            ln[0], ln[1], ln[2], ln[3] = min(ln[0], c["x0"]), min(ln[1], c["top"]), max(ln[2], c["x1"]), max(ln[3], c["bottom"])
        else:
            lines.append([c["x0"], c["top"], c["x1"], c["bottom"]])
    return [tuple(ln) for ln in lines]


def _figure(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", "").rstrip("%"))
    except Exception:  # noqa: BLE001
        return None


def _cell_box(chars, text, words, table, row: int, col: int, value, label: str | None) -> tuple | None:
    """The box of a table cell on this page, or None when its row is not printed here: the figure
    on the line of its row label, the n-th figure after the label for the n-th of the table row."""
    cells = table.rows[row]
    want = _figure(value if value is not None else cells[col])
    at = max((j for j in range(col) if isinstance(cells[j], str) and cells[j].strip()
              and (label is None or cells[j].strip() == label.strip())), default=None)
    if at is None:
        at = max((j for j in range(col) if isinstance(cells[j], str) and cells[j].strip()), default=None)
    label = _squeeze(cells[at] if at is not None else label or "")
    if want is None or not label:
        return None
    nth = sum(1 for v in cells[at + 1:col] if isinstance(v, Decimal)) if at is not None else 0
    for m in re.finditer(re.escape(label), text):  # each place the row label is printed
        head = _line_boxes(chars[m.start():m.end()])[:1]
        if not head:
            continue
        mid = (head[0][1] + head[0][3]) / 2
        line = sorted((w for w in words if w["top"] <= mid <= w["bottom"] and w["x0"] >= head[0][2] - 1
                       and _NUMBER.match(w["text"].strip())), key=lambda w: w["x0"])
        same = [w for w in line if _figure(w["text"]) == want]
        w = line[nth] if nth < len(line) and line[nth] in same else (same[0] if same else None)
        if w is not None:
            return (w["x0"], w["top"], w["x1"], w["bottom"])
    return None
