"""pdfplumber's word extraction and plain text extraction, the same words in one pass per page.

    extract_words(chars, x_tolerance, y_tolerance)   pdfplumber's WordExtractor(x_tolerance=,
                                                     y_tolerance=).extract_words(chars)
    extract_text(chars)                              pdfplumber's utils.extract_text(chars)

pdfplumber's rules, with its default settings otherwise (blanks split words and are dropped,
no punctuation split, ligatures expanded, text top to bottom and left to right): runs of upright
characters are clustered into lines by `top` (values within y_tolerance of the last one chain
into one line), each line's characters ordered by x0 (ties keep their order), and a word ends
at a blank, or where the next character starts before the last one's x0, more than x_tolerance
after its x1, or more than y_tolerance above or below its top. Each word is pdfplumber's dict.
pdfplumber makes many small lists, generators and calls per character on the way; this makes
one sort per run of upright characters and one dict per word. Characters that are not upright,
a character with no text, and a NaN coordinate go to pdfplumber's own WordExtractor (for that
run; for the whole call with a NaN).
"""
from __future__ import annotations

import functools
import itertools
from operator import itemgetter

__all__ = ["extract_words", "extract_text"]

_UPRIGHT, _TOP = itemgetter("upright"), itemgetter("top")
_X0, _X1, _BOTTOM, _TEXT = itemgetter("x0"), itemgetter("x1"), itemgetter("bottom"), itemgetter("text")
_TEXT_TOLERANCE = 3  # pdfplumber's DEFAULT_X_TOLERANCE and DEFAULT_Y_TOLERANCE (extract_text's)


def extract_words(chars: list[dict], x_tolerance: float, y_tolerance: float) -> list[dict]:
    """pdfplumber's words of `chars` with these tolerances (see the module's docstring)."""
    words: list[dict] = []
    for upright, run in itertools.groupby(chars, _UPRIGHT):
        run = list(run)
        tops = [c["top"] for c in run]
        if not upright or not all(c["text"] and c["x0"] == c["x0"] for c in run) or any(t != t for t in tops):
            words += _plumber(x_tolerance, y_tolerance).extract_words(run)  # (NaN: pdfplumber's sort is its own)
            continue
        for line in _lines(run, tops, y_tolerance):
            word: list[dict] = []
            for c in sorted(line, key=_X0):
                if c["text"].isspace():
                    if word:
                        words.append(_word(word))
                        word = []
                    continue
                x0, top = c["x0"], c["top"]
                if word and (x0 < last_x0 or x0 > last_x1 + x_tolerance or abs(top - last_top) > y_tolerance):
                    words.append(_word(word))
                    word = []
                word.append(c)
                last_x0, last_x1, last_top = x0, c["x1"], top
            if word:
                words.append(_word(word))
    return words


def extract_text(chars: list[dict]) -> str:
    """pdfplumber's utils.extract_text(chars) with its default settings (no layout): the words,
    clustered into lines by `top`, joined by spaces and the lines by line breaks."""
    if not chars:
        return ""
    text = _one_line_text(chars)
    if text is not None:
        return text
    words = extract_words(chars, _TEXT_TOLERANCE, _TEXT_TOLERANCE)
    if len(words) <= 1:
        return words[0]["text"] if words else ""
    tops = [w["top"] for w in words]
    if any(t != t for t in tops):  # NaN (from pdfplumber's words): its clustering
        from pdfplumber.utils.clustering import cluster_objects

        lines = cluster_objects(words, _TOP, _TEXT_TOLERANCE)
    else:
        lines = _lines(words, tops, _TEXT_TOLERANCE)
    return "\n".join(" ".join(w["text"] for w in line) for line in lines)


def _one_line_text(chars: list[dict]) -> str | None:
    """extract_text(chars) when the characters are upright, each with text and no NaN, and all
    on one line (their tops within the tolerance of the least, as _lines tests it): then the
    words' tops are one line too and the text is the words joined by spaces, in x0 order. The
    words are split as extract_words splits them but not made into dicts (a table cell is
    almost always one line). None for any other characters."""
    tol = _TEXT_TOLERANCE
    tops = list(map(_TOP, chars))
    lo, hi = min(tops), max(tops)
    if not (hi - lo <= tol and hi <= lo + tol) or any(t != t for t in tops) \
            or not all(map(_UPRIGHT, chars)) or not all(c["text"] and c["x0"] == c["x0"] for c in chars):
        return None
    ligatures = _ligatures()
    texts: list[str] = []
    word: list[str] = []
    for c in sorted(chars, key=_X0):
        t = c["text"]
        if t.isspace():
            if word:
                texts.append("".join(word))
                word = []
            continue
        x0, top = c["x0"], c["top"]
        if word and (x0 < last_x0 or x0 > last_x1 + tol or abs(top - last_top) > tol):
            texts.append("".join(word))
            word = []
        word.append(ligatures.get(t, t))
        last_x0, last_x1, last_top = x0, c["x1"], top
    if word:
        texts.append("".join(word))
    return " ".join(texts)


def _lines(objs: list[dict], tops: list[float], tolerance: float) -> list[list[dict]]:
    """pdfplumber's cluster_objects(objs, top, tolerance) for tops without NaN: the objects by
    line, each line's in their order. Distinct tops sorted, each within `tolerance` of the one
    before joins its line; all within `tolerance` of the least are one line (checked both ways
    pdfplumber's sums could round)."""
    lo, hi = min(tops), max(tops)
    if hi - lo <= tolerance and hi <= lo + tolerance and (tolerance != 0 or lo == hi):
        return [objs]
    line_of = _clusters(tops, tolerance)
    lines: list[list[dict]] = [[] for _ in range(max(line_of.values()) + 1)]
    for o, top in zip(objs, tops):
        lines[line_of[top]].append(o)
    return lines


def _clusters(values: list[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: each distinct value -> its cluster's number (values
    sorted, one within `tolerance` of the one before joins its cluster)."""
    distinct = sorted(set(values))
    if tolerance == 0 or len(distinct) < 2:
        return {v: k for k, v in enumerate(distinct)}
    out = {}
    k = 0
    last = distinct[0]
    for v in distinct:
        if not v <= last + tolerance:
            k += 1
        out[v] = k
        last = v
    return out


def _word(chars: list[dict]) -> dict:
    """pdfplumber's WordExtractor.merge_chars for upright characters in x0 order."""
    first = chars[0]
    x0 = first["x0"]  # (the characters are in x0 order)
    if len(chars) == 1:
        top, x1, bottom = first["top"], first["x1"], first["bottom"]
        text = _ligatures().get(first["text"], first["text"])
    else:
        top = min(map(_TOP, chars))
        x1 = max(map(_X1, chars))
        bottom = max(map(_BOTTOM, chars))
        text = "".join(map(_TEXT, chars))
        ligatures = _ligatures()
        if not ligatures.keys().isdisjoint(text):
            text = "".join(ligatures.get(c["text"], c["text"]) for c in chars)
    return {"text": text, "x0": x0, "x1": x1, "top": top, "doctop": top + (first["doctop"] - first["top"]),
            "bottom": bottom, "upright": first["upright"], "height": bottom - top, "width": x1 - x0,
            "direction": "ltr"}


@functools.lru_cache(maxsize=1)
def _ligatures() -> dict[str, str]:
    from pdfplumber.utils.text import LIGATURES

    return LIGATURES


@functools.lru_cache(maxsize=8)
def _plumber(x_tolerance: float, y_tolerance: float):
    from pdfplumber.utils.text import WordExtractor

    return WordExtractor(x_tolerance=x_tolerance, y_tolerance=y_tolerance)
