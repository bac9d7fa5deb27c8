"""Review record: auditors' verdicts on findings, keyed by the stable claim / table-check ids.

The review file is the auditor's own (YAML or CSV, e.g. reviews.yaml beside the corpus);
the auditor only READS it, so a rerun never loses a verdict. Findings whose id no longer
exists are reported as stale, never dropped.

YAML:
    reviews:
      "000_a196a527a44fa05c:aab89ed08e30":
        verdict: confirmed          # confirmed | dismissed | note
        note: 表中数据为0，需核实
        by: 张三
CSV: columns id, verdict, note[, by, date]
"""
from __future__ import annotations

import csv
from pathlib import Path

import yaml

VERDICTS = ("confirmed", "dismissed", "note")


class ReviewError(ValueError):
    """A review file that cannot be used: one line, 'path: problem'."""


def load_reviews(path: str | Path | None) -> dict[str, dict]:
    """Review file -> {finding id: {"verdict", "note", ...}}. A missing path gives {}."""
    if path is None:
        return {}
    p = Path(path)
    if not p.exists():
        return {}
    try:
        if p.suffix.lower() == ".csv":
            with p.open(encoding="utf-8-sig", newline="") as fh:
                rows = {r["id"].strip(): {k: (v or "").strip() for k, v in r.items() if k != "id" and k}
                        for r in csv.DictReader(fh) if (r.get("id") or "").strip()}
        else:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            rows = data.get("reviews", data) if isinstance(data, dict) else {}
            if isinstance(rows, list):  # also accept a list of {id: ..., verdict: ...}
                rows = {str(r["id"]): {k: v for k, v in r.items() if k != "id"} for r in rows if "id" in r}
            rows = {str(k): (v if isinstance(v, dict) else {"verdict": "note", "note": str(v)})
                    for k, v in rows.items()}
    except (yaml.YAMLError, KeyError, UnicodeDecodeError, csv.Error) as e:
        raise ReviewError(f"{p}: {e}".replace("\n", " ")) from e
    for fid, r in rows.items():
        verdict = str(r.get("verdict") or "note").strip().lower()
        if verdict not in VERDICTS:
            raise ReviewError(f"{p}: {fid}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        r["verdict"] = verdict
        r["note"] = "" if r.get("note") is None else str(r.get("note"))
    return rows


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
