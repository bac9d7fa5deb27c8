"""Numeric claims of the narrative: Document blocks -> list[Claim].

One job: find every statement the prose makes about a figure and structure it
so the audit can check it against the tables.

Pipeline per document
  blocks -> sentences (split at 。；！？ and line ends, offsets kept)
         -> squeezed matching form (auditor.nlp.squeeze: NFKC, no spaces/quotes)
         -> spaCy + jieba tokens (auditor.nlp.token_bounds), only for the sentences
            whose short concept words need token boundaries, once each
         -> events (numbers with units, flat/absence/composition/reason markers)
            from the patterns in auditor/data/patterns.yaml, compiled once
         -> claims with subjects (auditor/data/ontology.yaml concepts) and
            relations (of / whole / parent / parts / reason).

Claim kinds: amount, share, completion, growth, change, count, absence, flat, composition.
Ids are ``doc:hash(sentence, span, kind)`` (+ ``-n`` for repeats), so they do
not move when other sentences change.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path


from auditor.data import read as read_data
from auditor import nlp as _nlp
from auditor.model import Block, Document
from auditor.numbers import decimals as _decimals
from auditor.numbers import parse_number

PATTERNS_FILE = Path(__file__).parent / "data" / "patterns.yaml"

KINDS = ("amount", "share", "completion", "growth", "change", "count", "absence", "flat", "composition")
MONEY = {"万元", "亿元", "千元", "元"}
_ENDERS = "。；！？;!?"
_SENTENCE_END = re.compile("[" + _ENDERS + "\n]")
_GENERIC = {"收入总计", "支出总计"}


def _is_fund(concept: str | None) -> bool:
    return bool(concept) and bool(_nlp.concept(concept).get("fund"))


def _generic_word(words: str | None) -> bool:
    """收入/支出/预算支出…: the bare word, which names the total only when nothing narrower precedes."""
    return bool(words) and len(words) <= 4 and "总" not in words and "合计" not in words


_Q = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_OPEN_Q = set(_Q)
_CLAUSE = set(",，、:：;；。")


@dataclass(slots=True)  # many thousands per run: no per-claim __dict__
class Claim:
    id: str
    doc: str
    page: int | None
    section: str | None
    sentence: str
    text: str
    start: int
    end: int
    kind: str
    subject: str | None = None
    subject_text: str | None = None
    stated: Decimal | None = None
    decimals: int | None = None
    unit: str | None = None
    direction: int | None = None
    base: str | None = None
    of: str | None = None
    whole: str | None = None
    whole_subject: str | None = None
    parent: str | None = None
    parts: list[str] = field(default_factory=list)
    reason: str | None = None
    reason_blank: bool = False
    qualifier: str | None = None     # words before the subject that narrow it (财政拨款, 当年 …)
    file: str = ""
    line: int | None = None
    block: int | None = None         # index of the narrative block (paragraph) it was read from
    production: str | None = None    # the production that made it (NUMBER_PRODUCTIONS, or the event's name)
    form: str | None = None          # a problem of its printed form ("no_percent": a rate printed without %)

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in (
            "id", "doc", "page", "section", "sentence", "text", "start", "end", "kind",
            "subject", "subject_text", "stated", "decimals", "unit", "direction", "base",
            "of", "whole", "whole_subject", "parent", "parts", "reason", "reason_blank",
            "qualifier", "file", "line", "production", "form")}
        if self.stated is not None:
            d["stated"] = int(self.stated) if self.decimals == 0 else float(self.stated)
        return d


# ---------------------------------------------------------------------------
# patterns (compiled once)

def _alt(words, escape=True) -> str:
    words = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in words)


@dataclass
class _Patterns:
    number: re.Pattern
    unit_kind: dict
    not_before: re.Pattern
    not_after: re.Pattern
    share: re.Pattern
    completion: re.Pattern
    change: re.Pattern
    change_dir: dict
    template: re.Pattern
    flat: re.Pattern
    flat_strong: set
    flat_gap: re.Pattern
    generic_gap: re.Pattern
    list_mark: re.Pattern
    list_mark_anywhere: re.Pattern   # the same mark inside a sentence ("…如下：（1）一般公共服务支出…")
    absence_after: str
    absence_not_after: str
    purchase: str
    initial_budget: re.Pattern
    initial_budget_base: str
    carried_over: str
    path_words: tuple
    prior_before: re.Pattern
    year_before: re.Pattern
    year_of_subject: re.Pattern
    bare_rate: re.Pattern
    other_item: str
    item_words_strip: re.Pattern
    this_year_before: re.Pattern
    from_level: re.Pattern
    to_level: re.Pattern
    absence: re.Pattern
    absence_not: re.Pattern
    composition: re.Pattern
    opener_tail: re.Pattern
    breakdown: re.Pattern
    trailing_total: re.Pattern
    item_end: re.Pattern
    reason_point: re.Pattern
    reason: re.Pattern
    reason_start: re.Pattern
    base: list
    last_year: re.Pattern
    level_marker: re.Pattern
    generic_ok: re.Pattern
    prior_figure: re.Pattern
    base_names: dict
    base_last_year: str


@lru_cache(maxsize=None)
def patterns() -> _Patterns:
    p = read_data(PATTERNS_FILE)
    units = p["units"]
    number = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(" + _alt(units) + ")")
    filler = r"(?:了|为|约|达|幅度为|幅为|幅度|幅|率为|率|额为|额|比例为)?"
    comp = p["comparative_change"]  # "小于上年预算数X万元": a comparative and its base make a change verb
    changes = {**{k: int(v) for k, v in p["change"].items()},
               **{w + b: int(d) for w, d in comp["words"].items() for b in comp["bases"]},
               **{b + w: int(d) for w, d in comp["after_base"].items() for b in comp["bases"]}}
    return _Patterns(
        number=number,
        unit_kind=units,
        not_before=re.compile("(?:" + _alt(p["not_before"]) + ")$"),
        not_after=re.compile("(?:" + _alt(p["not_after"]) + ")"),
        share=re.compile("(?:" + _alt(p["share"]) + r")[^,，;；:：。]{0,14}?$"),
        completion=re.compile(p["completion"]),
        # a synonym in brackets after the verb ("较上年减少（下降）10.00万元") is the same change
        change=re.compile("(" + _alt(changes) + ")(?:\\((?:" + _alt(changes) + ")\\))?" + filler + "$"),
        change_dir=changes,
        # … and any verb with the opposite one in brackets ("增长（降低）"): the template's unchosen pair
        template=re.compile("(?:" + _alt(p["template_change"], escape=False) + "|" + "|".join(
            re.escape(a) + r"\(" + re.escape(b) + r"\)" for a in changes for b in changes
            if changes[a] * changes[b] < 0) + ")" + filler + "$"),
        flat=re.compile(_alt(p["flat"])),
        flat_strong=set(p["flat_strong"]),
        flat_gap=re.compile("^(?:" + _alt(p["flat_gap"]) + ")*$"),
        generic_gap=re.compile("^(?:|" + _alt(p["generic_gap"]) + ")$"),
        list_mark=re.compile(p["list_mark"]),
        list_mark_anywhere=re.compile(p["list_mark"].lstrip("^")),
        absence_after=p["absence_after"],
        absence_not_after=p["absence_not_after"],
        purchase=p["purchase"],
        initial_budget=re.compile(p["initial_budget"]),
        initial_budget_base=p["initial_budget_base"],
        carried_over=p["carried_over"],
        path_words=tuple(p["path_words"]),
        prior_before=re.compile(p["prior_before"]),
        year_before=re.compile(p["year_before"]),
        year_of_subject=re.compile(p["year_of_subject"]),
        bare_rate=re.compile(p["bare_rate"]),
        other_item=p["other_item"],
        item_words_strip=re.compile(p["item_words_strip"]),
        this_year_before=re.compile(p["this_year_before"]),
        from_level=re.compile(p["from_level"]),
        to_level=re.compile(p["to_level"]),
        absence=re.compile(_alt(p["absence"])),
        absence_not=re.compile("(?:" + "|".join(p["absence_not"]) + ")"),
        composition=re.compile(_alt(p["composition"]) + "|" + p["breakdown"]),
        opener_tail=re.compile(_alt(p["opener_tail"])),
        breakdown=re.compile(p["breakdown"]),
        trailing_total=re.compile(p["trailing_total"]),
        item_end=re.compile(p["item_end"]),
        reason_point=re.compile(p["reason_point"]),
        reason=re.compile("|".join([_alt(p["reason"])] + p["reason_patterns"])),
        reason_start=re.compile("^(?:" + "|".join([_alt(p["reason"])] + p["reason_patterns"]) + ")"),
        base=[re.compile(b) for b in p["base"]],
        last_year=re.compile("(?:" + "|".join(p["last_year"]) + ")$"),
        level_marker=re.compile(p["level_marker"]),
        generic_ok=re.compile(p["generic_ok_after"]),
        prior_figure=re.compile(p["prior_figure"]),
        base_names=dict(p["base_names"]),
        base_last_year=p["base_last_year"],
    )


def base_name(words: str) -> str:
    """The name a comparison base goes by ("去年", "上年度", "同比" -> "上年"; "2022年" stays)."""
    return patterns().base_names.get(words, words)


def is_last_year(base: str | None) -> bool:
    """Whether a claim's base is the year before its document's (however the prose says it)."""
    return base is not None and base_name(base) == patterns().base_last_year


# ---------------------------------------------------------------------------
# sentences

@dataclass
class Sentence:
    text: str            # as printed
    block: Block
    offset: int          # start inside block.text
    ender: str           # the character that ended it ('。', '；', '\n', '')
    line_end: bool = False  # nothing but spaces between it and the next line break / block end
    squeezed: str = ""
    pos: list[int] = field(default_factory=list)
    _bounds: tuple[frozenset, frozenset] | None = None

    def is_token(self, start: int, end: int) -> bool:
        """Whether squeezed[start:end] begins and ends at token boundaries (tokenised on first use)."""
        if self._bounds is None:
            self._bounds = _nlp.token_bounds(self.squeezed)
        return start in self._bounds[0] and end in self._bounds[1]


def block_to_sentences(block: Block) -> list[Sentence]:
    """Split a block at 。；！？ and line ends; keep each sentence's offset and ender."""
    out = []
    text = block.text
    start = 0
    for m in _SENTENCE_END.finditer(text + "\n"):
        i, ch = m.start(), m.group()
        end = i + 1 if ch != "\n" else i
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            nl = text.find("\n", end)
            line_end = ch == "\n" or not text[end:(nl if nl >= 0 else len(text))].strip()
            out.append(Sentence(stripped, block, start + lead, ch, line_end))
        start = i + 1
    return out


# ---------------------------------------------------------------------------
# extraction

def extract(doc: Document) -> list[Claim]:
    """Every numeric claim of a document's narrative blocks, in reading order."""
    sentences = [s for b in doc.blocks for s in block_to_sentences(b)]
    _prepare(sentences)
    ex = _Extractor(doc.doc, final=doc.kind == "final_account", year=doc.year)
    ex.block_index = {id(b): i for i, b in enumerate(doc.blocks)}
    return ex.run(sentences)


def extract_text(text: str, doc: str = "-", page: int | None = None,
                 section: str | None = None) -> list[Claim]:
    """Claims of a bare text (one block per blank-line-separated paragraph)."""
    blocks = [Block(text=p, page=page, section=section)
              for p in re.split(r"\n\s*\n", text) if p.strip()]
    return extract(Document(doc=doc, files=[], blocks=blocks))


def _prepare(sentences: list[Sentence]) -> None:
    _nlp.pipeline()  # the tokenizer and its dictionaries, loaded once per process before a sentence needs them
    marker = patterns().level_marker
    for s in sentences:
        sq, pos = _nlp.squeeze(s.text)
        if "(" in sq and marker.search(sq):
            keep = [True] * len(sq)
            for m in marker.finditer(sq):
                keep[m.start():m.end()] = [False] * (m.end() - m.start())
            pos = [p for p, k in zip(pos, keep + []) if k] + [pos[-1]]
            sq = "".join(c for c, k in zip(sq, keep) if k)
        s.squeezed, s.pos = sq, pos


@dataclass(eq=False)
class OpenList:
    """A "其中：a；b；c" list being read: the claim it opened, the total its parts add up to, and the
    parts found so far. A list written one item per line (`line_mode`) runs on over paragraphs
    until a heading or two paragraphs without a part (`idle`)."""

    claim: Claim                    # the composition claim
    total: Claim | None             # the figure the list follows
    subject: str | None             # the total's concept
    sentence: "Sentence"            # where the list opened
    line_mode: bool                 # "其中：" ends its line: one item per line
    parts: list[Claim] = field(default_factory=list)
    idle: int = 0                   # paragraphs since the last part
    outer: "OpenList | None" = None  # the list it nests in ("其中：a 主要包括: …")
    until: int | None = None        # a list in brackets ends at its closing bracket: its place in `sentence`
    others: list[Claim] = field(default_factory=list)  # the other figures the total could be: see retotal
    numbered: bool = False          # its items are numbered ("其中：（一）…；（二）…"), one may start a line

    def retotal(self, money: bool) -> Claim | None:
        """"…共安排项目12个，项目支出预算1,200.00万元。其中：" — the list's first part is money where
        the total taken (the previous sentence's first figure) is a count, or the other way round:
        the total is that sentence's first figure of the part's kind, if there is one."""
        alt = next((c for c in self.others if (c.unit in MONEY) == money), None)
        if alt is not None:
            self.total, self.subject = alt, alt.subject
            self.claim.of, self.claim.subject, self.claim.subject_text = alt.id, alt.subject, alt.subject_text
        return alt


def _other_side(part: str | None, total: str | None) -> bool:
    """The part is the other side's total (ontology.yaml `side`, `total`): 本年支出合计 in a list of 收入总计."""
    if not part or not total or not _nlp.concept(part).get("total"):
        return False
    return {_nlp.concept(part).get("side"), _nlp.concept(total).get("side")} == {"income", "expenditure"}


def _related(a: str | None, b: str | None) -> bool:
    """Same concept, or one is the other's parent (收入总计 / 本年收入合计)."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    ca, cb = _nlp.concept(a), _nlp.concept(b)
    return ca.get("parent") == b or cb.get("parent") == a


def _is_under(a: str, b: str) -> bool:
    """a is b or one of b's descendants."""
    seen = set()
    while a and a not in seen:
        if a == b:
            return True
        seen.add(a)
        a = _nlp.concept(a).get("parent")
    return False


@dataclass
class _Span:
    """Where a figure is in the squeezed sentence (a number printed without its unit)."""

    a: int
    b: int

    def start(self, *_) -> int:
        return self.a

    def end(self, *_) -> int:
        return self.b


@dataclass
class Figure:
    """A number with its unit, as the number productions see it."""

    s: Sentence
    m: re.Match                     # the number and its unit in s.squeezed
    value: Decimal
    unit: str
    ukind: str                      # what the unit makes it: amount, percent, count (patterns.yaml units)
    win_start: int                  # where the words before it start (the end of the last event)
    window: str                     # those words
    tmpl: re.Match | None           # a template's unchosen change ("增加（减少）") among them
    chg: re.Match | None            # a change verb among them
    made: list                      # the claims made in the sentence so far


class _Extractor:
    def __init__(self, doc: str, final: bool = False, year: int | None = None):
        self.doc = doc
        self.final = final      # 决算: "年初预算为X" is the comparison figure
        self.year = year        # the document's year: an earlier year right before a subject is its base
        self.P = patterns()
        self.claims: list[Claim] = []
        self.seen: dict[str, int] = {}
        self.block_index: dict[int, int] = {}
        self.comp: OpenList | None = None        # the "其中：…" list being read
        self.last_list: tuple = (None, None)     # (total, paragraph) of the last list closed
        self.last_amount: Claim | None = None    # last amount/count claim in the block
        self.last_base: str | None = None        # comparison base of the last change in the block
        self.prev_head: Claim | None = None      # first figure of the previous sentence
        self.prev_heads: list[Claim] = []        # all its figures (amounts and counts)
        self.topic = None                        # (concept, words) a block's opening item line names
        self.topic_line: Sentence | None = None  # that line, until a figure needs its topic worked out

    # -- helpers --------------------------------------------------------
    def _mentions(self, s: Sentence, a: int, b: int) -> list:
        """Concept mentions in s.squeezed[a:b]; a bare 收入/支出 right after other words
        is the head of that name (公务接待费支出 -> 公务接待费; 水费支出 -> unknown, None)."""
        out = []
        sq = s.squeezed
        for m in _nlp.concepts_in(sq, a, b):
            if len(m.text) <= 2 and not s.is_token(m.start, m.end):
                continue
            if (m.start > a and out and out[-1].concept and out[-1].end == m.start
                    and out[-1].concept not in _GENERIC and not _is_fund(out[-1].concept)
                    and ((m.concept in _GENERIC and not _generic_word(m.text)) or _is_fund(m.concept))):
                # "财政专户管理资金收入预算总计0万元", "“三公”经费财政拨款支出…": a total or a fund
                # word right after an item is part of the item's own name, not a subject of its own
                p = out.pop()
                m = (_nlp.Mention(p.concept, p.start, p.end, p.text) if _is_fund(m.concept)
                     else _nlp.Mention(p.concept, p.start, m.end, p.text + m.text))
            elif m.concept in _GENERIC and _generic_word(m.text) and m.start > a:
                if out and out[-1].concept and self.P.generic_gap.match(sq[out[-1].end:m.start]):
                    p = out.pop()
                    m = _nlp.Mention(p.concept, p.start, m.end, p.text + m.text)
                elif not self.P.generic_ok.search(sq[max(a, m.start - 3):m.start]):
                    k = m.start
                    while k > a and "\u4e00" <= sq[k - 1] <= "\u9fff":
                        k -= 1
                    m = _nlp.Mention(None, k, m.end, sq[k:m.end])
            out.append(m)
        return out

    def _new(self, s: Sentence, kind: str, a: int, b: int, **kw) -> Claim:
        start, end = s.pos[a], s.pos[b - 1] + 1 if b > a else s.pos[a]
        t = s.text
        if start > 0 and t[start - 1] in _OPEN_Q and t[start:end].count(_Q[t[start - 1]]) > \
                t[start:end].count(t[start - 1]):
            start -= 1          # keep the quote of “三公”经费
        key = f"{s.text}|{start}|{end}|{kind}"
        h = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        cid = f"{self.doc}:{h}"
        n = self.seen.get(cid, 0)
        self.seen[cid] = n + 1
        if n:
            cid = f"{cid}-{n + 1}"
        b_ = s.block
        c = Claim(id=cid, doc=self.doc, page=b_.page, section=b_.section, sentence=s.text,
                  text=s.text[start:end], start=start, end=end, kind=kind,
                  file=b_.file, line=b_.line, block=self.block_index.get(id(b_)), **kw)
        return c

    def _base_before(self, s: Sentence, upto: int, since: int = 0) -> str | None:
        best = None
        for rx in self.P.base:
            for m in rx.finditer(s.squeezed, since, upto):
                if best is None or m.start() > best[0]:
                    best = (m.start(), m.group(1))
        if best is None:
            return None
        return base_name(best[1])

    # -- main loop ------------------------------------------------------
    def run(self, sentences: list[Sentence]) -> list[Claim]:
        block = None
        first = True              # at the block's first sentence
        pending: list[Claim] = []  # change/growth waiting for a reason in the next sentence
        for s in sentences:
            if s.block is not block:
                new_block = s.block
                if self.comp and self.comp.numbered and not self.comp.line_mode:
                    if not self._list_item(new_block):
                        self._close()  # a numbered list goes on only with its next numbered item
                elif self.comp and (not self.comp.line_mode or self.comp.idle >= 2
                                    or (new_block.heading and not self._list_item(new_block))):
                    self._close()
                elif self.comp:
                    self.comp.idle += 1
                block = new_block
                self.topic = self.topic_line = None
                first = True
                self.last_amount = None if not (self.comp and self.comp.line_mode) else self.last_amount
                pending = []
                self.last_base = None
            sq = s.squeezed
            if pending:
                m = self.P.reason_start.match(sq)
                if m:
                    self._set_reason(pending, s, m.end(), len(sq))
                pending = []
            made = self._sentence(s)
            if first:
                first = False
                if not made and not s.block.heading:
                    self.topic_line = s
            elif self.P.list_mark.match(_after_opener(self.P, sq)):
                # "…其中：1. 一般公共服务（类）行政运行（项）。年初预算为…" in one paragraph: a numbered
                # item line opens the item the sentences after it are about, up to the next item
                self.topic = None
                self.topic_line = s if not made and not s.block.heading else None
            heads = [c for c in made if c.kind in ("amount", "count")]
            self.prev_head = heads[0] if heads else None
            self.prev_heads = heads
            pending = [c for c in made if c.kind in ("change", "growth") and c.reason is None
                       and not c.reason_blank]
            if self.comp and self.comp.until is not None and self.comp.sentence is s:
                self._close()  # a list in brackets ends with its sentence ("…（其中：…）；…") at the latest
            if self.comp and self.comp.outer is not None and not self.comp.parts and self.comp.sentence is s:
                # "其中：人员经费1,800.00万元，主要包括：基本工资、津贴补贴；公用经费…": a part's list of words
                # with no figure ends with its item, and the outer list goes on
                self._close()
            if self.comp and not self.comp.line_mode and (s.ender in "。!?！？"
                                                          or (s.line_end and not self.comp.numbered)):
                self._close()
        if self.comp:
            self._close()
        return self.claims

    def _list_item(self, block: Block) -> bool:
        """A numbered line that states a figure ("（二）公用经费3407.38万元。"): the next item of an open
        list written one item per line, though it is printed like a heading."""
        text = block.text.strip()
        return bool(self.P.list_mark.match(text)) and bool(self.P.number.search(_nlp.squeeze(text)[0]))

    def _block_topic(self):
        """The current block's topic, worked out from its opening line the first time it is asked for."""
        if self.topic_line is not None:
            self.topic, self.topic_line = self._topic(self.topic_line), None
        return self.topic

    def _topic(self, s: Sentence):
        """'1、一般公共服务支出（类）财政事务（款）行政运行（项）。' opens a paragraph about that item."""
        ms = [x for x in self._mentions(s, 0, len(s.squeezed))
              if x.concept and x.concept not in _GENERIC]
        if not ms:
            return None
        words = self.P.list_mark.sub("", s.text).rstrip("。：:；; ")
        return ms[-1].concept, words

    def _close(self):
        comp, self.comp = self.comp, self.comp.outer
        if comp.total is not None:
            self.last_list = (comp.total, comp.sentence.block)
        c = comp.claim
        if c is not None and comp.parts:
            c.parts = [p.id for p in comp.parts]
        elif c is not None:
            self.claims.remove(c)

    def _set_reason(self, claims, s: Sentence, a: int, b: int):
        start, end = s.pos[a], (s.pos[b - 1] + 1 if b > a else s.pos[a])
        text = s.text[start:end].strip().strip("。；;，,：:.").strip()
        if not re.sub(r"[\W_…xX×＊*]+", "", text):   # "主要原因是……" / "XXX": the template's blank
            text = ""
        for c in claims:
            if text:
                c.reason = text
            else:
                c.reason_blank = True

    def _sentence(self, s: Sentence) -> list[Claim]:
        P, sq = self.P, s.squeezed
        events = []
        for m in P.number.finditer(sq):
            events.append((m.start(), "num", m))
        for m in P.bare_rate.finditer(sq):
            events.append((m.start(2), "bare_rate", m))
        for m in P.flat.finditer(sq):
            events.append((m.start(), "flat", m))
        for m in P.absence.finditer(sq):
            events.append((m.start(), "absence", m))
        for m in P.composition.finditer(sq):
            events.append((m.start(), "comp", m))
        for m in P.reason.finditer(sq):
            events.append((m.start(), "reason", m))
        events.sort(key=lambda e: (e[0], e[1] != "num"))
        made: list[Claim] = []
        last_end = 0          # end of the last event that consumed words
        reason_from = 0       # claims made since the last reason marker
        skip_to = -1
        comp_end = -1
        for at, kind, m in events:
            if self.comp is not None and self.comp.sentence is s and self.comp.until is not None \
                    and at > self.comp.until:
                self._close()  # "…8.00万元（其中：购置费0万元，运行维护费8.00万元），…": the bracket ends it
            if at < skip_to:
                continue
            if kind == "num":
                c = self._number(s, m, last_end, made)
                last_end = m.end()
                if c is not None:
                    made.append(c)
            elif kind == "bare_rate":
                c = self._bare_rate(s, m, last_end, made)
                last_end = m.end()
                if c is not None:
                    made.append(c)
            elif kind == "flat":
                c = self._flat(s, m, last_end, made)
                if c is not None:
                    made.append(c)
                    last_end = m.end()
            elif kind == "absence":
                c_list, words_end = self._absence(s, m)
                if c_list:
                    made.extend(c_list)
                    skip_to = max(skip_to, words_end)
                    last_end = max(last_end, words_end)
            elif kind == "comp":
                if at < comp_end:
                    continue
                self._open(s, m, last_end, made)
                last_end = comp_end = m.end()
            elif kind == "reason":
                if at < comp_end:
                    continue
                targets = [c for c in made[reason_from:] if c.kind in ("change", "growth")]
                if not targets:
                    continue
                end = self._reason_end(sq, m.end())
                self._set_reason(targets, s, m.end(), end)
                reason_from = len(made)
                if self.comp and not self.comp.line_mode and end == len(sq):
                    self._close()
                skip_to = end  # the reason's words are not claims
        return made

    def _reason_end(self, sq: str, at: int) -> int:
        """Where a reason starting at `at` ends: the sentence's end, or, inside an open "其中" list,
        the "；" that ends its item ("其中：工资福利支出…增加20.79万元，主要原因是…；商品和服务支出…"),
        unless the reason goes on with its own numbered points ("；二是…")."""
        if self.comp is None or self.comp.line_mode:
            return len(sq)
        for m in self.P.item_end.finditer(sq, at):
            if not self.P.reason_point.match(sq, m.end()):
                return m.start()
        return len(sq)

    # -- composition -----------------------------------------------------
    def _broken_down_again(self, s: Sentence, m) -> Claim | None:
        """The total a "按…分类" opener breaks down again: the total of the list open or last closed
        in the same paragraph (None for any other opener, or when there is none)."""
        if not self.P.breakdown.fullmatch(m.group(0)):
            return None
        if self.comp is not None and self.comp.total is not None:
            return self.comp.total
        total, block = self.last_list
        return total if block is s.block else None

    def _open(self, s: Sentence, m, last_end: int, made: list[Claim]):
        outer = None
        again = self._broken_down_again(s, m)
        if again is not None and self.comp:
            self._close()  # "按支出功能分类：…。按支出性质分类：…": the same total broken down another way
        if self.comp:
            # the list's last part, when this sentence or paragraph states it: "（二）…46.56万元，比上年增加
            # 25万元，主要原因是…。其中：…" breaks that part down
            last = next((x for x in reversed(made) if x.kind in ("amount", "count")), None)
            if last is None and self.comp.parts and \
                    self.comp.parts[-1].block == self.block_index.get(id(s.block)):
                last = self.comp.parts[-1]
            if last is not None and last in self.comp.parts:
                outer, self.comp = self.comp, None     # "其中：a 主要包括: …" nests under a part
            else:
                self._close()
        ms = self._mentions(s, last_end, m.start())
        total = None
        others: list[Claim] = []
        whole_subject = None
        if ms and ms[-1].end >= m.start() - 1:
            whole_subject = ms[-1].concept
            total = next((c for c in reversed(self.claims) if c.subject == whole_subject
                          and c.kind in ("amount", "count")), None)
        elif not s.squeezed[:m.start()].strip(",，。;；:：") and self.prev_head is not None:
            total = self.prev_head
            others = self.prev_heads[1:]
            whole_subject = total.subject
        else:
            total = next((c for c in reversed(made) if c.kind in ("amount", "count")), None) \
                or self.last_amount
            whole_subject = total.subject if total else None
        if again is not None:
            total, whole_subject = again, again.subject
        rest = s.squeezed[m.end():].strip(":：,，")
        tail = self.P.opener_tail.match(rest)
        rest = rest[tail.end():].strip(":：,，") if tail else rest  # "按功能分类具体情况如下："
        line_mode = rest == "" and s.line_end
        numbered = bool(self.P.list_mark.match(rest))  # "其中：（一）…；" then "（二）…" on the next line
        claim = self._new(s, "composition", m.start(), m.end(),
                          subject=whole_subject, of=total.id if total else None,
                          stated=None, subject_text=total.subject_text if total else None, production="composition")
        self.claims.append(claim)
        self.comp = OpenList(claim=claim, total=total, subject=whole_subject, sentence=s, line_mode=line_mode,
                             outer=outer, until=_bracket_end(s.squeezed, m.start()), others=others,
                             numbered=numbered)

    # -- numbers -------------------------------------------------------
    def _number(self, s: Sentence, m, last_end: int, made: list[Claim]) -> Claim | None:
        """A number with its unit: the first production (NUMBER_PRODUCTIONS) whose test holds makes
        its claim; a number right after a threshold word ("不超过", "单价") or before "以上" is none."""
        P, sq = self.P, s.squeezed
        if P.not_before.search(sq[max(0, m.start() - 12):m.start()]) or P.not_after.match(sq, m.end()):
            return None
        window = sq[last_end:m.start()]  # the clause before the number, since the last consumed event
        f = Figure(s, m, parse_number(m.group(1)), m.group(2), P.unit_kind[m.group(2)], last_end, window,
                   P.template.search(window), P.change.search(window), made)
        for name, test, build in NUMBER_PRODUCTIONS:
            if test(self, f):
                c = build(self, f)
                if c is not None:
                    c.production = name
                return c
        return None

    @staticmethod
    def _clause_start(sq: str, at: int) -> int:
        return max(sq.rfind(ch, 0, at) for ch in _CLAUSE) + 1

    def _bare_rate(self, s: Sentence, m, last_end: int, made: list[Claim]) -> Claim | None:
        """"增长8.41。": a rate printed without its %, read as the rate it must be and marked
        (a form problem: rules/printed_form.py)."""
        window = s.squeezed[last_end:m.start(2)]
        chg = self.P.change.search(window)
        if chg is None:
            return None
        value = parse_number(m.group(2))
        c = new_growth(self, s, _Span(m.start(2), m.end(2)), value, "%", chg, last_end, made)
        c.production, c.form = "bare_rate_number", "no_percent"
        return c

    def _flat(self, s: Sentence, m, last_end: int, made: list[Claim]) -> Claim | None:
        if made and made[-1].kind == "flat":
            return None
        word = m.group()
        base_at = base_end = None
        base = None
        for rx in self.P.base:
            for bm in rx.finditer(s.squeezed, last_end, m.start()):
                if base_at is None or bm.start() > base_at:
                    base_at, base, base_end = bm.start(), bm.group(1), bm.end()
        if word not in self.P.flat_strong:
            # "与上年数一致" is flat, "与上年统计口径一致" is not: only 预算/数/相比… may come between
            if base is None or not self.P.flat_gap.match(s.squeezed[base_end:m.start()]):
                return None
        a = base_at if base_at is not None else m.start()
        c = self._new(s, "flat", a, m.end(), direction=0, production="flat")
        attach_change(self, s, c, last_end, a, made)
        if base is not None:
            c.base = base_name(base)
        self.claims.append(c)
        return c

    def _absence(self, s: Sentence, m) -> tuple[list[Claim], int]:
        """The absence claims of one 无… marker, and where (in the squeezed text) their words end."""
        sq = s.squeezed
        end = m.end()
        while end < len(sq) and (sq[end] not in _CLAUSE or sq[end] == "、"):
            end += 1
        tail = sq[m.end():end]
        if not tail or self.P.absence_not.match(tail):
            return [], 0
        if m.start() > 0 and sq[m.start() - 1] in self.P.absence_after + self.P.absence_not_after:
            if sq[m.start() - 1] not in self.P.absence_after:   # 并无 is an absence; 增无/有无 are not
                return [], 0
        ms = [x for x in self._mentions(s, m.end(), end) if x.concept]
        if not ms:
            return [], 0
        specific = [x for x in ms if len(x.text) > 2]
        ms = specific or ms
        chained = []
        for x in ms:   # "国有资本经营预算财政拨款收入": the first fund names it
            if chained and chained[-1].end == x.start and _nlp.concept(chained[-1].concept).get("fund") \
                    and _nlp.concept(x.concept).get("fund"):
                continue
            chained.append(x)
        ms = chained
        nonfund = [x for x in ms if not _nlp.concept(x.concept).get("fund")]
        ms = nonfund or ms
        out = []
        for x in ms:
            c = self._new(s, "absence", m.start(), x.end, subject=x.concept, subject_text=x.text,
                          direction=None, production="absence")
            self.claims.append(c)
            out.append(c)
        return out, ms[-1].end


# --------------------------------------------------------------------------- the number productions
# (and the claims they make: changes, rates, shares, amounts, counts)

def growth_rate(ex: "_Extractor", f: "Figure") -> Claim:
    return new_growth(ex, f.s, f.m, f.value, f.unit, f.chg, f.win_start, f.made)


_FIGURE_END = re.compile(r"[\d,.]+\S{0,2}$")  # an amount claim's own figure and unit, at the end of its text


def words_before(c: Claim) -> str:
    """The words right before a claim's figure (its sentence's, then its own), spaces out."""
    return _FIGURE_END.sub("", re.sub(r"\s+", "", c.sentence[max(0, c.start - 16):c.start] + (c.text or "")))


def completion_rate(ex: "_Extractor", f: "Figure") -> Claim:
    """"支出决算为B万元，完成年初预算的X%": the account's figure (the last amount before it without a
    base) over the budget's (the last one with a base: 年初预算为A万元), both of the same sentence."""
    at = f.win_start + ex.P.completion.search(f.window).start()
    c = ex._new(f.s, "completion", at, f.m.end(), stated=f.value, decimals=_decimals(f.value), unit=f.unit)
    amounts = [x for x in f.made if x.kind == "amount"]
    budget = next((x for x in reversed(amounts) if x.base), None) or \
        next((x for x in reversed(amounts) if ex.P.initial_budget.search(words_before(x))), None)
    actual = next((x for x in reversed(amounts) if x is not budget and not x.base), None)
    if budget is not None and actual is not None and (amounts.index(budget) > amounts.index(actual) or (
            budget.subject and actual.subject and budget.subject != actual.subject)):
        budget = None  # the budget of another item ("三公"经费's, for 因公出国（境）费 in its list)
    if budget is not None and not budget.base:  # "预算数为A万元" beside a completion rate: the budget, in any document
        budget.base = ex.P.initial_budget_base
    if actual is not None:
        c.of, c.subject, c.subject_text = actual.id, actual.subject, actual.subject_text
    if budget is not None:
        c.whole, c.whole_subject = budget.id, budget.subject
    ex.claims.append(c)
    return c


def share_rate(ex: "_Extractor", f: "Figure") -> Claim:
    sh = ex.P.share.search(f.window)
    return new_share(ex, f.s, f.m, f.value, f.unit, f.win_start + sh.start(), f.win_start, f.made)


def template_change(ex: "_Extractor", f: "Figure") -> Claim:
    at = f.win_start + f.tmpl.start()
    if f.value == 0:
        c = ex._new(f.s, "flat", at, f.m.end(), direction=0, reason_blank=True, unit=f.unit)
        attach_change(ex, f.s, c, f.win_start, at, f.made)
        ex.claims.append(c)
        return c
    c = new_change(ex, f.s, f.m, f.value, f.unit, None, at, f.win_start, f.made)
    c.reason_blank = True
    return c


def change_figure(ex: "_Extractor", f: "Figure") -> Claim:
    # "增加206.67万元", and counted things too ("人员增加5人")
    c = new_change(ex, f.s, f.m, f.value, f.unit, ex.P.change_dir[f.chg.group(1)],
                   f.win_start + f.chg.start(), f.win_start, f.made)
    if c.base is None:  # "小于上年预算数X万元": the base is inside the verb
        c.base = ex._base_before(f.s, f.win_start + f.chg.end(), f.win_start + f.chg.start())
    return c


def count_figure(ex: "_Extractor", f: "Figure") -> Claim | None:
    """The thing counted is named in the same clause, or right after the number ("3个项目")."""
    s, m, sq = f.s, f.m, f.s.squeezed
    clause = ex._clause_start(sq, m.start())
    ms = [x for x in ex._mentions(s, max(f.win_start, clause), m.start())
          if x.concept and _nlp.concept(x.concept).get("count")
          and f.unit in _nlp.concept(x.concept).get("units", [f.unit])]
    if ms and ex.P.purchase in sq[clause:ms[-1].start]:
        bought = _nlp.name_to_concept(ms[-1].concept + ex.P.purchase)
        if bought:   # "安排购置单价20万元以上的设备0台(套)": a purchase, not the stock
            ms[-1] = _nlp.Mention(bought, ms[-1].start, ms[-1].end, ms[-1].text)
    subject, subject_text, a, qualifier, base = subject_before(ex, f, ms)
    if ex.final and base is None and ex.P.initial_budget.search(f.window):
        base = ex.P.initial_budget_base
    b = m.end()
    if subject is None:
        after = ex._mentions(s, m.end(), min(len(sq), m.end() + 12))
        if after and after[0].start == m.end() and after[0].concept \
                and _nlp.concept(after[0].concept).get("count"):
            subject, subject_text, b = after[0].concept, after[0].text, after[0].end
    if subject is None:
        return None
    return level_claim(ex, f, "count", a, b, subject, subject_text, qualifier, base)


def amount_figure(ex: "_Extractor", f: "Figure") -> Claim:
    """A money amount: its subject is the concept named before it, else this sentence's item
    (a bare 收入/支出), else the paragraph's topic line, else a part's name inside a list."""
    s, made = f.s, f.made
    subject, subject_text, a, qualifier, base = subject_before(ex, f, ex._mentions(s, f.win_start, f.m.start()))
    if subject in _GENERIC and _generic_word(subject_text):
        # "年初预算为2993.92万元，支出决算为2940.05万元": the bare word repeats this sentence's item
        side = _nlp.concept(subject).get("side")
        prev = next((x for x in reversed(made) if x.kind == "amount" and x.subject
                     and x.subject not in _GENERIC
                     and _nlp.concept(x.subject).get("side") in (side, "both")), None)
        if prev is not None:
            subject = prev.subject
    this_year = ex.P.this_year_before.search(f.window)
    if (subject is None and (ex.P.to_level.search(f.window) or this_year)) or \
            (this_year and subject_text and ex.P.this_year_before.fullmatch(_nlp.squeeze(subject_text)[0])):
        # "由2023年的560.20万元增加到610.40万元": the level now is the level of what the base figure named
        prev = next((x for x in reversed(made) if x.kind == "amount" and x.base and x.subject), None)
        if prev is not None:
            subject, subject_text = prev.subject, prev.subject_text
    if (subject is None or (subject in _GENERIC and _generic_word(subject_text))) and ex._block_topic():
        subject, subject_text = ex.topic
    if ex.final and base is None and ex.P.initial_budget.search(f.window):
        base = ex.P.initial_budget_base
    if subject is None and ex.comp:
        # "货物0万元" inside a 政府采购 composition: try "<total words><words>"
        words = re.sub(r"^[^\u4e00-\u9fff]+", "", f.window.split("、")[-1].split(",")[-1]
                       .split("，")[-1].split(":")[-1].split(";")[-1])
        tot = ex.comp.total
        if words and tot is not None and tot.subject_text:
            cid = _nlp.name_to_concept(tot.subject_text + words) or \
                _nlp.name_to_concept((tot.subject or "") + words)
            if cid:
                subject, subject_text = cid, words
                a = f.win_start + f.window.rfind(words)
    if subject is not None and _nlp.concept(subject).get("count_only"):
        subject = subject_text = None  # "信息化建设项目预算50万元": money, so not the count of projects
    if subject is None and subject_text is None:
        subject_text = item_words(ex, f)  # "信息化建设50.00万元": the item's own words, to find its row by
    return level_claim(ex, f, "amount", a, f.m.end(), subject, subject_text, qualifier, base)


def item_words(ex: "_Extractor", f: "Figure") -> str | None:
    """The words naming a figure no concept names: its clause before it, without list marks, years
    and the budget words around a name ("2. 信息化建设项目预算50万元" -> "信息化建设项目")."""
    sq = f.s.squeezed
    words = sq[max(f.win_start, ex._clause_start(sq, f.m.start())):f.m.start()]
    words = ex.P.item_words_strip.sub("", ex.P.list_mark.sub("", words))
    return words if 2 <= len(words) <= 24 and all("\u4e00" <= ch <= "\u9fff" or ch in "()（）" for ch in words) else None


def subject_before(ex: "_Extractor", f: "Figure", ms: list):
    """(subject, its words, where the claim starts, qualifier, base) from the mentions before a
    figure: the last concept named, the fund words right before it (财政拨款…), a base year
    ("上年…"), and a quoted subject path “一般公共服务支出（类）…（项）” kept whole."""
    P, s, m = ex.P, f.s, f.m
    a = m.start()
    subject = subject_text = qualifier = base = None
    if ms:
        last = ms[-1]
        a = last.start
        j = a
        while j > f.win_start and "\u4e00" <= s.squeezed[j - 1] <= "\u9fff":
            j -= 1
        other = s.squeezed.rfind(P.other_item, j, a)
        if other >= 0:  # "其他普通教育支出": an item of its own, never shortened into 教育支出
            a = other
        subject, subject_text = last.concept, s.text[s.pos[a]:s.pos[last.end - 1] + 1]
        j = len(ms) - 2
        while j >= 0 and ms[j].end == a and ms[j].concept and _nlp.concept(ms[j].concept).get("fund"):
            qualifier = ms[j].text if qualifier is None else ms[j].text + qualifier
            a = ms[j].start
            j -= 1
        if P.last_year.search(s.squeezed[f.win_start:a]) and subject != P.carried_over:
            base = P.base_last_year
        k = s.pos[m.start()] - 1
        while k >= 0 and s.text[k] == " ":
            k -= 1
        if k >= 2 and s.text[k - 1:k + 1] in P.path_words:
            k -= 2
        if k >= 0 and s.text[k] in "”」』\"":
            q = s.text.rfind(s.text[k] if s.text[k] == '"' else {"”": "“", "」": "「", "』": "『"}[s.text[k]], 0, k)
            if q >= 0 and s.pos[f.win_start] <= q:
                subject_text = s.text[q + 1:k]
                a = min(a, s.pos.index(next(i for i in s.pos if i > q)))
    if base is None:
        ym = P.prior_figure.search(f.window)
        if ym:
            base = ym.group(1) or P.base_last_year
    if base is None and P.prior_before.search(s.squeezed, ms[-1].end if ms else f.win_start, m.start()):
        base = P.base_last_year  # "较上年的560.20万元", "上年为560.20万元", "“三公”经费上年为10.00万元"
    if base is None:
        ym = P.year_before.search(s.squeezed, f.win_start, m.start())
        if ym:
            base = ym.group(1)  # "较2024年预算数7,985.40万元增加…": the comparison year's own figure
    if base is None and ex.year and ms:
        ym = P.year_of_subject.search(s.squeezed, f.win_start, a)
        if ym and int(ym.group(1)) < ex.year:
            base = ym.group(1) + "年"  # "（2016年度部门支出预算安排为8,648.07万元）" in a 2017 document
    if base is None:
        fm = P.from_level.search(s.squeezed, f.win_start, m.start())
        if fm and P.to_level.search(s.squeezed, m.end(), _clause_end(s.squeezed, m.end())):
            base = fm.group(1) or P.base_last_year  # "由2023年的560.20万元增加到…"
    return subject, subject_text, a, qualifier, base


_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}


def item_number(sentence: str, start: int | None = None) -> tuple[str, int] | None:
    """The style and number of the list item that begins right before `start` in a sentence (its
    whole when `start` is None): "其中：（二）…" -> ("(一", 2), "…如下：（1）一般公共服务支出…" -> ("(1", 1),
    "3. …" -> ("1.", 3); None when no list mark stands there. Items of one list share a style:
    "（1）" is not the item after "1．"."""
    P = patterns()
    if start is None:
        m = P.list_mark.match(_after_opener(P, _nlp.squeeze(sentence)[0]))
    else:
        head = sentence[:start]
        m = next((x for x in reversed(list(P.list_mark_anywhere.finditer(head)))
                  if not _CLAUSE.intersection(head[x.end():])), None)
    if not m:
        return None
    text = m.group(0).strip()
    mark = re.sub(r"[^\d一二三四五六七八九十]", "", text)
    style = ("(" if text[0] in "(（" else "") + ("1" if mark.isdigit() else "一") + \
        ("" if text[0] in "(（" else re.sub(r"[\d一二三四五六七八九十\s]", "", text)[:1].replace("．", "."))
    if mark.isdigit():
        return style, int(mark)
    tens, _, ones = mark.rpartition("十")
    if "十" not in mark:
        number = _DIGITS.get(mark)
    else:
        number = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return (style, number) if number is not None else None


def _after_opener(P: _Patterns, sq: str) -> str:
    """A sentence without the list opener it starts with ("其中：1. …" -> "1. …")."""
    m = P.composition.match(sq)
    return sq[m.end():].lstrip(":：,，") if m else sq


def _bracket_end(sq: str, at: int) -> int | None:
    """The closing bracket of the bracket that opens right before `at` ("…（其中：…）"), or None."""
    if at == 0 or sq[at - 1] not in "(（":
        return None
    depth = 1
    for i in range(at, len(sq)):
        ch = sq[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth == 0:
                return i
    return None


def _clause_end(sq: str, at: int) -> int:
    """Where the clause that goes on at `at` ends (its next comma or full stop)."""
    ends = [i for i in (sq.find(ch, at) for ch in "，,；;。") if i >= 0]
    return min(ends) if ends else len(sq)


def _bought_kind(ex: "_Extractor", subject: str, total: str) -> bool:
    """"购置车辆1辆，其中：…其他用车1辆": a kind of the thing a purchase total buys (车辆购置 buys 车辆)."""
    if not total.endswith(ex.P.purchase):
        return False
    bought = _nlp.concept(total).get("parent")
    return bool(bought) and subject != bought and _is_under(subject, bought)


def _in_reason(ex: "_Extractor", f: "Figure") -> bool:
    """The figure is inside a reason its sentence gives ("主要原因是…较上年减少部门支出1,653万元"), with no
    list opened since ("主要用于保障运转，其中：人员经费…" states levels again): it is no part of an open
    list, and does not end one."""
    sq, at = f.s.squeezed, f.m.start()
    reasons = list(ex.P.reason.finditer(sq, 0, at))
    return bool(reasons) and not ex.P.composition.search(sq, reasons[-1].start(), at)


def level_claim(ex: "_Extractor", f: "Figure", kind: str, a: int, b: int, subject, subject_text, qualifier,
                base) -> Claim:
    """An amount or count claim, made a part of the open list when it belongs there."""
    c = ex._new(f.s, kind, a, b, subject=subject, subject_text=subject_text, stated=f.value,
                  decimals=_decimals(f.value), unit=f.unit, qualifier=qualifier, base=base)
    if ex.comp and subject is None and ex.P.trailing_total.search(f.window):
        ex._close()  # "…，合计X万元": the sum of what came before, not one more part
    if ex.comp and ex.comp.total is not c and base is None and not _in_reason(ex, f):
        tot = ex.comp.total
        fam_ok = tot is None or ((tot.unit in MONEY) == (f.unit in MONEY))
        if not fam_ok and not ex.comp.parts and (tot := ex.comp.retotal(f.unit in MONEY)) is not None:
            fam_ok = True
        if fam_ok and kind == "count" and tot is not None and tot.subject and subject:
            fam_ok = _is_under(subject, tot.subject) or _bought_kind(ex, subject, tot.subject)
        if fam_ok and tot is not None and _other_side(subject, tot.subject):
            fam_ok = False  # "其中：本年收入合计…，年初结转和结余…；本年支出合计…": the other side's items
        if fam_ok and not (tot is not None and subject == tot.subject and subject is not None):
            c.parent = tot.id if tot else None
            ex.comp.parts.append(c)
            ex.comp.idle = 0
        elif tot is not None:
            ex._close()
    ex.claims.append(c)
    if base is None:
        ex.last_amount = c
    return c


def attach_change(ex: "_Extractor", s: Sentence, c: Claim, win_start: int, verb_at: int, made):
    """Subject, of and base of a change/flat: the words before the verb, else the amount before."""
    ms = ex._mentions(s, win_start, verb_at)
    of = None
    if ms and len(ms[-1].text) <= 2 and not any(
            x.kind == "amount" and _related(x.subject, ms[-1].concept) for x in made) \
            and ex.last_amount is not None and ex.last_amount.kind == "amount":
        # a bare 收入/支出 after another sentence's figure: the change is that figure's
        of = ex.last_amount
        c.subject, c.subject_text = of.subject, of.subject_text
    elif ms:
        c.subject, c.subject_text = ms[-1].concept, ms[-1].text
        of = next((x for x in reversed(ex.claims) if x.subject == c.subject
                   and x.kind == "amount" and x.base is None), None) or \
            next((x for x in reversed(made) if x.kind == "amount" and x.base is None
                  and _related(x.subject, c.subject)), None)
    else:
        comp = ex.comp
        if comp and comp.sentence is s and len(comp.parts) >= 2 and comp.total:
            of = comp.total
        else:
            # …else the earlier year's figure the sentence states ("与2016年度相比（2016年度…为A万元），
            # 增加C万元，增长X%": the rate is C ÷ A)
            of = next((x for x in reversed(made) if x.kind == "amount" and x.base is None), None) \
                or ex.last_amount \
                or next((x for x in reversed(made) if x.kind == "amount" and x.base and x.base[:4].isdigit()), None)
        if of is not None:
            c.subject, c.subject_text = of.subject, of.subject_text
    c.of = of.id if of else None
    c.base = ex._base_before(s, verb_at + 1)
    if c.base is None and c.kind != "flat":
        c.base = ex.last_base
    elif c.kind != "flat":
        ex.last_base = c.base
    if ex.comp and of is not None and of is ex.comp.total:
        ex._close()


def new_change(ex: "_Extractor", s, m, value, unit, direction, verb_at, win_start, made) -> Claim:
    c = ex._new(s, "change", verb_at, m.end(), stated=value, decimals=_decimals(value),
                  unit=unit, direction=direction)
    attach_change(ex, s, c, win_start, verb_at, made)
    ex.claims.append(c)
    return c


def new_growth(ex: "_Extractor", s, m, value, unit, chg, win_start, made) -> Claim:
    verb_at = win_start + chg.start()
    d = ex.P.change_dir[chg.group(1)]
    c = ex._new(s, "growth", verb_at, m.end(), stated=value, decimals=_decimals(value),
                  unit=unit, direction=d)
    prev = made[-1] if made else None
    ms = ex._mentions(s, win_start, verb_at)
    if prev is not None and prev.kind == "change" and not ms:
        c.subject, c.subject_text, c.of = prev.subject, prev.subject_text, prev.of
        c.base = ex._base_before(s, verb_at + 1) or prev.base
    else:
        attach_change(ex, s, c, win_start, verb_at, made)
    ex.claims.append(c)
    return c


def new_share(ex: "_Extractor", s, m, value, unit, marker_at, win_start, made) -> Claim:
    c = ex._new(s, "share", marker_at, m.end(), stated=value, decimals=_decimals(value),
                  unit=unit)
    of = next((x for x in reversed(made) if x.kind == "amount"), None)
    if of is not None:
        c.of, c.subject, c.subject_text = of.id, of.subject, of.subject_text
        if of.parent:
            c.whole = of.parent
            tot = next((x for x in reversed(ex.claims) if x.id == of.parent), None)
            c.whole_subject = tot.subject if tot else None
        elif ex.comp and ex.comp.subject:
            c.whole_subject = ex.comp.subject
    ms = [x for x in ex._mentions(s, marker_at, m.start()) if x.concept]
    if ms:   # "占本年支出合计的99.13%": the whole is named
        c.whole_subject = ms[-1].concept
        tot = next((x for x in reversed(ex.claims) if x.kind == "amount"
                    and x.subject == c.whole_subject and x.base is None), None)
        c.whole = tot.id if tot else None
    ex.claims.append(c)
    return c

# -- flat / absence ------------------------------------------------


def _in_clause(ex: _Extractor, f: Figure) -> bool:
    return bool(f.chg) and f.chg.start() + f.win_start >= ex._clause_start(f.s.squeezed, f.m.start())


# A number goes through these in order; the first whose test holds makes its claim (data/patterns.yaml
# `productions` says what each reads). A claim records the production that made it.
NUMBER_PRODUCTIONS = (
    ("growth_rate", lambda ex, f: f.unit == "%" and bool(f.chg) and not f.tmpl, growth_rate),
    ("completion", lambda ex, f: f.unit == "%" and bool(ex.P.completion.search(f.window))
     and any(x.kind == "amount" for x in f.made), completion_rate),  # a target ("预算执行率为100%") has no figures
    ("share", lambda ex, f: f.unit == "%" and bool(ex.P.share.search(f.window)), share_rate),
    ("bare_rate", lambda ex, f: f.unit == "%", lambda ex, f: None),
    ("template_change", lambda ex, f: f.ukind == "amount" and bool(f.tmpl), template_change),
    ("change", _in_clause, change_figure),
    ("count", lambda ex, f: f.ukind != "amount", count_figure),
    ("amount", lambda ex, f: True, amount_figure),
)
