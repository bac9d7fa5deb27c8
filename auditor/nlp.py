"""The language layer: budget ontology, jieba user dictionary and the spaCy pipeline.

One job: turn text into tokens and concept mentions. Everything is built once
per process and reused (``pipeline()``, ``ontology()``, ``concepts_in()``).

* ``pipeline()`` is ``spacy.blank("zh")`` with the jieba segmenter and the
  domain user dictionary (auditor/data/dictionary.txt), so budget terms such as
  收入总计 or 一般公共预算拨款收入 come out as single tokens.
* ``ontology()`` loads auditor/data/ontology.yaml (concept id -> names, parent,
  codes, side …); ``name_to_concept()`` maps a name to its id.
* ``squeeze(text)`` is the matching form of printed text (NFKC, no spaces,
  quotes or markdown asterisks) with an offset map back to the printed text.
* ``concepts_in(squeezed)`` finds concept mentions, longest name first.
"""
from __future__ import annotations

import gc
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from auditor.data import read as read_data

DATA = Path(__file__).parent / "data"
ONTOLOGY_FILE = DATA / "ontology.yaml"
DICTIONARY_FILE = DATA / "dictionary.txt"

# characters dropped from the matching form: whitespace, quotes, markdown emphasis
_DROP = set(" \t\r\n\u3000\u00a0\u200b“”\"'‘’「」『』*#`")
# the jieba frequency given to domain words: high enough to beat 年收入/总计
_FREQ = 200000


@dataclass(frozen=True)
class Mention:
    concept: str      # concept id
    start: int        # span in the squeezed text
    end: int
    text: str         # the squeezed words


@lru_cache(maxsize=None)
def ontology() -> dict:
    """The parsed ontology.yaml: {"qualifiers": [...], "concepts": {id: {...}}}."""
    data = read_data(ONTOLOGY_FILE)
    for cid, c in data["concepts"].items():
        c.setdefault("names", [cid])
        if cid not in c["names"]:
            c["names"].append(cid)
    return data


def concept(cid: str) -> dict:
    return ontology()["concepts"][cid]


def _key(name: str) -> str:
    return squeeze(name)[0]


@lru_cache(maxsize=None)
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for cid, c in ontology()["concepts"].items():
        for n in c["names"]:
            index.setdefault(_key(n), cid)
    return index


def name_to_concept(name: str) -> str | None:
    """The concept id a name stands for ('机构运转经费' -> '机关运行经费'), or None."""
    return _name_index().get(_key(name))


@lru_cache(maxsize=None)
def _concept_re_reversed() -> re.Pattern:
    names = sorted(_name_index(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n[::-1]) for n in names))


def concepts_in(squeezed: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Concept mentions in squeezed text, matched right to left, longest first.

    Chinese budget terms put qualifiers before the head ("部门预算收入合计",
    "当年一般公共预算拨款支出"), so the name that ends nearest the figure and is
    longest there is the one the words mean: 收入合计, 一般公共预算拨款支出.
    """
    index = _name_index()
    end = len(squeezed) if end is None else end
    rev = squeezed[start:end][::-1]
    out = []
    for m in _concept_re_reversed().finditer(rev):
        name = m.group()[::-1]
        s, e = end - m.end(), end - m.start()
        out.append(Mention(index[name], s, e, name))
    out.reverse()
    return _compose(out)


def _compose(mentions: list[Mention]) -> list[Mention]:
    """Qualifier + concept -> the narrower concept when the ontology has it:
    一般公共预算 + 基本支出(年初预算) -> 一般公共预算基本支出."""
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].end == m.start:
            a = out[-1]
            cid = None
            heads = [m.concept] + [w for w in ("支出", "收入") if w in m.text]
            for head in heads:       # 政府性基金拨款 + 支出(预算) -> 政府性基金支出
                for left in (a.text, a.concept):
                    cid = cid or name_to_concept(left + head)
            if cid and cid not in (a.concept, m.concept):
                out[-1] = Mention(cid, a.start, m.end, a.text + m.text)
                continue
        out.append(m)
    return out


def squeeze(text: str) -> tuple[str, list[int]]:
    """Matching form of printed text and, per character, its offset in ``text``.

    NFKC per character (full-width digits/punctuation to ASCII), dropping
    spaces, quotes and '*' so "318.28 万元" and "2 0 2 3 年" match as printed
    numbers and "“三公”经费" as 三公经费. The map has one extra entry for the end.
    """
    if not text.translate(_IRREGULAR):  # every character stands for one: offsets unchanged
        return text.translate(_SQUEEZED), list(range(len(text) + 1))
    pos = [i for i, ch in enumerate(text) for _ in _SQUEEZED[ord(ch)]]  # one offset per character kept
    pos.append(len(text))
    return text.translate(_SQUEEZED), pos


class _Squeezed(dict):
    """ord(character) -> its matching form ('' when dropped), worked out on first sight (a str.translate table)."""

    def __missing__(self, o: int) -> str:
        ch = chr(o)
        n = "" if ch in _DROP else unicodedata.normalize("NFKC", ch) if o > 127 else ch
        self[o] = out = "".join(c for c in n if c not in _DROP)
        return out


class _Irregular(dict):
    """ord(character) -> None (deleted) when it squeezes to exactly one character, else itself."""

    def __missing__(self, o: int) -> str | None:
        self[o] = out = None if len(_SQUEEZED[o]) == 1 else chr(o)
        return out


_SQUEEZED = _Squeezed()
_IRREGULAR = _Irregular()


def ontology_to_dictionary() -> str:
    """The jieba user dictionary text for the ontology's names (one 'word freq' a line)."""
    words = sorted({_key(n) for c in ontology()["concepts"].values() for n in c["names"]}
                   | {_key(q) for q in ontology().get("qualifiers", [])})
    return "".join(f"{w} {_FREQ}\n" for w in words if len(w) > 1)


def write_dictionary(path: Path = DICTIONARY_FILE) -> None:
    """Regenerate auditor/data/dictionary.txt from the ontology."""
    path.write_text("# generated by auditor.nlp.write_dictionary() from ontology.yaml; do not edit\n"
                    + ontology_to_dictionary(), encoding="utf-8")


@lru_cache(maxsize=None)
def pipeline():
    """The spaCy pipeline (blank zh + jieba + domain dictionary), built once per process."""
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    dict_path = DICTIONARY_FILE if DICTIONARY_FILE.exists() else None
    if dict_path is not None:
        jieba.load_userdict(str(dict_path))
    else:  # pragma: no cover - the file ships with the package
        for line in ontology_to_dictionary().splitlines():
            w, f = line.split()
            jieba.add_word(w, int(f))
    # What is loaded by now (jieba's half-million-word dictionary, spaCy's vocabulary, the imports)
    # lives as long as the process: keep it out of the cyclic collector's generations, so that a
    # full collection (~80 ms with it) does not walk it again and again, and forked workers share it.
    gc.freeze()
    return nlp


def token_bounds(text: str) -> tuple[frozenset, frozenset]:
    """(start offsets, end offsets) of the tokens of one text: the tokenizer only, as
    the blank pipeline has no components to run."""
    from spacy.attrs import IDX, LENGTH

    spans = pipeline().make_doc(text).to_array([IDX, LENGTH]).tolist()
    return frozenset(a for a, _ in spans), frozenset(a + n for a, n in spans)


def tokens(text: str) -> list[str]:
    """Token texts of one text (convenience for tests and debugging)."""
    return [t.text for t in pipeline()(text)]


if __name__ == "__main__":  # python -m auditor.nlp  -> regenerate the dictionary
    write_dictionary()
    print(f"wrote {DICTIONARY_FILE}")
