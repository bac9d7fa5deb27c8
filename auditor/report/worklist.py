"""问题清单, the findings list: every finding that is not 相符, one row each, across the run and per
document, with the words a person reads (report/words.py).

A row is a small record (document, page, sentence, stated, expected, 差额, rule, status, review)
and travels as JSON data in the page, drawn and filtered by static/worklist.js: a page stays
usable at hundreds of thousands of rows (it draws only what is shown). The run's list is written
one document at a time: each document's rows are appended to a spill file as they come
(Spill.add) and copied into DIR/report/问题清单.html at the end (Spill.close), so a run never
holds more than one document's rows. Unverified claims are listed apart, collapsed, grouped by
their reason (the first clause of their evidence, quoted words blanked).

    rows(d, claims, table_checks, reviews, href) -> [row]     the list rows of one document
    data(rows) -> Markup                                      rows as JSON, safe inside <script>
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from markupsafe import Markup

from auditor.report import words

PAGE = "问题清单.html"  # under DIR/report/, beside index.html
LISTED = ("fail", "warn", "unverified")  # 相符 is counted, never listed
_QUOTED = re.compile(r"「[^」]*」|《[^》]*》|“[^”]*”|\d[\d,.]*")
_MARKER = "\x00rows\x00"


def cause(evidence: str | None) -> str:
    """An unverified finding's reason, as grouped: the first clause of its evidence with the quoted
    words and figures blanked ('表中未找到「政府采购」' -> '表中未找到「…」')."""
    first = (evidence or "").split("；")[0].strip()
    return _QUOTED.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[-1] if m.group(0)[0] in "「《“" else "…",
                       first) or words.label("no_reason")


def page_label(file: str | None, page: int | None, line: int | None, pair: bool) -> str:
    """Where a finding is printed: '第3页' (a PDF), '第12行' (a text file), with the file's name
    when the document is a pair of files ('X-narrative.pdf 第3页')."""
    where = f"第{page}页" if page else f"第{line}行" if line else ""
    name = Path(file).name if pair and file else ""
    return " ".join(x for x in (name, where) if x)


def difference(stated, expected) -> str | None:
    """差额, stated − expected, at the printed precision of both; None unless both are figures."""
    try:
        a, b = Decimal(str(stated)), Decimal(str(expected))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if stated is None or expected is None or isinstance(stated, bool) or not (a.is_finite() and b.is_finite()):
        return None
    d = a - b
    return "0" if d == 0 else f"{d:+f}"


def _review(r: dict, reviews: dict) -> dict:
    """The finding's review: its own `review` field (findings.json), else the run's review file's."""
    return r.get("review") or reviews.get(r["id"]) or {}


def rows(d: dict, claims: list[dict], checks: list[dict], reviews: dict | None = None,
         href: str = "") -> list[dict]:
    """The list rows of one document: its claims and table checks that are not 相符, in reading
    order (claims, then table checks). `href`: the document's page (links go to href#claim=<id>)."""
    reviews = reviews or {}
    pair = len(d.get("files") or []) > 1
    doc_label = words.document(d)
    out = []
    for kind, recs in (("claim", claims), ("table", checks)):
        for r in recs:
            if r["status"] not in LISTED:
                continue
            rv = _review(r, reviews)
            if kind == "claim":
                file, sentence, text = r.get("file"), r.get("sentence") or r["text"], r["text"]
                line = r.get("line")
            else:
                ref = (r.get("tables") or [{}])[0]
                file, sentence, text, line = ref.get("file"), r.get("evidence") or "", f"《{r.get('table') or ''}》", None
            out.append({
                "id": r["id"], "doc": d["doc"], "d": doc_label, "k": kind,
                "href": f"{href}#claim={r['id']}",
                "page": page_label(file, r.get("page"), line, pair),
                "sentence": sentence, "text": text,
                "stated": _figure(r.get("stated"), r.get("unit") if kind == "claim" else None),
                "expected": _figure(r.get("expected"), None),
                "diff": difference(r.get("stated"), r.get("expected")),
                "rule": words.rule_name(_deciding_rule(r)), "rules": (r.get("rule") or "").split(","),
                "why": words.rule_summary(_deciding_rule(r)),
                "status": r["status"], "status_zh": words.status(r["status"]),
                "verdict": rv.get("verdict") or "none", "verdict_zh": words.verdict(rv.get("verdict")),
                "by": rv.get("by") or "", "note": rv.get("note") or "",
                "reason": cause(r.get("evidence")) if r["status"] == "unverified" else "",
            })
    return out


def _deciding_rule(r: dict) -> str | None:
    """The rule of the check that decided a claim's status (findings' decided_by); a table check's own."""
    decided = r.get("decided_by")
    return next((k["rule"] for k in r.get("checks") or () if k["id"] == decided), None) or r.get("rule")


def _figure(v, unit) -> str:
    if v is None:
        return ""
    return f"{v}{unit or ''}"


def data(rows_: list[dict]) -> Markup:
    """Rows as JSON text that is safe inside <script type="application/json"> (no '<', '>', '&')."""
    return Markup(_json(rows_))


def _json(x) -> str:
    return (json.dumps(x, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def labels() -> Markup:
    """The words the list's script prints (statuses, verdicts, rule names), as JSON for the page."""
    w = words.words()
    return Markup(_json({"status": w["status"], "verdict": w["verdict"], "rule": words.rule_names()}))


class Spill:
    """The run's list, written one document at a time: rows go to a spill file beside the page as
    they come; close() writes DIR/report/问题清单.html around them and removes the spill."""

    def __init__(self, report_dir: Path):
        self.dir = report_dir
        self.path = report_dir / ".worklist.part"
        self.path.write_text("", encoding="utf-8")
        self.fh = None  # opened by the first add(): worker processes forked before never hold it
        self.n = 0
        self.counts = {s: 0 for s in LISTED}

    def add(self, rows_: list[dict]) -> None:
        if self.fh is None:
            self.fh = self.path.open("a", encoding="utf-8")
        for r in rows_:
            self.fh.write(("," if self.n else "") + _json(r) + "\n")
            self.n += 1
            self.counts[r["status"]] += 1
        self.fh.flush()  # nothing waits in a buffer a process forked now would copy

    def close(self, env, **context) -> Path:
        if self.fh is not None:
            self.fh.close()
        html = env.get_template("worklist.html.j2").render(
            rows=Markup(_MARKER), labels=labels(), list_counts=self.counts, n=self.n, **context)
        head, tail = html.split(_MARKER, 1)
        dest = self.dir / PAGE
        with dest.open("w", encoding="utf-8") as out, self.path.open(encoding="utf-8") as part:
            out.write(head + "[")
            for line in part:
                out.write(line)
            out.write("]" + tail)
        self.path.unlink()
        return dest
