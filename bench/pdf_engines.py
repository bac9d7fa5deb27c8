"""PDF engines: pdfplumber alone against the audit with the pdfium engine and with the pdfplumber engine.

    .venv/bin/python bench/pdf_engines.py [FOLDER] [--repeat 2] [--stage-only | --whole-only]

FOLDER defaults to ../shared/pdfs. In one run, alternating, best of --repeat (>= 2) each:

  document stage, one process (in this process, after warm-up):
    pdfplumber alone      open each PDF, per page extract_text() + extract_tables() (tables_bench.baseline)
    audit, pdfium         auditor.parallel.collect(FOLDER, workers=1): read, claims, check rows, spill
    audit, pdfplumber     the same with --pdf-engine pdfplumber
  whole command (a fresh process each, imports and all):
    pdfplumber alone      python -c 'tables_bench.baseline(...)'
    auditor audit, pdfium / pdfplumber
                          auditor audit FOLDER --out TMP --pdf-engine pdfium|pdfplumber

--whole-only: only pdfplumber alone and `auditor audit --pdf-engine pdfium` as whole commands.
Pages/s and the ratios to pdfplumber alone are printed with the machine's load average
(the 1-minute figure, before and after), and one JSON line with every figure.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PDFS = ROOT.parent / "shared" / "pdfs"

from tables_bench import baseline  # noqa: E402 - the same pdfplumber baseline as the other benchmarks


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _stage(folder: Path, engine: str) -> tuple[float, int]:
    from auditor import parallel
    from auditor.ingest.pdf_pages import engine_used

    with engine_used(engine), tempfile.TemporaryDirectory() as spill:
        gc.collect()
        t = time.perf_counter()
        run = parallel.collect([folder], workers=1, spill_dir=spill)
        took = time.perf_counter() - t
    assert not run.errors, run.errors
    return took, len(run.docs)


def _plumber_alone(files: list[Path]) -> tuple[float, int]:
    gc.collect()
    t = time.perf_counter()
    pages = baseline(files)
    return time.perf_counter() - t, pages


def _command(args: list[str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):  # auditor audit: 1 when a finding fails
        raise RuntimeError(f"{args[0]} exited {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(PDFS))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--stage-only", action="store_true", help="skip the whole-command runs")
    ap.add_argument("--whole-only", action="store_true",
                    help="only the whole commands, pdfplumber alone and auditor audit with the pdfium engine")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    files = sorted(folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2
    from auditor import pipeline

    pipeline.warm_up()
    load_before = _load()
    stage = {"pdfplumber alone": [], "audit, pdfium": [], "audit, pdfplumber": []}
    pages = docs = 0
    if args.whole_only:
        import pdfplumber

        stage, docs = {}, len(pipeline.plan([folder])[0])
        for f in files:
            with pdfplumber.open(f) as pdf:
                pages += len(pdf.pages)
    for i in range(args.repeat if stage else 0):
        order = list(stage) if i % 2 == 0 else list(reversed(stage))
        for side in order:
            if side == "pdfplumber alone":
                t, pages = _plumber_alone(files)
            else:
                t, docs = _stage(folder, side.split(", ")[1])
            stage[side].append(t)
    whole: dict[str, list[float]] = {}
    if not args.stage_only:
        py = sys.executable
        auditor = str(Path(py).with_name("auditor"))
        alone = [py, "-c", "import sys; sys.path.insert(0, 'bench'); from pathlib import Path; "
                           "from tables_bench import baseline; "
                           f"baseline(sorted(Path({str(folder)!r}).glob('*.pdf')))"]
        whole = {"pdfplumber alone": [], "auditor audit, pdfium": [], "auditor audit, pdfplumber": []}
        if args.whole_only:
            del whole["auditor audit, pdfplumber"]
        with tempfile.TemporaryDirectory() as out:
            for i in range(args.repeat):
                order = list(whole) if i % 2 == 0 else list(reversed(whole))
                for side in order:
                    if side == "pdfplumber alone":
                        whole[side].append(_command(alone))
                    else:
                        engine = side.split(", ")[1]
                        whole[side].append(_command([auditor, "audit", str(folder), "--out", out,
                                                     "--pdf-engine", engine]))
    load_after = _load()

    def report(title: str, times: dict[str, list[float]]) -> dict:
        base = min(times["pdfplumber alone"])
        print(title)
        figures = {}
        for side, ts in times.items():
            best = min(ts)
            figures[side] = {"best_s": round(best, 2), "runs_s": [round(x, 2) for x in ts],
                             "pages_per_s": round(pages / best, 1), "x_pdfplumber": round(base / best, 2)}
            print(f"  {side:<27}: {best:7.2f} s  {pages / best:7.1f} pages/s  {base / best:5.2f}x pdfplumber"
                  f"   (runs: {', '.join(f'{x:.2f}' for x in ts)})")
        return figures

    print(f"{len(files)} files, {pages} pages, {docs} documents; best of {args.repeat}, alternating; "
          f"load average {load_before} before, {load_after} after; {os.cpu_count()} cores")
    result = {"files": len(files), "pages": pages, "documents": docs, "repeat": args.repeat,
              "load_before": load_before, "load_after": load_after}
    if stage:
        result["document_stage"] = report("document stage, one process", stage)
    if whole:
        result["whole_command"] = report("whole command, a fresh process each", whole)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
