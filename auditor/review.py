"""Review record: auditors' verdicts on findings, keyed by the stable claim / table-check ids.

The review file is the auditor's own (YAML, CSV, or the working paper written by `--xlsx`, filled
in); the auditor only READS it, so a rerun never loses a verdict. A verdict counts: every reviewed
finding carries `review` {"verdict", "note", "by"} in findings.json, the CSVs, the pages and the
console, and a dismissed finding leaves the count of its status (so the fail count and the exit
code) for the count `dismissed` (已排除). A review whose id no longer exists is stale, never
dropped, and is offered its most likely new id: same document, same stated figure, most similar
sentence (from the review's own `stated` / `sentence`, which the working paper carries, or from the
previous run's findings.json in the output folder).

YAML:
    reviews:
      "000_a196a527a44fa05c:aab89ed08e30":
        verdict: confirmed          # confirmed | dismissed | note  (or 已确认 | 已排除 | 备注)
        note: 表中数据为0，需核实
        by: 张三
CSV: columns id, verdict, note[, by, date]
XLSX: the findings sheet of the working paper (auditor/report/xlsx.py), its columns verdict/note/by.
"""
from __future__ import annotations

import csv
import json
from difflib import SequenceMatcher
from pathlib import Path

import yaml

VERDICTS = ("confirmed", "dismissed", "note")
WORDS = yaml.safe_load((Path(__file__).parent / "data" / "report_words.yaml").read_text(encoding="utf-8"))
VERDICT_WORDS = WORDS["verdict"]       # verdict -> Chinese (none: not reviewed)
STATUS_WORDS = {s: WORDS["status"][s] for s in ("fail", "warn", "unverified", "pass")}  # a finding's status -> Chinese
FIELDS = ("verdict", "note", "by")     # what a finding's `review` carries
CONTEXT = ("doc", "stated", "sentence")  # what a review may carry to find its finding again


class ReviewError(ValueError):
    """A review file that cannot be used: one line, 'path: problem'."""


def _verdict(value, where: str) -> str:
    """A verdict as written (English or Chinese, any case) -> confirmed | dismissed | note."""
    text = str(value or "note").strip()
    words = {w: v for v, w in VERDICT_WORDS.items() if v in VERDICTS}
    verdict = words.get(text, text.lower())
    if verdict not in VERDICTS:
        choices = ", ".join(f"{v} ({VERDICT_WORDS[v]})" for v in VERDICTS)
        raise ReviewError(f"{where}: verdict must be one of {choices}, not {text!r}")
    return verdict


def load_reviews(path: str | Path | None, required: bool = True) -> dict[str, dict]:
    """Review file -> {finding id: {"verdict", "note", "by"[, "doc", "stated", "sentence"]}}.

    No path gives {}. A path that does not exist is a ReviewError, unless `required` is false (the
    default path of a run, DIR/reviews.yaml, that nobody wrote); a file that does not parse, or a
    verdict that is not one, is a ReviewError: one line naming the file."""
    if path is None:
        return {}
    p = Path(path)
    if not p.exists():
        if not required:
            return {}
        raise ReviewError(f"{p}: no such review file")
    try:
        if p.suffix.lower() == ".xlsx":
            rows = _read_xlsx(p)
        elif p.suffix.lower() == ".csv":
            with p.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                if "id" not in (reader.fieldnames or []):
                    raise ReviewError(f"{p}: no id column (columns id, verdict, note[, by])")
                rows = {r["id"].strip(): {k: (v or "").strip() for k, v in r.items() if k != "id" and k}
                        for r in reader if (r.get("id") or "").strip()}
        else:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ReviewError(f"{p}: not a review record (a mapping 'reviews: {{id: {{verdict, note, by}}}}')")
            rows = data.get("reviews", data) or {}
            if isinstance(rows, list):  # also accept a list of {id: ..., verdict: ...}
                rows = {str(r["id"]): {k: v for k, v in r.items() if k != "id"} for r in rows
                        if isinstance(r, dict) and "id" in r}
            if not isinstance(rows, dict):
                raise ReviewError(f"{p}: 'reviews' must map finding ids to verdicts")
            rows = {str(k): (v if isinstance(v, dict) else {"verdict": "note", "note": str(v)})
                    for k, v in rows.items()}
    except ReviewError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the parser says, in one line naming the file
        raise ReviewError(" ".join(f"{p}: cannot read it as a review file ({type(e).__name__}: {e})".split())) from e
    for fid, r in rows.items():
        r["verdict"] = _verdict(r.get("verdict"), f"{p}: {fid}")
        for k in ("note", "by"):
            r[k] = "" if r.get(k) is None else str(r.get(k))
    return rows


def _read_xlsx(p: Path) -> dict[str, dict]:
    """The working paper's findings sheet: rows whose verdict, note or by is filled in."""
    import openpyxl

    from auditor.report.xlsx import FINDINGS_SHEET, header_keys

    wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    try:
        ws = wb[FINDINGS_SHEET] if FINDINGS_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        keys = header_keys(next(rows, ()))
        if "id" not in keys or "verdict" not in keys:
            raise ReviewError(f"{p}: no id and verdict columns in sheet {ws.title!r}")
        out = {}
        for row in rows:
            rec = {k: row[i] for k, i in keys.items() if i < len(row)}
            fid = str(rec.get("id") or "").strip()
            if not fid or not any(str(rec.get(k) or "").strip() for k in FIELDS):
                continue  # not reviewed yet
            out[fid] = {**{k: str(rec.get(k) or "").strip() for k in FIELDS},
                        **{k: rec[k] for k in CONTEXT if rec.get(k) not in (None, "")}}
        return out
    finally:
        wb.close()


# --------------------------------------------------------------------------- verdicts into the findings

def apply(part: dict, reviews: dict[str, dict]) -> None:
    """Give each reviewed claim / table check of (a part of) the findings its `review`, and move a
    dismissed finding out of its status's count into `dismissed` (its document's counts: the run's
    counts and the exit code are their sum)."""
    if not reviews:
        return
    docs = {d["doc"]: d for d in part["documents"]}
    for key in ("claims", "table_checks"):
        for rec in part[key]:
            r = reviews.get(rec["id"])
            if r is None:
                continue
            rec["review"] = {k: r.get(k, "") for k in FIELDS}
            d = docs.get(rec["doc"])
            if d is None:
                continue
            c = d["counts"]
            c.setdefault("reviews", {})[r["verdict"]] = c["reviews"].get(r["verdict"], 0) + 1
            if r["verdict"] == "dismissed":
                for where in (c, c[key]):
                    where[rec["status"]] -= 1
                    where["dismissed"] = where.get("dismissed", 0) + 1


def counted(rec: dict) -> bool:
    """Whether a finding counts for its status (a dismissed one does not)."""
    return (rec.get("review") or {}).get("verdict") != "dismissed"


def csv_row(rec: dict) -> dict:
    """A finding as a CSV row: its review as the columns review_verdict / review_note / review_by."""
    r = rec.get("review")
    return {**rec, **{f"review_{k}": r.get(k, "") for k in FIELDS}} if r else rec


# --------------------------------------------------------------------------- stale reviews

def previous_findings(out_dir: str | Path | None, ids) -> dict[str, dict]:
    """The records of the ids asked for in the previous run's DIR/findings.json (one record a line),
    {} when there is none: what a stale review's finding said (its document, figure, sentence)."""
    ids = set(ids)
    src = Path(out_dir) / "findings.json" if out_dir else None
    out: dict[str, dict] = {}
    if not ids or src is None or not src.is_file():
        return out
    try:
        with src.open(encoding="utf-8") as fh:
            for line in fh:
                if '"id":' not in line[:20]:  # `{"id":"…"` (and `{"id": "…"`, as older runs wrote it)
                    continue
                rec = json.loads(line.rstrip().rstrip(","))
                if rec.get("id") in ids:
                    out[rec["id"]] = {k: rec.get(k) for k in CONTEXT}
    except (OSError, ValueError):
        return out  # an old file that cannot be read only costs the suggestions
    return out


class Stale:
    """Reviews whose id no finding of the run carries, each with its most likely new id.

    see(part) for each document's part as it is made (only that document's findings are looked
    at, so memory holds one document's candidates at a time); result() at the end."""

    def __init__(self, reviews: dict[str, dict], previous: dict[str, dict] | None = None):
        self.reviews = reviews
        self.previous = previous or {}
        self.found: set[str] = set()
        self.suggested: dict[str, dict] = {}
        self.of_doc: dict[str, list[str]] = {}  # a document id (each prefix of an id up to a ':') -> review ids
        for fid, rv in reviews.items():
            heads = {fid[:i] for i, ch in enumerate(fid) if ch == ":"} | ({str(rv["doc"])} if rv.get("doc") else set())
            for head in heads:
                self.of_doc.setdefault(head, []).append(fid)

    def see(self, part: dict) -> None:
        if not self.reviews:
            return
        records = part["claims"] + part["table_checks"]
        self.found |= {r["id"] for r in records if r["id"] in self.reviews}
        for d in part["documents"]:
            if d["doc"] not in self.of_doc:
                continue
            mine = [r for r in records if r["doc"] == d["doc"]]
            ids = {r["id"] for r in mine}
            for fid in self.of_doc[d["doc"]]:
                if fid in ids:
                    continue
                rv = self.reviews[fid]
                best = suggest({**self.previous.get(fid, {}), **{k: rv[k] for k in CONTEXT if k in rv}}, mine)
                if best is not None and (fid not in self.suggested or best[0] > self.suggested[fid]["score"]):
                    self.suggested[fid] = {"id": best[1]["id"], "score": best[0], "sentence": best[1].get("sentence")}

    def result(self) -> list[dict]:
        """[{"id", verdict, note, by, "suggested": new id or None, "suggested_sentence"}] in file order."""
        out = []
        for fid, rv in self.reviews.items():
            if fid in self.found:
                continue
            s = self.suggested.get(fid)
            out.append({"id": fid, **{k: rv.get(k, "") for k in FIELDS},
                        "suggested": s and s["id"], "suggested_sentence": s and s["sentence"]})
        return out


def _figure(x) -> str:
    if x in (None, ""):
        return ""
    try:
        return f"{float(str(x).replace(',', '')):.6f}"
    except ValueError:
        return str(x).strip()


def suggest(old: dict, candidates: list[dict]) -> tuple[float, dict] | None:
    """(score, record) of the candidate most likely to be what a stale review was about: the same
    stated figure first, then the most similar sentence; None when nothing is alike."""
    figure, sentence = _figure(old.get("stated")), old.get("sentence") or ""
    best = None
    for c in candidates:
        same = bool(figure) and _figure(c.get("stated")) == figure
        if figure and not same:
            continue
        sim = SequenceMatcher(None, sentence, c.get("sentence") or "").ratio() if sentence else 0.0
        if not same and sim < 0.5:
            continue
        score = (1.0 if same else 0.0) + sim
        if best is None or score > best[0]:
            best = (score, c)
    return best


def merge_reviews(findings: dict, reviews: dict[str, dict]) -> dict:
    """Findings + reviews -> {"by_id": {id: review}, "stale": [{"id", ...review}], "counts": {verdict: n}}.

    Does not change `findings`. A review whose id matches no claim and no table check is stale.
    """
    ids = {c["id"] for c in findings.get("claims", [])} | {t["id"] for t in findings.get("table_checks", [])}
    by_id = {k: v for k, v in reviews.items() if k in ids}
    stale = [{"id": k, **v} for k, v in reviews.items() if k not in ids]
    counts: dict[str, int] = {}
    for r in by_id.values():
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return {"by_id": by_id, "stale": stale, "counts": counts}


def default_reviews_path(out_dir: str | Path) -> Path:
    """Where a run looks for reviews when none is named: DIR/reviews.yaml."""
    return Path(out_dir) / "reviews.yaml"


def stale_to_text(stale: list[dict]) -> list[str]:
    """One console line per stale review, naming its most likely new id when there is one."""
    lines = []
    for s in stale:
        hint = f" → 可能的新 id likely new id {s['suggested']}" if s.get("suggested") else " (无相似发现 nothing alike)"
        lines.append(f"过期复核 stale review {s['id']} ({VERDICT_WORDS[s['verdict']]}){hint}")
    return lines
