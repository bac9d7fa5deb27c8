"""Benchmark: `auditor tables` over a folder of PDFs against pdfplumber alone.

    .venv/bin/python bench/tables_bench.py [FOLDER] [--repeat N]

FOLDER defaults to ../shared/pdfs (relative to the repo). The baseline is what
any pdfplumber user pays for the same files: open each PDF, and per page
page.extract_text() + page.extract_tables(). The auditor run is the public API
(auditor.api.tables: read, group, type every table, JSON contract). Each side is
timed N times (default 1) and the best time is kept; the order alternates so
neither side profits from a warm file cache alone.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def baseline(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                pages += 1
                page.close()
    return pages


def auditor_tables(folder: Path) -> tuple[int, int, int]:
    """(documents, tables, errors) from the public API."""
    from auditor import api

    data, errors = api.tables([folder])
    docs = data["documents"]
    return len(docs), sum(len(d["tables"]) for d in docs), len(errors)


def reader_only(files: list[Path]) -> int:
    from auditor.ingest.pdf import read_pdf

    n = 0
    for f in files:
        _, raws = read_pdf(f)
        n += len(raws)
    return n


def _time(fn, *args):
    gc.collect()
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "pdfs"))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    files = sorted(folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2

    base_t, ours_t, reader_t = [], [], []
    pages = docs = ntables = errors = nraw = 0
    for i in range(args.repeat):
        order = ("base", "ours") if i % 2 == 0 else ("ours", "base")
        for side in order:
            if side == "base":
                t, pages = _time(baseline, files)
                base_t.append(t)
            else:
                t, (docs, ntables, errors) = _time(auditor_tables, folder)
                ours_t.append(t)
        t, nraw = _time(reader_only, files)
        reader_t.append(t)

    b, o, r = min(base_t), min(ours_t), min(reader_t)
    print(f"files: {len(files)}  pages: {pages}  documents: {docs}  typed tables: {ntables}  "
          f"raw tables: {nraw}  errors: {errors}")
    print(f"pdfplumber text+tables : {b:7.2f} s  {pages / b:6.1f} pages/s")
    print(f"auditor.ingest.pdf only: {r:7.2f} s  {pages / r:6.1f} pages/s  ratio {r / b:.2f}")
    print(f"auditor tables (API)   : {o:7.2f} s  {pages / o:6.1f} pages/s  ratio {o / b:.2f}")
    print(f"overhead vs pdfplumber : {100 * (o / b - 1):+.0f}%  (target: within +30%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
