"""Checks + GX statuses -> the findings contract (JSON) and the same rows as CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from auditor.model import Document, IngestError

CLAIM_FIELDS = ["id", "doc", "page", "section", "sentence", "text", "kind", "subject", "stated", "unit",
                "status", "expected", "evidence", "rule"]
TABLE_FIELDS = ["id", "doc", "table", "page", "rule", "status", "stated", "expected", "evidence"]


def _num(text: str):
    if text in ("", None):
        return None
    try:
        f = float(text)
    except (TypeError, ValueError):
        return text
    return int(f) if f.is_integer() and "." not in str(text) else f


def _clean(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return v


def build(docs: list[Document], errors: list[IngestError], claims: list, frame: pd.DataFrame,
          status: pd.Series) -> dict:
    """The `auditor audit --json` contract."""
    frame = frame.assign(status=status)
    claim_rows = frame[frame["scope"] == "claim"]
    table_rows = frame[frame["scope"] == "table"]
    by_claim: dict[str, list[dict]] = {}
    for rec in claim_rows.to_dict("records"):
        by_claim.setdefault(rec["check_id"].rsplit(":", 1)[0], []).append(rec)
    rank = {"fail": 3, "warn": 2, "pass": 1, "unverified": 0}
    out_claims = []
    for c in claims:
        checks = by_claim.get(c.id, [])
        numeric = [r for r in checks if r["rule"] != "reason_given"] or checks
        main = max(numeric, key=lambda r: rank[r["status"]]) if numeric else None
        status = main["status"] if main else "unverified"
        # a failing reason check (warn) lowers a passing claim to warn, never raises a fail
        for r in checks:
            if rank[r["status"]] > rank[status]:
                status = r["status"]
        d = c.to_json()
        if d.get("stated") is None and main and main["stated"]:  # a composition states its total's figure
            d["stated"] = _num(main["stated"])
        out_claims.append({
            **{k: d.get(k) for k in ("id", "doc", "page", "section", "sentence", "text", "kind", "subject",
                                      "stated", "unit")},
            "decimals": d.get("decimals"),
            "status": status,
            "expected": _num(main["expected"]) if main else None,
            "expected_lo": _clean(main["expected_lo"]) if main else None,
            "expected_hi": _clean(main["expected_hi"]) if main else None,
            "evidence": "；".join(r["evidence"] for r in checks) if checks else "文中无可核对的依据",
            "rule": ",".join(dict.fromkeys(r["rule"] for r in checks)),
            "checks": [{"rule": r["rule"], "status": r["status"], "expected": _num(r["expected"]),
                        "evidence": r["evidence"]} for r in checks],
        })
    out_tables = [{"id": r["check_id"], "doc": r["doc"], "table": r["table"], "page": _clean(r["page"]),
                   "rule": r["rule"], "status": r["status"], "stated": _num(r["stated"]),
                   "expected": _num(r["expected"]), "evidence": r["evidence"]}
                  for r in table_rows.to_dict("records")]
    n_claims: dict[str, int] = {}
    for c in claims:
        n_claims[c.doc] = n_claims.get(c.doc, 0) + 1
    documents = [{"doc": d.doc, "files": d.files, "kind": d.kind, "year": d.year, "department": d.department,
                  "tables": len(d.tables), "claims": n_claims.get(d.doc, 0), "status": "ok", "error": None}
                 for d in docs]
    documents += [{"doc": Path(e.path).stem, "files": [e.path], "kind": None, "year": None, "department": None,
                   "tables": 0, "claims": 0, "status": "error", "error": e.problem} for e in errors]
    return {"documents": documents, "claims": out_claims, "table_checks": out_tables}


def write_json(findings: dict, dest: Path) -> None:
    dest.write_text(json.dumps(findings, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


def write_csv(findings: dict, out_dir: Path) -> list[Path]:
    paths = []
    for key, fields in (("claims", CLAIM_FIELDS), ("table_checks", TABLE_FIELDS)):
        p = out_dir / f"{key}.csv"
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            w.writerows(findings[key])
        paths.append(p)
    return paths


def counts(findings: dict) -> dict[str, int]:
    out = {"pass": 0, "warn": 0, "fail": 0, "unverified": 0}
    for key in ("claims", "table_checks"):
        for r in findings[key]:
            out[r["status"]] += 1
    return out
