"""Hostile and broken inputs, built deterministically, audited as one batch beside good documents.

    .venv/bin/python bench/fuzz.py OUT_DIR                 # a sample of ~300 cases (what CI runs)
    .venv/bin/python bench/fuzz.py OUT_DIR --full          # >= 10,000 cases
    .venv/bin/python bench/fuzz.py OUT_DIR --cases 1000 --seed 7 [--no-browser]

The families (fixed seeds, from the bundled corpus and ../shared/pdfs): markup in the narrative, in
table cells and in file names; numbers of any size; encodings (GBK, GB18030, UTF-16/32 with and
without a byte-order mark); binary, empty and truncated files; HTML spans and unclosed tables;
odd file names (control characters, bytes that are not UTF-8, forged error lines, long names) and
colliding document ids; symbolic links, loops, FIFOs and devices; huge files; many tiny files;
truncated and bit-flipped PDFs.

Every case goes into one folder with the five seeds as good neighbours, audited by the CLI with
`--workers 2`. Asserted: no traceback escapes; every input is audited or has exactly one one-line
error naming it (no line names a file that is not an input); the seeds keep byte-identical
findings; the limits hold (a document over its wall time or a file over its size is stopped and
said); in Chromium, no dialog, injected element or live script in the evidence pages or the Data
Docs. Then the reading time of one document grown 10x and 40x (linear in its size). The report
(printed, and OUT_DIR/fuzz-report.json): cases, crashes, hangs, silent drops, peak memory, slowest case.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))
PDFS = ROOT.parent / "shared" / "pdfs"
AUDITOR = [sys.executable, "-m", "auditor"]

MARKUP = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '<iframe src="javascript:alert(3)"></iframe>',
          '"><script>alert(4)</script>', "<svg onload=alert(5)>", "</td></tr></table><script>alert(6)</script>",
          "<a href=javascript:alert(7)>x</a>", "'\"><body onload=alert(8)>", "{{7*7}}${7*7}",
          # the text reader strips a line's tags, then turns its &lt; into "<": markup in the text itself
          "<b></b>&lt;script&gt;alert(21)&lt;/script&gt;", "<i></i>&lt;img src=x onerror=alert(22)&gt;",
          '<u></u>&lt;iframe src="javascript:alert(23)"&gt;&lt;/iframe&gt;']
NAME_MARKUP = ['"><img src=x onerror=alert(11)>', "<svg onload=alert(12)>", "'><b onmouseover=alert(13)>x",
               "<iframe src=javascript:alert(14)>"]
NUMBERS = ["12345678901234567890123456789.00", "1e308", "９９９", "NaN", "—", "-0.00", "1" * 400 + ".5",
           "-99999999999999999999999999999999.999", "Infinity", "0.000000000000000000000000000000001",
           "1,2,3,4", "(123.45)", "12.3.4", "٣٤٥", "1_000", "+-1", "%", "１２３４５６７８９０１２３４５６７８９０１２３４５６７８９.０"]
GOOD = "某单位2023年部门预算\n\n收入总计 10.00 万元。\n"


def _seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def _small_pdfs() -> list[Path]:
    if not PDFS.is_dir():
        return []
    return sorted(PDFS.glob("*.pdf"), key=lambda p: p.stat().st_size)[:4]


# --------------------------------------------------------------------------- families
# each: (rng, k, folder, texts) -> [(relative path, what it expects: "ok" | "error" | "either")]

def markup_narrative(rng, k, folder, texts):
    text = rng.choice(texts)
    lines = text.split("\n")
    sentences = [i for i, line in enumerate(lines) if "万元" in line and "\t" not in line]
    for i in rng.sample(sentences, min(3, len(sentences))):
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(MARKUP) + lines[i][at:]
    name = f"m{k:05d}-narrative-markup.txt"
    (folder / name).write_text("\n".join(lines), encoding="utf-8")
    return [(name, "ok")]


def markup_cells(rng, k, folder, texts):
    lines = rng.choice(texts).split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line]
    for i in rng.sample(rows, min(5, len(rows))):
        cells = lines[i].split("\t")
        cells[rng.randrange(len(cells))] = rng.choice(MARKUP)
        lines[i] = "\t".join(cells)
    name = f"m{k:05d}-cell-markup.md"
    (folder / name).write_text("\n".join(lines), encoding="utf-8")
    return [(name, "ok")]


def markup_name(rng, k, folder, texts):
    payload = rng.choice(NAME_MARKUP)
    name = f"n{k:05d}{payload}.txt"
    (folder / name).write_text(rng.choice(texts), encoding="utf-8")
    return [(name, "ok")]


def numbers(rng, k, folder, texts):
    lines = rng.choice(texts).split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line and any(ch.isdigit() for ch in line)]
    for i in rng.sample(rows, min(4, len(rows))):
        cells = lines[i].split("\t")
        nums = [j for j, c in enumerate(cells) if any(ch.isdigit() for ch in c)]
        if nums:
            cells[rng.choice(nums)] = rng.choice(NUMBERS)
        lines[i] = "\t".join(cells)
    sentences = [i for i, line in enumerate(lines) if "万元" in line and "\t" not in line]
    if sentences:  # a figure of the narrative too
        i = rng.choice(sentences)
        lines[i] = lines[i].replace("万元", rng.choice(NUMBERS) + "万元", 1)
    name = f"x{k:05d}-numbers.txt"
    (folder / name).write_text("\n".join(lines), encoding="utf-8")
    return [(name, "ok")]


ENCODINGS = ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig", "utf-32", "utf-32-le", "utf-32-be", "big5"]


def encodings(rng, k, folder, texts):
    enc = ENCODINGS[k % len(ENCODINGS)]
    text = rng.choice(texts)
    data = text.encode(enc, errors="replace") if enc != "big5" else text.encode("big5", errors="ignore")
    name = f"e{k:05d}-{enc}.txt"
    (folder / name).write_bytes(data)
    # without a byte-order mark a UTF-16 file is read as binary (said), any other as the text
    return [(name, "either" if enc in ("utf-16-le", "big5") else "ok")]


def binary(rng, k, folder, texts):
    kind = k % 7
    suffix = [".txt", ".md", ".html", ".pdf"][k % 4]
    if kind == 0:
        data = b""
    elif kind == 1:
        data = b" \n\t\n" * rng.randrange(1, 50)
    elif kind == 2:
        data = rng.randbytes(rng.randrange(16, 4096))
    elif kind == 3:
        data = b"\x00" * 100 + rng.choice(texts).encode("utf-8")[:500]
    elif kind == 4:  # UTF-8 cut inside a character
        data = rng.choice(texts).encode("utf-8")[: rng.randrange(100, 3000) * 3 + 1]
    elif kind == 5:
        data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(200)
    else:
        data = "-----\n\n......\n\n12 34\n".encode()
    name = f"b{k:05d}-binary{kind}{suffix}"
    (folder / name).write_bytes(data)
    return [(name, "either" if kind == 4 else "error")]


def spans(rng, k, folder, texts):
    kind = k % 6
    text = rng.choice(texts)
    if kind == 0:
        extra = '\n<table><tr><td colspan="10000" rowspan="10000">x</td><td>1.00</td></tr></table>\n'
        text = text + extra
    elif kind == 1:
        text = text + '\n<table><tr><td colspan="3000" rowspan="3000">项目</td></tr><tr><td>1</td></tr></table>\n'
    elif kind == 2:
        text = "<table>\n" + text  # never closed, at the top
    elif kind == 3:
        text = "\n".join("<table><tr><td>" + line for line in text.split("\n")[:400])
    elif kind == 4:
        text = "<table>" * 60 + "<tr><td>深</td></tr>" + "</table>" * 60 + "\n" + text
    else:
        text = text + '\n<table><tr><td colspan="-5" rowspan="abc">a</td><td colspan="99999999999999999999">b</td></tr></table>\n'
    name = f"s{k:05d}-spans.html" if kind == 3 else f"s{k:05d}-spans.md"
    (folder / name).write_text(text, encoding="utf-8")
    return [(name, "either")]


def odd_names(rng, k, folder, texts):
    kind = k % 8
    names = {0: f"c{k:05d}-ctrl\nline.txt", 1: f"c{k:05d}-esc\x1b[31mred.txt", 2: f"c{k:05d}-tab\tname.txt",
             3: f"c{k:05d}-spoof\nerror: spoofed{k}.txt: empty file\n.txt", 4: f"c{k:05d}-\u202eevil.txt",
             5: f"c{k:05d}-" + "长" * 60 + ".txt", 6: f"c{k:05d} space  name .txt"}
    if kind == 7:  # a byte that is not UTF-8
        raw = os.fsencode(folder) + b"/" + f"c{k:05d}-bad_".encode() + b"\xff" + b"_byte.txt"
        with open(raw, "wb") as fh:
            fh.write(rng.choice(texts).encode("utf-8"))
        return [(os.fsdecode(raw[len(os.fsencode(folder)) + 1:]), "ok")]
    name = names[kind]
    (folder / name).write_text(rng.choice(texts) if kind != 3 else "", encoding="utf-8")
    return [(name, "error" if kind == 3 else "ok")]


def collisions(rng, k, folder, texts):
    kind = k % 3
    if kind == 0:
        pairs = [f"k{k:05d}/sub1/report.txt", f"k{k:05d}/sub2/report.txt"]
    elif kind == 1:
        pairs = [f"k{k:05d}/a b.txt", f"k{k:05d}/a_b.txt"]
    else:
        pairs = [f"k{k:05d}/same.txt", f"k{k:05d}/same.md"]
    for rel in pairs:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(rng.choice(texts), encoding="utf-8")
    return [(rel, "ok") for rel in pairs]


def links(rng, k, folder, texts):
    kind = k % 5
    name = f"l{k:05d}-link{kind}.txt"
    path = folder / name
    if kind == 0:
        os.symlink(name, path)  # a loop: itself
    elif kind == 1:
        os.symlink(f"l{k:05d}-nowhere.txt", path)
    elif kind == 2:
        os.symlink("/dev/zero", path)
    elif kind == 3:
        os.mkfifo(path)
    else:  # a folder that cannot be listed (root lists it all the same)
        sub = folder / f"l{k:05d}-locked"
        sub.mkdir()
        (sub / "inside.txt").write_text(GOOD, encoding="utf-8")
        os.chmod(sub, 0)
        return [(f"l{k:05d}-locked/inside.txt", "either")]
    return [(name, "error")]


def huge(rng, k, folder, texts):
    text = rng.choice(texts)
    name = f"h{k:05d}-huge.txt"
    (folder / name).write_text(text * rng.randrange(3, 8), encoding="utf-8")
    return [(name, "ok")]


def tiny(rng, k, folder, texts):
    name = f"t{k:05d}-tiny.txt"
    (folder / name).write_text(f"某单位{2020 + k % 5}年部门预算\n\n收入总计 {rng.randrange(1, 999)}.00 万元。\n",
                               encoding="utf-8")
    return [(name, "ok")]


def pdfs(rng, k, folder, texts):
    sources = _small_pdfs()
    if not sources:
        return []
    data = bytearray(sources[k % len(sources)].read_bytes())
    if k % 2 == 0:
        data = data[: rng.randrange(len(data) // 10, len(data) - 1)]
        what = "truncated"
    else:
        for _ in range(rng.choice([1, 10, 100])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        what = "flipped"
    name = f"p{k:05d}-{what}.pdf"
    (folder / name).write_bytes(bytes(data))
    return [(name, "either")]  # PDF damage is the PDF reader's to name: only the generic guarantees here


FAMILIES = {"markup_narrative": markup_narrative, "markup_cells": markup_cells, "markup_name": markup_name,
            "numbers": numbers, "encodings": encodings, "binary": binary, "spans": spans, "odd_names": odd_names,
            "collisions": collisions, "links": links, "huge": huge, "tiny": tiny, "pdfs": pdfs}
# cases of each family in a sample of 300 (PDFs are slow to read: few)
WEIGHTS = {"markup_narrative": 30, "markup_cells": 20, "markup_name": 12, "numbers": 36, "encodings": 27,
           "binary": 28, "spans": 18, "odd_names": 24, "collisions": 9, "links": 10, "huge": 6, "tiny": 76,
           "pdfs": 4}


def build(folder: Path, cases: int = 300, seed: int = 0) -> list[dict]:
    """Write `cases` hostile inputs (families in WEIGHTS' proportions) and the seeds under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = _seed_texts()
    total = sum(WEIGHTS.values())
    out = []
    k = 0
    for family, weight in WEIGHTS.items():
        rng = random.Random(f"{seed}:{family}")
        n = max(1, round(cases * weight / total))
        if family == "pdfs" and cases > 1000:
            n = min(n, 12)  # a damaged PDF can take minutes in pdfminer: the wall-time limit is what is tested
        for _ in range(n):
            for rel, expect in FAMILIES[family](rng, k, folder, texts):
                out.append({"family": family, "path": rel, "expect": expect})
            k += 1
    good = folder / "good"
    good.mkdir(exist_ok=True)
    for p in SEEDS:
        shutil.copy(p, good / p.name)
        out.append({"family": "good", "path": f"good/{p.name}", "expect": "ok"})
    return out


# --------------------------------------------------------------------------- running and judging

def _audit(paths: list[Path], out: Path, *flags: str, timeout: float = 3000) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([*AUDITOR, "audit", *map(str, paths), "--out", str(out), "--workers", "2", *flags],
                          capture_output=True, timeout=timeout, cwd=ROOT)
    return {"code": proc.returncode, "stderr": proc.stderr.decode("utf-8", "replace"),
            "seconds": time.perf_counter() - t0,
            "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _findings(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _canonical_docs(findings: dict, docs: set[str]) -> list[str]:
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for key in ("documents", "claims", "table_checks")
                  for r in findings[key] if r["doc"] in docs)


def judge_batch(folder: Path, cases: list[dict], run: dict, findings: dict) -> dict:
    """Every input audited or named by exactly one one-line error; nothing else on stderr's error lines."""
    from auditor.model import text_to_line

    lines = run["stderr"].splitlines()
    tracebacks = sum(1 for line in lines if line.startswith("Traceback"))
    errors = [line for line in lines if line.startswith("error: ")]
    shown = {c["path"]: text_to_line(str(folder / c["path"])) for c in cases}
    names_ok = {}
    for d in findings["documents"]:
        if d["status"] == "ok":
            for f in d["files"]:
                names_ok[f] = names_ok.get(f, 0) + 1
    drops, doubled, wrong = [], [], []
    for c in cases:
        mine = [e for e in errors if e.startswith(f"error: {shown[c['path']]}: ")]
        audited = names_ok.get(text_to_line(Path(c["path"]).name), 0) > 0
        if len(mine) > 1:
            doubled.append(c["path"])
        if not mine and not audited:
            drops.append(c["path"])
        if (c["expect"] == "ok" and not audited) or (c["expect"] == "error" and audited):
            wrong.append(c["path"])
    known = set(shown.values())
    forged = [e for e in errors if not any(e.startswith(f"error: {s}: ") for s in known)]
    entries = {d["status"] for d in findings["documents"]}
    # a damaged PDF the PDF reader does not name yet is its own to fix: counted apart
    crashes = [d for d in findings["documents"] if d["status"] == "internal_error"
               and not d["files"][0].lower().endswith(".pdf")]
    pdf_crashes = [d for d in findings["documents"] if d["status"] == "internal_error" and d not in crashes]
    ids = [d["doc"] for d in findings["documents"] if d["status"] == "ok"]
    return {"tracebacks": tracebacks, "silent_drops": drops, "two_errors_for_one_input": doubled,
            "unexpected_outcome": wrong, "forged_error_lines": forged, "internal_errors": len(crashes),
            "internal_error_files": [d["files"] for d in crashes][:20],
            "pdf_internal_errors": [(d["files"][0].rsplit("/", 1)[-1], d["error"][:120]) for d in pdf_crashes], "statuses": sorted(entries),
            "duplicate_ids": len(ids) - len(set(ids)),
            "hangs": sum(1 for d in findings["documents"] if d["status"] == "limit" and "--doc-seconds" in (d["error"] or ""))}


# elements a payload would have made live: a handler running alert, a script holding it, a frame,
# a javascript: link, an svg inside document text (attribute values that merely hold the text are not)
INJECTED = ("[...document.querySelectorAll('*')].filter(e =>"
            " [...e.attributes].some(a => /^on/i.test(a.name) && /alert/.test(a.value))"
            " || (e.tagName === 'SCRIPT' && /alert\\(/.test(e.textContent)) || e.tagName === 'IFRAME'"
            " || (e.tagName === 'A' && /^\\s*javascript:.*alert/i.test(e.getAttribute('href') || ''))"
            " || (e.tagName.toLowerCase() === 'svg' && e.closest('td, p, mark, .show-scrollbars'))).length")


def slow_documents(log: Path, most: int = 5) -> list[tuple[str, float]]:
    """The documents the run's log names as slow (pipeline.SLOW_SECONDS), slowest first."""
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        head, _, took = line.rpartition(": took ")
        if head and took.endswith(" s"):
            try:
                found.append((head.rsplit("/", 1)[-1], float(took[:-2])))
            except ValueError:
                pass
    return sorted(found, key=lambda x: -x[1])[:most]


def judge_pages(out: Path, findings: dict, limit: int = 60) -> dict:
    """Open the hostile documents' evidence pages and every Data Docs validation page in Chromium."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_browser import CHROMIUM, Browser

    from auditor.report.html import doc_to_filename

    if CHROMIUM is None:
        return {"skipped": "no chromium"}
    probe = INJECTED
    hostile = [d["doc"] for d in findings["documents"] if d["status"] == "ok" and not d["doc"].startswith(("0", "t"))]
    pages = [out / "report" / "doc" / doc_to_filename(doc) for doc in hostile[:limit]]
    pages += [out / "report" / "index.html"]
    site = out / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages += [site / "index.html", *sorted((site / "validations").rglob("*.html"))]
    b = Browser()
    dialogs, injected, missing = [], [], []
    try:
        for page in pages:
            if not page.exists():
                missing.append(str(page))
                continue
            b.navigate(page.as_uri(), settle=0.3)
            dialogs += b.dialogs
            n = b.js(probe)
            if n:
                injected.append((str(page.relative_to(out)), n))
    finally:
        b.close()
    return {"pages": len(pages), "dialogs": dialogs, "injected": injected, "missing_pages": missing}


def linear(out: Path) -> dict:
    """One seed grown 10x and 40x: its audit time grows in proportion (document stage and its page)."""
    from auditor import api

    text = SEEDS[4].read_text(encoding="utf-8")
    api.audit([SEEDS[0]])  # the language models loaded before the clock starts
    times = {}
    for n in (10, 40):
        folder = out / f"linear-{n}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"grown{n}.txt").write_text(text * n, encoding="utf-8")
        t0 = time.perf_counter()
        api.audit([folder / f"grown{n}.txt"], out_dir=folder / "out")
        times[n] = time.perf_counter() - t0
    return {"seconds": {str(k): round(v, 2) for k, v in times.items()}, "ratio_40_to_10": round(times[40] / times[10], 2)}


def limits(out: Path) -> dict:
    """A file over --max-file-mb and a document over --doc-seconds are stopped, said, and cost nothing else."""
    folder = out / "limits"
    folder.mkdir(parents=True, exist_ok=True)
    text = SEEDS[4].read_text(encoding="utf-8")
    # the limit on time leaves a good document room for a loaded machine (a worker's first document
    # also loads the language data): the slow one takes many times it
    # (the good one takes ~2 s on a quiet machine, 6 s at three times the load; the slow one ~25 s)
    (folder / "big.txt").write_text(text * 1000, encoding="utf-8")     # ~ 70 MB: over 60 MB
    (folder / "slow.txt").write_text(text * 700, encoding="utf-8")     # ~ 49 MB: far over 10 s
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    run = _audit([folder], folder / "out", "--max-file-mb", "60", "--doc-seconds", "10")
    found = _findings(folder / "out")
    status = {d["doc"]: (d["status"], d["error"]) for d in found["documents"]}
    return {"code": run["code"], "seconds": round(run["seconds"], 1), "status": status,
            "held": status.get("big", ("",))[0] == "limit" and "--max-file-mb" in (status["big"][1] or "")
            and status.get("slow", ("",))[0] == "limit" and "--doc-seconds" in (status["slow"][1] or "")
            and status.get(SEEDS[0].stem, ("",))[0] == "ok"}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--full", action="store_true", help="10,000 cases or more")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    out = Path(args.out).resolve()
    if out.exists():
        for p in out.rglob("*"):  # the locked folders of an earlier run
            if p.is_dir() and not p.is_symlink():
                os.chmod(p, 0o755)
        shutil.rmtree(out)
    n = 10_200 if args.full else args.cases
    folder = out / "inputs"
    cases = build(folder, n, args.seed)
    _audit([CORPUS], out / "reference")
    run = _audit([folder], out / "out", "--doc-seconds", "120")
    findings = _findings(out / "out")
    report = {"cases": len(cases), "families": {f: sum(1 for c in cases if c["family"] == f) for f in WEIGHTS},
              "exit_code": run["code"], "seconds": round(run["seconds"], 1),
              "peak_memory_mb": round(run["peak_mb"])}  # the largest process of the runs so far (the batch's)
    report.update(judge_batch(folder, cases, run, findings))
    seeds = {p.stem for p in SEEDS}
    report["good_neighbours_identical"] = _canonical_docs(findings, seeds) == _canonical_docs(_findings(out / "reference"), seeds)
    report["limits"] = limits(out)
    report["linear"] = linear(out)
    if not args.no_browser:
        report["browser"] = judge_pages(out / "out", findings)
    report["slow_documents"] = slow_documents(out / "out" / "auditor.log")
    report["slowest"] = max([("batch", report["seconds"]), ("limits", report["limits"]["seconds"])]
                            + [(f"linear x{k}", v) for k, v in report["linear"]["seconds"].items()]
                            + [(f"document {name}", s) for name, s in report["slow_documents"]], key=lambda x: x[1])
    (out / "fuzz-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return report


if __name__ == "__main__":
    main()
