"""Corpus-scale benchmark: throughput, worker speed-up, GX time, peak memory.

    .venv/bin/python bench/scale_bench.py text   [--docs 600] [--repeat 3]  documents/s from text, 1 vs 2 workers
    .venv/bin/python bench/scale_bench.py pdf    [--pdfs DIR]          pages/s from PDF against pdfplumber alone
    .venv/bin/python bench/scale_bench.py gx     [--claims 100000]     one GX validation over N claim rows
    .venv/bin/python bench/scale_bench.py memory [--docs 10000]        peak memory of a whole audit with its reports
    .venv/bin/python bench/scale_bench.py split  [--docs 300,3000]     stage split of a whole audit, the report's share
    .venv/bin/python bench/scale_bench.py split  --docs 300 --profile F  the report stage in one process, profiled to F
    .venv/bin/python bench/scale_bench.py all

Synthetic documents come from bench/synthetic.py (written once into --work, default
/tmp/auditor-bench). Timings are wall-clock on whatever else the machine is doing:
note the load average printed with each figure.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PDFS = ROOT.parent / "shared" / "pdfs"

from tables_bench import baseline  # noqa: E402 - the same pdfplumber baseline as the tables benchmark


def _load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def _corpus(work: Path, n: int) -> Path:
    from synthetic import write_corpus

    folder = work / f"text{n}"
    write_corpus(folder, n)
    return folder


def bench_text(work: Path, n: int, repeat: int = 1) -> dict:
    """Documents/s from text (read + claims + checks; GX excluded), 1 process vs 2 workers.

    With `repeat` > 1 the two runs alternate and the best of each counts: the machine's own
    speed drifts by ±25% over minutes, which a single pair of runs takes for a speed-up."""
    from auditor import parallel, pipeline

    folder = _corpus(work, n)
    t = time.perf_counter()
    pipeline.warm_up()
    startup = time.perf_counter() - t
    ones, twos = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        one = parallel.collect([folder], workers=1)
        ones.append(time.perf_counter() - t)
        t = time.perf_counter()
        two = parallel.collect([folder], workers=2)
        twos.append(time.perf_counter() - t)
        assert len(one.docs) == len(two.docs) == n and not one.errors and len(one.judged) == len(two.judged)
    t1, t2 = min(ones), min(twos)
    out = {"docs": n, "claims": one.n_claims, "judged_rows": len(one.judged), "startup_s": round(startup, 2),
           "repeat": repeat, "one_worker_s": round(t1, 2), "one_worker_docs_per_s": round(n / t1, 1),
           "two_workers_s": round(t2, 2), "two_workers_docs_per_s": round(n / t2, 1),
           "speedup_2_vs_1": round(t1 / t2, 2),
           "runs": {"one_worker_s": [round(x, 2) for x in ones], "two_workers_s": [round(x, 2) for x in twos]}}
    best = f"best of {repeat}" if repeat > 1 else "one run"
    print(f"text  {n} docs, {one.n_claims} claims, {len(one.judged)} judged check rows, {best}   ({_load()})")
    print(f"  start-up (imports, dictionaries) : {startup:6.2f} s")
    print(f"  1 process                        : {t1:6.2f} s  {n / t1:6.1f} docs/s")
    print(f"  2 workers                        : {t2:6.2f} s  {n / t2:6.1f} docs/s   speed-up {t1 / t2:.2f}x")
    if repeat > 1:
        print("  each run (1 process | 2 workers) : " + "  ".join(f"{a:.2f}|{b:.2f}" for a, b in zip(ones, twos)))
    return out


def bench_pdf(folder: Path, repeat: int = 1) -> dict:
    """Pages/s of the audit's document stage (read + claims + checks) against pdfplumber text+tables."""
    from auditor import parallel, pipeline

    files = sorted(folder.glob("*.pdf"))
    pipeline.warm_up()
    best = {"pdfplumber": 1e9, "audit_1": 1e9, "audit_2": 1e9}
    pages = audit_pages = 0
    for _ in range(repeat):
        t = time.perf_counter()
        pages = baseline(files)  # pdfplumber alone: text + tables per page (tables_bench.py)
        best["pdfplumber"] = min(best["pdfplumber"], time.perf_counter() - t)
        for w in (1, 2):
            t = time.perf_counter()
            run = parallel.collect([folder], workers=w)
            best[f"audit_{w}"] = min(best[f"audit_{w}"], time.perf_counter() - t)
            audit_pages = run.pages
    out = {"files": len(files), "pages": pages, "documents": len(run.docs), "errors": len(run.errors),
           **{f"{k}_s": round(v, 2) for k, v in best.items()},
           **{f"{k}_pages_per_s": round(pages / v, 1) for k, v in best.items()},
           "ratio_1_worker": round(best["pdfplumber"] / best["audit_1"], 2),
           "ratio_2_workers": round(best["pdfplumber"] / best["audit_2"], 2)}
    print(f"pdf   {len(files)} files, {pages} pages, {len(run.docs)} documents, {len(run.errors)} errors "
          f"(pages seen by the audit: {audit_pages})   ({_load()})")
    for k, label in (("pdfplumber", "pdfplumber text+tables"), ("audit_1", "audit, 1 process"),
                     ("audit_2", "audit, 2 workers")):
        ratio = best["pdfplumber"] / best[k]
        print(f"  {label:<31}: {best[k]:6.2f} s  {pages / best[k]:6.1f} pages/s  ({ratio:.2f}x pdfplumber)")
    return out


def bench_gx(n_claims: int) -> dict:
    """One gx.validate over n judged claim rows made from the seeds' rows (unique ids; ~3% not passing as in the seeds)."""
    import pandas as pd

    from auditor import gx, parallel

    seed = parallel.collect([ROOT / "corpus"], workers=1)
    claims = gx.judged_frame([r for i in range(len(seed.docs)) for r in seed.details(i)["rows"]
                              if r["scope"] == "claim"])
    reps = -(-n_claims // len(claims))
    frame = pd.concat([claims] * reps, ignore_index=True).iloc[:n_claims].copy()
    frame["row"] = range(len(frame))  # unique keys; one "document" per copy of the seeds' rows
    frame["doc"] = pd.Categorical([f"{d}#{i // len(claims)}" for i, d in enumerate(frame["doc"].astype(str))])
    gx.validate(frame.iloc[:200].copy())  # GX's own start-up (imports, registry) out of the figure
    t = time.perf_counter()
    v = gx.validate(frame)
    dt = time.perf_counter() - t
    counts = pd.Series([s for s, _ in v.verdicts.values()]).value_counts().to_dict()
    counts["pass"] = len(frame) - len(v.verdicts)
    print(f"gx    {len(frame)} claim rows, one validation: {dt:6.2f} s   statuses {counts}   ({_load()})")
    return {"rows": len(frame), "seconds": round(dt, 2), "statuses": counts}


def _memory_child(folder: str, workers: int) -> None:
    import tempfile

    from auditor import api

    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="auditor-bench-out-") as out:  # what `auditor audit DIR --out` does
        result, errors = api.audit([folder], out_dir=out, workers=workers, keep=False)
        files = {p.name: p.stat().st_size for p in Path(out).iterdir() if p.is_file()}
        pages = sum(1 for _ in (Path(out) / "report" / "doc").iterdir())
    dt = time.perf_counter() - t
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"docs": len(result["documents"]), "counts": result["counts"], "errors": len(errors),
                      "html_pages": pages, "findings_json_mb": round(files["findings.json"] / 2**20, 1),
                      "seconds": round(dt, 1), "parent_peak_mb": round(self_kb / 1024),
                      "worker_peak_mb": round(kids_kb / 1024)}))


def bench_memory(work: Path, n: int, workers: int = 2) -> dict:
    """Peak resident memory of a whole audit with its output folder (findings, CSV, HTML pages, Data Docs),
    as `auditor audit DIR --workers 2 --out DIR` runs it, in a fresh process."""
    folder = _corpus(work, n)
    out = subprocess.run([sys.executable, __file__, "_memory_child", str(folder), "--workers", str(workers)],
                         capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    rows = sum(res["counts"].values())
    print(f"memory {res['docs']} docs, {rows} checks ({res['counts']}), {res['html_pages']} pages, findings.json "
          f"{res['findings_json_mb']} MB, {res['seconds']} s: peak {res['parent_peak_mb']} MB (main process), "
          f"{res['worker_peak_mb']} MB (largest worker)   ({_load()})")
    return res


def _split_child(folder: str, workers: int, profile: str | None) -> None:
    """One whole audit with every report, as `auditor audit DIR --workers N --out OUT` runs it, timed by
    stage: reading + checks (the pool), the one GX validation, the report (findings.json, the CSVs,
    the HTML pages and index, the Data Docs). With `profile`: the report stage in this one process
    (no pool) under cProfile, its statistics written to that file."""
    import tempfile

    from auditor import gx, parallel
    from auditor.report import output

    def cpu(who=None) -> float:  # this process and its finished workers (each pool is joined at the end of its stage)
        return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(w) for w in
                   (who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))))

    t0, c0 = time.perf_counter(), cpu()
    with tempfile.TemporaryDirectory(prefix="auditor-bench-out-") as out:
        run = parallel.collect([folder], workers=workers, keep_documents=True)
        t1, c1 = time.perf_counter(), cpu()
        validation = gx.validate(run.judged, out, processes=workers)  # as `auditor audit --workers N` validates
        run.judged = None
        t2, c2, p2 = time.perf_counter(), cpu(), cpu([resource.RUSAGE_SELF])
        mapper = map if profile else parallel.mapper(workers)
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        result, _ = output.write(run, validation, out, keep=False, map_documents=mapper)
        if profile:
            prof.disable()
            prof.dump_stats(profile)
        t3, c3, p3 = time.perf_counter(), cpu(), cpu([resource.RUSAGE_SELF])
    stages = {"read_checks_s": t1 - t0, "validation_s": t2 - t1, "report_s": t3 - t2,
              "read_checks_cpu_s": c1 - c0, "validation_cpu_s": c2 - c1, "report_cpu_s": c3 - c2,
              "report_parent_cpu_s": p3 - p2}
    print(json.dumps({"docs": len(result["documents"]), "checks": sum(result["counts"][s] for s in
                      ("pass", "warn", "fail", "unverified")), **{k: round(v, 2) for k, v in stages.items()},
                      "total_s": round(t3 - t0, 2), "report_share": round((t3 - t2) / (t3 - t0), 3),
                      "total_cpu_s": round(c3 - c0, 2), "report_cpu_share": round((c3 - c2) / (c3 - c0), 3)}))


def bench_split(work: Path, sizes: list[int], workers: int = 2, repeat: int = 1, profile: str | None = None) -> dict:
    """The stage split of whole audits of `sizes` synthetic documents, each in a fresh process,
    sizes alternating over `repeat` rounds (each round's figures printed; the best total counts)."""
    folders = {n: _corpus(work, n) for n in sizes}
    runs: dict[int, list[dict]] = {n: [] for n in sizes}
    for _ in range(repeat):
        for n in sizes:
            load = _load()
            cmd = [sys.executable, __file__, "_split_child", str(folders[n]), "--workers", str(workers)]
            out = subprocess.run(cmd + (["--profile", profile] if profile else []),
                                 capture_output=True, text=True, check=True)
            res = {**json.loads(out.stdout.strip().splitlines()[-1]), "load_before": load, "load_after": _load()}
            runs[n].append(res)
            print(f"split {n} docs, {res['checks']} checks, {workers} workers{' (report profiled, 1 process)' if profile else ''}"
                  f"   ({res['load_before']} before, {res['load_after']} after)")
            print("  stage            :    wall        CPU (all processes)")
            for key, label in (("read_checks", "reading + checks"), ("validation", "validation (GX)"), ("report", "report")):
                print(f"  {label:<17}: {res[key + '_s']:7.2f} s  {res[key + '_cpu_s']:7.2f} s")
            print(f"  report, parent   :            {res['report_parent_cpu_s']:7.2f} s  (the rest in the workers)")
            print(f"  report share     : {100 * res['report_share']:5.1f}% of {res['total_s']:.2f} s wall, "
                  f"{100 * res['report_cpu_share']:.1f}% of {res['total_cpu_s']:.2f} s CPU   "
                  f"{n / res['total_s']:.1f} docs/s end to end")
    return {str(n): min(r, key=lambda x: x["total_s"]) | {"runs": r} for n, r in runs.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["text", "pdf", "gx", "memory", "split", "all", "_memory_child", "_split_child"])
    ap.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    ap.add_argument("--docs", default=None, help="documents (split: sizes, comma-separated)")
    ap.add_argument("--profile", help="split: profile the report stage (one process) into this file")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--pdfs", default=str(PDFS))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default="/tmp/auditor-bench")
    ap.add_argument("--json", help="append the figures to this JSON-lines file")
    a = ap.parse_args(argv)
    if a.what == "_memory_child":
        return _memory_child(a.folder, a.workers)
    if a.what == "_split_child":
        return _split_child(a.folder, a.workers, a.profile)
    docs = int(a.docs) if a.docs and a.what != "split" else None
    work = Path(a.work)
    figures = {}
    if a.what in ("text", "all"):
        figures["text"] = bench_text(work, docs or 600, a.repeat)
    if a.what in ("pdf", "all"):
        figures["pdf"] = bench_pdf(Path(a.pdfs), a.repeat)
    if a.what in ("gx", "all"):
        figures["gx"] = bench_gx(a.claims)
    if a.what in ("memory", "all"):
        figures["memory"] = bench_memory(work, docs or 10_000, a.workers)
    if a.what in ("split", "all"):
        sizes = [int(x) for x in (a.docs or "300,3000").split(",")] if a.what == "split" else [300, 3000]
        figures["split"] = bench_split(work, sizes, a.workers, a.repeat, a.profile)
    if a.json:
        with open(a.json, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}) + "\n")


if __name__ == "__main__":
    main()
