"""Custom Great Expectations for the audit: one expectation per file, suites as data.

Both come from the rule registry (auditor.rules.EXPECTATIONS): each expect_*.py makes its class
with `_base.face`, and suites/*.json hold `auditor.rules.suites()` (tests/test_rules.py keeps
them equal). Importing this package registers every expectation with GX; do it before a
file-backed context loads suites that name them.
"""
from importlib import import_module
from pathlib import Path

from auditor.rules import EXPECTATIONS

SUITES_DIR = Path(__file__).parent / "suites"

RULES = {e.rule: getattr(import_module(f"expectations.{e.type}"), "".join(w.title() for w in e.type.split("_")))
         for e in EXPECTATIONS}
ALL = list(RULES.values())
