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
only the ones the content draws. PDFium leaves out space glyphs that form a text object of
their own; a glyph without a Unicode value is U+FFFD (pdfminer: "(cid:N)"). Numbers PDFium
holds in single precision are taken as the shortest decimal they stand for (_decimal).

A page's objects (with what PDFium says of each path) and a text page's characters are asked
of PDFium in one call each by a small C helper (auditor/ingest/pdfium_native.py) when it can be
loaded, else one call at a time (_page_objects, _called_path, called_chars): the same answers
either way.
"""
from __future__ import annotations

import ctypes
import re
import struct
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as R
from pdfplumber.page import Page

from auditor.ingest import pdfium_native

__all__ = ["PdfiumDocument", "PdfiumPage"]

_US_LETTER = (0.0, 0.0, 612.0, 792.0)  # pdfminer's MediaBox when a page has none
_SUBPATH = re.compile(r"m[^m]+")
_pack = struct.Struct("f").pack
_FOUR_FLOATS = struct.Struct("=4f").unpack_from
_THREE_UINTS = struct.Struct("=3I").unpack_from
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT, _PATH, _FORM = R.FPDF_PAGEOBJ_TEXT, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM
_MOVE, _LINE, _BEZIER = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO
_BOX_KINDS = (_MOVE, _LINE, _LINE, _LINE, _LINE)  # a rectangle's segments ('re', or m l l l l)


class _Handle(ctypes.c_void_p):
    """A PDFium handle (page, object, segment, font) as ctypes returns it and takes it back:
    a c_void_p subclass is handed over as is, not turned into a Python int and back."""


def _plain(fn, restype):
    """The same PDFium function called without argument types: handles go in as _Handle,
    numbers as C int (c_float / c_size_t where the C side wants those), out-parameters as
    byref() made once. ctypes then converts no argument through a from_param method, which
    halves the cost of the many calls per character and per path segment.

    The calls keep the GIL (PYFUNCTYPE, as ctypes.pythonapi's functions do): each one is a
    short lookup that never calls back into Python, and releasing and taking the GIL back
    cost ~15% of a call's ~3,000 instructions. The long calls, loading a page (pypdfium2's own
    binding) and its text page (`released`), still let other threads run."""
    return ctypes.PYFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)


def _released(fn, restype):
    """_plain, but the GIL is released during the call (CFUNCTYPE): for a long call."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)


_I, _U, _F, _D = ctypes.c_int, ctypes.c_uint, ctypes.c_float, ctypes.c_double


class _C:
    """The PDFium calls made per page, per object, per character and per path segment."""

    count_objects = _plain(R.FPDFPage_CountObjects, _I)
    get_object = _plain(R.FPDFPage_GetObject, _Handle)
    form_count = _plain(R.FPDFFormObj_CountObjects, _I)
    form_object = _plain(R.FPDFFormObj_GetObject, _Handle)
    object_type = _plain(R.FPDFPageObj_GetType, _I)
    object_matrix = _plain(R.FPDFPageObj_GetMatrix, _I)
    fill_color = _plain(R.FPDFPageObj_GetFillColor, _I)
    stroke_color = _plain(R.FPDFPageObj_GetStrokeColor, _I)
    segments = _plain(R.FPDFPath_CountSegments, _I)
    segment = _plain(R.FPDFPath_GetPathSegment, _Handle)
    point = _plain(R.FPDFPathSegment_GetPoint, _I)
    segment_type = _plain(R.FPDFPathSegment_GetType, _I)
    closes = _plain(R.FPDFPathSegment_GetClose, _I)
    draw_mode = _plain(R.FPDFPath_GetDrawMode, _I)
    text_load = _released(R.FPDFText_LoadPage, _Handle)
    text_close = _plain(R.FPDFText_ClosePage, None)
    count_chars = _plain(R.FPDFText_CountChars, _I)
    get_text = _plain(R.FPDFText_GetText, _I)
    unicode = _plain(R.FPDFText_GetUnicode, _U)
    generated = _plain(R.FPDFText_IsGenerated, _I)
    unmapped = _plain(R.FPDFText_HasUnicodeMapError, _I)
    text_object_id = _plain(R.FPDFText_GetTextObject, ctypes.c_void_p)  # an int (None for none)
    origin = _plain(R.FPDFText_GetCharOrigin, _I)
    char_matrix = _plain(R.FPDFText_GetMatrix, _I)
    font_size = _plain(R.FPDFText_GetFontSize, _D)
    char_fill = _plain(R.FPDFText_GetFillColor, _I)
    loose_box = _plain(R.FPDFText_GetLooseCharBox, _I)
    font_id = _plain(R.FPDFTextObj_GetFont, ctypes.c_void_p)  # an int (None for none)
    descent = _plain(R.FPDFFont_GetDescent, _I)
    glyph_width = _plain(R.FPDFFont_GetGlyphWidth, _I)
    font_name = _plain(R.FPDFFont_GetBaseFontName, ctypes.c_size_t)


class _Out:
    """Out-parameters of one page's calls, made once, with their byref()s."""

    def __init__(self):
        self.rgba_block = (_U * 4)()
        self.rgba = tuple(_U.from_buffer(self.rgba_block, k * ctypes.sizeof(_U)) for k in range(4))
        self.rgba_ref = tuple(ctypes.byref(v) for v in self.rgba)
        self.dx, self.dy = _D(), _D()
        self.dxy_ref = (ctypes.byref(self.dx), ctypes.byref(self.dy))
        self.i, self.j = _I(), _I()
        self.ij_ref = (ctypes.byref(self.i), ctypes.byref(self.j))
        self.m = R.FS_MATRIX()
        self.m_ref = ctypes.byref(self.m)
        self.f = _F()
        self.f_ref = ctypes.byref(self.f)


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
        self._fonts: dict = {}  # (font, size) -> (descent, name, advances by char)
        self._runs: dict = {}  # page rotation -> PDFium's answers about a text object -> what its characters share
        self._decimals: dict[float, float] = {}

    def __len__(self) -> int:
        return len(self._pdf)

    def page(self, index: int) -> PdfiumPage:
        """Page `index`; pages are read in order (each page's doctop follows the previous one's)."""
        raw = R.FPDF_LoadPage(self._pdf.raw, index)
        if not raw:
            raise pdfium.PdfiumError(f"cannot load page {index + 1}")
        try:
            handle = _Handle(ctypes.cast(raw, ctypes.c_void_p).value)
            reader = _PageReader(handle, index + 1, self._doctop if index == self._next else 0.0,
                                 self._fonts, self._runs, self._decimals)
            page = reader.page(R.FPDFPage_GetRotation(raw) * 90, _mediabox(raw))
        finally:
            R.FPDF_ClosePage(raw)
        self._doctop = page.initial_doctop + page.height
        self._next = index + 1
        if len(self._decimals) > 200_000:
            self._decimals.clear()
        return page

    def close(self) -> None:
        self._pdf.close()


def _mediabox(raw) -> tuple[float, float, float, float]:
    box = [ctypes.c_float() for _ in range(4)]
    if R.FPDFPage_GetMediaBox(raw, *box):
        return tuple(_decimal(v.value) for v in box)
    return _US_LETTER


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


class _PageReader:
    """One loaded page -> PdfiumPage: its objects in pdfplumber's frame."""

    def __init__(self, handle: _Handle, number: int, doctop: float, fonts: dict, runs: dict, decimals: dict):
        self.handle = handle
        self.number = number
        self.doctop = doctop
        self.fonts = fonts
        self.all_runs = runs
        self.decimals = decimals
        self.order: dict[int, int] = {}  # text object -> its place in the content
        self.objects: dict[str, list] = {}
        self.out = _Out()
        self.matrices: dict[tuple, tuple] = {}  # (PDFium's matrix, the outer one) -> the two applied
        self.colors: dict[bytes, tuple] = {}  # PDFium's RGBA (four C uints) -> pdfplumber's RGB (0-1)

    def dec(self, x: float) -> float:
        d = self.decimals.get(x)
        if d is None:
            d = self.decimals[x] = _decimal(x)
        return d

    def page(self, rotation: int, mediabox: tuple) -> PdfiumPage:
        x0, y0, x1, y1 = mediabox
        # pdfminer's device matrix for the page (its /Rotate applied) ...
        if rotation == 90:
            self.ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 180:
            self.ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 270:
            self.ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            self.ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        # ... and pdfplumber's box for it (top-left origin)
        lo_x, hi_x = sorted((x0, x1))
        lo_y, hi_y = sorted((y0, y1))
        if rotation in (90, 270):
            lo_x, lo_y, hi_x, hi_y = lo_y, lo_x, hi_y, hi_x
        mb_height = hi_y - lo_y
        box = (lo_x, mb_height - hi_y, hi_x, mb_height - lo_y)
        self.x_shift, self.top_shift, self.height = box[0], box[1], box[3] - box[1]
        self.runs = self.all_runs.setdefault(rotation, {})
        self.walk()
        chars = self.chars()
        if chars:
            self.objects["char"] = chars
        return PdfiumPage(self.number, box, rotation, self.objects, self.doctop)

    # --- pdfminer's page coordinates (bottom-left origin, rotation applied) -> pdfplumber's

    def box(self, kind: str, x0: float, y0: float, x1: float, y1: float) -> dict:
        top = self.height - y1 + self.top_shift
        bottom = self.height - y0 + self.top_shift
        return {"object_type": kind, "page_number": self.number,
                "x0": x0 + self.x_shift, "y0": y0, "x1": x1 + self.x_shift, "y1": y1,
                "width": x1 - x0, "height": y1 - y0,
                "top": top, "bottom": bottom, "doctop": self.doctop + top}

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (self.x_shift + x, self.top_shift + self.height - y)

    def matrix(self, obj: _Handle, outer: tuple) -> tuple:
        """The object's matrix (its cm), then `outer`: the matrix from its space to the page's."""
        m = self.out.m
        if not _C.object_matrix(obj, self.out.m_ref):
            return _mult(_IDENTITY, outer)
        key = (m.a, m.b, m.c, m.d, m.e, m.f, outer)
        got = self.matrices.get(key)
        if got is None:
            dec = self.dec
            got = self.matrices[key] = _mult((dec(m.a), dec(m.b), dec(m.c), dec(m.d), dec(m.e), dec(m.f)), outer)
        return got

    def path_matrix(self, facts: tuple, outer: tuple) -> tuple:
        """matrix() for a path, from its PATH record."""
        if not facts[3]:
            return _mult(_IDENTITY, outer)
        key = (*facts[4:10], outer)
        got = self.matrices.get(key)
        if got is None:
            got = self.matrices[key] = _mult(tuple(map(self.dec, facts[4:10])), outer)
        return got

    def rgb(self, facts: tuple, k: int) -> tuple | None:
        """color() from a PATH record: its colour whose flag is field k (R, G, B, A after it)."""
        if not facts[k]:
            return None
        key = facts[k + 1:k + 5]  # (R, G, B, A)
        got = self.colors.get(key)
        if got is None:
            r, g, b, _ = key
            got = self.colors[key] = (r / 255, g / 255, b / 255)
        return got

    # --- paths

    def walk(self) -> None:
        """Paths into `objects` (rect/line/curve lists, in content order); every text object's
        place in the content into `order`; forms followed."""
        n = _C.count_objects(self.handle)
        objs = pdfium_native.page_objects(self.handle, n)
        if objs is None:
            objs = _page_objects(self.handle, n)
        stack = [(objs, self.ctm, 0)]
        order = self.order
        record = pdfium_native.PATH.unpack_from
        size = pdfium_native.PATH.size
        while stack:
            (objs, kinds, paths), outer, i = stack.pop()
            count = len(objs)
            while i < count:
                obj, kind = objs[i], kinds[i]
                i += 1
                if kind == _TEXT:
                    order[obj] = len(order)
                elif kind == _PATH:
                    obj = _Handle(obj)
                    facts = record(paths, size * (i - 1)) if paths is not None else _called_path(obj, self.out)
                    self.path(obj, self.path_matrix(facts, outer), facts)
                elif kind == _FORM:
                    obj = _Handle(obj)
                    stack.append(((objs, kinds, paths), outer, i))  # resume here after the form
                    stack.append((_form_objects(obj), self.matrix(obj, outer), 0))
                    break

    def path(self, obj: _Handle, m: tuple, facts: tuple) -> None:
        """One path object -> pdfminer's LTLine/LTRect/LTCurve per subpath, as pdfplumber dicts."""
        points = _points(obj, facts)
        if len(points) == 5 and self.box_path(facts, points, m):
            return
        a, b, c, d, e, f = m
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        out = self.out
        known = self.decimals
        dec = self.dec
        bezier = 0
        start = None
        for px, py, kind, closes in points:
            if kind == _BEZIER:
                bezier += 1
                if bezier < 3:  # control points: pdfminer keeps the end point only
                    continue
                bezier = 0
                op = "c"
            elif kind == _MOVE:
                op = "m"
            else:
                op = "l"
            px = known.get(px) or dec(px)
            py = known.get(py) or dec(py)
            pt = (a * px + c * py + e, b * px + d * py + f)
            if op == "m":
                start = pt
            ops.append(op)
            pts.append(pt)
            # PDFium closes a subpath ('h') with a line back to its start, marked on that point
            # (so only a point at the start can close it); pdfminer keeps the 'h'
            if pt == start and op != "m" and closes:
                if op == "l":
                    ops[-1] = "h"
                else:
                    ops.append("h")
                    pts.append(start)
        shape = "".join(ops)
        if shape[:1] != "m":
            return
        style = self.style(facts)
        if shape.count("m") > 1:
            for mt in _SUBPATH.finditer(shape):
                self.subpath(shape[mt.start():mt.end()], pts[mt.start():mt.end()], style)
        else:
            self.subpath(shape, pts, style)

    def style(self, facts: tuple) -> dict:
        """A path's paint: stroke and fill (pdfminer's flags) and their colours."""
        fill_mode = facts[10]
        return {
            "stroke": bool(facts[11]),
            "fill": fill_mode != R.FPDF_FILLMODE_NONE,
            "evenodd": fill_mode == R.FPDF_FILLMODE_ALTERNATE,
            "stroking_color": self.rgb(facts, 12),
            "non_stroking_color": self.rgb(facts, 17),
        }

    def box_path(self, facts: tuple, points: list, m: tuple) -> bool:
        """The most common path, one closed axis-aligned box (cell borders and shading), made
        into its rect directly: what path() and subpath() make of it, without their general
        steps. False (nothing made) for any other path of five points."""
        (x0, y0, k0, _), (x1, y1, k1, c1), (x2, y2, k2, c2), (x3, y3, k3, c3), (x4, y4, k4, c4) = points
        if (k0, k1, k2, k3, k4) != _BOX_KINDS or c1 or c2 or c3:
            return False
        a, b, c, d, e, f = m
        known = self.decimals
        dec = self.dec
        x0, y0 = known.get(x0) or dec(x0), known.get(y0) or dec(y0)
        x1, y1 = known.get(x1) or dec(x1), known.get(y1) or dec(y1)
        x2, y2 = known.get(x2) or dec(x2), known.get(y2) or dec(y2)
        x3, y3 = known.get(x3) or dec(x3), known.get(y3) or dec(y3)
        x4, y4 = known.get(x4) or dec(x4), known.get(y4) or dec(y4)
        p0 = (a * x0 + c * y0 + e, b * x0 + d * y0 + f)
        p1 = (a * x1 + c * y1 + e, b * x1 + d * y1 + f)
        p2 = (a * x2 + c * y2 + e, b * x2 + d * y2 + f)
        p3 = (a * x3 + c * y3 + e, b * x3 + d * y3 + f)
        p4 = (a * x4 + c * y4 + e, b * x4 + d * y4 + f)
        # path(): the last point closes the subpath ('mlllh') or not ('mllll'); subpath(): a rect
        # when it ends at its start with its sides on the axes (when its fourth point is the
        # start too, subpath() would drop a point first: left to the general steps)
        if p4 != p0 or p3 == p0:
            return False
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p0, p1, p2, p3
        if not ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or
                (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            return False
        obj_ = self.box("rect", min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2))
        obj_.update(self.style(facts))
        self.objects.setdefault("rect", []).append(obj_)
        return True

    def subpath(self, shape: str, pts: list, style: dict) -> None:
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
        obj = self.box(kind, min(xs), min(ys), max(xs), max(ys))
        obj.update(style)
        if kind == "curve":  # (pdfplumber makes a curve's edges from its points; a rect's and a line's from the box)
            obj["pts"] = [self.point(px, py) for px, py in pts]
        self.objects.setdefault(kind, []).append(obj)

    # --- characters

    def chars(self) -> list[dict]:
        tp = _C.text_load(self.handle)
        if not tp:
            raise pdfium.PdfiumError("cannot load the page's text")
        try:
            return self.text_chars(tp)
        finally:
            _C.text_close(tp)

    def text_chars(self, tp: _Handle) -> list[dict]:
        n = _C.count_chars(tp)
        if n <= 0:
            return []
        buf = (ctypes.c_ushort * (n + 1))()
        got = _C.get_text(tp, 0, n, buf)
        text = bytes(buf)[: 2 * max(got - 1, 0)].decode("utf-16-le", "replace")
        if len(text) != n:  # characters outside the BMP: one call each
            text = "".join(chr(min(_C.unicode(tp, i), 0x10FFFF)) for i in range(n))
        # PDFium's answers for every character in one call (the native helper), else made here
        facts = pdfium_native.text_chars(tp, n)
        if facts is None:
            facts = self.called_chars(tp, text)
        objects, xs, ys, generated = facts[:4]
        ra, rb, rc, rd, re_, rf = self.ctm
        dec = self.dec
        known = self.decimals
        order = self.order
        number, height, x_shift, top_shift, doctop = (self.number, self.height, self.x_shift,
                                                      self.top_shift, self.doctop)
        last_obj = None
        place = last_place = -1
        shuffled = False
        chars: list[dict] = []
        append = chars.append
        runs: list[tuple[int, int]] = []  # (place of the text object in the content, first of its chars)
        flat = rb == 0 and rc == 0  # the page is not turned: a character's y is its origin's alone
        for i, ch, gen, obj, px, y in zip(range(n), text, generated, objects, xs, ys):
            if gen and ch.isspace():
                continue
            if obj != last_obj:
                run = self.text_object(i, facts)
                (a, b, c, d), descent, top_y, axis_aligned, upright, name, color, advs = run[:8]
                same_y = flat and axis_aligned
                last_y = None
                last_obj = obj
                place = order.get(obj, len(order))
                shuffled = shuffled or place < last_place
                last_place = place
                runs.append((place, len(chars)))
            adv = advs.get(ch)
            if adv is None:
                adv, ch = self.advance(tp, i, ch, run)
            # pdfminer's LTChar: (0, descent) .. (adv, descent + size) through the char's matrix
            px = known.get(px) or dec(px)
            if y != last_y or not same_y:  # (characters along one line of a run share their y)
                last_y = y
                py = known.get(y) or dec(y)
                f = rb * px + rd * py + rf
                if axis_aligned:
                    y0 = d * descent + f
                    y1 = d * top_y + f
                    if y1 < y0:
                        y0, y1 = y1, y0
                    top = height - y1 + top_shift
                    bottom = height - y0 + top_shift
                    h = y1 - y0
            e = ra * px + rc * py + re_
            if axis_aligned:
                x0 = e
                x1 = a * adv + e
                if x1 < x0:
                    x0, x1 = x1, x0
            else:
                cx = (c * descent + e, a * adv + c * descent + e, a * adv + c * top_y + e, c * top_y + e)
                cy = (d * descent + f, b * adv + d * descent + f, b * adv + d * top_y + f, d * top_y + f)
                x0, x1, y0, y1 = min(cx), max(cx), min(cy), max(cy)
                top = height - y1 + top_shift
                bottom = height - y0 + top_shift
                h = y1 - y0
            append({"object_type": "char", "page_number": number, "text": ch, "fontname": name,
                    "size": h, "adv": adv, "upright": upright,
                    "x0": x0 + x_shift, "y0": y0, "x1": x1 + x_shift, "y1": y1,
                    "width": x1 - x0, "height": h, "top": top, "bottom": bottom,
                    "doctop": doctop + top, "matrix": (a, b, c, d, e, f), "non_stroking_color": color})
        if shuffled:  # content order: the text objects' order, each object's characters in turn
            ends = [start for _, start in runs[1:]] + [len(chars)]
            pieces = sorted(((place, k), chars[start:end]) for k, ((place, start), end) in enumerate(zip(runs, ends)))
            chars = [c for _, piece in pieces for c in piece]
        return chars

    def called_chars(self, tp: _Handle, text: str) -> tuple:
        """pdfium_native.text_chars made by PDFium's calls one by one, only those text_chars reads:
        whether a space is generated; a kept character's text object and origin; at the first
        character of each run of one text object, what the object shares (its matrix, size, font,
        fill). A failed call leaves the origin the previous character's, as the native one does."""
        n = len(text)
        out = self.out
        objects, fonts = [None] * n, [None] * n
        xs, ys, sizes = [0.0] * n, [0.0] * n, [0.0] * n
        generated, has_matrix, has_fill = [0] * n, [0] * n, [0] * n
        matrices, rgbs = bytearray(16 * n), bytearray(12 * n)
        ox, oy = out.dx, out.dy
        ox_ref, oy_ref = out.dxy_ref
        last = None
        for i, ch in enumerate(text):
            if ch.isspace() and _C.generated(tp, i):
                generated[i] = 1
                continue
            obj = objects[i] = _C.text_object_id(tp, i)
            if obj != last:
                last = obj
                if _C.char_matrix(tp, i, out.m_ref):
                    has_matrix[i] = 1
                    matrices[16 * i:16 * i + 16] = bytes(out.m)[:16]
                sizes[i] = _C.font_size(tp, i)
                fonts[i] = _C.font_id(_Handle(obj))
                if _C.char_fill(tp, i, *out.rgba_ref):
                    has_fill[i] = 1
                    rgbs[12 * i:12 * i + 12] = bytes(out.rgba_block)[:12]
            _C.origin(tp, i, ox_ref, oy_ref)
            xs[i], ys[i] = ox.value, oy.value
        return objects, xs, ys, generated, has_matrix, bytes(matrices), sizes, fonts, has_fill, bytes(rgbs)

    def text_object(self, i: int, facts: tuple) -> tuple:
        """What all characters of one text object share (character i is its first), from PDFium's
        answers in `facts` (text_chars): its matrix with the page rotation applied, descent (in
        text units) and top, whether it is axis-aligned, upright, font name, fill colour, the
        font's advances by character; its font size, font and own matrix. Objects alike in
        PDFium's answers share one tuple (per document)."""
        has_matrix, matrices, sizes, fonts, has_fill, rgbs = facts[4:]
        size, font_id = sizes[i], fonts[i]
        has_matrix, has_fill = has_matrix[i], has_fill[i]
        # (the matrix's a, b, c, d and the fill's R, G, B as PDFium's bytes)
        key = (has_matrix and matrices[16 * i:16 * i + 16], size, font_id, has_fill and rgbs[12 * i:12 * i + 12])
        run = self.runs.get(key)
        if run is not None:
            return run
        font = _Handle(font_id)
        dec = self.dec
        pm = tuple(map(dec, _FOUR_FLOATS(matrices, 16 * i))) if has_matrix else (1.0, 0.0, 0.0, 1.0)
        a, b, c, d, _, _ = _mult((*pm, 0.0, 0.0), self.ctm)
        fs = dec(size)
        known = self.fonts.get((font.value, fs))
        if known is None:
            out = self.out
            descent = dec(out.f.value) if font and _C.descent(font, _F(fs), out.f_ref) else 0.0
            if descent > 0:  # pdfminer: /Descent is negative whatever the file says
                descent = -descent
            known = self.fonts[(font.value, fs)] = (descent, _font_name(font), {})
        descent, name, advs = known
        color = tuple(v / 255 for v in _THREE_UINTS(rgbs, 12 * i)) if has_fill else None
        run = self.runs[key] = ((a, b, c, d), descent, descent + fs, b == 0 and c == 0,
                                 bool(a * d > 0 and b * c <= 0), name, color, advs, fs, font, pm)
        return run

    def advance(self, tp: _Handle, i: int, ch: str, run: tuple) -> tuple[float, str]:
        """(advance, text) of character i, not yet known for its font and size: from the font's
        widths (pdfminer's textwidth * fontsize), else from PDFium's loose box; a glyph without a
        Unicode value (pdfminer: "(cid:N)") is U+FFFD with its advance from the loose box."""
        advs, fs, font, pm = run[7:]
        if _C.unmapped(tp, i):
            return _loose_advance(tp, i, pm), "\ufffd"
        if font and _C.glyph_width(font, ord(ch), _F(fs), self.out.f_ref):
            adv = advs[ch] = self.dec(self.out.f.value)
        else:
            adv = advs[ch] = _loose_advance(tp, i, pm)
        return adv, ch


def _page_objects(page: _Handle, n: int) -> tuple[list, list, None]:
    """pdfium_native.page_objects by PDFium's calls, two per object (a path's record made
    when it is read: _called_path)."""
    objs = [_C.get_object(page, i).value for i in range(n)]
    return objs, [_C.object_type(_Handle(obj)) for obj in objs], None


def _form_objects(form: _Handle) -> tuple[list, list, None]:
    """A form XObject's objects (their handles) and their types, as _page_objects."""
    objs = [_C.form_object(form, ctypes.c_ulong(i)).value for i in range(_C.form_count(form))]
    return objs, [_C.object_type(_Handle(obj)) for obj in objs], None


def _called_path(obj: _Handle, out: _Out) -> tuple:
    """What PDFium says of a path, by its calls one by one: pdfium_native.PATH's fields. (The
    draw mode's out-parameters are left as they were when the call fails, as the native one does.)"""
    n = _C.segments(obj)
    first = last = 0
    if n > 1:
        first, last = _C.segment(obj, 0).value or 0, _C.segment(obj, n - 1).value or 0
    m = out.m
    has_matrix = _C.object_matrix(obj, out.m_ref)
    matrix = (m.a, m.b, m.c, m.d, m.e, m.f) if has_matrix else (0.0,) * 6
    _C.draw_mode(obj, *out.ij_ref)
    colors = []
    for getter in (_C.stroke_color, _C.fill_color):
        got = 1 if getter(obj, *out.rgba_ref) else 0
        colors += (got, *(v.value for v in out.rgba)) if got else (0, 0, 0, 0, 0)
    return (first, last, n, 1 if has_matrix else 0, *matrix, out.i.value, out.j.value, *colors)


def _points(obj: _Handle, facts: tuple) -> list[tuple[float, float, int, int]]:
    """A path's segments: (x, y, type, closes) each, in its own space.

    PDFium hands a segment out as a pointer into the path's array of points (x and y as floats,
    the type and the close flag as bytes: 12 bytes, the types FPDF_SEGMENT_*'s values). When the
    last segment's pointer is where that array puts it, the points are read from it in one go
    instead of four calls per segment; the layout is checked against PDFium's own calls on the
    first path with each kind of segment, and not used again if they differ."""
    first, last, n = facts[:3]
    if n <= 0:
        return []
    if _LAYOUT["ok"] and n > 1:
        if first and last - first == _POINT.size * (n - 1):
            got = list(_POINT.iter_unpack(ctypes.string_at(first, _POINT.size * n)))
            kinds = set(map(_KIND, got))
            if kinds <= _LAYOUT["checked"]:
                return got
            called = _called_points(obj, n)
            if got == called:
                _LAYOUT["checked"] |= kinds
            else:
                _LAYOUT["ok"] = False
            return called
    return _called_points(obj, n)


_POINT = struct.Struct("=ffBBxx")  # PDFium's CFX_Path::Point: x, y, type, close, padding
_KIND = itemgetter(2)
_LAYOUT: dict = {"ok": True, "checked": set()}  # the segment types whose points were read alike both ways


def _called_points(obj: _Handle, n: int) -> list[tuple[float, float, int, int]]:
    """A path's segments by PDFium's calls, four per segment."""
    x, y = _F(), _F()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    out = []
    for j in range(n):
        seg = _C.segment(obj, j)
        _C.point(seg, x_ref, y_ref)
        out.append((x.value, y.value, _C.segment_type(seg), _C.closes(seg)))
    return out


def _loose_advance(tp: _Handle, i: int, m: tuple) -> float:
    """The advance along the text's x axis from PDFium's loose box (when the font has no width for it)."""
    loose = R.FS_RECTF()
    if not _C.loose_box(tp, i, ctypes.byref(loose)):
        return 0.0
    a, b = m[0], m[1]
    if abs(a) >= abs(b):
        return (loose.right - loose.left) / abs(a) if a else 0.0
    return (loose.top - loose.bottom) / abs(b)


def _font_name(font: _Handle) -> str:
    if not font:
        return ""
    size = _C.font_name(font, None, ctypes.c_size_t(0))
    if size <= 0:
        return ""
    buf = ctypes.create_string_buffer(size)
    _C.font_name(font, buf, ctypes.c_size_t(size))
    return buf.value.decode("utf-8", "replace")
