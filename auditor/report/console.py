"""Plain-text summaries of the JSON contracts, for a person at a terminal."""
from __future__ import annotations

import re
import sys
from typing import IO

from auditor.link import _WORDS

_TOTAL = re.compile(_WORDS["summary_total"])


def progress_bar(total: int, on: bool, desc: str = "documents"):
    """A bar on stderr with documents/s (tqdm), or None when `on` is false."""
    if not on:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, dynamic_ncols=True)


def write(text: str, out: IO[str]) -> None:
    """Lines to the terminal, above a progress bar when one is drawn (never through it)."""
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None and getattr(tqdm.tqdm, "_instances", None):
        tqdm.tqdm.write(text.rstrip("\n"), file=out)
        return
    out.write(text if text.endswith("\n") else text + "\n")


def _total(rows: list[list]) -> str:
    """The first figure on the first 总计/合计 row, '' when the table has none."""
    for row in rows:
        label = next((c for c in row if isinstance(c, str) and c.strip()), "")
        if _TOTAL.match(label):
            num = next((c for c in row if isinstance(c, (int, float)) and not isinstance(c, bool)), None)
            if num is not None:
                return f"{num:,.2f}"
    return ""


def format_tables(data: dict) -> str:
    from auditor.report import words

    lines = []
    for d in data["documents"]:
        lines.append(f"== {d['doc']}  ({len(d['tables'])} tables; {', '.join(d['files'])})")
        lines.append(f"   {'类型':\u3000<16} {'unit':<4} {'pages':<8} {'rows':>4} {'total':>12}  title")
        for t in d["tables"]:
            pages = ",".join(str(p) for p in t["pages"]) or "-"
            flag = " [empty]" if t.get("empty") else ""
            lines.append(f"   {words.table_type(t['type']):\u3000<16} {t['unit'] or '-':<4} {pages:<8} {len(t['rows']):>4} "
                         f"{_total(t['rows']):>12}  {t['title']}{flag}")
    return "\n".join(lines)


def format_claims(data: dict) -> str:
    lines = []
    doc = None
    for c in data["claims"]:
        if c["doc"] != doc:
            doc = c["doc"]
            lines.append(f"== {doc}")
        stated = "" if c.get("stated") is None else f"{c['stated']}{c.get('unit') or ''}"
        lines.append(f"   p{c.get('page') or '-':<3} {c['kind']:<11} {c.get('subject') or '?':<24} "
                     f"{stated:>14}  {c['text']}")
    return "\n".join(lines)


LISTED = ("fail", "warn")  # what the console lists of each document by default (--status)


class Lister:
    """The console's lines of each document of a run, as its parts come: the document's counts,
    claims and table checks apart, then the findings of the statuses asked for (`statuses`) and
    the rules asked for (`rules`: ids, see report.words.rule_codes; None: every rule). `quiet`:
    no line per document. legend() names, at the end, each rule listed with its explanation."""

    def __init__(self, statuses=LISTED, rules: set[str] | None = None, quiet: bool = False):
        self.statuses, self.rules, self.quiet = tuple(statuses), rules, quiet
        self.seen: dict[str, None] = {}

    def _wanted(self, r: dict) -> bool:
        if r["status"] not in self.statuses:
            return False
        if self.rules is None:
            return True
        codes = {*(r.get("rule") or "").split(","), r.get("by"), *(k.get("by") for k in r.get("checks") or [])}
        return bool(codes & self.rules)

    def part(self, data: dict) -> str:
        if self.quiet:
            return ""
        from auditor.report import words, worklist

        lines = []
        for d in data["documents"]:
            if d["status"] != "ok":
                lines.append(f"== {d['doc']}: {words.status(d['status'])} ERROR {d['error']}")
                continue
            mine = [c for c in data["claims"] if c["doc"] == d["doc"]]
            tabs = [t for t in data["table_checks"] if t["doc"] == d["doc"]]
            lines.append(f"== {words.document(d)}  ({d['doc']} · 表 tables {d['tables']})")
            lines.append("   " + _tally(words.label("claims") + " claims", mine) + "   "
                         + _tally(words.label("table_checks") + " table checks", tabs))
            lines += [f"   {n}" for n in d.get("notes") or []]
            for r in worklist.rows(d, [c for c in mine if self._wanted(c)], [t for t in tabs if self._wanted(t)]):
                self.seen.update(dict.fromkeys(x for x in r["rules"] if x))
                where = r["page"] if r["k"] == "claim" else f"表 {r['text']}"
                figures = "".join(f"  {w} {v}" for w, v in (("期望", r["expected"]), ("差额", r["diff"])) if v)
                review = (f"  [复核 {r['verdict_zh']} {r['verdict']}{' by ' + r['by'] if r['by'] else ''}"
                          f"{': ' + r['note'] if r['note'] else ''}]") if r["verdict"] != "none" else ""
                what = r["sentence"] if r["k"] == "table" else r["text"]
                evidence = _evidence(r, mine)
                lines.append(f"   {r['status_zh']} {where + ' ' if where else ''}{r['rule']}：{what}{figures}{review}"
                             + (f"  {evidence}" if evidence else ""))
        return "\n".join(lines)

    def digest(self, data: dict) -> tuple[str, list[str]]:
        """part(data) as made in any process (a worker): its lines and the rules they named, which
        take() keeps, in the process that prints, for legend()."""
        kept, self.seen = self.seen, {}
        try:
            return self.part(data), list(self.seen)
        finally:
            self.seen = kept

    def take(self, digest: tuple[str, list[str]]) -> str:
        """A digest's lines; its rules kept for legend()."""
        lines, rules = digest
        self.seen.update(dict.fromkeys(rules))
        return lines

    def legend(self) -> str:
        """Each rule the lines named, with its one-sentence explanation."""
        from auditor.report import words

        if not self.seen:
            return ""
        return "规则 rules:\n" + "\n".join(f"   {words.rule_name(c)}：{words.rule_summary(c)}" for c in self.seen)


def _evidence(row: dict, records: list[dict]) -> str:
    return next((r.get("evidence") or "" for r in records if r["id"] == row["id"]), "")


def format_part(data: dict) -> str:
    """Each document of (a part of) the findings contract: its counts, then its fails and warns."""
    return Lister().part(data)


_ORDER = ("fail", "warn", "unverified", "pass")


def _tally(what: str, rows: list[dict]) -> str:
    from auditor.report import words
    from auditor.review import counted

    out = f"{what} {len(rows)}：" + " · ".join(
        f"{words.status(s)} {sum(1 for r in rows if r['status'] == s and counted(r))}" for s in _ORDER)
    dismissed = sum(1 for r in rows if not counted(r))
    return out + (f" · {words.verdict('dismissed')} dismissed {dismissed}" if dismissed else "")


def _dismissed(c: dict) -> str:
    from auditor.report import words

    return f" · {words.verdict('dismissed')} dismissed {c['dismissed']}" if c.get("dismissed") else ""


def format_total(data: dict, out_dir: str | None = None, report: str | None = None) -> str:
    """The run's counts (from the documents list), claims and table checks apart, where the findings
    are and, last, the report's path (`report`: the findings list page)."""
    from auditor.report import words
    from auditor.report.findings import counts

    c = counts(data)
    claims, tables, reasons = c["claims"], c["table_checks"], c["reasons"]
    tally = lambda n: " · ".join(f"{words.status(s)} {n[s]}" for s in _ORDER) + _dismissed(n)  # noqa: E731
    lines = [f"{words.label('claims')} claims {sum(claims.values())}：{tally(claims)}"
             f"（{c['figure_checked']} 项核对了数字 with their figure checked）",
             f"{words.label('table_checks')} table checks {sum(tables.values())}：{tally(tables)}",
             f"增减原因 reasons of stated changes：{reasons['pass']} 已说明 given · "
             f"{reasons['warn'] + reasons['fail']} 未说明或模板残留 missing or left as template"]
    if c.get("no_tables"):
        lines.append(f"{words.label('no_tables')} documents without tables: {c['no_tables']}")
    if any((c.get("reviews") or {}).values()):
        lines.append("复核 reviews：" + " · ".join(f"{words.verdict(v)} {v} {n}" for v, n in c["reviews"].items()))
    if out_dir:
        lines.append(f"findings: {out_dir}/findings.json, {out_dir}/claims.csv, {out_dir}/table_checks.csv")
    if report:
        lines.append(f"报告 report: {report}")
    return "\n".join(lines)
