"""Mutation test: inject wrong numbers into correct statements and count how many the audit catches.

For every claim of the corpus that passes (amounts, shares, growth rates, counts),
write a copy of its document with that one figure changed, audit every copy
together with the untouched originals in ONE run, and report
  caught   the share of mutated claims whose status becomes `fail`
  flagged  … or that a failing claim cites (the "其中" list or the reason a figure was checked by:
           changed, the list no longer adds up, and nothing says which of its figures is wrong)
  own      caught among the claims that passed by a check of their own figure (not by a list's)
  stable   whether every untouched document keeps its verdicts.

    .venv/bin/python bench/mutation.py [corpus/] [--limit N] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from auditor import api
from auditor.ingest.encoding import read_text_file
from auditor.numbers import decimals, normalize, try_number

KINDS = ("amount", "share", "growth", "count")


def wrong_value(kind: str, stated: Decimal) -> Decimal:
    """A figure that is clearly wrong yet plausible-looking, printed at the same precision."""
    q = Decimal(1).scaleb(-decimals(stated))
    if kind == "amount":
        new = stated * Decimal("1.13") + 10 * q
    elif kind == "share":
        new = stated + 7 if stated + 7 <= 100 else stated - 7
    elif kind == "growth":
        new = stated + 9
    else:
        new = stated + 3
    return new.quantize(q)


def _claim_pattern(text: str) -> re.Pattern:
    return re.compile(r"\s*".join(re.escape(ch) for ch in text if not ch.isspace()))


def mutate_text(source: str, claim: dict, occurrence: int, new: Decimal) -> str | None:
    """`source` with the claim's figure replaced, at the claim's `occurrence`-th appearance."""
    matches = list(_claim_pattern(claim["text"]).finditer(source))
    if occurrence >= len(matches):
        return None
    m = matches[occurrence]
    span = source[m.start():m.end()]
    for num in re.finditer(r"\d[\d,，]*(?:[.．]\d+)?", span):
        val = try_number(normalize(num.group(0)).replace("，", ","))
        if val is not None and val == Decimal(str(claim["stated"])):
            a, b = m.start() + num.start(), m.start() + num.end()
            return source[:a] + f"{new:f}" + source[b:]
    return None


def _key(c: dict) -> tuple:
    return (c["kind"], c.get("subject"))


def run(corpus: list[Path], limit: int | None = None) -> dict:
    t0 = time.perf_counter()
    base, _ = api.audit(corpus)
    base_status = {c["id"]: c["status"] for c in base["claims"]}
    by_stem = {p.stem: p for p in corpus}
    files = {d["doc"]: by_stem[d["doc"]] for d in base["documents"] if d["status"] == "ok" and d["doc"] in by_stem}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        plan = []
        seen_text: Counter = Counter()
        ordinal: Counter = Counter()
        for c in base["claims"]:
            occ = seen_text[(c["doc"], c["text"])]
            seen_text[(c["doc"], c["text"])] += 1
            nth = ordinal[(c["doc"],) + _key(c)]
            ordinal[(c["doc"],) + _key(c)] += 1
            if c["status"] != "pass" or c["kind"] not in KINDS or c["doc"] not in files or c["stated"] is None:
                continue
            src = files[c["doc"]]
            new = wrong_value(c["kind"], Decimal(str(c["stated"])))
            text = mutate_text(read_text_file(src), c, occ, new)
            if text is None:
                continue
            name = f"{src.stem}__m{len(plan):04d}{src.suffix}"
            (tmpdir / name).write_text(text, encoding="utf-8")
            plan.append({"doc": Path(name).stem, "original": c, "nth": nth, "new": f"{new:f}"})
            if limit and len(plan) >= limit:
                break
        originals = [files[d] for d in sorted(files)]
        result, _ = api.audit(originals + [tmpdir])
    by_doc: dict[str, list[dict]] = {}
    for c in result["claims"]:
        by_doc.setdefault(c["doc"], []).append(c)
    caught, flagged, own, own_caught, missed = 0, 0, 0, 0, []
    for p in plan:
        o = p["original"]
        same = [c for c in by_doc.get(p["doc"], []) if _key(c) == _key(o)]
        changed_claims = [c for c in same if c["stated"] is not None and Decimal(str(c["stated"])) == Decimal(p["new"])]
        hit = changed_claims[0] if changed_claims else (same[p["nth"]] if p["nth"] < len(same) else None)
        by_others = by_arithmetic(o)
        own += not by_others
        if hit is not None and hit["status"] == "fail":
            caught += 1
            flagged += 1
            own_caught += not by_others
            continue
        if hit is not None and cited_by_a_fail(hit, by_doc.get(p["doc"], [])):
            flagged += 1
        missed.append({"doc": o["doc"], "text": o["text"], "kind": o["kind"], "new": p["new"],
                       "status": hit["status"] if hit else "not found",
                       "evidence": hit["evidence"] if hit else ""})
    changed = [c["id"] for c in result["claims"] if c["id"] in base_status and c["status"] != base_status[c["id"]]]
    n = len(plan)
    return {"mutations": n, "caught": caught, "rate": caught / n if n else 0.0,
            "flagged": flagged, "flagged_rate": flagged / n if n else 0.0,
            "own": own, "own_caught": own_caught, "own_rate": own_caught / own if own else 0.0,
            "by_kind": dict(Counter(p["original"]["kind"] for p in plan)),
            "missed": missed, "untouched_changed": changed, "seconds": round(time.perf_counter() - t0, 1)}


# a figure passed by the arithmetic of the list or the reason it is in (auditor/rules/members.py,
# reason_sum.py): changed, that list no longer adds up, and nothing says which of its figures is wrong
_BY_OTHERS = (":in_list_", ":in_reason_of_", ":prior_of_", ":in_changes_")


def by_arithmetic(claim: dict) -> bool:
    return any(k in (claim.get("decided_by") or "") for k in _BY_OTHERS)


def cited_by_a_fail(claim: dict, claims: list[dict]) -> bool:
    """A failing claim of the document whose evidence cites `claim` (a list or a rate quoting it)."""
    needle = f'"claim": "{claim["id"]}"'
    return any(c["status"] == "fail" and c is not claim and needle in json.dumps(c["checks"], ensure_ascii=False)
               for c in claims)


def table_cells(text: str) -> list[tuple[int, int]]:
    """Spans of the non-zero figures in the tab-separated table rows of a text document."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        if "\t" in line:
            for m in re.finditer(r"(?<![\w.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\w.,])", line):
                if Decimal(m.group(0).replace(",", "")) != 0:
                    spans.append((pos + m.start(), pos + m.end()))
        pos += len(line)
    return spans


def run_tables(corpus: list[Path], every: int = 7) -> dict:
    """Change one table figure per copy (every `every`-th non-zero cell of each document) and count
    the copies in which some table check or claim newly fails."""
    t0 = time.perf_counter()
    base, _ = api.audit(corpus)
    failing = {(r["doc"], r["id"]) for k in ("claims", "table_checks") for r in base[k] if r["status"] == "fail"}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir, plan = Path(tmp), []
        for src in corpus:
            text = read_text_file(src)
            for i, (a, b) in enumerate(table_cells(text)):
                if i % every:
                    continue
                old = Decimal(text[a:b].replace(",", ""))
                new = (old * Decimal("1.13") + 1).quantize(Decimal("0.01"))
                name = f"{src.stem}__t{len(plan):04d}{src.suffix}"
                (tmpdir / name).write_text(text[:a] + f"{new:f}" + text[b:], encoding="utf-8")
                plan.append({"doc": Path(name).stem, "original": src.stem, "old": str(old), "new": f"{new:f}"})
        result, _ = api.audit([tmpdir])
    newly = {}
    for k in ("claims", "table_checks"):
        for r in result[k]:
            if r["status"] == "fail":
                orig = r["doc"].split("__t")[0]
                key = (orig, r["id"].replace(r["doc"], orig, 1))
                if key not in failing:
                    newly.setdefault(r["doc"], []).append(r["id"])
    caught = sum(1 for p in plan if p["doc"] in newly)
    missed = [p for p in plan if p["doc"] not in newly]
    return {"mutations": len(plan), "caught": caught, "rate": caught / len(plan) if plan else 0.0,
            "missed": missed, "seconds": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="*", default=["corpus"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--tables", action="store_true", help="mutate table figures instead of claims")
    args = ap.parse_args(argv)
    paths = sorted(p for arg in args.corpus for p in (Path(arg).glob("*.txt") if Path(arg).is_dir() else [Path(arg)]))
    if args.tables:
        report = run_tables(paths)
        print(f"table mutations {report['mutations']}  caught {report['caught']} ({report['rate']:.1%})  "
              f"{report['seconds']} s")
        for m in report["missed"]:
            print(f"  missed: {m['original']} {m['old']} -> {m['new']}")
        return 0
    report = run(paths, args.limit)
    print(f"mutations {report['mutations']} {report['by_kind']}  caught {report['caught']} "
          f"({report['rate']:.1%})  flagged {report['flagged']} ({report['flagged_rate']:.1%})  "
          f"checked by their own figure {report['own_caught']} of {report['own']} ({report['own_rate']:.1%})  "
          f"untouched documents changed verdicts: {len(report['untouched_changed'])}  {report['seconds']} s")
    for m in report["missed"]:
        print(f"  missed: {m['doc']} {m['kind']} 「{m['text']}」 -> {m['new']}: {m['status']}  {m['evidence']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
