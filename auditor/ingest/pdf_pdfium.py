"""PDF pages read by PDFium (pypdfium2) as pdfplumber pages, without pdfminer.

pdfplumber's table finder and word extraction work on a page's objects: dicts of characters,
rects, lines and curves in pdfplumber's coordinates. PdfiumPage is a pdfplumber Page whose
objects come from PDFium instead of pdfminer's interpreter, made the way pdfminer and
pdfplumber make them, so `find_tables`, `extract_words`, `crop` and `filter` give the same
answers:

- characters in content-stream order (the order of their text objects), each with pdfminer's
  box: from its origin along its advance, from the font's descent up one font size (PDFium's
  own "loose" box runs from descent to ascent instead), the page's /Rotate applied;
- paths split into subpaths and sorted into lines, rects and curves by pdfminer's rules (a
  closed axis-aligned 4-segment subpath is a rect, one segment a line), with their stroke and
  fill and their colours (RGB, 0-1), form XObjects followed;
- everything in pdfplumber's frame: top-left origin, `top`/`bottom`/`doctop`.

Characters PDFium generates (spaces and line breaks it infers) are left out: pdfminer has
only the ones the content draws.
"""
from __future__ import annotations

import ctypes
import re
import struct
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as R
from pdfplumber.page import Page

__all__ = ["PdfiumDocument", "PdfiumPage"]

_US_LETTER = (0.0, 0.0, 612.0, 792.0)  # pdfminer's MediaBox when a page has none
_SUBPATH = re.compile(r"m[^m]+")
_pack = struct.Struct("f").pack


class PdfiumPage(Page):
    """A pdfplumber Page whose objects were read by PDFium (no pdfminer behind it)."""

    def __init__(self, page_number: int, mediabox: tuple, rotation: int, objects: dict,
                 initial_doctop: float = 0.0):
        self.pdf = None
        self.root_page = self
        self.page_obj = None
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = rotation
        self.mediabox = self.cropbox = self.bbox = mediabox
        self._source = objects
        self.get_textmap = lru_cache()(self._get_textmap)

    @property
    def objects(self) -> dict:
        return self._source

    def close(self) -> None:
        self._source = {}
        super().close()


class PdfiumDocument:
    """One PDF opened by PDFium; `page(i)` reads page i (0-based) into a PdfiumPage."""

    def __init__(self, source: str | Path | bytes):
        self._pdf = pdfium.PdfDocument(source if isinstance(source, bytes) else Path(source))
        self._doctop = 0.0
        self._next = 0

    def __len__(self) -> int:
        return len(self._pdf)

    def page(self, index: int) -> PdfiumPage:
        """Page `index`; pages are read in order (each page's doctop follows the previous one's)."""
        raw = R.FPDF_LoadPage(self._pdf.raw, index)
        if not raw:
            raise pdfium.PdfiumError(f"cannot load page {index + 1}")
        try:
            page = _page_to_plumber(raw, index + 1, self._doctop if index == self._next else None)
        finally:
            R.FPDF_ClosePage(raw)
        self._doctop = page.initial_doctop + page.height
        self._next = index + 1
        return page

    def close(self) -> None:
        self._pdf.close()


# --- one page ------------------------------------------------------------------

def _page_to_plumber(raw, number: int, doctop: float | None) -> PdfiumPage:
    rotation = R.FPDFPage_GetRotation(raw) * 90
    box = [ctypes.c_float() for _ in range(4)]
    if R.FPDFPage_GetMediaBox(raw, *box):
        x0, y0, x1, y1 = (_decimal(v.value) for v in box)
    else:
        x0, y0, x1, y1 = _US_LETTER
    # pdfminer's device matrix for the page (its /Rotate applied) ...
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    # ... and pdfplumber's box for it (top-left origin)
    lo_x, hi_x = sorted((x0, x1))
    lo_y, hi_y = sorted((y0, y1))
    if rotation in (90, 270):
        lo_x, lo_y, hi_x, hi_y = lo_y, lo_x, hi_y, hi_x
    mb_height = hi_y - lo_y
    mediabox = (lo_x, mb_height - hi_y, hi_x, mb_height - lo_y)
    frame = _Frame(mediabox, doctop or 0.0, number)
    order: dict[int, int] = {}
    objects: dict[str, list] = {}
    _walk_objects(raw, ctm, frame, order, objects)
    chars = _chars(raw, ctm, frame, order)
    if chars:
        objects["char"] = chars
    return PdfiumPage(number, mediabox, rotation, objects, frame.doctop)


class _Frame:
    """pdfminer's page coordinates (bottom-left origin, rotation applied) -> pdfplumber's."""

    __slots__ = ("x_shift", "height", "top_shift", "doctop", "page_number")

    def __init__(self, mediabox: tuple, doctop: float, page_number: int):
        self.x_shift = mediabox[0]
        self.height = mediabox[3] - mediabox[1]
        self.top_shift = mediabox[1]
        self.doctop = doctop
        self.page_number = page_number

    def box(self, kind: str, x0: float, y0: float, x1: float, y1: float) -> dict:
        top = self.height - y1 + self.top_shift
        bottom = self.height - y0 + self.top_shift
        return {"object_type": kind, "page_number": self.page_number,
                "x0": x0 + self.x_shift, "y0": y0, "x1": x1 + self.x_shift, "y1": y1,
                "width": x1 - x0, "height": y1 - y0,
                "top": top, "bottom": bottom, "doctop": self.doctop + top}

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (self.x_shift + x, self.top_shift + self.height - y)


def _decimal(x: float) -> float:
    """A number PDFium holds in single precision as the shortest decimal it stands for: 365.72
    read as 365.7200012 is 365.72 again. Sums of such numbers then come out as pdfminer's (from
    the printed decimals, in double precision) do, down to a gap of exactly x_tolerance."""
    p = _pack(x)
    for fmt in ("%.6g", "%.7g", "%.8g"):
        y = float(fmt % x)
        if _pack(y) == p:
            return y
    return x


def _mult(m1: tuple, m0: tuple) -> tuple:
    """pdfminer's mult_matrix: m1 applied first, then m0."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _matrix(obj) -> tuple:
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return tuple(_decimal(v) for v in (m.a, m.b, m.c, m.d, m.e, m.f))


def _color(getter, handle) -> tuple | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(handle, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


# --- paths -----------------------------------------------------------------------

def _walk_objects(raw_page, ctm: tuple, frame: _Frame, order: dict[int, int], objects: dict) -> None:
    """Paths into `objects` (rect/line/curve lists, in content order); every text object's
    place in the content into `order`, forms followed."""
    stack = [(R.FPDFPage_CountObjects(raw_page), lambda i: R.FPDFPage_GetObject(raw_page, i), ctm, 0)]
    while stack:
        count, get, outer, i = stack.pop()
        while i < count:
            obj = get(i)
            i += 1
            kind = R.FPDFPageObj_GetType(obj)
            if kind == R.FPDF_PAGEOBJ_TEXT:
                order[ctypes.cast(obj, ctypes.c_void_p).value] = len(order)
            elif kind == R.FPDF_PAGEOBJ_PATH:
                _path_objects(obj, _mult(_matrix(obj), outer), frame, objects)
            elif kind == R.FPDF_PAGEOBJ_FORM:
                stack.append((count, get, outer, i))  # resume here after the form
                form = obj
                stack.append((R.FPDFFormObj_CountObjects(form),
                              lambda j, form=form: R.FPDFFormObj_GetObject(form, j),
                              _mult(_matrix(form), outer), 0))
                break


def _path_objects(obj, m: tuple, frame: _Frame, objects: dict) -> None:
    """One path object -> pdfminer's LTLine/LTRect/LTCurve per subpath, as pdfplumber dicts."""
    a, b, c, d, e, f = m
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    n = R.FPDFPath_CountSegments(obj)
    bezier = 0
    start = None
    for j in range(n):
        seg = R.FPDFPath_GetPathSegment(obj, j)
        R.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = _decimal(x.value), _decimal(y.value)
        pt = (a * px + c * py + e, b * px + d * py + f)
        kind = R.FPDFPathSegment_GetType(seg)
        if kind == R.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier < 3:  # control points: pdfminer keeps the end point only
                continue
            bezier = 0
            ops.append("c")
        elif kind == R.FPDF_SEGMENT_MOVETO:
            ops.append("m")
            start = pt
        else:
            ops.append("l")
        pts.append(pt)
        if R.FPDFPathSegment_GetClose(seg):
            # PDFium closes a subpath with a line back to its start; pdfminer keeps the 'h'
            if ops[-1] == "l" and pt == start:
                ops[-1] = "h"
            else:
                ops.append("h")
                pts.append(start)
    if not ops:
        return
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    R.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
    width = ctypes.c_float()
    style = {
        "linewidth": width.value if R.FPDFPageObj_GetStrokeWidth(obj, width) else 0.0,
        "stroke": bool(stroke.value),
        "fill": fill_mode.value != R.FPDF_FILLMODE_NONE,
        "evenodd": fill_mode.value == R.FPDF_FILLMODE_ALTERNATE,
        "stroking_color": _color(R.FPDFPageObj_GetStrokeColor, obj),
        "non_stroking_color": _color(R.FPDFPageObj_GetFillColor, obj),
    }
    shape = "".join(ops)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        parts = [(mt.start(), mt.end()) for mt in _SUBPATH.finditer(shape)]
    else:
        parts = [(0, len(shape))]
    for s, t in parts:
        _subpath_object(shape[s:t], pts[s:t], style, frame, objects)


def _subpath_object(shape: str, pts: list, style: dict, frame: _Frame, objects: dict) -> None:
    """pdfminer's PDFLayoutAnalyzer.paint_path for one subpath."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or \
                 (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            kind, pts = "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
        else:
            kind = "curve"
    else:
        kind = "curve"
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    obj = frame.box(kind, min(xs), min(ys), max(xs), max(ys))
    obj.update(style)
    obj["pts"] = [frame.point(px, py) for px, py in pts]
    objects.setdefault(kind, []).append(obj)


# --- characters ----------------------------------------------------------------

def _chars(raw_page, ctm: tuple, frame: _Frame, order: dict[int, int]) -> list[dict]:
    tp = R.FPDFText_LoadPage(raw_page)
    if not tp:
        raise pdfium.PdfiumError("cannot load the page's text")
    try:
        return _textpage_chars(tp, ctm, frame, order)
    finally:
        R.FPDFText_ClosePage(tp)


def _textpage_chars(tp, ctm: tuple, frame: _Frame, order: dict[int, int]) -> list[dict]:
    n = R.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    ra, rb, rc, rd, re_, rf = ctm
    ox, oy = ctypes.c_double(), ctypes.c_double()
    width = ctypes.c_float()
    last_obj = None
    info = None
    keyed: list[tuple[int, int, dict]] = []
    for i in range(n):
        code = R.FPDFText_GetUnicode(tp, i)
        text = chr(code) if code < 0x110000 else "\ufffd"
        if text.isspace() and R.FPDFText_IsGenerated(tp, i):
            continue
        obj = R.FPDFText_GetTextObject(tp, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        if key != last_obj:
            info = _text_object_info(tp, i, obj, ctm)
            last_obj = key
            widths: dict[int, float] = {}
        (a, b, c, d), fs, descent, upright, style, font, _ = info
        R.FPDFText_GetCharOrigin(tp, i, ox, oy)
        adv = widths.get(code)
        if adv is None:
            # the advance from the font's widths (pdfminer's textwidth * fontsize)
            if font and R.FPDFFont_GetGlyphWidth(font, code, ctypes.c_float(fs), width):
                adv = _decimal(width.value)
            else:
                adv = _loose_advance(tp, i, info[6])
            widths[code] = adv
        # pdfminer's LTChar: (0, descent) .. (adv, descent + size) through the char's matrix
        px, py = _decimal(ox.value), _decimal(oy.value)
        e = ra * px + rc * py + re_
        f = rb * px + rd * py + rf
        top_y = descent + fs
        xs = (c * descent + e, a * adv + c * descent + e, a * adv + c * top_y + e, c * top_y + e)
        ys = (d * descent + f, b * adv + d * descent + f, b * adv + d * top_y + f, d * top_y + f)
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        ch = frame.box("char", x0, y0, x1, y1)
        ch["text"] = text
        ch["size"] = y1 - y0
        ch["adv"] = adv
        ch["upright"] = upright
        ch["matrix"] = (a, b, c, d, e, f)
        ch.update(style)
        keyed.append((order.get(key, len(order)), i, ch))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [k[2] for k in keyed]


def _text_object_info(tp, i: int, obj, ctm: tuple) -> tuple:
    """What all characters of one text object share: its matrix with the page rotation applied,
    font size, descent (in text units), upright, colours and font name."""
    m = R.FS_MATRIX()
    if R.FPDFText_GetMatrix(tp, i, m):
        pm = (_decimal(m.a), _decimal(m.b), _decimal(m.c), _decimal(m.d))
    else:
        pm = (1.0, 0.0, 0.0, 1.0)
    a, b, c, d, _, _ = _mult((*pm, 0.0, 0.0), ctm)
    fs = _decimal(R.FPDFText_GetFontSize(tp, i))
    font = R.FPDFTextObj_GetFont(obj)
    desc = ctypes.c_float()
    descent = _decimal(desc.value) if font and R.FPDFFont_GetDescent(font, ctypes.c_float(fs), desc) else 0.0
    if descent > 0:  # pdfminer: /Descent is negative whatever the file says
        descent = -descent
    upright = bool(a * d > 0 and b * c <= 0)
    style = {"fontname": _font_name(font),
             "non_stroking_color": _color(lambda h, *rgba: R.FPDFText_GetFillColor(tp, i, *rgba), None),
             "stroking_color": _color(lambda h, *rgba: R.FPDFText_GetStrokeColor(tp, i, *rgba), None)}
    return (a, b, c, d), fs, descent, upright, style, font, pm


def _loose_advance(tp, i: int, m: tuple) -> float:
    """The advance along the text's x axis from PDFium's loose box (when the font has no width for it)."""
    loose = R.FS_RECTF()
    if not R.FPDFText_GetLooseCharBox(tp, i, loose):
        return 0.0
    a, b = m[0], m[1]
    if abs(a) >= abs(b):
        return (loose.right - loose.left) / abs(a) if a else 0.0
    return (loose.top - loose.bottom) / abs(b)


def _font_name(font) -> str:
    if not font:
        return ""
    size = R.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buf = ctypes.create_string_buffer(size)
    R.FPDFFont_GetBaseFontName(font, buf, size)
    return buf.value.decode("utf-8", "replace")
