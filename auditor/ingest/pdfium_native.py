"""The native helper of the PDFium reader: a page's objects and a text page's characters in
one call each.

`pdfium_chars.c` is plain C linked against nothing: it is handed the addresses of the PDFium
functions pypdfium2 loaded and fills arrays for all characters of a text page (`text_chars()`)
and all objects of a page, with a record for each path (`page_objects()`), with the calls
auditor/ingest/pdf_pdfium.py otherwise makes one by one through ctypes, ~2,800 instructions
each (three per character, four per run of one text object, two per page object, seven per
path).

Built by scripts/setup.sh (`python -m auditor.ingest.pdfium_native build`) into
`_pdfium_chars.so` beside the source. A library is used only when it says it was built from
this very source (a hash of it, compiled in). When the one beside the source is missing, stale
or cannot be loaded, the one in the user cache (`$XDG_CACHE_HOME/auditor`, else
~/.cache/auditor) is used, built there first if a C compiler is on PATH, atomically: a copy
installed without the set-up's build, or a work tree made after it, still gets it, once per
machine and source. Without any, or with AUDITOR_NATIVE=0, both functions return None and the
reader makes the calls itself: the same objects, only slower.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import shutil
import subprocess
import struct
import sys
from array import array
from pathlib import Path

import pypdfium2.raw as R

from auditor import user_cache

__all__ = ["text_chars", "page_objects", "library", "build", "source_hash"]

log = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("pdfium_chars.c")
BESIDE = Path(__file__).with_name("_pdfium_chars.so")
ENV = "AUDITOR_NATIVE"  # "0": never use the native helper

# the PDFium functions handed to the library, in the order pdfium_chars.c takes them
_FUNCTIONS = (R.FPDFText_GetTextObject, R.FPDFText_IsGenerated, R.FPDFText_GetCharOrigin,
              R.FPDFText_GetMatrix, R.FPDFText_GetFontSize, R.FPDFText_GetFillColor,
              R.FPDFTextObj_GetFont, R.FPDFPage_GetObject, R.FPDFPageObj_GetType,
              R.FPDFPath_CountSegments, R.FPDFPath_GetPathSegment, R.FPDFPageObj_GetMatrix,
              R.FPDFPath_GetDrawMode, R.FPDFPageObj_GetStrokeColor, R.FPDFPageObj_GetFillColor)
# pdfium_chars.c's struct path: first and last segment, segments, has matrix, matrix (a-f),
# fill mode, stroke, has stroke colour, stroke RGBA, has fill colour, fill RGBA
PATH = struct.Struct("=QQii6fiii4Ii4I")
_P = ctypes.c_void_p
_state: dict = {}  # "lib": the entry points or None, "path": the library they came from, "fns": PDFium's


def source_hash() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]


def build(dest: Path = BESIDE) -> Path:
    """Compile pdfium_chars.c into `dest`, atomically (a finished library or none)."""
    cc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if cc is None:
        raise OSError("no C compiler on PATH")
    with user_cache.replacing(dest) as tmp:
        subprocess.run([cc, "-O2", "-shared", "-fPIC", f'-DAUDITOR_SOURCE_HASH="{source_hash()}"',
                        "-o", str(tmp), str(SOURCE)], check=True, capture_output=True)
        os.chmod(tmp, 0o755)
    return dest


def _load(path: Path, want: str):
    """The library's entry points (text chars, page objects), if `path` is a library built from
    this source; else None."""
    try:
        lib = ctypes.CDLL(str(path))
        lib.auditor_source_hash.restype = ctypes.c_char_p
        if lib.auditor_source_hash().decode() != want:
            log.debug("%s is stale (built from another source)", path)
            return None
        chars, objects = lib.auditor_text_chars, lib.auditor_page_objects
    except (OSError, AttributeError, UnicodeDecodeError) as e:
        log.debug("cannot load %s: %s", path, e)
        return None
    chars.restype = objects.restype = ctypes.c_int
    chars.argtypes = [_P, _P, ctypes.c_int] + [_P] * 10
    objects.argtypes = [_P, _P, ctypes.c_int, _P, _P, ctypes.c_int, _P]
    return chars, objects


def library():
    """The native entry points (text_chars, page_objects), loaded once per process: the library
    beside the source, else the one in the user cache, else one built there now; None if none
    of them can be had (or AUDITOR_NATIVE=0)."""
    if "lib" in _state:
        return _state["lib"]
    lib = path = None
    want = None
    if os.environ.get(ENV, "1") != "0":
        try:
            want = source_hash()
        except OSError as e:
            log.debug("cannot read %s: %s", SOURCE, e)
    if want is not None:
        root = user_cache.folder()
        cached = root / f"pdfium_chars-{want}.so" if root is not None else None
        for path in (BESIDE, cached):
            lib = _load(path, want) if path is not None and path.exists() else None
            if lib is not None:
                break
        else:
            path = cached
            if cached is not None:  # (None: no home to keep a built library in)
                try:
                    lib = _load(build(cached), want)
                except (OSError, subprocess.SubprocessError) as e:
                    log.debug("cannot build the native helper: %s", e)
    _state.update(lib=lib, path=path if lib is not None else None,
                  fns=(ctypes.c_void_p * len(_FUNCTIONS))(
                      *(ctypes.cast(f, ctypes.c_void_p).value for f in _FUNCTIONS)))
    return lib


def text_chars(tp: int, n: int):
    """What PDFium says of each of the n characters of text page `tp` (its address), as
    (text objects, origin x, origin y, generated, has matrix, matrices, sizes, fonts, has fill,
    colours): arrays of n entries (iterated directly: cheaper than lists made of them), the
    matrices as bytes (16 a character: a, b, c, d as floats) and the colours too (12 a character:
    R, G, B as uints); None without the native helper."""
    lib = library()
    if lib is None:
        return None
    objects, fonts = array("Q", bytes(8 * n)), array("Q", bytes(8 * n))
    xs, ys, sizes = array("d", bytes(8 * n)), array("d", bytes(8 * n)), array("d", bytes(8 * n))
    generated, has_matrix, has_fill = (array("i", bytes(4 * n)) for _ in range(3))
    matrices, rgbs = array("f", bytes(16 * n)), array("I", bytes(12 * n))
    a = [v.buffer_info()[0] for v in (objects, xs, ys, generated, has_matrix, matrices, sizes,
                                      fonts, has_fill, rgbs)]
    if lib[0](_state["fns"], tp, n, *a) != n:
        return None
    return (objects, xs, ys, generated, has_matrix,
            matrices.tobytes(), sizes, fonts, has_fill, rgbs.tobytes())


def page_objects(page, n: int):
    """The n objects of page `page` (its handle), their types (FPDF_PAGEOBJ_*), and for the
    paths among them what PDFium says of each (PATH records of 96 bytes, one per object, as
    bytes); None without the native helper."""
    lib = library()
    if lib is None:
        return None
    objects, types = array("Q", bytes(8 * n)), array("i", bytes(4 * n))
    paths = array("B", bytes(PATH.size * n))
    if lib[1](_state["fns"], page, n, objects.buffer_info()[0], types.buffer_info()[0],
              R.FPDF_PAGEOBJ_PATH, paths.buffer_info()[0]) != n:
        return None
    return objects.tolist(), types.tolist(), paths.tobytes()


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m auditor.ingest.pdfium_native build")
    print(build())
