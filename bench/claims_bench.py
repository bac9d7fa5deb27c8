"""Claim-extraction speed: sentences per second on one core after start-up, and the start-up time.

    .venv/bin/python bench/claims_bench.py [--repeat N] [PATH ...]

Default input: the seed corpus (corpus/*.txt) and, when present, the narrative PDFs in
../shared/pdfs. Reading the files is NOT timed (that is the readers' cost); start-up is
importing auditor.claims and building the spaCy/jieba pipeline and the compiled patterns.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _documents(paths):
    from auditor.ingest import read_all

    docs, errors = read_all(paths)
    for e in errors:
        print(f"skipped: {e}", file=sys.stderr)
    return docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    try:  # one core, as the acceptance figure requires
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass

    t0 = time.perf_counter()
    import auditor.claims as claims
    import auditor.nlp as nlp
    nlp.pipeline()
    claims.patterns()
    nlp.concepts_in("收入总计")
    startup = time.perf_counter() - t0

    paths = args.paths or sorted(str(p) for p in (ROOT / "corpus").glob("*.txt"))
    pdfs = ROOT.parent / "shared" / "pdfs"
    if not args.paths and pdfs.is_dir():
        paths += sorted(str(p) for p in pdfs.glob("*.pdf") if not p.stem.endswith("-tables"))
    docs = _documents(paths)
    n_sent = sum(len(claims.block_to_sentences(b)) for d in docs for b in d.blocks)
    n_claims = sum(len(claims.extract(d)) for d in docs)  # warm-up run

    best = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        for d in docs:
            claims.extract(d)
        best = min(best, time.perf_counter() - t)
    print(f"documents {len(docs)}  sentences {n_sent}  claims {n_claims}")
    print(f"start-up {startup:.2f} s (import + spaCy/jieba pipeline + patterns)")
    print(f"extraction {best:.3f} s best of {args.repeat}  ->  {n_sent / best:,.0f} sentences/s on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
