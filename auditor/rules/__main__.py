"""python -m auditor.rules: the registry as a table; --write-suites DIR writes the GX suites it makes."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from auditor.rules import EXPECTATION_OF, RULES, suites


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m auditor.rules", description=__doc__)
    ap.add_argument("--write-suites", metavar="DIR", help="write each suite as DIR/<name>.json")
    args = ap.parse_args(argv)
    if args.write_suites:
        out = Path(args.write_suites)
        out.mkdir(parents=True, exist_ok=True)
        for s in suites():
            (out / f"{s['name']}.json").write_text(json.dumps(s, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    for r in RULES:
        e = EXPECTATION_OF[r.reports]
        print(f"{r.id:<18} {r.scope:<7} {r.name:<14} -> {e.rule:<28} {'/'.join(r.levels):<10} {', '.join(r.applies_to)}")
        print(f"{'':<27}{r.summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
