"""Bytes of a text file -> str: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 with BOM, UTF-32.

Never returns mojibake silently: when no encoding decodes the bytes cleanly the
file is reported as an IngestError naming it.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from auditor.model import IngestError

_FALLBACKS = ("gb18030", "big5")


def bytes_to_text(data: bytes, path: str | Path = "") -> str:
    """Decode a text file's bytes; raise IngestError(path, ...) when that is impossible."""
    if not data.strip():
        raise IngestError(path, "empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", path)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00 starts with FF FE
        return _strict(data, "utf-32", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path)
    if b"\x00" in data[:4096]:
        for enc in ("utf-32-le", "utf-32-be"):  # UTF-32 without a byte-order mark: three NULs in four bytes
            if len(data) % 4 == 0 and data[:4096].count(b"\x00") >= len(data[:4096]) // 2:
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if _plausible(text):
                    return text
        raise IngestError(path, "binary data, not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = best.encoding if best is not None else None
    except Exception:  # pragma: no cover - detector failure is not fatal
        guess = None
    # Chinese text: GB18030 is a superset of GBK/GB2312, prefer it for any GB guess.
    # Only CJK encodings are plausible for these documents: a Latin-1/cp1252 "decoding" of
    # GBK bytes is exactly the mojibake we must not produce.
    candidates = []
    if guess:
        g = guess.lower().replace("-", "").replace("_", "")
        if g in {"gbk", "gb2312", "gb18030", "cp936", "hzgb2312"}:
            candidates.append("gb18030")
        elif g in {"big5", "big5hkscs", "cp950", "utf16", "utf32"}:
            candidates.append(guess)
    candidates += [c for c in _FALLBACKS if c not in candidates]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text
    raise IngestError(path, "cannot decode text (not UTF-8, GB18030 or another known encoding)")


def _strict(data: bytes, enc: str, path) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"undecodable bytes for {enc} at offset {exc.start}") from exc


def _plausible(text: str) -> bool:
    """Reject decodings full of control characters or private-use characters (mojibake)."""
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return bad <= max(2, len(text) // 200) and cjk > 0


def read_text_file(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(path, "no such file") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    return bytes_to_text(data, path)
