"""What a check used, as data, and its words: the one place evidence becomes Chinese.

A check row carries an evidence: what it says (a key of data/evidence_words.yaml, grouped by
rule) and its terms: the table cells it used (`cell`: table, title, page, row, column, label,
value, unit), the claims it quotes (`quote`), whole tables (`table`), figures (Decimal), words
(str), counts (int), lists of these, or another evidence. The HTML report, the notebooks and
findings.json read the terms (`to_json`); `render` turns an evidence into the sentence an
auditor reads, at the edge (findings.build), and nowhere else.

Evidence is plain data on purpose: a document's check rows carry hundreds of cells from the
worker that makes them to the one that writes them, and plain tuples, lists and dicts are made
and pickled at C speed. An evidence is a dict {"says": key, **terms}; a cell, a quote and a
table are tuples tagged by their first item.

Templates are str.format fields with two additions: a list's format spec is "prefix|separator"
(or just the separator; an empty list prints nothing, prefix included) and the conversion `!v`
prints a cell's figure alone ("{parts!v: + }" -> "1.00 + 2.50").
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from string import Formatter
from typing import Any, Iterator


from auditor.numbers import fmt

CELL, QUOTE, TABLE = "cell", "quote", "table"
# a table: (TABLE, index in its document, title, pages, unit, file, doc: set when another document's)
INDEX, TITLE, PAGES, UNIT, FILE, DOC = range(1, 7)
# a cell: (CELL, its table, row, column index or None, row label, column path, value)
OF, ROW, COL, LABEL, COLUMN, VALUE = range(1, 7)


def table(index: int, title: str, pages: tuple = (), unit: str | None = None, file: str = "",
          doc: str | None = None) -> tuple:
    """A table (named 《…》): the document's `index`-th. `doc` is set when it is another document's."""
    return (TABLE, index, title, pages, unit, file, doc)


def table_of(t) -> tuple:
    """A model.Table as an evidence term, made once per table (its cells share it)."""
    ref = t.__dict__.get("_ref")
    if ref is None:
        ref = t.__dict__["_ref"] = table(t.index, t.title, tuple(t.pages), t.unit, t.file)
    return ref


def cell(of: tuple, row: int, col: int | None, label: str, column: str, value: Decimal | None) -> tuple:
    """One table cell an evidence cites: its table (a `table` term), row, column, label and figure."""
    return (CELL, of, row, col, label, column, value)


def in_document(c: tuple, doc: str) -> tuple:
    """The same cell or table, named as another document's (the previous year's)."""
    if c[0] == TABLE:
        return c[:DOC] + (doc,)
    return (CELL, c[OF][:DOC] + (doc,)) + c[ROW:]


def quote(text: str, claim: str | None = None) -> tuple:
    """A claim's own words (quoted 「…」), and its id."""
    return (QUOTE, text, claim)


def says(key: str, /, **terms) -> dict:
    """An evidence that says `key` (a template of data/evidence_words.yaml) about `terms`."""
    terms["says"] = key
    return terms


@lru_cache(maxsize=None)
def words() -> dict:
    """data/evidence_words.yaml, flattened to {"rule.case": template}."""
    from auditor.data import read as read_data

    flat = {}
    for key, value in read_data("evidence_words.yaml").items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


@lru_cache(maxsize=None)
def _compiled(key: str) -> tuple:
    """A template as (literal, field, conversion, prefix, separator) pieces, parsed once."""
    pieces = []
    for literal, field, spec, conv in Formatter().parse(words()[key]):
        prefix, _, sep = (spec or "").rpartition("|")
        pieces.append((literal, field, conv, prefix, sep))
    return tuple(pieces)


def render(e: dict | str | None) -> str:
    """The sentence an auditor reads for an evidence."""
    if e is None:
        return ""
    if type(e) is str:
        return e
    out = []
    for literal, field, conv, prefix, sep in _compiled(e["says"]):
        out.append(literal)
        if field is not None:
            out.append(_term(e[field], conv, prefix, sep))
    return "".join(out)


def _term(x: Any, conv: str | None = None, prefix: str = "", sep: str = "") -> str:
    kind = type(x)
    if kind is str:
        return x
    if kind is Decimal:
        return fmt(x)
    if kind is tuple:
        tag = x[0]
        if tag == CELL:
            if conv == "v":
                return fmt(x[VALUE]) if x[VALUE] is not None else words()["cell_blank"]
            return render_cell(x)
        if tag == QUOTE:
            return "「" + x[1] + "」"
        return "《" + x[TITLE] + "》"
    if kind is dict:
        return render(x)
    if kind is list:
        if not x:
            return ""
        return prefix + sep.join([_term(v, conv) for v in x])
    if x is None:
        return ""
    return str(x)


def render_cell(c: tuple) -> str:
    """《title》第p页「label」行「column」列 = value unit (no 「」行 for a row without a label)."""
    w, t = words(), c[OF]
    where = w["cell_page"].replace("{pages}", ",".join(str(p) for p in t[PAGES])) if t[PAGES] else ""
    shown = w["cell_blank"] if c[VALUE] is None else fmt(c[VALUE]) + (t[UNIT] or "")
    row = f"「{c[LABEL]}」行" if c[LABEL] else ""  # a table of one unlabelled row: its column alone
    return f"《{t[TITLE]}》{where}{row}「{c[COLUMN] or w['cell_any_column']}」列 = {shown}"


def refs(e: Any) -> Iterator[tuple]:
    """Every cell and table of an evidence, in the order its terms hold them."""
    kind = type(e)
    if kind is tuple:
        if e[0] in (CELL, TABLE):
            yield e
    elif kind is dict:
        for k, v in e.items():
            if k != "says":
                yield from refs(v)
    elif kind is list:
        for v in e:
            yield from refs(v)


def cells(e: Any) -> list[tuple]:
    return [r for r in refs(e) if r[0] == CELL]


def to_json(e: dict | str | None, memo: dict | None = None) -> tuple[list[dict], list[dict], dict | None]:
    """An evidence as plain JSON data: (the tables it cites, its cells, its formula).

    A table is {"table": its index in the document, "title", "pages", "unit", "file"} (plus "doc"
    when it is another document's); a cell {"table", "row", "col", "label", "column", "value"}
    (plus "doc"); the formula {"says", "terms"}, where a cell is {"cell": i} (its place in the cells
    list), a table {"table": its index}, a quoted claim {"quote", "claim"}, a figure its printed text.

    `memo`: a dict kept across the evidences of one document, where each table and cell is made into
    its JSON dict once and then shared by every evidence that cites it (a cell is cited by several
    checks; the dicts are data to read, never changed)."""
    if e is None or type(e) is str:
        return [], [], None
    if memo is None:
        memo = {}
    tables, cells, index, seen = [], [], {}, set()

    def table(t: tuple) -> int:
        if t not in seen:
            seen.add(t)
            d = memo.get(t)
            if d is None:
                d = memo[t] = {"table": t[INDEX], "title": t[TITLE], "pages": list(t[PAGES]), "unit": t[UNIT],
                               "file": t[FILE] or None}
                if t[DOC]:
                    d["doc"] = t[DOC]
            tables.append(d)
        return t[INDEX]

    def term(x: Any):
        kind = type(x)
        if kind is tuple:
            tag = x[0]
            if tag == CELL:
                i = index.get(x)
                if i is None:
                    i = index[x] = len(cells)
                    d = memo.get(x)
                    if d is None:
                        of, value = x[OF], x[VALUE]
                        d = memo[x] = {"table": table(of), "row": x[ROW], "col": x[COL], "label": x[LABEL],
                                       "column": x[COLUMN], "value": None if value is None else fmt(value)}
                        if of[DOC]:
                            d["doc"] = of[DOC]
                    else:
                        table(x[OF])
                    cells.append(d)
                return {"cell": i}
            if tag == TABLE:
                return {"table": table(x)}
            return {"quote": x[1], "claim": x[2]}
        if kind is list:
            return [term(v) for v in x]
        if kind is dict:
            return formula(x)
        if kind is Decimal:
            return fmt(x)
        return x

    def formula(f: dict) -> dict:
        terms = {}
        for k, v in f.items():
            if k != "says":
                terms[k] = v if type(v) is str else term(v)
        return {"says": f["says"], "terms": terms}

    return tables, cells, formula(e)
