"""`spark-submit auditor/submit.py PATH... --out DIR`: `auditor audit --engine spark` on a cluster.

A script of its own, so that auditor.spark (which the API imports) never imports the CLI."""
import os
import sys

if __name__ == "__main__":  # run as a file: this folder must not shadow the stdlib (numbers.py)
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]


def main(argv: list[str] | None = None) -> int:
    from auditor.cli import main as cli_main

    return cli_main(["audit", *(sys.argv[1:] if argv is None else argv), "--engine", "spark"])


if __name__ == "__main__":  # pragma: no cover - spark-submit entry point
    sys.exit(main())
