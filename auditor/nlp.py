"""The language layer: budget ontology, jieba user dictionary and the spaCy pipeline.

One job: turn text into tokens and concept mentions. Everything is built once
per process and reused (``pipeline()``, ``ontology()``, ``concepts_in()``).

* ``pipeline()`` is ``spacy.blank("zh")`` with the jieba segmenter and the
  domain user dictionary (auditor/data/dictionary.txt), so budget terms such as
  收入总计 or 一般公共预算拨款收入 come out as single tokens; jieba's own prefix
  dictionary comes from auditor's cache of it (``load_prefix_dictionary``).
* ``ontology()`` loads auditor/data/ontology.yaml (concept id -> names, parent,
  codes, side …); ``name_to_concept()`` maps a name to its id.
* ``squeeze(text)`` is the matching form of printed text (NFKC, no spaces,
  quotes or markdown asterisks) with an offset map back to the printed text.
* ``concepts_in(squeezed)`` finds concept mentions, longest name first.
"""
from __future__ import annotations

import array
import gc
import hashlib
import re
import struct
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from auditor import user_cache
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
    load_prefix_dictionary(jieba.dt)
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


# --------------------------------------------------------------------------- jieba's prefix dictionary

_CACHE_FORMAT = b"auditor-jieba-prefix-1\n"
_COUNT = struct.Struct("<QQq")  # number of words, bytes of their text, jieba's total frequency


def prefix_cache_path(tokenizer) -> Path | None:
    """Where auditor keeps `tokenizer`'s prefix dictionary: the user's cache folder ($XDG_CACHE_HOME,
    else ~/.cache), one file per jieba version and dictionary file (its path, size and time); None
    when there is no home to keep it in."""
    import jieba

    source = Path(tokenizer.dictionary or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    root = user_cache.folder()
    try:
        st = source.stat()
    except OSError:
        return None
    if root is None:
        return None
    key = hashlib.sha1(f"{jieba.__version__}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    return root / f"jieba-{key[:16]}.bin"


def load_prefix_dictionary(tokenizer) -> str:
    """Give jieba's `tokenizer` its prefix dictionary (half a million words and prefixes with their
    frequencies) before its first use, from auditor's own cache: the words as one UTF-8 text and the
    frequencies as one array of int64. jieba's own cache is a marshal file whose words are interned
    one by one on load, 0.6 s a process; this one loads in ~0.17 s. The first time (or when the file
    is missing, short or from another dictionary) jieba builds the dictionary its own way and the
    cache is written from what it built. Returns "cache", "built" or "jieba" (nothing cached: no home,
    or a word with a line break in it)."""
    if tokenizer.initialized:
        return "jieba"
    path = prefix_cache_path(tokenizer)
    if path is not None and _read_prefix_cache(tokenizer, path):
        return "cache"
    tokenizer.initialize()
    return "built" if path is not None and _write_prefix_cache(tokenizer, path) else "jieba"


def _read_prefix_cache(tokenizer, path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    head = len(_CACHE_FORMAT) + _COUNT.size
    if not data.startswith(_CACHE_FORMAT) or len(data) < head:
        return False
    n, n_text, total = _COUNT.unpack_from(data, len(_CACHE_FORMAT))
    freqs = array.array("q")
    if len(data) != head + n_text + n * freqs.itemsize:
        return False
    words = data[head:head + n_text].decode("utf-8").split("\n") if n else []
    freqs.frombytes(data[head + n_text:])
    if len(words) != n:
        return False
    if sys.byteorder != "little":  # pragma: no cover - written little-endian
        freqs.byteswap()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(zip(words, freqs)), total, True
    return True


def _write_prefix_cache(tokenizer, path: Path) -> bool:
    if any("\n" in w for w in tokenizer.FREQ):
        return False
    text = "\n".join(tokenizer.FREQ).encode("utf-8")
    freqs = array.array("q", tokenizer.FREQ.values())
    if sys.byteorder != "little":  # pragma: no cover
        freqs.byteswap()
    try:
        with user_cache.replacing(path) as tmp, open(tmp, "wb") as fh:
            fh.write(_CACHE_FORMAT + _COUNT.pack(len(tokenizer.FREQ), len(text), tokenizer.total))
            fh.write(text)
            fh.write(freqs.tobytes())
    except OSError:
        return False
    return True


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
