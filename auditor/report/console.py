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
    lines = []
    for d in data["documents"]:
        lines.append(f"== {d['doc']}  ({len(d['tables'])} tables; {', '.join(d['files'])})")
        lines.append(f"   {'type':<26} {'unit':<4} {'pages':<8} {'rows':>4} {'total':>12}  title")
        for t in d["tables"]:
            pages = ",".join(str(p) for p in t["pages"]) or "-"
            flag = " [empty]" if t.get("empty") else ""
            lines.append(f"   {t['type']:<26} {t['unit'] or '-':<4} {pages:<8} {len(t['rows']):>4} "
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


def format_part(data: dict) -> str:
    """Each document of (a part of) the findings contract: its counts, then its fails and warns."""
    lines = []
    for d in data["documents"]:
        if d["status"] != "ok":
            lines.append(f"== {d['doc']}: ERROR {d['error']}")
            continue
        mine = [c for c in data["claims"] if c["doc"] == d["doc"]]
        tabs = [t for t in data["table_checks"] if t["doc"] == d["doc"]]
        lines.append(f"== {d['doc']}  {d.get('year') or ''} {d.get('department') or ''}  tables {d['tables']}")
        lines.append("   " + _tally("claims", mine) + "   " + _tally("table checks", tabs))
        for r in mine:
            if r["status"] in ("fail", "warn"):
                expected = "" if r.get("expected") is None else f"(期望 {r['expected']})  "
                lines.append(f"   {r['status'].upper():<4} p{r.get('page') or '-'} {r['text']}  {expected}{r['evidence']}"
                             + _review(r))
        for r in tabs:
            if r["status"] in ("fail", "warn"):
                lines.append(f"   {r['status'].upper():<4} 表 {r['evidence']}" + _review(r))
    return "\n".join(lines)


_ORDER = ("fail", "warn", "unverified", "pass")


def _review(r: dict) -> str:
    """'  [复核 已排除 dismissed by 张三: note]' for a reviewed finding, '' otherwise."""
    from auditor.review import VERDICT_WORDS

    rv = r.get("review")
    if not rv:
        return ""
    by = f" by {rv['by']}" if rv.get("by") else ""
    note = f": {rv['note']}" if rv.get("note") else ""
    return f"  [复核 {VERDICT_WORDS[rv['verdict']]} {rv['verdict']}{by}{note}]"


def _tally(what: str, rows: list[dict]) -> str:
    from auditor.review import counted

    out = f"{what} {len(rows)}: " + ", ".join(f"{sum(1 for r in rows if r['status'] == s and counted(r))} {s}"
                                              for s in _ORDER)
    dismissed = sum(1 for r in rows if not counted(r))
    return out + (f", {dismissed} 已排除 dismissed" if dismissed else "")


def _dismissed(c: dict) -> str:
    return f", {c['dismissed']} 已排除 dismissed" if c.get("dismissed") else ""


def format_total(data: dict, out_dir: str | None = None) -> str:
    """The run's counts (from the documents list), claims and table checks apart, and where the findings are."""
    from auditor.report.findings import counts

    c = counts(data)
    claims, tables, reasons = c["claims"], c["table_checks"], c["reasons"]
    lines = [f"claims {sum(claims.values())}: " + ", ".join(f"{claims[s]} {s}" for s in _ORDER) + _dismissed(claims)
             + f" ({c['figure_checked']} with their figure checked)",
             f"table checks {sum(tables.values())}: " + ", ".join(f"{tables[s]} {s}" for s in _ORDER) + _dismissed(tables),
             f"reasons of stated changes: {reasons['pass']} given, {reasons['warn'] + reasons['fail']} missing or left as template"]
    if any((c.get("reviews") or {}).values()):
        from auditor.review import VERDICT_WORDS

        lines.append("复核 reviews: " + ", ".join(f"{n} {VERDICT_WORDS[v]} {v}" for v, n in c["reviews"].items()))
    if out_dir:
        lines.append(f"findings: {out_dir}/findings.json, {out_dir}/claims.csv, {out_dir}/table_checks.csv")
    return "\n".join(lines)
