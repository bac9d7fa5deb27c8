"""What the verdicts say over the bundled corpus and ../shared/pdfs: statuses, causes, the invariant.

    .venv/bin/python bench/verdicts.py [PATH ...] [--json FILE]

Per corpus: claims per status, how many claims had their figure checked, the unverified claims
by cause (their evidence with the quoted words and figures blanked, so one cause is one line),
and the invariant "no claim passes without a passing check of its figure" (a stated reason
never stands in for one). Exit 1 when the invariant breaks.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PDFS = ROOT.parent / "shared" / "pdfs"
_QUOTED = re.compile(r"「[^」]*」|《[^》]*》|\d[\d,.]*")


def cause(evidence: str) -> str:
    """One unverified claim's cause: the first clause of its evidence, quoted words blanked."""
    first = evidence.split("；")[0]
    return _QUOTED.sub("…", first)


def summarise(findings: dict) -> dict:
    from auditor.report.findings import SIDE_RULES

    claims = findings["claims"]
    status = Counter(c["status"] for c in claims)
    unverified = [c for c in claims if c["status"] == "unverified"]
    broken = [c["id"] for c in claims if c["status"] == "pass"
              and not any(k["status"] == "pass" and k["rule"] not in SIDE_RULES for k in c["checks"])]
    return {
        "claims": len(claims),
        "status": {s: status.get(s, 0) for s in ("pass", "warn", "fail", "unverified")},
        "figure_checked": sum(1 for c in claims if c["figure_checked"]),
        "unverified_share": round(len(unverified) / len(claims), 4) if claims else 0.0,
        "unverified_causes": Counter(cause(c["evidence"]) for c in unverified).most_common(),
        "unverified_without_chinese_reason": sum(1 for c in unverified if "?" in c["evidence"]
                                                 or not re.search(r"[\u4e00-\u9fff]", c["evidence"])),
        "pass_without_figure_check": broken,
        "table_checks": dict(Counter(t["status"] for t in findings["table_checks"])),
    }


def print_summary(name: str, s: dict) -> None:
    st = s["status"]
    print(f"== {name}: {s['claims']} claims: pass {st['pass']} / warn {st['warn']} / fail {st['fail']} / "
          f"unverified {st['unverified']} ({100 * s['unverified_share']:.1f}%); figure checked {s['figure_checked']}")
    print(f"   table checks {s['table_checks']}")
    print(f"   pass without a figure check: {len(s['pass_without_figure_check'])}; "
          f"unverified without a Chinese reason (or with '?'): {s['unverified_without_chinese_reason']}")
    for text, n in s["unverified_causes"][:25]:
        print(f"   {n:5d}  {text}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--json", help="write the summaries to FILE")
    args = ap.parse_args(argv)
    from auditor import api

    corpora = {p: [Path(p)] for p in args.paths} or {"corpus": [ROOT / "corpus"], "shared/pdfs": [PDFS]}
    out, ok = {}, True
    for name, paths in corpora.items():
        if not all(p.exists() for p in paths):
            print(f"== {name}: not found, skipped", file=sys.stderr)
            continue
        findings, _ = api.audit(paths)
        out[name] = summarise(findings)
        print_summary(name, out[name])
        ok &= not out[name]["pass_without_figure_check"]
    if len(out) > 1:
        n = sum(x["claims"] for x in out.values())
        u = sum(x["status"]["unverified"] for x in out.values())
        print(f"== all together: {n} claims, unverified {u} ({100 * u / n:.1f}%)" if n else "== all together: no claims")
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
