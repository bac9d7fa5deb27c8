"""Damaged PDFs: a file cut off in transfer made readable as far as it goes; streams that
decode with data loss counted.

A truncated file loses its tail: the cross-reference table and the trailer, with some producers
the page tree too. What is left is cut back to its last complete object and given a trailer
naming the document catalog (PDF libraries rebuild the cross-references by scanning the
objects). When the catalog or its page tree is gone as well, `tree=True` appends a new page
tree listing the page objects that survived, in file order.

A bit flipped inside a compressed stream makes it decode short (PDFium reads the page as far
as the stream goes, and says nothing): `broken_streams` inflates every Flate stream of the file
once and counts those that fail or stop before their end.
"""
from __future__ import annotations

import re
import zlib

__all__ = ["is_truncated", "truncated_to_readable", "broken_streams"]

_OBJ = re.compile(rb"(?<![0-9])(\d{1,7})\s+(\d{1,5})\s+obj\b")
_CATALOG = re.compile(rb"/Type\s*/Catalog\b")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_LOOK_BACK = 4096  # a /Type key this far into its object at most
_FLATE = re.compile(rb"/Filter\s*\[?\s*/FlateDecode\b[^>]*>>\s*stream\r?\n")  # Flate first (not after ASCII85)
_ENCRYPTED = re.compile(rb"/Encrypt\s+\d+\s+\d+\s+R|/Encrypt\s*<<")


def is_truncated(tail: bytes) -> bool:
    """The last bytes of a file: no %%EOF marker, so the file was cut off."""
    return b"%%EOF" not in tail


def _owners(data: bytes, key: re.Pattern) -> list[tuple[int, int]]:
    """(number, generation) of the objects in which `key` appears, in file order."""
    out = []
    for m in key.finditer(data):
        heads = list(_OBJ.finditer(data, max(0, m.start() - _LOOK_BACK), m.start()))
        if heads:
            out.append((int(heads[-1].group(1)), int(heads[-1].group(2))))
    return list(dict.fromkeys(out))


def truncated_to_readable(data: bytes, tree: bool = False) -> bytes | None:
    """The complete objects of a truncated PDF with a trailer (and, with `tree`, a new page tree);
    None when nothing usable is left."""
    end = data.rfind(b"endobj")
    if end < 0:
        return None
    data = data[: end + len(b"endobj")]
    if not tree:
        catalogs = _owners(data, _CATALOG)
        if not catalogs:
            return None
        return data + b"\ntrailer\n<< /Root %d %d R >>\n%%%%EOF\n" % catalogs[-1]
    pages = _owners(data, _PAGE)
    if not pages:
        return None
    top = max(int(m.group(1)) for m in _OBJ.finditer(data))
    kids = b" ".join(b"%d %d R" % p for p in pages)
    return (data + b"\n%d 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n" % (top + 1, kids, len(pages))
            + b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (top + 2, top + 1)
            + b"trailer\n<< /Root %d 0 R >>\n%%%%EOF\n" % (top + 2))


def broken_streams(data: bytes) -> int:
    """How many Flate streams of the file fail to inflate or stop short (0 for an encrypted
    file, whose streams only inflate once decrypted)."""
    if _ENCRYPTED.search(data):
        return 0
    view = memoryview(data)
    bad = 0
    for m in _FLATE.finditer(data):
        inflate = zlib.decompressobj()
        try:
            inflate.decompress(view[m.end():], 0)
        except zlib.error:
            bad += 1
            continue
        if not inflate.eof:
            bad += 1
    return bad
