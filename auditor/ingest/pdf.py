"""PDF -> narrative Blocks + per-page RawTables (pdfplumber).

One pass per page: the page's objects are parsed once; tables are found on the
ruling lines (invisible white "padding" rectangles that Word exports around
cells are ignored), with a text-alignment fallback for pages that clearly hold
a table but draw no rules; the words outside the tables become lines, the lines
just above each table become its context (title, 单位：万元, 部门：…) and the
remaining lines are re-joined into paragraphs and headings.

Tables split over pages: the piece overleaf gets an empty context (tables.py
merges it), its open top row is read (a line is added where the rules start
without a border), it is put back on the previous page's columns when it has
fewer rules, and a title printed at the foot of a page goes to the table
starting overleaf. A title drawn inside the table frame moves to the context.

The page objects (characters, rules) come from PDFium or from pdfminer under pdfplumber
(`engine`, auditor.ingest.pdf_pages); tables are found by pdfplumber's table finder
(auditor.ingest.pdf_finder: its cells and snapping steps with less work) and words and cell text by
pdfplumber's word extraction rules (auditor.ingest.pdf_words: the same words in one pass) on
either. Every tunable is a named field of PdfSettings below.

A truncated file is read as far as it goes, a page decoded with data loss is read as it
decodes: the document says so in its warnings ("truncated: …", "damaged: …").
"""
from __future__ import annotations

import bisect
import gc
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.ingest.pdf_finder import find_tables
from auditor.ingest.pdf_words import extract_text, extract_words
from auditor.model import Block, IngestError, RawTable

__all__ = ["read_pdf", "check_pdf_file", "words_to_lines", "lines_to_blocks", "heading_level",
           "PdfSettings", "SETTINGS"]

log = logging.getLogger("auditor.ingest.pdf")


# --- settings ---------------------------------------------------------------

@dataclass(frozen=True)
class PdfSettings:
    """The PDF reader's tunables with their defaults, named as pdfplumber names its own.

    Lengths are in PDF points, `*_share` are fractions, the paragraph rules are in font sizes
    (the line's height)."""

    engine: str = "pdfium"          # pdfium | pdfplumber: who reads the characters and rules
    x_tolerance: float = 1.5        # words: a gap wider than this between characters splits a word
    y_tolerance: float = 3          # words: characters whose tops are this close share a line
    white: float = 0.99             # a fill this light (gray, each of R, G, B; CMYK: ink <= 1 - white)
                                    # and not stroked is cell padding, not a rule
    rule_tolerance: float = 3       # rules: ends and columns closer than this are one; a shorter
                                    # vertical rule is a stub
    cap_min_width: float = 10       # a horizontal rule shorter than this closes no open table row
    continued_slack: float = 15     # a table overleaf whose left and right edges are within this of
                                    # the previous page's last table continues it
    text_table_rows: int = 3        # a table without rules: at least this many lines with 2+ amounts,
    text_table_align: float = 2     # and 3 amounts right-aligned within this
    margin_share: float = 0.1       # the top and bottom band of a page where running headers live
    running_pages: int = 3          # a margin line printed on this many pages ...
    running_share: float = 0.4      # ... and this share of them is a running header/footer
    line_overlap: float = 0.5       # a word overlapping a line by this share of its height joins it
    word_space: float = 1.0         # a gap wider than this between two words of a line prints a space
    heading_max_len: int = 40       # a longer line is no heading
    context_gap: float = 3          # a title line this many font sizes (at least context_gap_min)
    context_gap_min: float = 30     # above a table, or nearer, belongs to it
    context_max_len: int = 60       # a longer line above a table is prose, not its title
    fragment_max_len: int = 20      # an untitled line above a table this long or shorter is a wrapped title
    context_max_lines: int = 5      # title lines a table takes at most
    size_floor: float = 6.0         # the paragraph rules count a line at least this high
    short_line: float = 2.5         # a line ending this many sizes before the right edge is short
    indent: float = 1.2             # a line starting this many sizes in from the left is indented
    paragraph_gap: float = 1.8      # a vertical gap of this many sizes starts a paragraph
    damaged_share: float = 0.5      # a page whose characters are this much U+FFFD/NUL/unmapped is damaged


SETTINGS = PdfSettings()

# --- patterns -------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
# (level, pattern): 第一部分 > 一、 > （一）
_HEADING_RES = [
    (0, re.compile(rf"^第[{_CN_NUM}\d]+部分")),
    (1, re.compile(rf"^[{_CN_NUM}]+\s*[、．.]")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[)）]")),
]
# Running headers/footers: "- 1 -", "第 3 页", "共 12 页", "第3页 共12页", "3/12".
_RUNNING_RE = re.compile(
    r"^(?:[-—–－─━]\s*\d{1,4}\s*[-—–－─━]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)
_PAGE_NUMBER_RE = re.compile(r"^\d{1,4}$")
# A leading merged row inside the table that is really its title / unit line.
_TITLE_CELL_RE = re.compile(r"表|单\s*位\s*[:：]|部\s*门|编制|公开")
# Lines above a table that belong to it: title (…表), unit, department, table number.
_CONTEXT_RE = re.compile(r"表|单\s*位\s*[:：]|部\s*门|编制|公开|^\d{4}\s*年|万元|^[\(（]?\s*[元万]")
_UNIT_LINE_RE = re.compile(r"单\s*位\s*[:：]\s*(?:万元|元|千元|亿元)")
_AMOUNT_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+\.\d+$")
_SENTENCE_END = tuple("。；;！!？?")


# --- file checks ----------------------------------------------------------

def check_pdf_file(path: Path) -> bool:
    """Cheap checks before parsing: missing, empty, not a PDF at all. True when the file was cut
    off (no %%EOF at its end): it is then read as far as it goes."""
    from auditor.ingest.pdf_repair import is_truncated

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise IngestError(path, "empty file")
    with open(path, "rb") as fh:
        head = fh.read(1024)
        if b"%PDF-" not in head:
            raise IngestError(path, f"not a PDF ({size} bytes)")
        fh.seek(max(0, size - 8192))
        return is_truncated(fh.read())


def _open_error(path: Path, exc: BaseException) -> IngestError:
    chain = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 6:
        chain.append(e)
        e = e.__cause__ or e.__context__
    names = " ".join(type(x).__name__ for x in chain) + " " + " ".join(str(x) for x in chain)
    if re.search(r"Password|Encrypt", names, re.I):
        return IngestError(path, "encrypted PDF")
    return IngestError(path, "truncated or damaged PDF")


def _open(path: Path, engine: str, truncated: bool, data: bytes):
    """(the file's pages, whether its page tree was rebuilt): a truncated file (its bytes: `data`)
    is cut back to its complete objects and given a trailer, then a page tree of its surviving
    pages if need be."""
    from auditor.ingest.pdf_pages import open_pages
    from auditor.ingest.pdf_repair import truncated_to_readable

    if not truncated:
        try:
            return open_pages(path, engine), False
        except IngestError:
            raise
        except Exception as exc:  # pdfminer raises many types for bad input
            raise _open_error(path, exc) from exc
    error: BaseException | None = None
    for tree in (False, True):
        repaired = truncated_to_readable(data, tree=tree)
        if repaired is None:
            continue
        try:
            pages = open_pages(path, engine, repaired)
            if len(pages):
                return pages, tree
            pages.close()
        except IngestError:
            raise
        except Exception as exc:  # noqa: BLE001 - try the page tree of the surviving pages
            error = exc
    raise IngestError(path, "truncated or damaged PDF") from error


# --- public entry ---------------------------------------------------------

def read_pdf(path: Path, engine: str | None = None, warnings: list[str] | None = None,
             settings: PdfSettings = SETTINGS) -> tuple[list[Block], list[RawTable]]:
    """Read one PDF: narrative Blocks (1-based pages) and one RawTable per table per page.

    `engine`: pdfium or pdfplumber (default: $AUDITOR_PDF_ENGINE, else settings.engine).
    `warnings`: the document's warnings about the file are appended to it (a truncated file
    read as far as it goes, pages decoded with data loss)."""
    from auditor.ingest.pdf_pages import engine_to_use, numbers_to_text
    from auditor.ingest.pdf_repair import broken_streams

    s = settings
    path = Path(path)
    truncated = check_pdf_file(path)
    data = path.read_bytes()
    pages, rebuilt = _open(path, engine_to_use(engine, s.engine), truncated, data)
    # The cycle collector is paused while the pages are read: a page makes tens of thousands of
    # dicts (characters, rects, edges, words) that live until it is closed, and the collector
    # would walk them again and again to find no garbage (~2% of reading's instructions). What
    # the pages leave behind (a page refers to itself) is collected once it runs again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        got = _scan_pages(pages, s)
    finally:
        pages.close()
        if collecting:
            gc.enable()
    broken = 0 if truncated else broken_streams(data)  # (a truncated file's last stream is cut: said below)
    if got.read == 0 or (not got.any_text and (truncated or broken)):
        raise IngestError(path, "truncated or damaged PDF")
    if got.unread and not truncated:  # (in a truncated file the pages cut off are counted below)
        numbers = sorted(got.unread)
        log.warning("%s: %s %s could not be read (%s)", path, "page" if len(numbers) == 1 else "pages",
                    numbers_to_text(numbers), got.unread[numbers[0]])
    if not got.any_text:
        raise IngestError(path, "no text layer (scanned PDF?)")
    if warnings is not None:
        warnings.extend(_file_notes(got, truncated, rebuilt, broken))
    scans = got.scans
    # running headers/footers go before titles are looked for above the tables
    kept = _drop_repeated_margins([(n, lines) for n, (lines, _) in enumerate(scans, start=1)], s)
    tables: list[RawTable] = []
    lines_by_page: list[tuple[int, list[dict]]] = []
    geom = None
    tail: list[dict] = []
    for (number, lines), (_, found) in zip(kept, scans):
        narrative, page_tables, geom, next_tail, at_top = _build_page(lines, found, number, str(path), geom, s)
        if tail and at_top:
            # the title was printed at the foot of the previous page
            page_tables[0].context = [ln["text"] for ln in tail]
            prev_num, prev_lines = lines_by_page[-1]
            lines_by_page[-1] = (prev_num, [ln for ln in prev_lines if not any(ln is t for t in tail)])
        tail = next_tail
        lines_by_page.append((number, narrative))
        tables.extend(page_tables)
    blocks = lines_to_blocks(lines_by_page, str(path), s)
    return blocks, tables


@dataclass
class _Scanned:
    """What reading a file's pages gave: per page its lines outside tables and its tables."""

    total: int
    scans: list[tuple[list[dict], list]]
    any_text: bool
    unread: dict[int, str]   # page number -> why it could not be read
    damaged: set[int]        # pages decoded with data loss (garbled text, the library said so)
    blank: set[int]          # pages with nothing on them (in a truncated file: cut off)

    @property
    def read(self) -> int:
        return self.total - len(self.unread)


def _scan_pages(pages, s: PdfSettings) -> _Scanned:
    """Every page scanned once (a page that cannot be read is lost, the others are read)."""
    from auditor.ingest.pdf_pages import error_to_text

    got = _Scanned(len(pages), [], False, {}, set(), set())
    for i in range(got.total):
        number = i + 1
        try:
            page = pages.read(i)
            try:
                lines, found, has_text, garbled = _scan_page(page, s)
                if not (page.chars or page.rects or page.lines or page.curves):
                    got.blank.add(number)
            finally:
                page.close()  # free the page's parsed objects
        except Exception as exc:  # noqa: BLE001 - the page is lost, the others are read
            got.unread[number] = error_to_text(exc)
            got.scans.append(([], []))
            continue
        if garbled:
            got.damaged.add(number)
        got.any_text = got.any_text or has_text
        got.scans.append((lines, found))
    got.damaged |= pages.lossy
    _log_library_messages(pages.path, pages.messages)
    return got


def _file_notes(got: _Scanned, truncated: bool, rebuilt: bool, broken: int) -> list[str]:
    """The document's warnings about the file: truncated, pages or streams with data loss."""
    notes = []
    damaged = set(got.damaged)
    if truncated:
        n_read = got.read - len(got.blank)
        notes.append(f"truncated: {n_read} pages read (the page tree was lost)" if rebuilt
                     else f"truncated: {n_read} of {got.total} pages read")
    else:
        damaged |= set(got.unread)
    if damaged:
        notes.append(f"damaged: {len(damaged)} pages read with data loss")
    if broken:
        notes.append(f"damaged: {broken} compressed {'stream decodes' if broken == 1 else 'streams decode'} "
                     "with data loss")
    return notes


def _log_library_messages(path: Path, messages: dict[str, int]) -> None:
    """The PDF libraries' own warnings while reading the file, one line naming it."""
    if not messages:
        return
    n = sum(messages.values())
    top, k = max(messages.items(), key=lambda kv: kv[1])
    more = f"; {len(messages) - 1} other kinds" if len(messages) > 1 else ""
    log.warning("%s: %d %s from the PDF library (%d x %s%s)", path, n, "warning" if n == 1 else "warnings",
                k, top, more)


# --- per page -------------------------------------------------------------

def _is_invisible(obj: dict, s: PdfSettings) -> bool:
    """White, unstroked filled rectangles (cell padding in Word exports) are no rules."""
    if obj.get("object_type") not in ("rect", "curve"):
        return False
    if obj.get("stroke"):
        return False
    if not obj.get("fill"):
        return True
    return _is_white(obj.get("non_stroking_color"), s.white)


def _is_white(color, white: float) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return color >= white
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):  # pattern names and the like
        return False
    if len(vals) == 1:
        return vals[0] >= white
    if len(vals) == 3:
        return all(v >= white for v in vals)
    if len(vals) == 4:  # CMYK
        return all(v <= 1 - white for v in vals)
    return False


_GARBLED = frozenset("\ufffd\x00")
_SPACE_RE = re.compile(r"\s")  # str.isspace's characters


def _is_garbled(chars: list[dict], share: float) -> bool:
    """Most of the page's characters are U+FFFD, NUL or pdfminer's "(cid:N)" for a glyph
    without a Unicode value: the page decoded with data loss."""
    texts = "".join([c["text"] for c in chars])
    if len(texts) == len(chars):  # one character each (PDFium's always): counted in the joined text
        n = len(texts) - len(_SPACE_RE.findall(texts))
        bad = sum(texts.count(g) for g in _GARBLED)
        return n > 0 and bad >= share * n
    bad = n = 0
    for c in chars:
        t = c["text"]
        if t.isspace():
            continue
        n += 1
        if t in _GARBLED or t.startswith("(cid:"):
            bad += 1
    return n > 0 and bad >= share * n


def _scan_page(page, s: PdfSettings) -> tuple[list[dict], list, bool, bool]:
    """One parse of the page: (text lines outside tables, tables found, has text, garbled)."""
    words = extract_words(page.chars, s.x_tolerance, s.y_tolerance)
    garbled = _is_garbled(page.chars, s.damaged_share)
    if not words:
        return [], [], False, garbled
    made: list[list[dict]] = []

    def all_lines() -> list[dict]:  # the page's lines, made once when the table search wants them
        if not made:
            made.append(words_to_lines(words, s))
        return made[0]

    found = sorted(_find_tables(page, words, all_lines, s), key=lambda t: t[0][1])
    if found:
        bboxes = [t[0] for t in found]
        lines = words_to_lines([w for w in words if not any(_inside(w, b) for b in bboxes)], s)
    else:
        lines = all_lines()
    return _drop_running(lines, page.height, s), found, True, garbled


def _build_page(lines: list[dict], found: list, number: int, file: str, prev_geom, s: PdfSettings):
    """(narrative lines, RawTables, geometry of the page's last table, title lines at its foot,
    whether its first table starts at the top with no title)."""
    if not lines and not found:
        return [], [], None, [], False
    bboxes = [t[0] for t in found]
    used: set[int] = set()
    raws: list[RawTable] = []
    prev_bottom = 0.0
    geom = None
    top_bbox = None
    for k, (bbox, grid, cells, edges) in enumerate(found):
        if k == 0 and prev_geom is not None and not any(ln["bottom"] <= bbox[1] + 1 for ln in lines):
            grid, edges = _align_to(prev_geom, bbox, grid, cells, edges, s)
            _realign_previous(prev_geom, bbox, edges, s)
        n = len(grid)
        grid, title = _split_title_rows(grid)
        cells = cells[n - len(grid):]
        rows = _prune(_grid_to_rows(grid))
        if not _is_real_table(rows):
            continue
        context_idx = _context_lines(lines, bbox[1], prev_bottom, s)
        context = [lines[i]["text"] for i in context_idx] + title
        if len(rows) == 1 and not any(_AMOUNT_RE.match(c or "") for c in rows[0]) \
                and not any("表" in c for c in context):
            continue  # a chart legend drawn with boxes, not a table
        used.update(context_idx)
        prev_bottom = bbox[3]
        raw = RawTable(rows=rows, pages=[number], context=context, file=file)
        raws.append(raw)
        geom = (bbox, edges, raw, grid, cells)
        if top_bbox is None:
            top_bbox = bbox
    if geom is not None and any(ln["top"] >= geom[0][3] - 1 for ln in lines):
        geom = None  # text below the last table: the next page does not continue it
    # title lines at the foot of the page, below any table: the title of a table overleaf
    floor = max((b[3] for b in bboxes), default=0.0)
    tail = _context_lines(lines, lines[-1]["bottom"] + 1, floor, s) if lines and found else []
    if tail and tail[-1] != len(lines) - 1:
        tail = []
    narrative = [ln for i, ln in enumerate(lines) if i not in used]
    tail_lines = [lines[i] for i in tail if i not in used]
    if tail_lines and not any(_UNIT_LINE_RE.search(ln["text"]) or "表" in ln["text"] for ln in tail_lines):
        tail_lines = []
    at_top = bool(raws) and not raws[0].context and top_bbox is not None \
        and not any(ln["bottom"] <= top_bbox[1] + 1 for ln in lines)
    return narrative, raws, geom, tail_lines, at_top


def _same_columns(a, b, s: PdfSettings) -> bool:
    """Two tables' boxes start and end at the same x (a table continued overleaf)."""
    return abs(a[0] - b[0]) <= s.continued_slack and abs(a[2] - b[2]) <= s.continued_slack


def _align_to(prev_geom, bbox, grid, cells, edges, s: PdfSettings):
    """A table continued from the previous page with fewer columns (a column empty on this
    page drew no rule) is put back on the previous page's columns."""
    pbbox, pedges = prev_geom[0], prev_geom[1]
    if len(pedges) <= len(edges) or not _same_columns(pbbox, bbox, s):
        return grid, edges
    return _regrid(grid, cells, pedges), pedges


def _realign_previous(prev_geom, bbox, edges, s: PdfSettings) -> None:
    """A header-only piece at the foot of a page (its rules merged, fewer columns) followed
    by the body overleaf: the piece is put on the body's columns so the two line up."""
    pbbox, pedges, raw, pgrid, pcells = prev_geom
    if len(pedges) >= len(edges) or len(raw.rows) > 3 or not _same_columns(pbbox, bbox, s):
        return
    rows = _prune(_grid_to_rows(_regrid(pgrid, pcells, edges)))
    if rows:
        raw.rows = rows


def _regrid(grid, cells, pedges) -> list[list]:
    """Place each cell's text in the column (of pedges) where the cell starts."""
    ncol = len(pedges) - 1
    out = []
    for texts, boxes in zip(grid, cells):
        row: list = [None] * ncol
        for text, box in zip(texts, boxes):
            if box is None:
                continue
            x = box[0] + 1
            j = max(0, min(ncol - 1, bisect.bisect_right(pedges, x + 2) - 1))
            if text is not None and row[j]:
                row[j] = row[j] + text
            elif row[j] is None or text:
                row[j] = text if text is not None else ""
        out.append(row)
    return out


def _inside(w: dict, bbox) -> bool:
    cx = (w["x0"] + w["x1"]) / 2
    cy = (w["top"] + w["bottom"]) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def _find_tables(page, words: list[dict], all_lines, s: PdfSettings) -> list[tuple]:
    """[(bbox, raw grid, cell bboxes, column edges)] from the ruling lines; text alignment when
    the page clearly holds a table but draws no rules (`all_lines()`: the lines of `words`)."""
    out = []
    if page.rects or page.lines or page.curves:
        view = _without_padding(page, s)
        caps = _missing_caps(view, s)
        settings = {"explicit_horizontal_lines": caps} if caps else None
        for t in find_tables(view, settings):
            grid = _extract(t, view.chars)
            if _is_real_table(_grid_to_rows(grid)):
                out.append(_with_geometry(t, grid, s))
    if not out and _looks_tabular(words, all_lines, s):
        out.extend(_text_tables(page, all_lines(), s))
    return out


def _without_padding(page, s: PdfSettings):
    """The page without its invisible rects and curves (white cell padding), for the table finder."""
    rects = [r for r in page.rects if not _is_invisible(r, s)]
    if len(rects) == len(page.rects):
        return page
    view = page.filter(lambda o: True)
    view._objects = dict(page.objects, rect=rects)  # as pdfplumber's own dedupe_chars sets it
    if "curve" in view._objects:
        view._objects["curve"] = [c for c in page.curves if not _is_invisible(c, s)]
    return view


def _missing_caps(view, s: PdfSettings) -> list[float]:
    """y of the open top/bottom of a ruled table split over pages (rules stop, no border drawn).

    Vertical rules that start (or end) together where no horizontal rule runs
    mark a row whose top (bottom) border was not printed; a full-width line
    there lets the lines strategy see that row.
    """
    v_ends: dict[int, int] = {}
    h_ys: list[float] = []
    tolerance, cap_min_width = s.rule_tolerance, s.cap_min_width
    for e in view.edges:  # (a page's every edge: the loop is kept lean)
        if e["orientation"] == "v":
            top, bottom = e["top"], e["bottom"]
            if bottom - top < tolerance:
                continue
            key = round(top)
            v_ends[key] = v_ends.get(key, 0) + 1
            key = round(bottom)
            v_ends[key] = v_ends.get(key, 0) + 1
        elif e["x1"] - e["x0"] > cap_min_width:
            h_ys.append(e["top"])
    if not v_ends:
        return []
    h_ys.sort()
    caps = []
    for key, n in sorted(v_ends.items()):
        if n < 2:
            continue
        i = bisect.bisect_left(h_ys, key - s.rule_tolerance)
        if i < len(h_ys) and h_ys[i] <= key + s.rule_tolerance:
            continue
        if caps and key - caps[-1] <= s.rule_tolerance:
            continue
        caps.append(float(key))
    return caps


def _is_real_table(rows: list[list]) -> bool:
    """A frame around a page or a boxed paragraph is not a table: some row needs 2+ filled cells."""
    return any(sum(1 for c in r if c) >= 2 for r in rows)


def _looks_tabular(words: list[dict], all_lines, s: PdfSettings) -> bool:
    """A unit line plus several lines carrying 2+ amounts: a table drawn without rules."""
    if not any(_UNIT_LINE_RE.search(w["text"]) for w in words):
        # unit may be split over words; cheap join per line
        if not any(_UNIT_LINE_RE.search(ln["text"]) for ln in all_lines()):
            return False
    # 3+ lines with 2+ figures, and figures right-aligned in a column (prose never is)
    ends: list[float] = []
    rows = 0
    for ln in all_lines():
        amounts = [w for w in ln["words"] if _AMOUNT_RE.match(w["text"])]
        if len(amounts) >= 2:
            rows += 1
            ends.extend(round(w["x1"]) for w in amounts)
    if rows < s.text_table_rows:
        return False
    ends.sort()
    return any(ends[i + 2] - ends[i] <= s.text_table_align for i in range(len(ends) - 2))


def _text_tables(page, lines: list[dict], s: PdfSettings) -> list[tuple]:
    start = None
    for ln in lines:
        if _UNIT_LINE_RE.search(ln["text"]):
            start = ln["bottom"]
            break
    if start is None:
        return []
    body = [ln for ln in lines if ln["top"] >= start]
    # the table ends with its last line carrying figures; notes below it stay narrative
    last = max((i for i, ln in enumerate(body)
                if any(_AMOUNT_RE.match(w["text"]) for w in ln["words"])), default=None)
    if last is None:
        return []
    body = body[: last + 1]
    bbox = (min(ln["x0"] for ln in body) - 1, body[0]["top"] - 0.5,
            max(ln["x1"] for ln in body) + 1, body[-1]["bottom"] + 0.5)
    region = page.crop(bbox)
    out = []
    for t in find_tables(region, {"vertical_strategy": "text", "horizontal_strategy": "text"}):
        grid = _extract(t, region.chars)
        if _is_real_table(_grid_to_rows(grid)):
            out.append(_with_geometry(t, grid, s))
    return out


def _extract(table, chars: list[dict]) -> list[list]:
    """pdfplumber's Table.extract(): each cell's text by pdfplumber's extract_text over the
    characters whose middle lies in it, row by row. The same loop as pdfplumber's, except that
    a row's characters are found by bisection on their vertical middle instead of a scan of
    the whole page, and each character's middle worked out once per row, not once per cell
    (the same characters, in the same order)."""
    mids = sorted(((c["top"] + c["bottom"]) / 2, k) for k, c in enumerate(chars))
    keys = [m for m, _ in mids]
    grid = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        lo, hi = bisect.bisect_left(keys, top), bisect.bisect_left(keys, bottom)
        row_chars = []  # (middle x, middle y, character) in the page's order
        for k in sorted(k for _, k in mids[lo:hi]):
            c = chars[k]
            mx = (c["x0"] + c["x1"]) / 2
            if x0 <= mx < x1:
                row_chars.append((mx, (c["top"] + c["bottom"]) / 2, c))
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [c for mx, my, c in row_chars if cx0 <= mx < cx1 and ctop <= my < cbottom]
            cells.append(extract_text(inside) if inside else "")
        grid.append(cells)
    return grid


def _with_geometry(t, grid, s: PdfSettings):
    """(bbox, grid, cell bboxes per row, column x edges)."""
    cells = [list(r.cells) for r in t.rows]
    xs = sorted({round(c[0], 1) for c in t.cells} | {round(c[2], 1) for c in t.cells})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > s.rule_tolerance:
            edges.append(x)
    return t.bbox, grid, cells, edges


def _grid_to_rows(grid: list[list]) -> list[list]:
    """Clean every cell ('' -> None, in-cell line breaks joined); the grid keeps its width."""
    width = max((len(r) for r in grid), default=0)
    return [[_clean_cell(c) for c in r] + [None] * (width - len(r)) for r in grid]


def _clean_cell(cell: str | None) -> str | None:
    if cell is None:
        return None
    parts = [p.strip() for p in cell.split("\n")]
    text = ""
    for p in parts:
        if not p:
            continue
        text = _join(text, p)
    return text or None


def _join(a: str, b: str) -> str:
    """Join two pieces of one wrapped line: no space for CJK, a space between Latin words."""
    if not a:
        return b
    if a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def _split_title_rows(rows: list[list]) -> tuple[list[list], list[str]]:
    """Leading rows that are one merged title/unit cell (or blank) move to the context."""
    title: list[str] = []
    i = 0
    while i < len(rows) and i < 4:
        cells = [c for c in rows[i] if c and c.strip()]
        if not cells:
            i += 1
            continue
        if len(cells) == 1 and len(rows[i]) > 1 and _TITLE_CELL_RE.search(cells[0]) \
                and not _AMOUNT_RE.match(cells[0].strip()):
            title.extend(ln.strip() for ln in cells[0].split("\n") if ln.strip())  # printed lines
            i += 1
            continue
        break
    return rows[i:], title


def _prune(rows: list[list]) -> list[list]:
    """Drop rows with no text at all (rule artefacts); columns are kept so split tables still line up."""
    return [r for r in rows if any(c for c in r)]


# --- words -> lines ---------------------------------------------------------

def words_to_lines(words: list[dict], s: PdfSettings = SETTINGS) -> list[dict]:
    """Group words into visual lines by vertical overlap (tolerates figures set a few points lower)."""
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = max(w["bottom"] - w["top"], 1.0)
        best, best_ov = None, 0.0
        for ln in lines[-4:]:
            ov = min(w["bottom"], ln["bottom"]) - max(w["top"], ln["top"])
            ratio = ov / min(h, ln["bottom"] - ln["top"] or 1.0)
            if ratio > best_ov:
                best, best_ov = ln, ratio
        if best is not None and best_ov >= s.line_overlap:
            best["words"].append(w)
        else:
            lines.append({"top": w["top"], "bottom": w["bottom"], "words": [w]})
    for ln in lines:
        ws = sorted(ln["words"], key=lambda w: w["x0"])
        ln["words"] = ws
        text = ws[0]["text"]
        for prev, w in zip(ws, ws[1:]):
            gap = w["x0"] - prev["x1"]
            text += (" " if gap > s.word_space else "") + w["text"]
        ln["text"] = text
        ln["x0"] = ws[0]["x0"]
        ln["x1"] = ws[-1]["x1"]
        ln["size"] = ln["bottom"] - ln["top"]
    lines.sort(key=lambda ln: ln["top"])
    return lines


def _drop_running(lines: list[dict], height: float, s: PdfSettings) -> list[dict]:
    out = []
    last = len(lines) - 1
    for k, ln in enumerate(lines):
        t = ln["text"].strip()
        if _RUNNING_RE.match(t):
            continue
        in_margin = ln["top"] < s.margin_share * height or ln["bottom"] > (1 - s.margin_share) * height
        if _PAGE_NUMBER_RE.match(t) and (in_margin or k in (0, last)):
            continue
        ln["margin"] = in_margin and k in (0, 1, last - 1, last)
        out.append(ln)
    return out


def _drop_repeated_margins(lines_by_page: list[tuple[int, list[dict]]], s: PdfSettings
                           ) -> list[tuple[int, list[dict]]]:
    """Running headers/footers with text ("XX局2024年部门预算"): a line in the top or bottom margin
    printed identically on 3+ pages and 40%+ of the pages. (Page numbers: _RUNNING_RE; table
    numbers like "公开01表" differ from page to page and stay.)"""
    pages = len(lines_by_page)
    if pages < s.running_pages:
        return lines_by_page
    counts: dict[str, int] = {}
    for _, lines in lines_by_page:
        for key in {ln["text"].replace(" ", "") for ln in lines if ln.get("margin")}:
            counts[key] = counts.get(key, 0) + 1
    running = {k for k, n in counts.items() if n >= s.running_pages and n >= s.running_share * pages}
    if not running:
        return lines_by_page
    return [(num, [ln for ln in lines
                   if not (ln.get("margin") and ln["text"].replace(" ", "") in running)])
            for num, lines in lines_by_page]


def _context_lines(lines: list[dict], table_top: float, floor: float, s: PdfSettings) -> list[int]:
    """Indices of the title/unit/department lines just above a table (nearest first, then reversed)."""
    picked: list[int] = []
    edge = table_top
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        if ln["bottom"] > table_top + 1 or ln["top"] < floor:
            continue
        if edge - ln["bottom"] > max(s.context_gap * ln["size"], s.context_gap_min):
            break
        text = ln["text"]
        if len(text) > s.context_max_len or text.endswith(_SENTENCE_END):
            break
        titled = _CONTEXT_RE.search(text) or any(rx.match(text) for _, rx in _HEADING_RES)
        # a wrapped title/department fragment is short; "…包括：" introduces the table from the prose
        if not titled and (len(text) > s.fragment_max_len or text.endswith(("：", ":"))):
            break
        picked.append(i)
        edge = ln["top"]
        if len(picked) >= s.context_max_lines:
            break
    return sorted(picked)


# --- lines -> blocks ----------------------------------------------------------

def heading_level(text: str, s: PdfSettings = SETTINGS) -> int | None:
    """0 for 第一部分, 1 for 一、, 2 for （一）; None for body text."""
    t = text.strip()
    if len(t) > s.heading_max_len or "。" in t:
        return None
    for level, rx in _HEADING_RES:
        if rx.match(t):
            return level
    return None


def _starts_item(text: str) -> bool:
    return any(rx.match(text) for _, rx in _HEADING_RES) or bool(
        re.match(r"^(?:\d{1,2}\s*[、．.](?!\d)|[（(]\d{1,2}[)）])", text))


def lines_to_blocks(lines_by_page: list[tuple[int, list[dict]]], file: str, s: PdfSettings = SETTINGS
                    ) -> list[Block]:
    """Re-join wrapped lines into paragraphs; mark headings; carry the nearest heading as section."""
    paragraphs: list[list] = []  # [page, text, first_on_page, last_on_page]
    for number, lines in lines_by_page:
        if not lines:
            continue
        left = min(ln["x0"] for ln in lines)
        right = max(ln["x1"] for ln in lines)
        page_paras: list[str] = []
        cur: str | None = None
        prev = None
        for ln in lines:
            text = ln["text"].strip()
            if not text:
                continue
            new = cur is None
            if prev is not None and not new:
                size = max(prev["size"], s.size_floor)
                gap = ln["top"] - prev["bottom"]
                prev_short = prev["x1"] < right - s.short_line * size
                indented = ln["x0"] > left + s.indent * size
                # a short line ends its paragraph only when it ends a sentence or is a heading:
                # justified CJK text often stops early before a figure that did not fit
                ended = prev["text"].rstrip().endswith(_SENTENCE_END + ("：", ":", "）", ")")) \
                    or heading_level(prev["text"], s) is not None
                new = (prev_short and ended) or indented or gap > s.paragraph_gap * size or _starts_item(text)
            if new:
                if cur:
                    page_paras.append(cur)
                cur = text
            else:
                cur = _join(cur, text)
            prev = ln
        if cur:
            page_paras.append(cur)
        # the page's last line runs to the right margin: its paragraph may go on overleaf
        runs_on = prev is not None and prev["x1"] >= right - s.short_line * max(prev["size"], s.size_floor)
        for k, text in enumerate(page_paras):
            paragraphs.append([number, text, k == 0, k == len(page_paras) - 1 and runs_on])
    # a paragraph running over a page break: the page's last paragraph stops mid-sentence
    merged: list[list] = []
    for para in paragraphs:
        if merged:
            last = merged[-1]
            if (para[2] and last[3] and para[0] == last[0] + 1
                    and not last[1].endswith(_SENTENCE_END + ("：", ":"))
                    and heading_level(last[1], s) is None and heading_level(para[1], s) is None
                    and not _starts_item(para[1])):
                last[1] = _join(last[1], para[1])
                last[3] = para[3]
                continue
        merged.append(list(para))
    out: list[Block] = []
    stack: list[tuple[int, str]] = []
    for number, text, _, _ in merged:
        level = heading_level(text, s)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            out.append(Block(text=text, page=number, section=parent, heading=True, file=file))
            stack.append((level, text))
        else:
            out.append(Block(text=text, page=number, section=stack[-1][1] if stack else None,
                             heading=False, file=file))
    return out
