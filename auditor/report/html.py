"""Findings + Documents -> an evidence site an auditor reads offline (Jinja2, autoescaped).

DIR/report/index.html         counts by status, rule and document (sortable), link to Data Docs
DIR/report/doc/<doc>.html     the narrative with every claim highlighted by status; selecting a
                              claim shows the cells / formula that decided it beside the sentence;
                              the document's tables with their check results
Document text is untrusted: every string goes through Jinja's autoescape, or through text_to_html
(markupsafe's escaping rules) where the many small pieces of a page are built in Python: the
narrative (blocks_to_html), the claims' evidence sections (claims_to_sections), the tables section
(tables_to_html) with its grids (table_to_grid) and check rows (checks_to_rows), the source links
(sources_to_html) and the reviews (review_to_html); no template uses |safe.
"""
from __future__ import annotations

import functools
import hashlib
import re
import shutil
from collections import Counter, defaultdict
from numbers import Number
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from auditor.report import words, worklist

HERE = Path(__file__).parent
STATUSES = ("fail", "warn", "unverified", "pass")
DATA_DOCS = "gx/uncommitted/data_docs/local_site/index.html"


class _Environment(Environment):
    """Jinja's environment, with `x.name` on a dict read as its item first: the pages are made of
    dicts (the findings), and Jinja's own order (the attribute, then the item) raises and catches
    an AttributeError for every field it shows."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _env() -> Environment:
    """The report's templates, compiled once per process (a Site takes them at its start; forked
    workers inherit them compiled) and never checked for changes on disk during a run."""
    env = _Environment(loader=FileSystemLoader(HERE / "templates"),
                       autoescape=select_autoescape(["html", "j2"], default=True),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["num"] = value_to_text
    env.globals["words"] = words
    env.globals["review_html"] = review_to_html
    return env


def value_to_text(x) -> str:
    """A figure as printed: None -> '—', 0.24999999999999983 -> '0.25', Decimal kept as is."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.6f}".rstrip("0").rstrip(".") or "0"
    return str(x)


def doc_to_filename(doc: str) -> str:
    """A document id -> its page's file name, one page per id: an id of plain characters is its own
    name (as always); any other is made plain and given a short hash of the id, so `a b` and `a_b`,
    or `sub1/report` and `sub1_report`, never write the same page."""
    safe = re.sub(r"[^\w.-]", "_", doc)
    if safe == doc and len(doc) <= 120 and not doc.startswith("."):
        return doc + ".html"
    digest = hashlib.sha1(doc.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe[:120]}~{digest}.html"


def block_to_segments(text: str, spans: list[tuple[int, int, dict]]) -> list[tuple[str, dict | None]]:
    """Paragraph text + claim spans (start, end, claim) -> [(text, claim|None)] in order, no overlaps."""
    out, pos = [], 0
    for start, end, claim in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], claim))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def _claim_spans(doc, claims_json: list[dict], claim_objs: list) -> tuple[dict, list[dict]]:
    """Place each claim in its block: {block index: [(start, end, claim json)]}, and claims not placed."""
    objs = {c.id: c for c in claim_objs}
    spans, unplaced = defaultdict(list), []
    for cj in claims_json:
        c = objs.get(cj["id"])
        placed = False
        candidates = ([c.block] if c is not None and c.block is not None else []) + list(range(len(doc.blocks)))
        for bi in candidates:
            if bi is None or not 0 <= bi < len(doc.blocks):
                continue
            text = doc.blocks[bi].text
            s = text.find(cj["sentence"]) if cj.get("sentence") else -1
            if s >= 0 and c is not None and cj["sentence"][c.start:c.end] == cj["text"]:
                spans[bi].append((s + c.start, s + c.end, cj))
                placed = True
            else:
                t = text.find(cj["text"], max(s, 0)) if cj.get("text") else -1
                if t >= 0:
                    spans[bi].append((t, t + len(cj["text"]), cj))
                    placed = True
            if placed:
                break
        if not placed:
            unplaced.append(cj)
    return spans, unplaced


def _evidence_of(finding: dict) -> list[dict]:
    """The evidence data of a finding: its own (a table check) or its checks' (a claim)."""
    return finding["checks"] if "checks" in finding else [finding]


def evidence_to_tables(claim: dict, tables: list) -> list:
    """The document's tables a claim's evidence cites (its checks' tables), in order of citation."""
    by_index = {t.index: t for t in tables}
    out = []
    for ev in _evidence_of(claim):
        for ref in ev.get("tables") or []:
            t = by_index.get(ref["table"])
            if t is not None and not ref.get("doc") and t not in out:
                out.append(t)
    return out


def findings_to_marks(doc: str, findings: list[dict], tables: list) -> dict[int, dict[tuple[int, int], str]]:
    """The cells non-passing findings cite -> worst status, per table index, keyed by (row, column
    index). One pass over the findings (read off their evidence data, never off its words)."""
    rank = {s: i for i, s in enumerate(STATUSES)}
    columns = {t.index: t.columns for t in tables}
    marks: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    for f in findings:
        status = f["status"]
        if status == "pass":
            continue
        for ev in _evidence_of(f):
            for c in ev.get("cells") or []:
                if c.get("doc") or c["table"] not in columns:
                    continue  # another document's cell (the previous year's)
                cols = columns[c["table"]]
                js = [c["col"]] if c.get("col") is not None else [j for j, name in enumerate(cols) if name == c["column"]]
                table_marks = marks[c["table"]]
                for j in js:
                    old = table_marks.get((c["row"], j))
                    if old is None or rank[status] < rank[old]:
                        table_marks[(c["row"], j)] = status
    return marks


def text_to_html(v) -> str:
    """A value as escaped text, exactly as markupsafe.escape() writes it (&, <, >, ', "), without
    making a Markup object of every cell."""
    s = v if type(v) is str else str(v)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s or ">" in s:
        s = s.replace(">", "&gt;").replace("<", "&lt;")
    if "'" in s or '"' in s:
        s = s.replace("'", "&#39;").replace('"', "&#34;")
    return s


_NUMERIC: dict[type, bool] = {}  # a cell value's type -> a number (right-aligned)? (isinstance on an ABC, once a type)


def table_to_grid(table, marks: dict[tuple[int, int], str]) -> Markup:
    """The table's body rows as HTML, every cell escaped here (a page holds thousands of cells:
    built in Python, not cell by cell in the template); marked cells carry their status."""
    out = []
    marked_rows = {i for i, _ in marks}
    for i, row in enumerate(table.rows):
        cells = []
        for j, v in enumerate(row):
            kind = type(v)
            numeric = _NUMERIC.get(kind)
            if numeric is None:
                numeric = _NUMERIC[kind] = issubclass(kind, Number)
            m = marks.get((i, j)) if i in marked_rows else None
            text = "" if v is None else text_to_html(v)
            if m:
                cells.append(f'<td class="{"n" if numeric else ""} cell-{text_to_html(m)}" title="{text_to_html(m)}">{text}</td>')
            else:
                cells.append(f'<td class="{"n" if numeric else ""}">{text}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    return Markup("".join(out))


def review_to_html(rv: dict | None) -> Markup:
    """An auditor's review of a finding as the pages show it (its verdict, note and reviewer), or
    nothing without one; every field escaped."""
    if rv is None:
        return Markup("")
    verdict = rv.get("verdict", "")  # printed as Jinja printed it: a missing field empty, None as 'None'
    out = f'<p class="review verdict {text_to_html(verdict)}">复核 review: <b>{text_to_html(words.verdict(verdict))}</b>'
    if rv.get("note"):
        out += f" — {text_to_html(rv['note'])}"
    if rv.get("by"):
        out += f" ({text_to_html(rv['by'])})"
    return Markup(out + "</p>")


def checks_to_rows(checks: list[dict], reviews: dict) -> Markup:
    """A table's check results as the rows of its checks table (status, rule, stated, expected,
    evidence and review), escaped here in one pass: a page holds hundreds of them."""
    out = []
    for k in checks:
        status, rule = k["status"], k["rule"]
        named = _rule_cells(rule)
        rv = reviews.get(k["id"]) if reviews else None
        out.append(f'<tr class="{text_to_html(status)}" id="{text_to_html(k["id"])}"><td><span class="badge '
                   f'{text_to_html(status)}">{_status_cell(status)}</span></td><td title="{named[0]}">'
                   f'{named[1]}</td><td class="n">{text_to_html(value_to_text(k["stated"]))}</td><td class="n">'
                   f'{text_to_html(value_to_text(k["expected"]))}</td><td>{text_to_html(k["evidence"])}'
                   f'{review_to_html(rv) if rv is not None else ""}</td></tr>')
    return Markup("".join(out))


def sources_to_html(srcs: list[dict]) -> Markup:
    """Where a finding or a table is printed (report.pages.sources): a link to the file at its page,
    and the page image when there is one; escaped here (a page holds one per claim and table)."""
    out = []
    for s in srcs:
        page = f" 第{text_to_html(s['page'])}页" if s["page"] else ""
        out.append(f'<div class="source"><a class="page-link" href="{text_to_html(s["href"])}" target="_blank" '
                   f'rel="noopener">原文 {text_to_html(s["file"])}{page}</a>\n')
        if s["image"]:
            image = text_to_html(s["image"])
            out.append(f'<details class="page-image"><summary>原页图 page image p{text_to_html(s["page"])}</summary>'
                       f'<a href="{image}" target="_blank" rel="noopener"><img loading="lazy" src="{image}" '
                       f'alt="{text_to_html(s["file"])} p{text_to_html(s["page"])}"></a></details>')
        out.append("</div>\n")
    return Markup("".join(out))


def blocks_to_html(blocks: list, spans: dict, reviews: dict) -> Markup:
    """The narrative: each block a paragraph (or a heading) with its page, its claims marked by
    status (reviewed ones marked so), escaped here in one pass: a page holds hundreds of blocks."""
    out = []
    for i, b in enumerate(blocks):
        tag = "h3" if b.heading else "p"
        out.append(f'<{tag} class="block">')
        if b.page:
            out.append(f'<span class="page">第{text_to_html(b.page)}页</span>')
        for text, c in block_to_segments(b.text, spans.get(i, [])):
            if c:
                status = c["status"]
                out.append(f'<mark class="claim {text_to_html(status)}{" reviewed" if c["id"] in reviews else ""}" '
                           f'tabindex="0" data-claim="{text_to_html(c["id"])}" title="{_status_cell(status)} '
                           f'{_rule_cells(c["rule"])[1]}">{text_to_html(text)}</mark>')
            else:
                out.append(text_to_html(text))
        out.append(f"</{tag}>")
    return Markup("".join(out))


def claims_to_sections(claims: list[dict], cited: dict, reviews: dict, sources: dict) -> Markup:
    """Each claim's evidence section of the page's panel (its verdict, rule, sentence, stated and
    expected figures, evidence, cited tables, checks, review and source), hidden until the claim is
    selected; escaped here in one pass: a page holds one per claim. A field a claim lacks prints
    nothing, None prints as None (as the template printed them)."""
    out = []
    for n, c in enumerate(claims, 1):
        get = c.get
        status, cid = get("status", ""), get("id", "")
        summary, name = _rule_cells(get("rule"))
        page = f" · 第{text_to_html(c['page'])}页" if get("page") else ""
        subject = f" （{text_to_html(c['subject'])}）" if get("subject") else ""
        expected = get("expected", "")
        unit = f" {text_to_html(c['unit'])}" if get("unit") and expected is not None else ""
        out.append(f'<section class="evidence" id="ev-{n}" data-claim="{text_to_html(cid)}" hidden>\n'
                   f'<p><span class="badge {text_to_html(status)}">{_status_cell(status)}</span> <b title="{summary}">'
                   f'{name}</b>{page}</p>\n<p class="meta">{summary}</p>\n'
                   f'<blockquote class="sentence">{text_to_html(get("sentence", ""))}</blockquote>\n<dl>\n'
                   f'<dt>陈述 stated</dt><dd class="stated">{text_to_html(get("text", ""))}{subject}</dd>\n'
                   f'<dt>期望 expected</dt><dd class="expected">{text_to_html(value_to_text(expected))}{unit}</dd>\n'
                   f'<dt>证据 evidence</dt><dd class="evidence-text">'
                   f'{text_to_html(get("evidence") or "无可核对的表格数据 (no table evidence)")}</dd>\n</dl>\n')
        tables = cited.get(cid)
        if tables:
            out.append('<p class="cited">表格 tables: ' + "；".join(
                f'<a href="#T{text_to_html(t.index)}">T{text_to_html(t.index)} 《{text_to_html(t.title)}》'
                f'{" p" + text_to_html(",".join(map(str, t.pages))) if t.pages else ""}</a>' for t in tables) + "</p>")
        checks = get("checks") or ()
        if len(checks) > 1:
            out.append('<ul class="checks">' + "".join(
                f'<li><span class="badge {text_to_html(k["status"])}">{_status_cell(k["status"])}</span> '
                f'<b>{_rule_cells(k["rule"])[1]}</b> {text_to_html(k["evidence"] or "")}</li>' for k in checks) + "</ul>")
        rv = reviews.get(cid)
        out.append(f'{review_to_html(rv)}\n{sources_to_html(sources.get(cid, ()))}\n'
                   f'<p class="id">{text_to_html(cid)}</p>\n</section>\n')
    return Markup("".join(out))


_CHECKS_HEAD = ('<table class="checks"><thead><tr><th>状态</th><th>规则 rule</th><th class="n">陈述 stated</th>'
                '<th class="n">期望 expected</th><th>证据 evidence</th></tr></thead><tbody>\n')


def tables_to_html(tables: list[dict], sources: dict) -> Markup:
    """The page's tables section: each table (open when it has a fail, a warn or a marked cell) with
    its title, type, pages, unit, counts, source, checks table and grid (made by checks_to_rows and
    table_to_grid)."""
    out = []
    for x in tables:
        t, counts = x["table"], x["counts"]
        index = text_to_html(t.index)
        is_open = "open" if counts["fail"] or counts["warn"] or x["marks"] else ""
        pages = f" · 第{text_to_html(','.join(map(str, t.pages)))}页" if t.pages else ""
        unit = f" · {text_to_html(t.unit)}" if t.unit else ""
        badges = "".join(f'<span class="badge {s}">{_status_cell(s)} {counts[s]}</span> '
                         for s in STATUSES if counts[s])
        out.append(f'<details class="table" id="T{index}" {is_open}>\n<summary><b>{text_to_html(t.title or t.type)}</b> '
                   f'<span class="meta">T{index} · {text_to_html(words.table_type(t.type))}{pages}{unit}</span>\n'
                   f'{badges}</summary>\n{sources_to_html(sources.get("T" + str(t.index), ()))}\n')
        if x["checks"]:
            out.append(f'{_CHECKS_HEAD}{x["check_rows"]}</tbody></table>')
        if t.empty:
            note = f": {text_to_html(t.note)}" if t.note else ""
            out.append(f'<p class="meta">空表 empty table{note}</p>')
        else:
            head = "".join(f"<th>{text_to_html(col)}</th>" for col in t.columns)
            out.append(f'<div class="grid"><table class="grid"><thead><tr>{head}</tr></thead><tbody>\n'
                       f'{x["grid"]}</tbody></table></div>')
        out.append("</details>\n")
    return Markup("".join(out))


@functools.lru_cache(maxsize=None)
def _status_cell(status: str) -> str:
    """A status's words, escaped once."""
    return text_to_html(words.status(status))


@functools.lru_cache(maxsize=None)
def _rule_cells(rule: str) -> tuple[str, str]:
    """A check's rule as its cells show it: (its summary, its name), escaped once (a few rules,
    hundreds of rows a page)."""
    return text_to_html(words.rule_summary(rule)), text_to_html(words.rule_name(rule))


def _status(r: dict) -> str:
    """What a finding counts as: its status, or dismissed (已排除) when an auditor dismissed it."""
    return "dismissed" if (r.get("review") or {}).get("verdict") == "dismissed" else r["status"]


def _counts(rows: list[dict]) -> dict:
    c = dict.fromkeys((*STATUSES, "dismissed"), 0)
    for r in rows:
        s = _status(r)
        if s in c:
            c[s] += 1
    return c


def _by_document(findings: dict):
    """(document entry, its claims, its table checks) for each document of a findings contract."""
    claims, checks = defaultdict(list), defaultdict(list)
    for c in findings.get("claims", []):
        claims[c["doc"]].append(c)
    for t in findings.get("table_checks", []):
        checks[t["doc"]].append(t)
    for d in findings.get("documents", []):
        yield d, claims[d["doc"]], checks[d["doc"]]


class Site:
    """DIR/report/, written one document at a time: pages() renders a document's page (in any
    process), summarise() keeps only its counts for the index, add() does both; close() writes
    the index."""

    def __init__(self, out_dir: str | Path, reviews: dict | None = None, data_docs: bool | None = None):
        self.out = Path(out_dir) / "report"
        (self.out / "doc").mkdir(parents=True, exist_ok=True)
        (self.out / "static").mkdir(exist_ok=True)
        for f in ("report.css", "report.js", "worklist.js"):
            shutil.copy(HERE / "static" / f, self.out / "static" / f)
        self.env = _env()
        self.templates = {name: self.env.get_template(name) for name in ("document.html.j2", "index.html.j2")}
        self.reviews = reviews or {}
        if data_docs is None:  # not said: link the Data Docs when they are there
            data_docs = (Path(out_dir) / DATA_DOCS).exists()
        self.data_docs = "../" + DATA_DOCS if data_docs else None
        self.rows, self.reviewed, self.seen = [], [], set()
        self.page_images = None  # "findings" | "all": the document pages show their PDF pages (report.pages)
        self.by_rule, self.totals = defaultdict(Counter), Counter()
        self.worklist = worklist.Spill(self.out)

    def add(self, findings: dict, docs: list, claims: list) -> None:
        """One part of the findings (usually one document's), its documents and Claim objects."""
        self.summarise(findings)
        self.pages(findings, docs, claims)

    def summarise(self, findings: dict) -> None:
        """Keep what the index shows of a part of the findings: counts by document, status and rule."""
        self.take(self.summary(findings))

    def summary(self, findings: dict) -> dict:
        """What the index shows of a part of the findings, as small plain data: made where the part
        is made (a worker), kept by take() (the process that writes the index)."""
        rows, reviewed, seen, listed = [], [], set(), []
        by_rule, totals = defaultdict(Counter), Counter()
        for d, cl, tc in _by_document(findings):
            rv = self._reviews(cl + tc)
            seen |= rv.keys()
            for r in cl + tc:
                s = _status(r)
                by_rule[r.get("rule") or "—"][s] += 1
                totals[s] += 1
                if r["id"] in rv:
                    reviewed.append({**r, **rv[r["id"]]})
            page = "doc/" + doc_to_filename(d["doc"]) if d["status"] == "ok" else None
            listed += worklist.rows(d, cl, tc, rv, page or "")
            rows.append({**d, "page": page,
                         "claim_counts": _counts(cl), "check_counts": _counts(tc), "reviewed": len(rv)})
        return {"rows": rows, "reviewed": reviewed, "seen": seen, "by_rule": by_rule, "totals": totals,
                "listed": listed}

    def take(self, summary: dict) -> None:
        """Keep a part's summary (summary()) for the index; its findings list rows go to the spill."""
        self.worklist.add(summary["listed"])
        self.rows += summary["rows"]
        self.reviewed += summary["reviewed"]
        self.seen |= summary["seen"]
        for rule, c in summary["by_rule"].items():
            self.by_rule[rule].update(c)
        self.totals.update(summary["totals"])

    def pages(self, findings: dict, docs: list, claims: list) -> None:
        """Write the page of each document of a part of the findings (needs no other document)."""
        docs_by_id = {d.doc: d for d in docs}
        objs_by_doc = defaultdict(list)
        for c in claims:
            objs_by_doc[c.doc].append(c)
        for d, cl, tc in _by_document(findings):
            if d["doc"] in docs_by_id:
                self._document(d, docs_by_id[d["doc"]], cl, tc, objs_by_doc[d["doc"]], self._reviews(cl + tc))

    def _reviews(self, rows: list[dict]) -> dict:
        return {r["id"]: self.reviews[r["id"]] for r in rows if r["id"] in self.reviews}

    def _document(self, d: dict, doc, cl: list[dict], tc: list[dict], objs: list, rv: dict) -> None:
        spans, unplaced = _claim_spans(doc, cl, objs)
        tables = []
        of_table = defaultdict(list)
        prefix = len(d["doc"]) + 1  # table check ids: "<doc>:T<index>:<rule>:<key>", the document's "<doc>:D:…"
        for c in tc:
            of = c["id"][prefix:].split(":", 1)[0]
            of_table[of[1:] if of.startswith("T") else of].append(c)
        all_marks = findings_to_marks(d["doc"], tc + cl, doc.tables)
        for t in doc.tables:
            mine = sorted(of_table.get(str(t.index), []),
                          key=lambda c: STATUSES.index(c["status"]) if c["status"] in STATUSES else 9)
            marks = all_marks.get(t.index, {})
            tables.append({"table": t, "checks": mine, "counts": _counts(mine), "marks": marks,
                           "grid": table_to_grid(t, marks), "check_rows": checks_to_rows(mine, rv)})
        cited = {c["id"]: evidence_to_tables(c, doc.tables) for c in cl}
        from auditor.report import pages

        sources = pages.sources(doc, cl, tc, self.out / "doc", self.out / "pages" / doc_to_filename(d["doc"])[:-5],
                                self.page_images)
        listed = worklist.rows(d, cl, tc, rv)
        html = self.templates["document.html.j2"].render(
            rows=worklist.data(listed), labels=worklist.labels(), doc_page=True,
            list_counts=Counter(r["status"] for r in listed), d=d, unplaced=unplaced,
            narrative=blocks_to_html(doc.blocks, spans, rv), evidence=claims_to_sections(cl, cited, rv, sources),
            tables=tables_to_html(tables, sources), reviews=rv,
            counts=_counts(cl), check_counts=_counts(tc), statuses=STATUSES, doc_checks=of_table.get("D", []),
            data_docs=self.data_docs and "../" + self.data_docs)
        (self.out / "doc" / doc_to_filename(d["doc"])).write_text(html, encoding="utf-8")

    def close(self, stale: list[dict] | None = None) -> Path:
        """Write index.html (counts by document, status and rule; the reviews) and return it.
        `stale`: the reviews whose id went stale with their likely new ids (review.Stale)."""
        from auditor.review import merge_reviews

        merged = merge_reviews({"claims": [{"id": i} for i in self.seen]}, self.reviews)
        by_rule = [{"rule": k, **{s: v.get(s, 0) for s in (*STATUSES, "dismissed")}, "total": sum(v.values())}
                   for k, v in sorted(self.by_rule.items())]
        html = self.templates["index.html.j2"].render(
            documents=self.rows, by_rule=by_rule, totals={s: self.totals.get(s, 0) for s in (*STATUSES, "dismissed")},
            statuses=STATUSES, stale=merged["stale"] if stale is None else stale, review_counts=merged["counts"],
            data_docs=self.data_docs, reviewed=self.reviewed)
        index = self.out / "index.html"
        index.write_text(html, encoding="utf-8")
        self.worklist.close(self.env, documents=len(self.rows), data_docs=self.data_docs)
        self._remove_stale_pages()
        return index

    def _remove_stale_pages(self) -> None:
        """A rerun into a used folder: the pages of documents no longer in the run go."""
        current = {Path(d["page"]).name for d in self.rows if d["page"]}
        for p in (self.out / "doc").glob("*.html"):
            if p.name not in current:
                p.unlink()

    @property
    def list_page(self) -> Path:
        """DIR/report/问题清单.html, the run's findings list."""
        return self.out / worklist.PAGE


def write_site(findings: dict, docs: list, claims: list, out_dir: str | Path,
               reviews: dict | None = None) -> Path:
    """Write DIR/report/ (index + one page per document + static files) in one go; returns index.html."""
    site = Site(out_dir, reviews)
    site.add(findings, docs, claims)
    return site.close()
