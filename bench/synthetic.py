"""A synthetic corpus: the seed documents scaled into thousands of consistent documents.

Every amount of a seed (prose and tables alike) is multiplied by the same power of ten
(0.1, 1, 10 or 100) and printed with its precision shifted with it (318.28 → 3182.8 →
31828), so sums stay exact, shares and growth rates keep their ratios, and a published
rounding difference stays the same number of printed steps: prose and tables agree (or
disagree) exactly as in the seed, so every copy has its seed's findings. (A whole
factor k would multiply the seeds' 0.01 rounding residues into k-step misses.)
Percentages, counts, years and subject codes are left alone. Each copy gets its own
file name, and so its own document id.

    .venv/bin/python bench/synthetic.py OUT_DIR --docs 1000 [--seeds corpus] [--seed 7]

Amounts: numbers with a decimal part or thousands separators, and whole numbers printed
with a money unit (万元/元/千元/亿元); not followed by % (a rate).
"""
from __future__ import annotations

import argparse
import random
import re
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?=\s*(?:万元|千元|亿元|元)))(?![\d.]*\s*[%％])(?![\d,]*\.\d)")


def _scale_number(text: str, e: int) -> str:
    comma = "," in text
    value = Decimal(text.replace(",", "")).scaleb(e)
    places = max(0, (len(text.split(".", 1)[1]) if "." in text else 0) - e)
    return f"{value:,.{places}f}" if comma else f"{value:.{places}f}"


def scale_text(text: str, e: int) -> str:
    """The seed's text with every amount multiplied by 10**e, its printed precision shifted with it."""
    return _AMOUNT.sub(lambda m: _scale_number(m.group("num"), e), text)


def write_corpus(out_dir: str | Path, n_docs: int, seeds_dir: str | Path = ROOT / "corpus",
                 seed: int = 7, exponents: tuple[int, ...] = (-1, 0, 1, 2)) -> list[Path]:
    """Write n_docs text documents into out_dir (cycling through the seeds); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seeds = sorted(Path(seeds_dir).glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no seed .txt files in {seeds_dir}")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    rng = random.Random(seed)
    paths = []
    for i in range(n_docs):
        j = i % len(seeds)
        e = exponents[rng.randrange(len(exponents))]
        p = out / f"syn{i:06d}_e{e}_{seeds[j].stem}.txt"
        if not p.exists():
            p.write_text(scale_text(texts[j], e), encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seeds", default=str(ROOT / "corpus"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    paths = write_corpus(args.out, args.docs, args.seeds, args.seed)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
