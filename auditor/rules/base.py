"""What every rule is made of: the Rule and Expectation records, a check row, and the
per-document Context the rules share.

A Rule is one unit of the audit: what it applies to, how it finds its evidence and computes
the expected interval (its `check`), its names and one-line summary in Chinese and English,
how a miss is judged, and its example file. Its check rows carry the id of the Expectation
(the rule's face to Great Expectations, and the `rule` of every finding) they are judged by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import zip_longest
from typing import Callable


from auditor.data import read as read_data
from auditor import link
from auditor.evidence import CELL, says, table_of
from auditor.model import Document, Table
from auditor.numbers import Interval, fmt, half_unit_of_place, printed, unit_of_place

CLAIM, CLAIMS, TABLE, TABLES, CORPUS = "claim", "claims", "table", "tables", "corpus"
SCOPES = (CLAIM, CLAIMS, TABLE, TABLES, CORPUS)  # the order the rules of a document run in
INTERVAL, HOLDS = "interval", "holds"


@dataclass(frozen=True)
class Expectation:
    """The face of a family of rules to Great Expectations: one custom expectation (its class in
    expectations/, its entries in expectations/suites/) and the `rule` its findings carry."""

    rule: str                      # the findings' rule id: amount_matches_table
    type: str                      # the GX expectation: expect_amount_to_match_table_cell
    suite: str                     # the suite that holds it
    judged: str                    # INTERVAL: stated against expected interval; HOLDS: a yes/no check
    name: str                      # 中文名
    name_en: str
    summary: str                   # one sentence, Chinese
    summary_en: str
    side: bool = False             # a side check: about the words around a figure (a reason, the printed form),
                                   # never about the figure; it never decides a claim's verdict


@dataclass(frozen=True)
class Rule:
    id: str                        # the module's name
    reports: str                   # the Expectation (findings rule) its rows are judged by
    scope: str                     # CLAIM (each claim of `applies_to`), CLAIMS (a document's claims),
                                   # TABLE (each table), TABLES (a document's tables), CORPUS (across documents)
    applies_to: tuple[str, ...]    # claim kinds (CLAIM) or table types ("*": every table)
    name: str
    name_en: str
    summary: str
    summary_en: str
    levels: str                    # how a miss is judged, in words
    examples: str                  # its example file (claim + tables in, verdict + expected out)
    check: Callable = field(repr=False, compare=False)
    empty_tables: bool = False     # TABLE: runs on the tables published empty (the others, on the rest)

    def applies(self, item) -> bool:
        if self.scope == CLAIM:
            return item.kind in self.applies_to
        if self.scope == TABLE:
            return item.empty == self.empty_tables and ("*" in self.applies_to or item.type in self.applies_to)
        return True


# --------------------------------------------------------------------------- vocabulary

@lru_cache(maxsize=None)
def _vocabulary() -> dict:
    return read_data("rules.yaml")


def vocab(rule: str) -> dict:
    """A rule's words from data/rules.yaml (regular-expression fragments and word lists)."""
    return _vocabulary()[rule]


def pattern(rule: str, name: str) -> re.Pattern:
    """One of a rule's patterns in data/rules.yaml, compiled once; a list is an alternation."""
    return _pattern(rule, name)


@lru_cache(maxsize=None)
def _pattern(rule: str, name: str) -> re.Pattern:
    spec = vocab(rule)[name]
    if isinstance(spec, list):
        spec = "|".join(spec)
    return re.compile(spec)


@lru_cache(maxsize=None)
def table_rules() -> dict:
    return read_data("table_checks.yaml")


# --------------------------------------------------------------------------- check rows

_CENT = Decimal("0.01")
_HALF = Decimal("0.5")


@lru_cache(maxsize=None)  # a handful of precisions
def _unit_float(places: int) -> float:
    return float(unit_of_place(places))


@dataclass
class Row:
    """One check: what was stated, what the evidence gives (an interval computed from rounded
    inputs), and the evidence itself as data. A row with no evidence is 'unverified'. Yes/no
    checks carry `holds` and the `level` a failure means."""

    check_id: str
    doc: str
    scope: str                     # claim | table
    rule: str                      # the Expectation that judges it
    evidence: dict                 # auditor.evidence: what it says and the cells it used
    stated: Decimal | None = None
    unit: str | None = None
    expected: Interval | None = None
    point: Decimal | None = None        # the figure to show as expected (a cell's own value); default: mid
    has_evidence: bool = True
    holds: bool = True
    level: str = "fail"
    cap: str = ""                       # 'warn': a miss here is worth a look, not proof of an error
    claim_kind: str = ""
    subject: str = ""
    page: int | None = None
    section: str = ""
    sentence: str = ""
    text: str = ""
    table: str = ""
    by: str = ""                        # the rule (auditor/rules/<by>.py) that made it

    def as_dict(self) -> dict:
        stated, exp = self.stated, self.expected
        if stated is None:
            shown, st_lo, st_hi, step_f, places, step = "", None, None, None, 2, _CENT
        else:
            shown, places = printed(stated)
            step = unit_of_place(places)
            # counts are whole things: no rounding band
            if self.claim_kind == "count" or (self.claim_kind == "composition" and self.unit not in link.UNIT_IN_YUAN):
                st_lo = st_hi = float(stated)
                step_f = 0.0
            else:
                half = half_unit_of_place(places)
                st_lo, st_hi, step_f = float(stated - half), float(stated + half), _unit_float(places)
        record = {
            "check_id": self.check_id, "doc": self.doc, "scope": self.scope, "rule": self.rule,
            "claim_kind": self.claim_kind, "subject": self.subject, "page": self.page,
            "section": self.section, "sentence": self.sentence, "text": self.text, "table": self.table,
            "stated": shown, "unit": self.unit or "", "stated_lo": st_lo, "stated_hi": st_hi, "step": step_f,
        }
        # the rest set one by one: a literal of more than 16 items is built as two dicts and merged
        record["expected"] = _show(exp, self.point, places, step)
        record["expected_lo"] = float(exp.lo) if exp else None
        record["expected_hi"] = float(exp.hi) if exp else None
        record["has_evidence"] = self.has_evidence
        record["holds"] = self.holds
        record["level"] = self.level
        record["cap"] = self.cap
        record["evidence"] = self.evidence
        record["by"] = self.by
        return record


def miss(row: Row) -> Decimal:
    """How far a row's stated figure is from its expected interval (a contradiction is farthest)."""
    if row.expected is None or row.stated is None:
        return Decimal("Infinity")
    return Interval.printed(row.stated).distance(row.expected)


def _show(exp: Interval | None, point: Decimal | None, places: int, step: Decimal) -> str:
    """The expected figure at the stated precision (`places`, last digit `step`); its range when the
    inputs leave more than one digit open."""
    if exp is None:
        return ""
    shown = fmt(point if point is not None else (exp.lo + exp.hi) * _HALF, places)  # the mid, no division
    if point is not None or exp.hi - exp.lo <= step:
        return shown
    return f"{shown}（{fmt(exp.lo, places)}~{fmt(exp.hi, places)}）"


# --------------------------------------------------------------------------- the document's context

class Context:
    """What the rules of one document share: its claims and tables, and the lookups made once
    (a concept's cells, the row-label index, each table's numeric columns)."""

    def __init__(self, doc: Document, claims: list):
        self.doc = doc
        self.claims = claims
        self.by_id = {c.id: c for c in claims}
        self.tables = list(doc.tables)
        self.found: dict[str, list[link.Cell]] = {}    # concept -> link.find over the tables
        self.best: dict[str, list] = {}                # claim id -> the cells that agree with its amount
        self.nearest: dict[str, link.Cell] = {}        # claim id -> the cell its amount was compared with
        self._labels: dict[str, list[link.Cell]] | None = None
        self._declared: dict | None = None  # link.declared_empty, asked for once
        self._numeric: dict[int, list[int]] = {}
        self._sentences: dict[tuple, list] | None = None  # (sentence, page, block) -> its claims, in order

    # -- lookups
    def cells(self, concept: str | None) -> list[link.Cell]:
        if not concept:
            return []
        if concept not in self.found:
            self.found[concept] = link.find(concept, self.tables)
        return self.found[concept]

    def in_sentence(self, c) -> list:
        """The claims of c's sentence (c among them), in order: indexed once for the document."""
        if self._sentences is None:
            self._sentences = {}
            for o in self.claims:
                self._sentences.setdefault((o.sentence, o.page, o.block), []).append(o)
        return self._sentences.get((c.sentence, c.page, c.block), [])

    def labelled(self, label: str) -> list[link.Cell]:
        """link.find_label over the document's tables, through one index of their row labels."""
        if self._labels is None:
            self._labels = link.label_index(self.tables)
        return link.find_label(label, self._labels)

    def numeric_columns(self, t: Table) -> list[int]:
        """The columns with a figure on some row (once per table: several rules ask)."""
        cols = self._numeric.get(id(t))
        if cols is None:
            # column by column (rows may be short: the missing cells are None)
            cols = self._numeric[id(t)] = [j for j, column in zip(range(len(t.columns)), zip_longest(*t.rows))
                                           if Decimal in map(type, column)]  # cells are plain Decimals
        return cols

    def published_empty(self, concept: str | None) -> dict | None:
        """'《…》为空表' when the concept's own table (its first location's) is published empty; when
        the document holds no table of its type, '目录称《…》为空表' when a list of its tables says so."""
        t = link.empty_table(concept, self.tables)
        if t is not None:
            return says("tables.published_empty", table=table_of(t))
        types = link.own_types(concept)
        if not types or any(t.type in types for t in self.tables):
            return None
        if self._declared is None:
            self._declared = link.declared_empty(self.tables)
        hit = next((self._declared[ty] for ty in sorted(types) if ty in self._declared), None)
        if hit is None:
            return None
        listing, name, reason = hit
        return says("tables.declared_empty", listing=table_of(listing), name=name, reason=[reason] if reason else [])

    # -- rows
    def claim_row(self, c, rule: str, evidence: dict, **kw) -> Row:
        return Row(check_id=f"{c.id}:{rule}", doc=c.doc, scope="claim", rule=rule, evidence=evidence,
                   stated=kw.pop("stated", c.stated), unit=kw.pop("unit", c.unit), claim_kind=c.kind,
                   subject=c.subject or "", page=c.page, section=c.section or "", sentence=c.sentence,
                   text=c.text, **kw)

    def checked_by(self, m, source, how: str, rule: str, evidence: dict, expected: Interval | None) -> Row:
        """Claim m's row as checked by the arithmetic of another claim, `source` (the list or the reason
        it is in; a figure may be in two): its id names both, "<m's id>:<how>_<source's id>"."""
        row = self.claim_row(m, rule, evidence, expected=expected, has_evidence=expected is not None)
        row.check_id = f"{m.id}:{how}_{source.id.rsplit(':', 1)[-1]}"  # "claim id:suffix", the suffix one word
        return row

    def table_row(self, t: Table, key: str, rule: str, stated: Decimal | None, expected: Interval | None,
                  evidence: dict) -> Row:
        page = t.pages[0] if t.pages else None
        return Row(check_id=f"{self.doc.doc}:T{t.index}:{rule}:{key}", doc=self.doc.doc, scope="table",
                   rule=rule, evidence=evidence, stated=stated, unit=t.unit, expected=expected,
                   page=page, table=t.title, sentence=f"《{t.title}》", text=key)


def cell_ref(t: Table, r: int, j: int, label: str | None = None) -> tuple:
    """Row r, column j of a table as an evidence term (auditor.evidence.cell; its label: the row's,
    unless given)."""
    return (CELL, table_of(t), r, j, link.row_labels(t)[r] if label is None else label, t.columns[j], t.rows[r][j])
