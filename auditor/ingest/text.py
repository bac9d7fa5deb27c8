"""Plain text / markdown -> narrative Blocks + RawTables.

One reader for .txt and .md (text extracted from PDFs often carries markdown
headings and HTML fragments):

* table rows: tab-separated lines, markdown pipe rows (``| a | b |``) and HTML
  ``<table>`` elements (rowspan/colspan expanded into the grid). Consecutive
  table rows separated only by blank lines form one RawTable (a page break in
  the source); repeated headers are removed later by auditor.tables.
* a table of contents ("2023年预算收支总表.....\t2") is not a table: it becomes
  one narrative block without the dot leaders and page numbers.
* the short lines just above a table (title, 部门名称：…, 单位：万元, 表5) are its
  context, not narrative; notes right below it (注：…, 本表无数据) are added to
  its context and also kept as narrative.
* narrative: blank-line separated paragraphs; a paragraph that does not end with
  sentence-final punctuation continues into the next one unless that is a
  heading ("人员薪\\n\\n资调整。" -> one sentence); headings (第一部分, 一、,
  （一）, 1、, markdown #) become heading Blocks and set ``section``.
"""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from bisect import bisect_left
from itertools import compress, count, repeat
from operator import contains, itemgetter
from pathlib import Path

from auditor.ingest.encoding import read_text_file
from auditor.model import Block, LimitError, RawTable
from auditor.settings import DEFAULT, Limits, limit_to_text

__all__ = ["read_text", "text_to_parts", "html_table_to_rows", "is_heading"]

_CN = "一二三四五六七八九十百零〇"
_HEADING_RES = [
    re.compile(rf"^第[{_CN}\d]+部分"),
    re.compile(rf"^[{_CN}]+\s*[、．.]"),
    re.compile(rf"^[（(]\s*[{_CN}\d]+\s*[)）]"),
    re.compile(r"^\d{1,2}\s*[、．.](?!\d)"),
    re.compile(r"^附件"),
    re.compile(r"^目\s*录$"),
]
_HEADING = re.compile("|".join(f"(?:{p.pattern})" for p in _HEADING_RES))  # any of them
_DEFINITION = re.compile(r"[:：].{8,}")
_SENTENCE_MARK = re.compile(r"[。；;]")
_HEADING_MAX = 40
_SENT_END = tuple("。；;！!？?：:…")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_HTML = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_TOC_PAGE = re.compile(r"^\d{1,3}$")
_DOTS = re.compile(r"[.．·…。]{3,}")
_META = re.compile(r"^(单\s*位|金额单位|部门名称|单位名称|部门|编制单位|预算单位)\s*[:：]|^[（(]\s*\d{4}\s*年度?\s*[)）]$|^单\s*位\s*[:：]?$")
_TITLE_MARK = re.compile(r"^(表\s*[\d一二三四五六七八九十]+(?:[-—]\d+)?|(?:预算|公开|决算)\s*\d+\s*表|(?:预算|决算)?公开表\s*\d+|附表\s*\d*)$")
_NOTE = re.compile(r"^\s*(?:备\s*)?注\s*[:：\d]|本表无数据|此表无数据|并已公开空表|此表为空|本表为空|无数据[。.]?$")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_ANY = re.compile(r"\s")


def read_text(path: Path, limits: Limits = DEFAULT) -> tuple[list[Block], list[RawTable]]:
    """Read a .txt/.md file into narrative blocks and raw tables."""
    path = Path(path)
    try:
        return text_to_parts(read_text_file(path), path.name, limits)
    except LimitError as exc:
        raise LimitError(path, exc.problem) from None


def is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > _HEADING_MAX:
        return False
    if _HEADING.match(s):
        # "（一）因公出国费 0 万元。主要用于…" is a paragraph, not a heading
        inner = s[:-1] if s.endswith(("。", ".")) else s
        if _DEFINITION.search(inner):  # "一、基本支出：指为保障…" is a definition, not a heading
            return False
        return not _SENTENCE_MARK.search(inner)
    return False


# --- logical lines --------------------------------------------------------

def _logical_lines(text: str, limits: Limits = DEFAULT, notes: list[str] | None = None
                   ) -> list[tuple[int, str, str | list[str]]]:
    """(line number, kind, text): kind 'row' (text: the list of its cells), 'text', 'blank', 'sep',
    'md' (markdown heading). Linear in the text: each line is looked at a bounded number of times."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # the lines opening an HTML table, and those closing one (most lines hold no tag at all)
    tagged = list(compress(count(), map(contains, lines, repeat("<"))))
    opening = [k for k in tagged if _TABLE_OPEN.search(lines[k])]
    if not opening:
        return list(map(_classify, range(1, len(lines) + 1), lines))
    lowered = {k: lines[k].lower() for k in tagged}
    closing = [k for k in tagged if "</table" in lowered[k]]
    cells = [k for k in tagged if _CELL_TAG.search(lowered[k])]
    out: list[tuple[int, str, str | list[str]]] = []
    i = 0  # lines before it are read
    for k in opening:
        if k < i:  # inside the table read before
            continue
        out += map(_classify, range(i + 1, k + 1), lines[i:k])
        line = lines[k]
        lineno = k + 1
        m = _TABLE_OPEN.search(line)
        # the whole <table>…</table> (may span lines); a table never closed ends at its last cell tag
        c = bisect_left(closing, k)
        if c < len(closing):
            j = closing[c]
        else:
            nxt = bisect_left(opening, k + 1)
            stop = opening[nxt] if nxt < len(opening) else len(lines)
            last = bisect_left(cells, stop) - 1
            j = max(k, cells[last]) if last >= 0 else k
        chunk = "\n".join(lines[k:j + 1])
        before = chunk[: m.start()]
        if before.strip():
            # a table inside a cell or a sentence: flatten it to text
            flat = _TABLE_HTML.sub(lambda mm: _html_flat(mm.group(0), limits, notes), chunk)
            for n, part in enumerate(flat.split("\n")):
                out.append(_classify(lineno + n if n == 0 else lineno, _strip_tags(part)))
        else:
            end = _TABLE_HTML.search(chunk)
            html = end.group(0) if end else chunk
            for row in html_table_to_rows(html, limits, notes):
                out.append((lineno, "row", [c.replace("\t", " ") for c in row]))
            rest = chunk[end.end():] if end else ""
            if rest.strip():
                out.append(_classify(lineno, _strip_tags(rest)))
        i = j + 1
    out += map(_classify, range(i + 1, len(lines) + 1), lines[i:])
    return out


_CELL_TAG = re.compile(r"</?t[dhr]\b")


def _classify(lineno: int, line: str) -> tuple[int, str, str | list[str]]:
    if not line:
        return (lineno, "blank", "")
    if "<" in line and ">" in line or "&" in line:  # tags, and the entities of an HTML page's text
        line = _strip_tags(line)
    if "\t" in line:
        cells = line.split("\t")
        joined = "".join(cells)
        # no whitespace but the tabs (every whitespace character but the space is unprintable)
        if " " not in joined and joined.isprintable():
            return (lineno, "row", cells) if joined else (lineno, "blank", "")
        cells = [c.strip() for c in cells]
        return (lineno, "row", cells) if any(cells) else (lineno, "blank", "")
    s = line.strip()
    if not s:
        return (lineno, "blank", "")
    if s.startswith("|") and s.endswith("|") and s.count("|") >= 3:
        if _MD_SEP.match(s):
            return (lineno, "sep", "")
        return (lineno, "row", [c.strip() for c in s[1:-1].split("|")])
    m = _MD_HEADING.match(line) if "#" in line[:4] else None  # the '#' comes after at most 3 spaces
    if m:
        return (lineno, "md", _strip_md(m.group(2)))
    return (lineno, "text", _strip_md(s))


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_UNDERLINE = re.compile(r"__(.+?)__")


def _strip_md(s: str) -> str:
    if "**" in s:
        s = _BOLD.sub(r"\1", s)
    if "__" in s:
        s = _UNDERLINE.sub(r"\1", s)
    if s.startswith(("- ", "* ")):
        s = s[2:]
    return s.strip()


def _strip_tags(s: str) -> str:
    s = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", " ", s, flags=re.I)
    s = _TAG.sub("", s)
    return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _html_flat(html: str, limits: Limits = DEFAULT, notes: list[str] | None = None) -> str:
    rows = html_table_to_rows(html, limits, notes)
    return "；".join(" ".join(c for c in r if c) for r in rows if any(r))


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self._depth == 1:
            if not self.rows:
                self.rows.append([])
            self._cell = []
            self._span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag in ("br", "p") and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1
        elif tag in ("td", "th") and self._cell is not None and self._depth == 1:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            self.rows[-1].append((text, *self._span))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _int(v) -> int:
    try:
        return max(1, int(str(v).strip()))
    except (TypeError, ValueError):
        return 1


def html_table_to_rows(html: str, limits: Limits = DEFAULT, notes: list[str] | None = None) -> list[list[str]]:
    """An HTML table -> grid of strings; rowspan/colspan copy the cell text into every covered slot.

    A span is clamped to limits.max_span (noted in `notes`); a grid of more than limits.max_cells
    cells is not built (LimitError)."""
    p = _TableParser()
    p.feed(html)
    grid: dict[tuple[int, int], str] = {}
    most = limits.max_span
    n_cells = 0
    for r, row in enumerate(p.rows):
        c = 0
        for text, rs, cs in row:
            if rs > most or cs > most:
                if notes is not None:
                    notes.append(f"rowspan/colspan {rs}/{cs} clamped to {most} (--max-span)")
                rs, cs = min(rs, most), min(cs, most)
            n_cells += rs * cs
            if n_cells > limits.max_cells:
                raise LimitError("", limit_to_text("max_cells", f"more than {limits.max_cells}", limits))
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    if not grid:
        return []
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    if nrows * ncols > limits.max_cells:
        raise LimitError("", limit_to_text("max_cells", nrows * ncols, limits))
    return [[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)]


# --- grouping -------------------------------------------------------------

def _is_toc(rows: list[list[str]]) -> bool:
    """A table of contents: most rows end in a small page number, often with dot leaders."""
    if not rows:
        return False
    need = max(2, 0.7 * len(rows))
    hits = misses = 0
    for r in rows:
        cells = list(filter(None, r))
        if 2 <= len(cells) <= 3 and _TOC_PAGE.match(cells[-1]):
            hits += 1
        else:
            misses += 1
            if len(rows) - misses < need:  # too few rows left to make it one
                return False
    if hits < need:
        return False
    return hits == len(rows) or any(_DOTS.search(c) for r in rows for c in r)


_WIDE = re.compile(rf"[{_CJK}\u3000-\u303f\uff00-\uffef]")  # CJK text and full-width punctuation


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if _WIDE.match(b[0]) or _WIDE.match(a[-1]):
        return a + b
    return a + " " + b


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_GRID_TAG = re.compile(r"</?(?:table|tbody|thead|tfoot|tr|td|th|caption)\b[^>]*>", re.I)
_FIGURE_CELL = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
_YEAR_CELL = re.compile(r"(?:19|20)\d{2}")
_TABLE_WORD_FILE = Path(__file__).parent.parent / "data" / "table_words.yaml"


@functools.lru_cache(maxsize=1)
def _table_word() -> re.Pattern:
    import yaml

    with open(_TABLE_WORD_FILE, encoding="utf-8") as fh:
        return re.compile(yaml.safe_load(fh)["disclosure_word"])


def _is_layout(rows: list[list[str]]) -> bool:
    """A grid that lays a page out rather than publishing figures: one column, or no figure in any
    cell and no word of a budget table's header (a menu, a list of links, the frame of an article)."""
    if max(map(len, rows), default=0) <= 1:
        return True
    cells = [c for r in rows for c in r if c]
    return not any(_FIGURE_CELL.fullmatch(c) and not _YEAR_CELL.fullmatch(c) for c in cells) \
        and not any(_table_word().search(c) for c in cells)


def _unwrap_layout_tables(text: str) -> str:
    """A web page's layout tables as lines of text: a table holding another table, and a grid that
    _is_layout; their own grid tags end lines, the tables inside them are kept. Tables never
    closed are left to the table parser."""
    opened: list[list] = []   # [start, end, children] of the tables open at this point
    closed: list[list] = []   # every table closed, in closing order (children before their parent)
    for m in _TABLE_TAG.finditer(text):
        if not m.group(1):
            node = [m.start(), None, []]
            if opened:
                opened[-1][2].append(node)
            opened.append(node)
        elif opened:
            node = opened.pop()
            node[1] = m.end()
            closed.append(node)
    layout: set[int] = set()
    for start, end, inner in closed:
        inner = [n for n in inner if n[1] is not None]
        cuts = [start] + [x for a, b, _ in inner for x in (a, b)] + [end]  # its own text: the children cut out
        own = "".join(text[cuts[k]:cuts[k + 1]] for k in range(0, len(cuts), 2))
        try:
            rows = html_table_to_rows(own)
        except LimitError:  # the table parser says so when it reads the table
            continue
        if inner or _is_layout(rows):
            layout.add(start)
    if not layout:
        return text
    ends = {n[1]: n[0] for n in closed}
    out, at, stack = [], 0, []  # stack: the starts of the tables open at a tag
    for m in _GRID_TAG.finditer(text):
        tag = m.group(0)
        if tag[1] != "/" and tag[1:6].lower() == "table":
            stack.append(m.start())
        owner = stack[-1] if stack else None
        if tag[1] == "/" and tag[2:7].lower() == "table" and stack and ends.get(m.end()) == stack[-1]:
            stack.pop()
        if owner in layout:
            out += [text[at:m.start()], "\n"]
            at = m.end()
    out.append(text[at:])
    return "".join(out)


def html_to_text(text: str) -> str:
    """An HTML page -> text lines: block tags end lines, <hN> become markdown headings, <head> dropped,
    tabs are spaces (a page's indentation is no table row). <table> elements are kept for the table
    parser, but for the layout tables of the page, which become lines of text (_unwrap_layout_tables)."""
    text = re.sub(r"(?is)<head\b.*?</head>|<script\b.*?</script>|<style\b.*?</style>", "", text)
    text = _unwrap_layout_tables(text.replace("\t", " "))
    text = re.sub(r"(?i)<h([1-6])\b[^>]*>", lambda m: "\n" + "#" * int(m.group(1)) + " ", text)
    text = re.sub(r"(?i)</(?:p|h[1-6]|div|li|section|article)\s*>|<br\s*/?>(?![^<]*</t[dh]>)", "\n", text)
    text = re.sub(r"(?i)<table\b", "\n<table", text)
    text = re.sub(r"(?i)</table\s*>", "</table>\n", text)
    return text


_HTML_PAGE = re.compile(r"(?i)<(?:html|body)\b")
_KIND_LETTER = {"row": "r", "blank": "b", "sep": "s", "text": "t", "md": "m"}
_SPAN = re.compile(r"r(?:[bs]*r)*")  # over the kinds' letters: a table span
_LABEL_LINE = re.compile(r"^[^，。：:]{2,12}[：:]")  # "主要职责：" opens a list, it does not wrap


def text_to_parts(text: str, file: str = "", limits: Limits = DEFAULT) -> tuple[list[Block], list[RawTable]]:
    """The reader proper (no I/O): text -> (blocks, raw tables). Limits applied (a span clamped)
    are noted on the first table."""
    if _HTML_PAGE.search(text, 0, 2000):
        text = html_to_text(text)
    notes: list[str] = []
    lines = _logical_lines(text, limits, notes)
    n = len(lines)
    # 1. table spans: runs of 'row' lines, blank/sep lines inside allowed (first and last line a row)
    kinds = "".join(map(_KIND_LETTER.__getitem__, map(itemgetter(1), lines)))
    spans = [(m.start(), m.end() - 1) for m in _SPAN.finditer(kinds)]
    used = [False] * n  # lines consumed as table context (not narrative)
    tables: list[RawTable] = []
    toc_blocks: list[tuple[int, str]] = []
    prev_end = -1
    for si, (a, b) in enumerate(spans):
        if kinds.count("r", a, b + 1) == b + 1 - a:  # rows only (most spans)
            rows = list(map(itemgetter(2), lines[a:b + 1]))
        else:
            rows = [line[2] for line in lines[a:b + 1] if line[1] == "row"]
        used[a:b + 1] = [True] * (b + 1 - a)
        if _is_toc(rows):
            entries = []
            for r in rows:
                cells = [c for c in r if c]
                if cells and _TOC_PAGE.match(cells[-1]):
                    cells = cells[:-1]
                entries.append(_DOTS.sub("", " ".join(cells)).strip())
            toc_blocks.append((a, "；".join(e for e in entries if e)))
            prev_end = b
            continue
        # context above: walk up over short non-sentence lines until a title is found
        ctx: list[int] = []
        k = a - 1
        found_title = False
        while k > prev_end and len(ctx) < 6:
            kind, s = lines[k][1], lines[k][2]
            if kind in ("blank", "sep"):
                k -= 1
                continue
            if kind == "row" or len(s) > 80 or (s.endswith("。") and "表" not in s):
                break
            if found_title:
                if _TITLE_MARK.match(s.replace(" ", "")):
                    ctx.append(k)
                break
            if _META.search(s) or s in ("元", "万元") or _TITLE_MARK.match(s.replace(" ", "")):
                ctx.append(k)
            elif "表" in s or kind == "md":
                ctx.append(k)
                found_title = True
            else:
                # no title yet: the nearest short plain line is the title candidate
                if len(s) <= 40 and not is_heading(s):
                    ctx.append(k)
                break
            k -= 1
        ctx.sort()
        for c in ctx:
            used[c] = True
        context = [lines[c][2] for c in ctx]
        # notes below the table (kept as narrative too)
        k = b + 1
        seen = 0
        nxt = spans[si + 1][0] if si + 1 < len(spans) else n
        while k < nxt and seen < 3:
            kind, s = lines[k][1], lines[k][2]
            if kind == "blank":
                k += 1
                continue
            seen += 1
            if kind == "text" and _NOTE.search(s) and len(s) <= 200:
                context.append(s)
                k += 1
                continue
            break
        # join a unit broken over lines ("单位：万" + "元")
        context = _join_unit(context)
        raw = RawTable(rows=rows, pages=[], context=context, file=file, line=lines[a][0])
        tables.append(raw)
        prev_end = b
    # 2. narrative
    blocks: list[Block] = []
    section: str | None = None
    para: list[str] = []
    para_line = None

    def flush():
        nonlocal para, para_line
        if para:
            blocks.append(Block(text=_joined(para), section=section, file=file, line=para_line))
        para, para_line = [], None

    toc_at = dict(toc_blocks)
    # the lines in order, a table span by its first line only (the rest of it is never narrative)
    order: list[int] = []
    after = 0
    for a, b in spans:
        order += range(after, a + 1)
        after = b + 1
    order += range(after, n)
    for idx in order:
        lineno, kind, s = lines[idx]
        if idx in toc_at:
            if para:
                flush()
            if toc_at[idx]:
                blocks.append(Block(text=toc_at[idx], section=section, file=file, line=lineno))
            continue
        if used[idx] or kind in ("row", "sep"):
            if para and (kind == "row" or used[idx] and kind != "blank"):
                flush()
            continue
        if kind == "blank":
            if para:
                last = para[-1]
                # continue a wrapped sentence across blank lines
                nxt = _next_text(lines, idx, used)
                if nxt is not None and not last.endswith(_SENT_END) and len(last) >= 20 \
                        and not (_LABEL_LINE.match(last) and len(last) < 40) \
                        and not is_heading(nxt) and lines[_next_idx(lines, idx, used)][1] != "md" \
                        and not is_heading(para[0]):
                    continue
                flush()
            continue
        style = _enum_style(s)
        if kind != "md" and style and blocks and not blocks[-1].heading and (
                blocks[-1].text.startswith("注") or _enum_style(blocks[-1].text) == style):
            # an item of a list or of a note ("注：1. …" then "2. …"), not a heading
            flush()
            para, para_line = [s], lineno
            flush()
            continue
        if kind == "md" or is_heading(s):
            flush()
            parent = section
            blocks.append(Block(text=s, section=parent, heading=True, file=file, line=lineno))
            section = s
            continue
        if not para:
            para_line = lineno
        para.append(s)
    flush()
    if notes and tables:
        tables[0].notes = list(dict.fromkeys(notes))
    return blocks, tables


_ENUM = re.compile(rf"^(?:[（(]\s*[{_CN}\d]+\s*[)）]|[{_CN}]+\s*[、．.]|\d{{1,2}}\s*[、．.](?!\d))")


def _enum_style(s: str) -> str | None:
    """'(14) …' -> '(N)'; '二、…' -> 'C、'; None when the line starts with no enumerator."""
    m = _ENUM.match(s.strip())
    return _enum_prefix_style(m.group(0)) if m else None


_DIGITS = re.compile(r"\d+")
_CN_RUN = re.compile(rf"[{_CN}]+")


@functools.lru_cache(maxsize=1024)
def _enum_prefix_style(prefix: str) -> str:
    pre = _SPACE_ANY.sub("", prefix).replace("（", "(").replace("）", ")")
    return _CN_RUN.sub("C", _DIGITS.sub("N", pre))


def _joined(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out = _join(out, p)
    return out


def _next_idx(lines, idx, used):
    k = idx + 1
    while k < len(lines):
        if lines[k][1] != "blank":
            return k
        k += 1
    return idx


def _next_text(lines, idx, used):
    k = _next_idx(lines, idx, used)
    if k == idx or used[k] or lines[k][1] not in ("text", "md"):
        return None
    return lines[k][2]


_UNIT_OPEN = re.compile(r"单\s*位\s*[:：]\s*[万千亿]?$")
_UNIT_REST = re.compile(r"[万千亿]?元")


def _join_unit(context: list[str]) -> list[str]:
    out: list[str] = []
    for s in context:
        if out and _UNIT_OPEN.search(out[-1]) and _UNIT_REST.fullmatch(s.strip()):
            out[-1] = out[-1] + s.strip()
        else:
            out.append(s)
    return out
