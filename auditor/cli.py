"""Command-line shell over auditor.api; no logic of its own (pdfplumber's cli is the model).

Exit codes: 0 nothing fails, 1 something fails (or warns, with --fail-on warn), 2 no input could
be read, 3 some document hit an internal error (a bug: its traceback is in OUT/auditor.log)."""
from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import sys
import threading
from pathlib import Path

from auditor import api, gx
from auditor.report import console, worklist
from auditor.report.findings import STATUSES
from auditor.settings import DEFAULT, FLAGS, Limits


def _write_json(data: dict, dest: str) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if dest == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(dest, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3


def _report_errors(errors) -> None:
    """One line each on stderr (str() of an IngestError is one line naming the file)."""
    for e in errors:
        print(f"{'warning' if getattr(e, 'status', 'error') == 'warning' else 'error'}: {e}", file=sys.stderr)


def _internal(errors) -> bool:
    return any(getattr(e, "status", "") == "internal_error" for e in errors)


def _exit_code(data: dict, errors) -> int:
    if _internal(errors):
        return EXIT_INTERNAL
    return EXIT_UNREADABLE if errors and not data.get("documents", data.get("claims")) else EXIT_CLEAN


def _run(fn, fmt, args) -> int:
    data, errors = fn(args.paths, pdf_engine=args.pdf_engine)
    _report_errors(errors)
    if args.json:
        _write_json(data, args.json)
    if args.json != "-":
        console.write(fmt(data), sys.stdout)
    return _exit_code(data, errors)


def _lister(args) -> console.Lister | None:
    """What the console lists of each document (--status, --rule, --quiet); None for a bad value (said)."""
    from auditor.report import words

    statuses = tuple(s.strip() for s in args.status.split(",") if s.strip())
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        return _usage(f"--status: unknown status {', '.join(unknown)} (one of {', '.join(STATUSES)})")
    rules = None
    if args.rule:
        rules = words.rule_codes(args.rule)
        if not rules:
            return _usage(f"--rule: no rule is named {args.rule!r} (an id or a Chinese name, "
                          "see auditor/rules/__init__.py)")
    return console.Lister(statuses, rules, quiet=args.quiet)


def _usage(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _audit(args) -> int:
    from auditor.review import ReviewError, stale_to_text

    quiet = args.json == "-"  # the JSON goes to stdout: no summary there
    lister = _lister(args)
    if lister is None:
        return EXIT_UNREADABLE
    limits = Limits(**{name: getattr(args, name) for name in FLAGS})
    from auditor.parallel import cores
    # the local engine never uses Spark: GX, imported in this process, is kept from importing it
    hidden = gx.pyspark_hidden() if args.engine == "local" else contextlib.nullcontext()
    try:
        with hidden:
            data, errors = api.audit(args.paths, out_dir=args.out, progress=sys.stderr.isatty(), reviews=args.reviews,
                                     workers=args.workers or cores(), engine=args.engine, keep=False,
                                     pdf_engine=args.pdf_engine,
                                     limits=limits, xlsx=args.xlsx, page_images=args.page_images,
                                     on_document=None if quiet else lambda digest: _summary(lister.take(digest)),
                                     digest=lister.digest)  # the lines made in the worker that made the part
    except ReviewError as e:  # a review file named (or found) and not usable: never silently ignored
        print(f"error: {e}", file=sys.stderr)
        return EXIT_UNREADABLE
    _report_errors(errors)
    for line in stale_to_text(data.get("stale_reviews") or []):
        print(f"warning: {line}", file=sys.stderr)
    readable = any(d["status"] == "ok" for d in data["documents"])
    if not readable:
        print(f"error: 没有可读取的文件 no readable documents in {', '.join(map(str, args.paths))}", file=sys.stderr)
    if args.json:  # the findings.json just written, copied (it can be far larger than memory should hold)
        src = Path(args.out) / "findings.json"
        if args.json == "-":
            with src.open(encoding="utf-8") as fh:
                shutil.copyfileobj(fh, sys.stdout)
        elif Path(args.json).resolve() != src.resolve():
            shutil.copyfile(src, args.json)
    if not quiet:
        if lister.legend():
            console.write(lister.legend(), sys.stdout)
        report = Path(args.out) / "report" / worklist.PAGE
        console.write(console.format_total(data, args.out, str(report) if report.exists() else None), sys.stdout)
    if _internal(errors) or any(d["status"] == "internal_error" for d in data["documents"]):
        return EXIT_INTERNAL
    if not readable:
        return EXIT_UNREADABLE
    bad = {"fail"} if args.fail_on == "fail" else {"fail", "warn"}
    return EXIT_FINDINGS if any(data["counts"][s] for s in bad) else EXIT_CLEAN


def _summary(text: str) -> None:
    if text:
        console.write(text, sys.stdout)


def _pdf_engine_option(p) -> None:
    p.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber"], default=None,
                   help="who reads PDF pages: pdfium (default) or pdfplumber's pdfminer; tables are found "
                        "by pdfplumber's table finder either way")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="auditor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (("tables", "typed tables per document"),
                        ("claims", "numeric claims of the narrative")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("paths", nargs="+", help="files or folders; paired files form one document")
        p.add_argument("--json", metavar="FILE", help="write the JSON contract to FILE ('-' for stdout)")
        _pdf_engine_option(p)
    p = sub.add_parser("audit", help="check every claim and table; findings as JSON/CSV, GX Data Docs")
    p.add_argument("paths", nargs="+", help="files or folders; paired files form one document")
    p.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    p.add_argument("--json", metavar="FILE", help="also write the findings JSON to FILE ('-' for stdout)")
    p.add_argument("--fail-on", choices=["fail", "warn"], default="fail",
                   help="exit 1 when any finding is at least this bad (default: fail)")
    p.add_argument("--reviews", metavar="FILE",
                   help="auditors' verdicts (YAML, CSV or a filled-in --xlsx working paper, keyed by finding id; "
                        "read only; default: DIR/reviews.yaml when it exists). A dismissed finding leaves the "
                        "fail count and the exit code (已排除)")
    p.add_argument("--xlsx", metavar="FILE",
                   help="also write the working paper (底稿): every fail/warn/unverified claim and failing table "
                        "check with review columns to fill in, and each document's counts; read it back with --reviews")
    p.add_argument("--page-images", nargs="?", const="findings", choices=["findings", "all"], default=None,
                   help="document pages show the PDF page with the sentence and cited cells boxed: the pages "
                        "that carry a fail or warn (findings, the default), or every page (all)")
    p.add_argument("--status", metavar="S,S", default=",".join(console.LISTED),
                   help="the findings listed on the console, by status: fail (不符), warn (舍入差异), "
                        "unverified (未核实), pass (相符), comma-separated (default: fail,warn)")
    p.add_argument("--rule", metavar="RULE",
                   help="list only the findings of this rule: its id or Chinese name (or a part of it), "
                        "comma-separated for several (e.g. amount_matches_table, 金额与表格一致, 表间)")
    p.add_argument("--quiet", action="store_true",
                   help="no line per document: only the run's counts and the report's path")
    p.add_argument("--workers", metavar="N", type=int, default=None,
                   help="read and check documents in N processes, results streamed, while this process sets "
                        "GX up (default: one per processor, at most one per document)")
    p.add_argument("--engine", choices=["local", "spark"], default="local",
                   help="spark: distribute documents and validate with PySpark (needs the [spark] extra)")
    _pdf_engine_option(p)
    for name, (flag, what, unit) in FLAGS.items():
        default = getattr(DEFAULT, name)
        p.add_argument(flag, dest=name, metavar=unit.upper(), type=type(default), default=default,
                       help=f"limit: {what} (default: {default} {unit})")
    args = parser.parse_args(argv)
    if args.command == "audit":
        return _audit(args)
    if args.command == "tables":
        return _run(api.tables, console.format_tables, args)
    return _run(api.claims, console.format_claims, args)


def run(argv: list[str] | None = None) -> None:
    """The `auditor` command: main(), then the process ends without tearing down its objects one by
    one. A run leaves a few hundred thousand objects (GX, pandas, the run's state); the interpreter's
    own exit walks and frees them all, ~0.5 s of a one-document run for nothing the files need. What
    an exit must still do is done first: stdout and stderr flushed, the atexit handlers run (logging's
    shutdown, temporary folders, multiprocessing's clean-up). A run that leaves a thread of its own
    running, or that raised, exits the ordinary way."""
    code = main(argv)
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
