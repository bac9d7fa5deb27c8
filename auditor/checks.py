"""Claims + tables -> check rows (one pandas frame), intervals attached; GX judges them.

Every row says what was stated, what the evidence gives (as an interval computed
from rounded inputs), and in words where the evidence is. A row with no evidence
is 'unverified'. Yes/no checks (absence, prose contradictions, reasons) carry
`holds` and the `level` a failure means.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import zip_longest
from typing import Iterable

import yaml

from auditor import link, nlp
from auditor.model import Document, Table
from auditor.numbers import (Interval, fmt, half_unit_of_place, interval_sum, printed, printed_sum, printed_sum_shown,
                             unit_of_last_digit, unit_of_place)
from auditor.numbers import normalize as numbers_normalize

HUNDRED = Decimal(100)
_SCOPE = re.compile(r"涉及")
COLUMNS = ["check_id", "doc", "scope", "rule", "claim_kind", "subject", "page", "section", "sentence",
           "text", "table", "stated", "unit", "stated_lo", "stated_hi", "step", "expected",
           "expected_lo", "expected_hi", "has_evidence", "holds", "level", "cap", "evidence"]


@dataclass
class Row:
    check_id: str
    doc: str
    scope: str                     # claim | table
    rule: str
    evidence: str
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
        return record


_CENT = Decimal("0.01")
_HALF = Decimal("0.5")


@lru_cache(maxsize=None)  # a handful of precisions
def _unit_float(places: int) -> float:
    return float(unit_of_place(places))


def _show(exp: Interval | None, point: Decimal | None, places: int, step: Decimal) -> str:
    """The expected figure at the stated precision (`places`, last digit `step`); its range when the
    inputs leave more than one digit open."""
    if exp is None:
        return ""
    shown = fmt(point if point is not None else (exp.lo + exp.hi) * _HALF, places)  # the mid, no division
    if point is not None or exp.hi - exp.lo <= step:
        return shown
    return f"{shown}（{fmt(exp.lo, places)}~{fmt(exp.hi, places)}）"


@lru_cache(maxsize=None)
def _table_rules() -> dict:
    with resources.files("auditor.data").joinpath("table_checks.yaml").open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=link.SAFE_LOADER)


# --------------------------------------------------------------------------- claims

class _ClaimChecks:
    def __init__(self, doc: Document, claims: list):
        self.doc = doc
        self.claims = claims
        self.by_id = {c.id: c for c in claims}
        self.tables = list(doc.tables)
        self._found: dict[str, list[link.Cell]] = {}
        self._labels: dict[str, list[link.Cell]] | None = None   # link.label_index, built on first use
        self.best: dict[str, list] = {}    # claim id -> the cells that agree with its amount

    def cells(self, concept: str | None) -> list[link.Cell]:
        if not concept:
            return []
        if concept not in self._found:
            self._found[concept] = link.find(concept, self.tables)
        return self._found[concept]

    def labelled(self, label: str) -> list[link.Cell]:
        """link.find_label over the document's tables, through one index of their row labels."""
        if self._labels is None:
            self._labels = link.label_index(self.tables)
        return link.find_label(label, self._labels)

    def row(self, c, rule: str, evidence: str, **kw) -> Row:
        return Row(check_id=f"{c.id}:{rule}", doc=c.doc, scope="claim", rule=rule, evidence=evidence,
                   stated=kw.pop("stated", c.stated), unit=kw.pop("unit", c.unit), claim_kind=c.kind,
                   subject=c.subject or "", page=c.page, section=c.section or "", sentence=c.sentence,
                   text=c.text, **kw)

    def value_of(self, c) -> tuple[Interval, str] | None:
        """A claim's amount as an interval: its printed figure."""
        if c is None or c.stated is None:
            return None
        return Interval.printed(c.stated), f"「{c.text}」"

    def table_value(self, concept: str | None, unit: str | None) -> tuple[Interval, str] | None:
        cells = self.cells(concept)
        if not cells:
            return None
        _, lo, hi = cells[0].in_unit(unit)
        return Interval(lo, hi), cells[0].describe()

    def run(self) -> list[Row]:
        rows: list[Row] = []
        for c in self.claims:
            fn = getattr(self, f"_{c.kind}", None)
            if fn is not None:
                rows.extend(fn(c))
        rows.extend(self._reasons())
        rows.extend(self._same_concept_two_values())
        return rows

    # -- amount
    def _amount(self, c) -> list[Row]:
        if c.stated is None or c.unit not in link.UNIT_IN_YUAN:
            return []
        if c.base:
            return [self.row(c, "amount_matches_table", f"{c.base}的数字，本文件的表只有本年数", has_evidence=False)]
        if _in_reason(c):
            return [self.row(c, "amount_matches_table", "原因或增减说明中的数字（增减额），不是本年数",
                             has_evidence=False)]
        leaf = _sub_item(c, self._item_line(c))
        cells = self.labelled(leaf) if leaf else self.cells(c.subject)
        scoped = bool(_SCOPE.search(c.sentence[max(0, c.start - 12):c.start] + _head(c)))
        if scoped:
            # "涉及…拨款X万元": the money a set of projects involves: all spending or the project part
            cells = cells + [x for x in self.cells("项目支出") if x not in cells]
        if not cells:
            empty = self._published_empty(c.subject)
            if empty and not leaf:  # a table published empty says the amount is nil
                return [self.row(c, "amount_matches_table", empty, expected=Interval.exact(Decimal(0)),
                                 point=Decimal(0))]
            return [self.row(c, "amount_matches_table",
                             f"表中未找到「{leaf or c.subject or c.subject_text or '?'}」", has_evidence=False)]
        stated = Interval.printed(c.stated)
        spans = [Interval(*x.in_unit(c.unit)[1:]) for x in cells]
        best = cells[min(range(len(cells)), key=lambda i: spans[i].distance(stated))]
        value, lo, hi = best.in_unit(c.unit)
        # every place that prints this figure: the year-on-year check compares like with like
        self.best[c.id] = [_cell_record(x) for x, span in zip(cells, spans) if x.value is not None
                           and span.meets(stated)]
        others = [x.describe() for x in cells if x is not best][:2]
        ev = best.describe() + (f"；另见 {'；'.join(others)}" if others else "")
        cap = ""
        if scoped:
            # some of the projects may come to less than the smallest whole the tables hold: worth a look
            smallest = min(x.in_unit(c.unit)[1] for x in cells)
            if stated.hi < smallest:
                cap = "warn"
                ev += "（“涉及”的金额可能只是部分项目之和：小于表中各数时只提示）"
        return [self.row(c, "amount_matches_table", ev, expected=Interval(lo, hi), point=value, cap=cap)]

    def _item_line(self, c) -> str:
        """For a bare "支出决算为X万元", the item line above it in its paragraph or the one before
        ("1.一般公共服务支出（类）财政事务（款）行政运行（项）")."""
        if c.block is None or not _GENERIC_TAIL.match(_BUDGET_WORDS.sub("", link.clean_label(c.subject_text or ""))):
            return ""
        blocks = self.doc.blocks
        text = blocks[c.block].text
        at = text.find(c.sentence)
        candidates = [text[:at] if at > 0 else ""] + ([blocks[c.block - 1].text] if c.block > 0 else [])
        for cand in candidates:
            hits = list(_ITEM_LINE.finditer(cand))
            if hits:
                return hits[-1].group(0)
        return ""

    def _published_empty(self, concept: str | None) -> str:
        """'《…》为空表' when the concept's own table (its first location's) is published empty."""
        locs = link.locations(concept or "")
        types = set(link._as_list(locs[0].get("table", []))) if locs else set()
        present = [t for t in self.tables if t.type in types]
        if present and all(t.empty for t in present):
            return f"《{present[0].title}》为空表"
        return ""

    # -- share
    def _share(self, c) -> list[Row]:
        if c.stated is None:
            return []
        part = self.value_of(self.by_id.get(c.of)) if c.of else self.table_value(c.subject, "万元")
        whole = (self.value_of(self.by_id.get(c.whole)) if c.whole
                 else self.value_of(self._stated_before(c, c.whole_subject))
                 or self.table_value(c.whole_subject, "万元"))
        if part is None or whole is None:
            return [self.row(c, "share_matches_ratio", "占比的部分或整体不明", has_evidence=False)]
        ratio = part[0].ratio(whole[0])
        if ratio is None:
            return [self.row(c, "share_matches_ratio", f"整体为零：{whole[1]}", has_evidence=False)]
        return [self.row(c, "share_matches_ratio", f"{part[1]} ÷ {whole[1]} × 100%",
                         expected=ratio.scale(HUNDRED))]

    def _stated_before(self, c, concept: str | None):
        """The nearest amount claim of `concept` before `c`, in its section if there is one there
        (the prose's own figure for the whole of a share)."""
        if not concept:
            return None
        before = []
        for o in self.claims:
            if o is c:
                break
            if o.kind == "amount" and o.subject == concept and not o.base and o.stated is not None:
                before.append(o)
        same = [o for o in before if o.section == c.section]
        return (same or before or [None])[-1]

    # -- growth
    def _growth(self, c) -> list[Row]:
        if c.stated is None:
            return []
        current = self.by_id.get(c.of) if c.of else None
        change = self._sibling_change(c)
        if current is None or change is None or current.stated is None or change.stated is None:
            return [self.row(c, "growth_matches_change", "句中无本年数与增减额可算增长率",
                             has_evidence=False)]
        cur, chg = Interval.printed(current.stated), Interval.printed(change.stated)
        sign = change.direction or c.direction or 1
        if current.base or self._earlier_year(current):  # the comparison year's own figure ("2016年度…为8,648.07万元")
            prior = cur
            formula = f"增减额「{change.text}」÷ 上年数「{current.text}」× 100%"
        else:
            prior = cur - chg if sign > 0 else cur + chg
            formula = f"增减额「{change.text}」÷ 上年数（「{current.text}」{'−' if sign > 0 else '+'}增减额）× 100%"
        rate = chg.ratio(prior)
        if rate is None:
            return [self.row(c, "prose_consistent", f"上年数为零或负，不能计算增长率：{formula}",
                             holds=False, level="fail")]
        return [self.row(c, "growth_matches_change", formula, expected=rate.scale(HUNDRED))]

    def _earlier_year(self, c) -> bool:
        years = [int(y) for y in _YEAR_OF.findall(_head(c))]
        return bool(self.doc.year and years and years[-1] < self.doc.year)

    def _sibling_change(self, c):
        """The change claim (增加X万元) of the same sentence and figure as a growth claim."""
        cands = [o for o in self.claims if o.kind == "change" and o.sentence == c.sentence
                 and o.page == c.page and o.start < c.start and (o.of == c.of or not c.of)]
        return cands[-1] if cands else None

    # -- change: a direction word against the sign of its figure
    def _change(self, c) -> list[Row]:
        if c.stated is not None and c.stated < 0 and c.direction in (1, -1):
            return [self.row(c, "prose_consistent", "增减方向词与数值符号相反", holds=False)]
        return []

    # -- count
    def _count(self, c) -> list[Row]:
        if c.stated is None or c.subject != "项目数":
            return []
        counts = [(t, project_count(t)) for t in self.tables if t.type == "project_expenditure" and not t.empty]
        counts = [(t, n) for t, n in counts if n]
        if not counts:
            return [self.row(c, "count_matches_rows", "无项目支出表可数", has_evidence=False)]
        t, n = min(counts, key=lambda tn: abs(tn[1] - int(c.stated)))
        return [self.row(c, "count_matches_rows", f"《{t.title}》列出 {n} 个项目",
                         expected=Interval.exact(Decimal(n)))]

    # -- absence: 无…支出 / 并已公开空表
    def _absence(self, c) -> list[Row]:
        cells = self.cells(c.subject)
        nonzero = [x for x in cells if x.value not in (None, Decimal(0))]
        if nonzero:
            return [self.row(c, "absence_matches_tables", f"文中称无，但 {nonzero[0].describe()}",
                             holds=False, stated=None)]
        empty = self._published_empty(c.subject)
        if cells or empty:
            ev = empty or "；".join(x.describe() for x in cells[:2])
            return [self.row(c, "absence_matches_tables", ev, stated=None)]
        return [self.row(c, "absence_matches_tables", f"表中未找到「{c.subject or c.subject_text or '?'}」",
                         has_evidence=False, stated=None)]

    # -- composition: parts sum to the total
    def _composition(self, c) -> list[Row]:
        total = self.by_id.get(c.of) if c.of else None
        if total is None or total.stated is None:
            return []
        parts = [self.by_id[p] for p in (c.parts or []) if p in self.by_id]
        parts = [p for p in parts if p.stated is not None and p.unit == total.unit]
        if len(parts) < 2 or any(p.block != total.block for p in parts):
            return []  # a list running over paragraphs is too loosely bound to add up
        money = total.unit in link.UNIT_IN_YUAN
        total_iv = interval_sum((Interval.printed if money else Interval.exact)(p.stated) for p in parts)
        ev = " + ".join(f"「{p.text}」" for p in parts)
        return [self.row(c, "parts_sum_to_whole", f"「{total.text}」对 其中各项之和：{ev}", expected=total_iv,
                         stated=total.stated, unit=total.unit)]

    # -- reasons
    def _reasons(self) -> list[Row]:
        rows, seen = [], set()
        for c in self.claims:
            if c.kind not in ("change", "growth") or not c.direction:
                continue
            if c.kind == "growth" and not c.of:
                continue  # "压减10%": a rate with no figure of its own is a target, not a reported change
            key = (c.sentence, c.page, c.of or c.subject)
            if key in seen:
                continue
            seen.add(key)
            template = _TEMPLATE_LEFT.search(c.sentence)
            if template:
                rows.append(self.row(c, "reason_given", f"模板残留「{template.group(0)}」", holds=False,
                                     level="warn", stated=None))
            elif c.reason_blank:
                rows.append(self.row(c, "reason_given", "原因留空（模板未填写）", holds=False, level="warn",
                                     stated=None))
            elif not c.reason and not any(o.reason for o in self.claims
                                          if o.sentence == c.sentence and o.kind in ("change", "growth")):
                rows.append(self.row(c, "reason_given", "增减变动未说明原因", holds=False, level="warn",
                                     stated=None))
            else:
                reason = c.reason or ""
                rows.append(self.row(c, "reason_given", f"原因：{reason}" if reason else "同句已说明原因",
                                     stated=None))
        return rows

    # -- one concept, two values in one section
    def _same_concept_two_values(self) -> list[Row]:
        groups: dict[tuple, list] = defaultdict(list)
        for c in self.claims:
            if (c.kind == "amount" and c.subject and c.stated is not None and not c.base and c.unit
                    and not c.parent and c.unit in link.UNIT_IN_YUAN and not _counted(c.subject)
                    and not _in_reason(c)):
                groups[(c.section, c.subject, c.subject_text or "", c.qualifier or "", c.unit)].append(c)
        rows = []
        for (_, subject, _, _, _), cs in groups.items():
            first = cs[0]
            for other in cs[1:]:
                if not Interval.printed(first.stated).meets(Interval.printed(other.stated)):
                    rows.append(self.row(other, "prose_consistent",
                                         f"同一节内「{subject}」先称「{first.text}」，又称「{other.text}」",
                                         holds=False))
        return rows


_BUDGET_WORDS = re.compile(r"决算|预算|为")
_ITEM_LINE = re.compile(r"[^。；;\n]*[(（]\s*项\s*[)）]")
_YEAR_OF = re.compile(r"(\d{4})年")
_TEMPLATE_LEFT = re.compile(r"增加\s*[(（]\s*减少\s*[)）]|减少\s*[(（]\s*增加\s*[)）]|"
                            r"下降\s*[(（]\s*增长\s*[)）]|增长\s*[(（]\s*下降\s*[)）]")
_LEVEL_SPLIT = re.compile(r"[(（]\s*(?:类|款|项)\s*[)）]|[-—－]")
_GENERIC_TAIL = re.compile(r"^(?:支出|收入|科目|预算|预算数|预算支出|支出预算|金额|合计)$")
_CHANGE_WORD = re.compile(r"增加|减少|增长|下降|降低|压减|调减|调增|节约|上升|新增")


def _inside_reason(c) -> bool:
    """A figure inside a reason ("主要原因是…增加…23.3万元") or a purpose ("主要用于…")."""
    return bool(_REASON_WORD.search(c.sentence, 0, c.start))


_REASON_WORD = re.compile(r"原\s*因|用\s*于")  # the words with any spaces between their characters


def _in_reason(c) -> bool:
    """An amount inside a reason, or stated as a change ("基本支出增加…1447.63万元"): not a level."""
    return _inside_reason(c) or bool(_CHANGE_WORD.search(_head(c)))


def _counted(concept: str) -> bool:
    """True for things counted (项目数, 车辆…) rather than paid."""
    try:
        return bool(nlp.concept(concept).get("count"))
    except KeyError:
        return False


_CLAUSE_END = re.compile(r"[，,。；;！？!?]")
_DIGIT = re.compile(r"[\d０-９]")
_SPACES = re.compile(r"\s+")
_SUBJECT_CODE = re.compile(r"\d{3,7}")


def _head(c) -> str:
    """The words of the claim's clause before its figure, spaces removed
    ("2.提租补贴(项):支出 2,586.61万元" -> "2.提租补贴(项):支出")."""
    return _clause_head(c.sentence, c.start, c.text)


@lru_cache(maxsize=4096)
def _clause_head(sentence: str, start: int, claim_text: str) -> str:  # asked for several times per claim
    before = sentence[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    m = _DIGIT.search(claim_text)
    return _SPACES.sub("", before[cut:] + (claim_text[:m.start()] if m else claim_text))


def _sub_item(c, context: str = "") -> str | None:
    """The item a claim's figure belongs to when its concept names something else:
    the last level of a path ("行政事业单位离退休（款）未归口管理的行政单位离退休（项）",
    "卫生健康支出-行政事业单位医疗-行政单位医疗", "提租补贴(项):支出") or an "其他…" item
    ("其他商品和服务支出（款）"). `context` is an item line above a bare "支出决算为…".
    None when the concept itself is that item."""
    head = _head(c)
    if context and _LEVEL_SPLIT.search(context) and not _LEVEL_SPLIT.search(head):
        head = context
    pieces = _LEVEL_SPLIT.split(head)
    words = [link.clean_label(w).strip(":：为是") for w in pieces]
    words = [w for w in words if w and not _GENERIC_TAIL.match(w)]
    if not words:
        return None
    names = ({link.clean_label(n) for n in (nlp.concept(c.subject).get("names") or [])} | {c.subject}
             if c.subject else set())
    last = words[-1]
    other = bool(c.subject) and last.startswith("其他") and not any(n.startswith("其他") for n in names)
    if len(pieces) < 2 and not other:
        return None
    if last in names or any(last == n + "支出" or n == last + "支出" for n in names):
        return None
    return last


def project_count(t: Table) -> int:
    """Projects listed in a 项目支出表: figure rows that are neither totals nor group rows
    (a group row's figure is the sum of the rows right below it)."""
    vals: list[Decimal] = []
    labels: list[str] = []
    for r, row in enumerate(t.rows):
        label = link._row_label(t, r)
        fig = next((c for c in row if isinstance(c, Decimal)), None)
        unit_row = any(isinstance(c, str) and re.fullmatch(r"\d{3,9}", c.strip()) for c in row)
        if fig is None or unit_row or re.fullmatch(r"合计|总计|小计|\d*", label or ""):
            continue
        vals.append(fig)
        labels.append(link.clean_label(" ".join(c for c in row if isinstance(c, str))))
    n = len(vals)
    group = [False] * n

    def is_group(i: int) -> bool:
        acc = Decimal(0)
        for j in range(i + 1, n):
            acc += vals[j]
            if abs(acc - vals[i]) <= Decimal("0.005") * (j - i + 1):
                # one child with the same figure: a heading row when the child repeats its name
                return j > i + 1 or group[i + 1] or (labels[i] and labels[i] in labels[i + 1])
            if acc > vals[i]:
                return False
        return False

    for i in range(n - 1, -1, -1):
        group[i] = is_group(i)
    return sum(1 for g in group if not g)


# --------------------------------------------------------------------------- tables

class _TableChecks:
    def __init__(self, doc: Document, found: dict[str, list[link.Cell]] | None = None):
        self.doc = doc
        self.found = found or {}       # concept -> link.find over the document's tables, when already looked up
        self._numeric: dict[int, list[int]] = {}

    def row(self, t: Table, key: str, rule: str, stated: Decimal, expected: Interval, evidence: str) -> Row:
        pages = t.pages[0] if t.pages else None
        return Row(check_id=f"{self.doc.doc}:T{t.index}:{rule}:{key}", doc=self.doc.doc, scope="table",
                   rule=rule, evidence=evidence, stated=stated, unit=t.unit, expected=expected,
                   page=pages, table=t.title, sentence=f"《{t.title}》", text=key)

    def run(self) -> list[Row]:
        rows: list[Row] = []
        for t in self.doc.tables:
            if t.empty:
                rows.extend(self._empty_note_with_data(t))
                continue
            rows.extend(self._code_footing(t))
            rows.extend(self._column_sums(t))
            rows.extend(self._column_tree_sums(t))
            rows.extend(self._row_sums(t))
            rows.extend(self._ordinal_sums(t))
        rows.extend(self._cross_table())
        rows.extend(self._units())
        return rows

    def _empty_note_with_data(self, t: Table) -> list[Row]:
        data = [c for row in t.rows for c in row if isinstance(c, Decimal) and c != 0]
        if not data:
            return []
        r = self.row(t, "empty", "absence_matches_tables", None, None,
                     f"表注称无数据（{t.note or '空表'}），但表中有 {len(data)} 个非零数，如 {data[0]}")
        r.holds = False
        return [r]

    def _numeric_columns(self, t: Table) -> list[int]:
        """The columns with a figure on some row (once per table: two checks ask)."""
        cols = self._numeric.get(id(t))
        if cols is None:
            # column by column (rows may be short: the missing cells are None)
            cols = self._numeric[id(t)] = [j for j, column in zip(range(len(t.columns)), zip_longest(*t.rows))
                                           if Decimal in map(type, column)]  # cells are plain Decimals
        return cols

    def _code_footing(self, t: Table) -> list[Row]:
        if not t.codes or not any(t.codes) or _side_by_side_codes(t):
            return []
        rows = []
        cols = self._numeric_columns(t)
        codes = [c if c and c.isdigit() else None for c in t.codes]
        for r, parent in enumerate(codes):
            if parent is None or len(parent) not in (3, 5):
                continue
            kids, odd = [], False
            for k in range(r + 1, len(codes)):   # the children follow their parent, up to the next other code
                code = codes[k]
                if code is None:
                    continue
                if not code.startswith(parent) or len(code) <= len(parent):
                    break
                if len(code) == len(parent) + 2:
                    kids.append(k)
                elif len(code) % 2 == 0:  # a code of no 类/款/项 length: the block is misread, say nothing
                    odd = True
            if not kids or odd:
                continue
            for j in cols:
                rows.extend(self._sum_check(t, r, kids, j, f"{parent}={'+'.join(codes[k] for k in kids)}",
                                            f"科目 {parent} 等于其下级科目之和"))
        total_row = next((r for r, label in enumerate(link.row_labels(t)) if label in ("合计", "总计")), None)
        top_len = min((len(code) for code in codes if code), default=0)  # 类 codes, or 项 codes when only leaves
        tops = [r for r, code in enumerate(codes) if code and len(code) == top_len]
        if total_row is not None and tops and len({codes[r] for r in tops}) == len(tops):
            for j in cols:
                rows.extend(self._sum_check(t, total_row, tops, j, "合计=" + "+".join(codes[k] for k in tops),
                                            "合计行等于各最高级科目之和"))
        return rows

    def _sum_check(self, t: Table, whole_r: int, part_rs: list[int], j: int, key: str, what: str) -> list[Row]:
        whole = t.rows[whole_r][j]
        parts = [t.rows[r][j] for r in part_rs]
        vals = [p for p in parts if isinstance(p, Decimal)]
        if not isinstance(whole, Decimal) or not vals:
            return []
        expected, shown = printed_sum_shown(vals)
        col = t.columns[j]
        return [self.row(t, f"{key}@{col}", "parts_sum_to_whole", whole, expected,
                         f"《{t.title}》「{col}」列：{what}：{fmt(whole)} 对 {shown}")]

    def _column_sums(self, t: Table) -> list[Row]:
        rows = []
        for spec in _table_rules().get("column_sums") or []:
            if t.type not in spec["tables"]:
                continue
            cols = [link.clean_column(c) for c in t.columns]
            whole_rx = link._rx(spec["whole"])
            wj = next((j for j, c in enumerate(cols) if whole_rx.search(c)), None)
            part_js = [_columns_matching(cols, p, wj) for p in spec["parts"]]
            if wj is None or not all(part_js):
                continue
            part_js += [_columns_matching(cols, p, wj) for p in spec.get("optional", [])]
            rows.extend(self._column_relation(t, wj, [j for js in part_js for j in js], "r"))
        return rows

    def _column_relation(self, t: Table, w: int, parts: list[int], key: str) -> list[Row]:
        """One row per table row: column w against the sum of the `parts` columns."""
        names = " + ".join(t.columns[j] for j in parts)
        head = t.columns[w]
        labels = link.row_labels(t)
        found = []
        for r, row in enumerate(t.rows):
            whole = row[w]
            if not isinstance(whole, Decimal):
                continue
            vals = [row[j] for j in parts if isinstance(row[j], Decimal)]
            if not vals:
                continue
            expected, shown = printed_sum_shown(vals)
            found.append(self.row(t, f"{key}{r}:{head}", "parts_sum_to_whole", whole, expected,
                                  f"《{t.title}》「{labels[r] or r}」行：「{head}」{fmt(whole)} 应等于 {names} = {shown}"))
        return found

    def _column_tree_sums(self, t: Table) -> list[Row]:
        """Every "X/合计" or "X/小计" column equals the sum of X's other columns (a child with columns
        of its own counts through its own 小计, or its leaves; "其中" columns are parts of a part)."""
        cols = [link.clean_column(c) for c in t.columns]
        numeric = set(self._numeric_columns(t))
        rows = []
        for w, path in enumerate(cols):
            parent = _total_parent(path) if w in numeric else None
            if parent is None:
                continue
            groups: dict[str, list[int]] = {}
            for j, c in enumerate(cols):
                if j != w and j in numeric and c.startswith(parent) and not (not parent and j < w):
                    groups.setdefault(c[len(parent):].split("/")[0], []).append(j)
            parts = []
            for comp, idxs in groups.items():
                if comp.startswith("其中"):
                    continue
                sub = [j for j in idxs if cols[j] in (parent + comp + "/合计", parent + comp + "/小计")]
                parts.extend(sub[:1] or [j for j in idxs if "/其中" not in cols[j][len(parent):]])
            if len(parts) < 2 or any(_UNNAMED.search(cols[j]) for j in parts):
                continue  # a column whose header was not read cannot be placed in the tree
            found = self._column_relation(t, w, parts, "tree:r")
            # a relation that holds on no row at all says the header was misread, not that every row is wrong
            telling = [x for x in found if x.stated != 0]
            if len(telling) < 2 or any(_miss(x) <= unit_of_last_digit(x.stated) for x in telling):
                rows.extend(found)
        return rows

    def _ordinal_sums(self, t: Table) -> list[Row]:
        """In the 收支总表 layouts, the top-level items of a side ("一、…", "二、…") add up to the
        first total below them on that side (本年收入合计, 本年支出合计, 收入合计 …)."""
        if t.type not in _ORDINAL_TABLES:
            return []
        rows = []
        for j in range(len(t.columns) - 1):
            items, total = [], None
            for r, row in enumerate(t.rows):
                label, fig = row[j], row[j + 1]
                if not isinstance(label, str) or not label.strip() or isinstance(fig, str):
                    continue
                top, side_total = _side_label(label)
                if top:
                    items.append((r, fig))
                elif side_total is not None and items:
                    total = (r, side_total, fig)
                    break
            if total is None or not isinstance(total[2], Decimal) or len(items) < 2:
                continue
            vals = [v for _, v in items if isinstance(v, Decimal)]
            labels = [link.clean_label(t.rows[r][j]) for r, _ in items]
            rows.append(self.row(t, f"ordinal:c{j}:{total[1]}", "parts_sum_to_whole", total[2],
                                 printed_sum(vals) if vals else Interval.exact(Decimal(0)),
                                 f"《{t.title}》：{total[1]} {fmt(total[2])} 应等于 {'、'.join(labels[:3])}…等"
                                 f" {len(items)} 项之和 = " + " + ".join(fmt(v) for v in vals)))
        return rows

    def _row_sums(self, t: Table) -> list[Row]:
        rows = []
        for spec in _table_rules().get("row_sums") or []:
            if t.type not in spec["tables"]:
                continue
            segs = link.segments(t)
            whole = _first_fig(segs, spec["whole"])
            parts = [_first_fig(segs, p) for p in spec["parts"]]
            if whole is None or whole[1] is None or any(p is None for p in parts):
                continue
            vals = [p[1] or Decimal(0) for p in parts]
            expected = interval_sum(Interval.printed(v) if v else Interval.exact(v) for v in vals)
            desc = " + ".join(f"{p[0]} {fmt(v)}" for p, v in zip(parts, vals))
            rows.append(self.row(t, f"{whole[0]}={'+'.join(p[0] for p in parts)}", "parts_sum_to_whole", whole[1],
                                 expected, f"《{t.title}》：{whole[0]} {fmt(whole[1])} 应等于 {desc}"))
        return rows

    def _cross_table(self) -> list[Row]:
        rows = []
        for concept in link.cross_table_concepts():
            cells = self.found[concept] if concept in self.found else link.find(concept, self.doc.tables)
            by_table: dict[int, link.Cell] = {}
            for cell in cells:
                if cell.value is not None:
                    by_table.setdefault(cell.table.index, cell)
            found = list(by_table.values())
            if len(found) < 2:
                continue
            first = found[0]
            for other in found[1:]:
                v, lo, hi = other.in_unit(first.table.unit)
                rows.append(self.row(first.table, f"{concept}~T{other.table.index}", "figure_agrees_across_tables",
                                     first.value, Interval(lo, hi),
                                     f"「{concept}」：{first.describe()}；{other.describe()}"))
        return rows

    def _units(self) -> list[Row]:
        """Project amounts in 元 (绩效目标表) against the same projects in 万元 (项目支出表)."""
        projects: dict[str, link.Cell] = {}
        for t in self.doc.tables:
            if t.type == "project_expenditure" and not t.empty:
                for r, label, figs in link.segments(t):
                    val = next((v for _, v in figs if v is not None), None)
                    if val is not None and label:
                        projects.setdefault(label, link.Cell(t, r, figs[0][0], label, val))
        rows = []
        for t in self.doc.tables:
            if t.type != "project_performance":
                continue
            name, amount = _performance_amount(t)
            if not name or amount is None or name not in projects:
                continue
            ref = projects[name]
            unit = amount[1] or t.unit or "元"
            factor = link.conversion(ref.table.unit, unit)
            ref_iv = Interval.printed(ref.value).scale(factor)
            r = self.row(t, f"units:{name}", "units_agree", amount[0], ref_iv,
                         f"《{t.title}》「{name}」资金 {fmt(amount[0])}{unit}；{ref.describe()}")
            r.unit = unit
            rows.append(r)
        return rows


_UNNAMED = re.compile(r"(^|/)列\d+$")
_TOTAL_COLUMN = re.compile(r"(?:(.+)/)?(合计|小计|总计)")


def _total_parent(path: str) -> str | None:
    """The parent path ("X/", or "" at the top) of a column _TOTAL_COLUMN matches ("X/合计", "小计"), else None.
    Read off the end of the path: the pattern's backtracking costs more than the check it guards."""
    if path[-2:] not in ("合计", "小计", "总计"):
        return None
    if len(path) == 2:
        return ""
    if len(path) > 3 and path[-3] == "/" and "\n" not in path:
        return path[:-2]
    return None


_ORDINAL_TABLES = {"income_expenditure_summary", "final_income_expenditure_summary", "fiscal_grant_summary",
                   "final_fiscal_grant_summary"}
_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")
_SIDE_TOTAL = re.compile(r"(本年|当年)?(收入|支出)(合计|小计)|收入总计|支出总计")


@lru_cache(maxsize=1 << 14)  # the same labels in every 收支总表
def _side_label(label: str) -> tuple[bool, str | None]:
    """What a label cell is to its side of a 收支总表: (a top-level item "一、…", else the side total
    it names, cleaned, or None)."""
    text = numbers_normalize(label).strip()
    if _TOP_ORDINAL.match(text):
        return True, None
    cleaned = link.clean_label(text)
    return False, (cleaned if _SIDE_TOTAL.fullmatch(cleaned) else None)


def _side_by_side_codes(t: Table) -> bool:
    """Two blocks of the same code family on one row (e.g. 301xx | 302xx halves of a 决算 table):
    the row code then speaks for one half only, so code footing would mislead."""
    for row, code in zip(t.rows, t.codes):
        if not code:
            continue
        others = [c for c in row if isinstance(c, str) and _SUBJECT_CODE.fullmatch(c.strip()) and c.strip() != code]
        if any(o.strip()[0] == code[0] for o in others):
            return True
    return False


def _columns_matching(cols: list[str], pattern: str, but: int | None) -> list[int]:
    rx = link._rx(pattern)
    return [j for j, c in enumerate(cols) if rx.search(c) and j != but]


def _first_fig(segs, pattern: str):
    for _, label, figs in link.row_pattern(pattern).select(segs):
        vals = [v for _, v in figs]
        if vals:
            return label, next((v for v in vals if v is not None), None)
    return None


_AMOUNT_LABEL = re.compile(r"(项目资金|实施期资金总额|年度资金总额|资金总额|资金金额)")
_UNIT_IN_LABEL = re.compile(r"[(（](万元|元|千元)[)）]")


def _performance_amount(t: Table):
    """(project name, (amount, unit or None)) of a 项目绩效目标表."""
    name, amount = None, None
    for row in t.rows:
        cells = [c for c in row if c is not None and c != ""]
        for i, c in enumerate(cells):
            if name is None and isinstance(c, str) and link.clean_label(c) == "项目名称":
                nxt = next((x for x in cells[i + 1:] if isinstance(x, str) and x.strip()), None)
                name = link.clean_label(nxt) if nxt else None
            if amount is None and isinstance(c, str) and _AMOUNT_LABEL.search(c):
                val = next((x for x in cells[i + 1:] if isinstance(x, Decimal)), None)
                unit_m = _UNIT_IN_LABEL.search(" ".join(x for x in cells if isinstance(x, str)))
                if val is not None:
                    amount = (val, unit_m.group(1) if unit_m else None)
        if name is not None and amount is not None:
            break  # both found: the rest of the form cannot change them
    return name, amount


# --------------------------------------------------------------------------- frame

def document_to_rows(doc: Document, claims: list) -> list[Row]:
    return document_checks(doc, claims)[0]


def document_checks(doc: Document, claims: list) -> tuple[list[Row], dict]:
    """The document's own check rows, and the figures its tables give for the concepts its
    narrative names (万元 intervals, for the year-on-year checks against the next year's document)."""
    cc = _ClaimChecks(doc, claims)
    rows = cc.run() + _TableChecks(doc, cc._found).run()
    values: dict = {"concepts": {}, "claims": cc.best}
    for concept, cells in cc._found.items():
        values["concepts"][concept] = [_cell_record(x) for x in cells if x.value is not None]
    return rows, values


def _cell_record(cell: link.Cell) -> tuple:
    """A cell as plain data (table type, column, 万元 interval, words) for cross-document checks."""
    _, lo, hi = cell.in_unit("万元")
    return (cell.table.type, link.clean_column(cell.column), str(lo), str(hi), cell.describe())


def _same_places(candidates: list[tuple], places: list[tuple] | None) -> list[tuple]:
    """The prior year's cells in the table types and columns where this year's figure is printed
    (failing that, the same table types; failing that, the first found)."""
    places = places or []
    for key in (lambda x: any(x[:2] == p[:2] for p in places), lambda x: any(x[0] == p[0] for p in places)):
        hits = [x for x in candidates if key(x)]
        if hits:
            return hits
    return candidates[:1]


_YEAR = re.compile(r"(?:19|20)\d{2}")


def series_key(doc: str, department: str | None, kind: str) -> str:
    """What stays the same from one year's disclosure of a department to the next:
    the document id without its year (js-npc-office-2018-budget -> js-npc-office--budget)."""
    return kind + "|" + _YEAR.sub("", doc)


def prior_documents(documents: list[dict]) -> dict[str, dict]:
    """doc -> the same department's previous-year document among `documents` (dicts with doc, year,
    department, kind; of two for one year, the later listed): the same series (series_key) and the
    same department (same_department: a name printed in full one year, abbreviated the next)."""
    def key(d: dict, year: int) -> tuple[str, int]:
        return series_key(d["doc"], d.get("department"), d.get("kind") or ""), year

    by_series: dict[tuple[str, int], list[dict]] = {}
    for d in documents:
        if d.get("year"):
            by_series.setdefault(key(d, int(d["year"])), []).append(d)
    out = {}
    for d in documents:
        if not d.get("year"):
            continue
        same = [p for p in by_series.get(key(d, int(d["year"]) - 1), ())
                if same_department(p.get("department"), d.get("department"))]
        if same:
            out[d["doc"]] = same[-1]
    return out


def same_department(a: str | None, b: str | None) -> bool:
    """Two documents' departments are one: either unknown, or the shorter name's characters appear in
    the longer in order (江苏省人大 / 江苏省人大常委会办公厅, 中共江苏省委办公厅 / 中国共产党江苏省委员会办公厅)."""
    if not a or not b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    rest = iter(long_)
    return all(ch in rest for ch in short)


def prior_year_rows(documents: list[dict], claims: list, values: dict[str, dict]) -> list[Row]:
    """Changes and growth rates "比上年" against the same department's previous-year document
    in the run: change = this year's figure − last year's table figure; growth = change ÷ last year's.

    `documents`: dicts with doc, year, department, kind; `values`: per doc, from document_checks."""
    prior_of = {doc: (p["doc"], int(p["year"])) for doc, p in prior_documents(documents).items()}
    by_id = {c.id: c for c in claims}
    rows = []
    for c in claims:
        if c.doc not in prior_of or c.kind not in ("change", "growth") or not c.direction or c.stated is None:
            continue
        prior_doc, prior_year = prior_of[c.doc]
        if c.base and c.base not in ("上年", "上一年", "去年", "上年度", "上年预算", f"{prior_year}年"):
            continue
        current = by_id.get(c.of) if c.of else None
        if current is None or current.stated is None or current.unit not in link.UNIT_IN_YUAN or _inside_reason(c):
            continue
        concept = current.subject or c.subject
        places = values.get(c.doc, {}).get("claims", {}).get(current.id)
        options = _same_places(values.get(prior_doc, {}).get("concepts", {}).get(concept) or [], places)
        if not options:
            continue
        k = link.conversion(current.unit, "万元")
        cur = Interval.printed(current.stated).scale(k)
        made = None
        for prior in options:
            row = _year_on_year(c, current, cur, prior, prior_doc)
            if row is not None and (made is None or _miss(row) < _miss(made)):
                made = row
        if made is not None:
            rows.append(made)
    return rows


def _miss(row: Row) -> Decimal:
    """How far a row's stated figure is from its expected interval (a contradiction is farthest)."""
    if row.expected is None or row.stated is None:
        return Decimal("Infinity")
    return Interval.printed(row.stated).distance(row.expected)


def _year_on_year(c, current, cur: Interval, prior: tuple, prior_doc: str) -> Row | None:
    last = Interval(Decimal(prior[2]), Decimal(prior[3]))
    delta = cur - last
    where = f"上年文件 {prior_doc}：{prior[4]}"
    made = Row(check_id=f"{c.id}:vs_prior_year", doc=c.doc, scope="claim", rule="growth_matches_change",
               evidence="", claim_kind=c.kind, subject=c.subject or "", page=c.page, section=c.section or "",
               sentence=c.sentence, text=c.text, stated=c.stated, unit=c.unit)
    if (delta.lo > 0 and c.direction < 0) or (delta.hi < 0 and c.direction > 0):
        made.rule, made.holds, made.stated = "prose_consistent", False, None
        made.evidence = f"文中说{'增加' if c.direction > 0 else '减少'}，但「{current.text}」对 {where}"
        return made
    size = Interval(abs(delta.lo), abs(delta.hi)) if delta.lo * delta.hi >= 0 else None
    if size is None:
        return None
    if c.kind == "change":
        if c.unit not in link.UNIT_IN_YUAN:
            return None
        made.expected = size.scale(link.conversion("万元", c.unit))
        made.evidence = f"「{current.text}」− {where}"
    else:
        rate = size.ratio(last)
        if rate is None:
            return None
        made.expected = rate.scale(HUNDRED)
        made.evidence = f"（「{current.text}」− 上年数）÷ 上年数 × 100%；{where}"
    return made


def rows_to_records(rows: Iterable[Row]) -> list[dict]:
    """The check rows as plain records (keys: COLUMNS); check ids made unique (a claim may meet one rule twice)."""
    records, seen = [], {}
    for r in rows:
        d = r.as_dict()
        n = seen.get(d["check_id"], 0)
        seen[d["check_id"]] = n + 1
        if n:
            d["check_id"] = f"{d['check_id']}-{n + 1}"
        records.append(d)
    return records
