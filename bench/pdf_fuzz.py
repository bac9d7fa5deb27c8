"""Bit-flipped PDFs through both engines: time per file, what is said on stderr, what is refused.

    .venv/bin/python bench/pdf_fuzz.py [FOLDER] [--copies 3] [--flips 20] [--limit 120] [--seed 1]

Each PDF of FOLDER (default ../shared/pdfs) is copied --copies times with --flips random bytes
XOR-ed (seeded, so reruns make the same files) past its header. Every copy is read by the PDF
reader (auditor.ingest.pdf.read_pdf, as `auditor` runs it) in a fresh process for each engine,
stopped after --limit seconds; an unreadable file prints its one-line error as the CLI does. Printed per engine: files read / refused / stopped, the slowest and the median time, the
lines written on stderr (all of them, and those not naming the file), and the documents that
carry a "damaged:" or "truncated:" warning.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT.parent / "shared" / "pdfs"


def flipped(data: bytes, flips: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        k = rng.randrange(1024, len(out))
        out[k] ^= 1 << rng.randrange(8)
    return bytes(out)


_READ = """
import json, sys
from auditor.ingest.pdf import read_pdf
from auditor.model import IngestError
said = []
try:
    read_pdf(sys.argv[1], engine=sys.argv[2], warnings=said)
except IngestError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
print(json.dumps(said))
"""


def read_once(path: Path, engine: str, limit: float) -> dict:
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", _READ, str(path), engine], capture_output=True,
                              text=True, timeout=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": limit, "outcome": "stopped", "stderr": [], "warned": False}
    took = time.perf_counter() - t
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    if proc.returncode == 2:
        return {"seconds": took, "outcome": "refused", "stderr": lines, "warned": False}
    if proc.returncode != 0:
        return {"seconds": took, "outcome": "crashed", "stderr": lines, "warned": False}
    said = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"seconds": took, "outcome": "read", "stderr": lines,
            "warned": any(w.startswith(("damaged", "truncated")) for w in said)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(PDFS))
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--flips", type=int, default=20)
    ap.add_argument("--limit", type=float, default=120)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    files = sorted(Path(args.folder).glob("*.pdf"))
    results: dict[str, list[dict]] = {"pdfium": [], "pdfplumber": []}
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for f in files:
            data = f.read_bytes()
            for k in range(args.copies):
                p = Path(tmp) / f"{f.stem}-flip{k}.pdf"
                p.write_bytes(flipped(data, args.flips, rng))
                copies.append(p)
        for p in copies:
            for engine in results:
                r = read_once(p, engine, args.limit)
                r["file"] = p.name
                r["foreign"] = [ln for ln in r["stderr"] if p.name not in ln]
                results[engine].append(r)
    print(f"{len(files)} PDFs x {args.copies} copies, {args.flips} bytes flipped each, limit {args.limit:.0f} s, "
          f"load average {os.getloadavg()[0]:.2f}")
    summary = {}
    for engine, rs in results.items():
        times = [r["seconds"] for r in rs]
        s = {"files": len(rs), "read": sum(r["outcome"] == "read" for r in rs),
             "refused": sum(r["outcome"] == "refused" for r in rs),
             "stopped": sum(r["outcome"] == "stopped" for r in rs),
             "crashed": sum(r["outcome"] == "crashed" for r in rs),
             "max_s": round(max(times), 2), "median_s": round(statistics.median(times), 2),
             "stderr_lines": sum(len(r["stderr"]) for r in rs),
             "stderr_lines_not_naming_the_file": sum(len(r["foreign"]) for r in rs),
             "read_with_a_warning": sum(r["warned"] for r in rs)}
        summary[engine] = s
        print(f"  {engine:<10}: read {s['read']}, refused {s['refused']}, stopped {s['stopped']}, "
              f"crashed {s['crashed']}; "
              f"slowest {s['max_s']} s, median {s['median_s']} s; stderr {s['stderr_lines']} lines "
              f"({s['stderr_lines_not_naming_the_file']} not naming the file); "
              f"read with a damaged/truncated warning: {s['read_with_a_warning']}")
        slow = sorted(rs, key=lambda r: -r["seconds"])[:3]
        print("    slowest: " + ", ".join(f"{r['file']} {r['seconds']:.1f} s ({r['outcome']})" for r in slow))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
