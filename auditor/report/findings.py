"""Checks + GX statuses -> the findings contract (JSON) and the same rows as CSV.

`build` makes the contract for any set of documents (the audit calls it once per document);
`Writer` writes findings.json, claims.csv and table_checks.csv one document at a time, so a
corpus of thousands of documents is never held in memory.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
from pathlib import Path

import orjson
import pandas as pd

from auditor.evidence import render, says, to_json
from auditor.rules import SIDE
from auditor.model import Document, IngestError, text_to_line

REVIEW_FIELDS = ["review_verdict", "review_note", "review_by"]  # a finding's `review` (auditor.review.csv_row)
CLAIM_FIELDS = ["id", "doc", "page", "section", "sentence", "text", "kind", "subject", "stated", "unit",
                "status", "expected", "evidence", "rule", "file", *REVIEW_FIELDS]
TABLE_FIELDS = ["id", "doc", "table", "page", "rule", "status", "stated", "expected", "evidence", "file",
                *REVIEW_FIELDS]
FIELDS = {"claims": CLAIM_FIELDS, "table_checks": TABLE_FIELDS}  # the CSV file of each list and its columns
STATUSES = ("pass", "warn", "fail", "unverified")


def _num(text: str):
    if text in ("", None):
        return None
    try:
        f = float(text)
    except (TypeError, ValueError):
        return text
    if not math.isfinite(f):  # a figure beyond a float ("1e400" digits): kept as printed
        return text
    return int(f) if f.is_integer() and "." not in str(text) else f


def _clean(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return v


# A side check says something about the sentence around a figure (a stated reason), never about
# the figure itself: it is a finding of its own and can lower a checked figure to warn (a form
# problem), but it never decides a claim's verdict. Every other rule checks the figure.
SIDE_RULES = SIDE  # auditor.rules: the expectations marked side (a stated reason, the printed form)
_RANK = {"fail": 3, "warn": 2, "pass": 1, "unverified": 0}


def claim_verdict(checks: list[dict]) -> tuple[str, dict | None, dict | None]:
    """(status, the check that decided it, the figure check whose expected value is shown) of one
    claim's check rows (with their statuses).

    The status is the worst verdict of the checks of the figure itself; with none that could be
    computed it is 'unverified', whatever a side check says. A side check that does not pass (no
    reason given, a template left in, a rate without its %) is a form problem: it lowers a passing
    figure to 'warn'; it is listed, and counted, on its own otherwise."""
    figure = [r for r in checks if r["rule"] not in SIDE_RULES]
    main = max(figure, key=lambda r: _RANK[r["status"]]) if figure else None
    status, decided = (main["status"], main) if main else ("unverified", None)
    if status == "pass":
        side = max((r for r in checks if r["rule"] in SIDE_RULES and r["status"] in ("warn", "fail")),
                   key=lambda r: _RANK[r["status"]], default=None)
        if side is not None:
            status, decided = "warn", side
    return status, decided, main


def build(docs: list[Document], errors: list[IngestError], claims: list, rows: list[dict],
          status: list[str]) -> dict:
    """The `auditor audit --json` contract, from the check rows (checks.rows_to_records) and their statuses."""
    records = [{**rec, "status": st} for rec, st in zip(rows, status)]
    table_rows = [r for r in records if r["scope"] == "table"]
    by_claim: dict[str, list[dict]] = {}
    for rec in records:
        if rec["scope"] == "claim":
            by_claim.setdefault(rec["check_id"].rsplit(":", 1)[0], []).append(rec)
    out_claims = []
    no_evidence = render(says("no_evidence"))
    memo: dict = {}  # each table and cell of the document as JSON once, shared by the checks citing it
    for c in claims:
        checks = by_claim.get(c.id, [])
        status, decided, main = claim_verdict(checks)
        shown = [_check(r, memo) for r in checks]  # each check's evidence rendered once, for its words and the claim's
        figure = [k for k in shown if k["rule"] not in SIDE_RULES]
        # the evidence read first is what was computed; why a check could not run, when none could
        figure = [k["evidence"] for k in ([k for k in figure if k["status"] != "unverified"] or figure)]
        side = [k["evidence"] for k in shown if k["rule"] in SIDE_RULES]
        d = c.to_json()
        if d.get("stated") is None and main and main["stated"]:  # a composition states its total's figure
            d["stated"] = _num(main["stated"])
        out_claims.append({
            **{k: d.get(k) for k in ("id", "doc", "file", "page", "line", "section", "sentence", "text", "kind",
                                      "subject", "stated", "unit")},
            "decimals": d.get("decimals"),
            "status": status,
            "decided_by": decided["check_id"] if decided else None,
            "figure_checked": bool(main) and main["status"] != "unverified",
            "expected": _num(main["expected"]) if main else None,
            "expected_lo": _clean(main["expected_lo"]) if main else None,
            "expected_hi": _clean(main["expected_hi"]) if main else None,
            "evidence": "；".join((figure or [no_evidence]) + side),
            "rule": ",".join(dict.fromkeys(r["rule"] for r in checks)),
            "checks": shown,
        })
    out_tables = []
    table_file = {t.index: t.file for d in docs for t in d.tables if t is not None}
    for r in table_rows:
        tables, cells, formula = to_json(r["evidence"], memo)
        index = r["check_id"][len(r["doc"]) + 2:].split(":", 1)[0]  # "<doc>:T<index>:<rule>:<key>"
        file = (table_file.get(int(index)) if index.isdigit() else None) or \
            next((t["file"] for t in tables if not t.get("doc") and t.get("file")), None)
        out_tables.append({"id": r["check_id"], "doc": r["doc"], "table": r["table"], "file": file,
                           "page": _clean(r["page"]),
                           "rule": r["rule"], "by": r["by"], "status": r["status"], "stated": _num(r["stated"]),
                           "expected": _num(r["expected"]), "evidence": render(r["evidence"]),
                           "tables": tables, "cells": cells, "formula": formula})
    tally: dict[str, dict] = {}
    for key, recs in (("claims", out_claims), ("table_checks", out_tables)):
        for r in recs:
            c = tally.get(r["doc"])
            if c is None:
                c = tally[r["doc"]] = empty_counts()
            c[key][r["status"]] += 1
    for r in out_claims:
        c = tally[r["doc"]]
        c["figure_checked"] += r["figure_checked"]
        for chk in r["checks"]:
            if chk["rule"] in SIDE_RULES:
                c["reasons"][chk["status"]] += 1
    for c in tally.values():
        for s in STATUSES:
            c[s] = c["claims"][s] + c["table_checks"][s]
    n_claims: dict[str, int] = {}
    for c in claims:
        n_claims[c.doc] = n_claims.get(c.doc, 0) + 1
    documents = [{"doc": d.doc, "files": d.files, "kind": d.kind, "year": d.year, "department": d.department,
                  "tables": len(d.tables), "claims": n_claims.get(d.doc, 0), "status": "ok", "error": None,
                  "no_tables": d.no_tables, "notes": document_notes(d),
                  "counts": _with_no_tables(tally.get(d.doc) or empty_counts(), d.no_tables)}
                 for d in docs]
    return {"documents": documents + error_documents(errors), "claims": out_claims, "table_checks": out_tables}


def document_notes(d) -> list[str]:
    """What a document's findings cannot say, in words: no table found (only the narrative's own
    arithmetic checked)."""
    return [render(says("document.no_tables"))] if d.no_tables else []


def _with_no_tables(counts: dict, no_tables: bool) -> dict:
    counts["no_tables"] = int(no_tables)  # added up over a run: the documents without tables
    return counts


def _check(r: dict, memo: dict) -> dict:
    """One check of a claim: its verdict, expected figure, evidence in words and as data (`memo`:
    evidence.to_json's, one per document)."""
    tables, cells, formula = to_json(r["evidence"], memo)
    return {"id": r["check_id"], "rule": r["rule"], "by": r["by"], "status": r["status"],
            "expected": _num(r["expected"]), "evidence": render(r["evidence"]), "tables": tables, "cells": cells,
            "formula": formula}


def empty_counts() -> dict:
    """A document's counts: pass/warn/fail/unverified over its claims and table checks together (the
    exit code reads these), the same for claims and table checks apart, how many claims had their
    figure checked, and the verdicts of the reason checks (pass: a reason is stated), kept apart.
    `dismissed` (已排除): the findings an auditor dismissed, which left their status's count
    (auditor.review.apply); `reviews`: the verdicts given, by verdict."""
    return {**dict.fromkeys(STATUSES, 0), "dismissed": 0, "claims": dict.fromkeys((*STATUSES, "dismissed"), 0),
            "table_checks": dict.fromkeys((*STATUSES, "dismissed"), 0), "figure_checked": 0,
            "reasons": dict.fromkeys(STATUSES, 0), "reviews": dict.fromkeys(("confirmed", "dismissed", "note"), 0),
            "no_tables": 0}


def error_documents(errors: list[IngestError]) -> list[dict]:
    """The inputs that could not be audited, as entries of the documents list: status error (a bad
    input), limit (a limit stopped it) or internal_error (a bug; the traceback is in the run's log).
    A limit applied to a document that was still audited (status warning) has no entry of its own."""
    return [{"doc": text_to_line(Path(e.path).stem), "files": [text_to_line(e.path)], "kind": None, "year": None,
             "department": None, "tables": 0, "claims": 0, "status": e.status, "error": text_to_line(e.problem),
             "no_tables": None, "notes": [], "counts": empty_counts()}
            for e in errors if e.status != "warning"]


class Spool:
    """Where the processes making the findings put their lines of findings.json and rows of the CSVs,
    as UTF-8 bytes: one file per process under the output folder (.findings-spool/<pid>), appended
    to one document at a time. What travels to the process writing the files is where each
    document's text lies (spans), never the text: it is encoded once, in the process that made it,
    and the writer copies the bytes (Writer.add_spooled, Writer.close)."""

    def __init__(self, out_dir: str | Path):
        self.dir = Path(out_dir) / ".findings-spool"
        shutil.rmtree(self.dir, ignore_errors=True)  # what a run that stopped half-way left
        self.dir.mkdir(parents=True, exist_ok=True)
        self._fh, self._pid = None, None  # opened by the first add() of each process (forked workers open their own)

    def add(self, texts: dict[str, tuple[bytes, str]]) -> dict:
        """A part made into text (part_to_text) -> {"path": its spool file, "spans": {list: (offset and
        length of its findings.json lines, offset and length of its CSV rows)}}."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._fh = (self.dir / f"{self._pid}.part").open("ab")
        fh = self._fh
        pos = fh.tell()
        spans, chunks = {}, []
        for key, (lines, rows) in texts.items():
            a, b = lines, rows.encode("utf-8")
            spans[key] = (pos, len(a), pos + len(a), len(b))
            chunks += (a, b)
            pos += len(a) + len(b)
        fh.write(b"".join(chunks))
        fh.flush()  # the writer reads it from another process; nothing waits in a buffer a fork would copy
        return {"path": fh.name, "spans": spans}

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Writer:
    """findings.json + claims.csv + table_checks.csv, written one document's findings at a time.

    findings.json holds one record per line: {"documents": [...], "claims": [...], "table_checks": [...],
    "counts": {...}}. Each document's lines and rows are made and encoded where its part is made and
    wait in the spool (Spool); the CSV rows are copied to their files as each document arrives, in
    input order; the documents list is known only at the end, so findings.json is copied together
    from the spool then.
    """

    def __init__(self, out_dir: str | Path):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.spool = Spool(self.out)
        self._csv_files = {}
        for key, fields in FIELDS.items():
            head = io.StringIO(newline="")
            csv.writer(head).writerow(fields)
            fh = self._csv_files[key] = (self.out / f"{key}.csv").open("wb", buffering=0)
            fh.write(head.getvalue().encode("utf-8-sig"))
        self._lines: dict[str, list] = {key: [] for key in FIELDS}  # (spool file, offset, length) per document
        self._sources: dict[str, int] = {}  # spool file -> its descriptor, open for reading

    def add(self, part: dict) -> None:
        self.add_text(part_to_text(part))

    def add_text(self, texts: dict) -> None:
        """A part already made into text (part_to_text), in this process."""
        self.add_spooled(self.spool.add(texts))

    def add_spooled(self, spooled: dict) -> None:
        """A part spooled by any process (Spool.add): its CSV rows copied now, its lines kept for close()."""
        src = self._sources.get(spooled["path"])
        if src is None:
            src = self._sources[spooled["path"]] = os.open(spooled["path"], os.O_RDONLY)
        for key, (at, n, rows_at, rows_n) in spooled["spans"].items():
            _copy(src, self._csv_files[key], rows_at, rows_n)
            if n:
                self._lines[key].append((src, at, n))

    def close(self, documents: list[dict], counts: dict, more: dict | None = None) -> Path:
        """`more`: keys of the run written after the counts (stale_reviews)."""
        for fh in self._csv_files.values():
            fh.close()
        dest = self.out / "findings.json"
        with dest.open("wb", buffering=0) as out:  # the spooled bytes copied: no decoding of what is already UTF-8
            out.write(b'{"documents": [\n' + b",\n".join(map(_line, documents)) + b"\n]")
            for key, spans in self._lines.items():
                out.write(f',\n"{key}": [\n'.encode("utf-8"))
                for i, (src, at, n) in enumerate(spans):
                    if i:
                        out.write(b",\n")
                    _copy(src, out, at, n)
                out.write(b"\n]")
            tail = b',\n"counts": ' + _line(counts)
            for key, value in (more or {}).items():
                tail += f',\n"{key}": '.encode("utf-8") + _line(value)
            out.write(tail + b"}\n")
        for src in self._sources.values():
            os.close(src)
        self.spool.close()
        return dest


def _copy(src: int, dest, offset: int, n: int) -> None:
    """n bytes of the file open as `src` from `offset`, appended to `dest` (an unbuffered binary file):
    in the kernel where it can (copy_file_range), else read and written."""
    fd = dest.fileno()
    while n > 0:
        try:
            done = os.copy_file_range(src, fd, n, offset)
        except (AttributeError, OSError):  # not Linux, or a file system that cannot
            done = dest.write(os.pread(src, min(n, 1 << 24), offset))
        if not done:
            raise OSError(f"{dest.name}: the spooled findings ended early")
        offset, n = offset + done, n - done


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False, separators=(",", ":"))
# what orjson refuses (an integer beyond 64 bits, a key that is not a string): the same line by the standard
# encoder, made once (a record is a tree of plain data, never a cycle)
_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS  # a dataclass printed as str(), as the standard encoder's default


def _default(value):
    """What neither encoder knows (Decimal, numpy scalars, …) as json's default=str has it, a float
    subclass (numpy's float64) kept a number."""
    return float(value) if isinstance(value, float) else str(value)


def _line(record) -> bytes:
    """A record as one line of findings.json, UTF-8: orjson (C, 4-5× the standard encoder on these
    records, ~20% of the report stage before), compact separators either way."""
    try:
        return orjson.dumps(record, default=_default, option=_OPTIONS)
    except TypeError:
        return _ENCODER.encode(record).encode("utf-8")


def part_to_text(part: dict) -> dict[str, tuple[bytes, str]]:
    """A part of the findings as the Writer writes it: per list (claims, table checks) its records
    as lines of findings.json (UTF-8, joined by ",\n") and its rows of the CSV file. Made where the part
    is made, so that only text travels to the process writing the files."""
    from auditor.review import csv_row

    out = {}
    for key, fields in FIELDS.items():
        recs = part[key]
        rows = io.StringIO(newline="")  # csv.DictWriter's rows (a field a record lacks empty), made without it
        csv.writer(rows).writerows([[get(f, "") for f in fields] for get in (csv_row(r).get for r in recs)])
        out[key] = (b",\n".join(map(_line, recs)), rows.getvalue())
    return out


def counts(findings: dict) -> dict:
    """Counts over a whole run: the documents' own counts (empty_counts) added up."""
    out = empty_counts()
    for d in findings["documents"]:
        add_counts(out, d.get("counts") or {})
    return out


def add_counts(into: dict, more: dict) -> None:
    for k, v in more.items():
        if isinstance(v, dict):
            add_counts(into.setdefault(k, {}), v)
        else:
            into[k] = into.get(k, 0) + v
