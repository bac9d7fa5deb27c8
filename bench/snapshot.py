"""Findings as one canonical file per corpus, to prove a change leaves them as they were.

    .venv/bin/python bench/snapshot.py OUT_DIR [--synthetic 300] [--only seeds,pdfs,synthetic]
    cmp OUT_BEFORE/pdfs.json OUT_AFTER/pdfs.json

Each corpus (the bundled seeds, ../shared/pdfs, N synthetic documents made from the seeds)
is audited in one process through `auditor.api.audit`; its contract is written with sorted
keys, one record per line, so `cmp` and `diff` show exactly what moved.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PDFS = ROOT.parent / "shared" / "pdfs"


def canonical(findings: dict) -> str:
    lines = []
    for key in ("documents", "claims", "table_checks"):
        for rec in findings.get(key, []):
            lines.append(key + "\t" + json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str))
    lines.append("counts\t" + json.dumps(findings.get("counts"), ensure_ascii=False, sort_keys=True, default=str))
    return "\n".join(lines) + "\n"


def snapshot(paths: list[Path], dest: Path) -> None:
    from auditor import api

    findings, errors = api.audit(paths)
    dest.write_text(canonical(findings), encoding="utf-8")
    print(f"{dest.name}: {len(findings['documents'])} documents, {len(findings['claims'])} claims, "
          f"{len(findings['table_checks'])} table checks, {len(errors)} errors", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--synthetic", type=int, default=300)
    ap.add_argument("--only", default="seeds,pdfs,synthetic")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    which = args.only.split(",")
    if "seeds" in which:
        snapshot([ROOT / "corpus"], out / "seeds.json")
    if "pdfs" in which and PDFS.is_dir():
        snapshot([PDFS], out / "pdfs.json")
    if "synthetic" in which:
        sys.path.insert(0, str(ROOT / "bench"))
        from synthetic import write_corpus

        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(tmp, args.synthetic)
            snapshot([Path(tmp)], out / "synthetic.json")


if __name__ == "__main__":
    main()
