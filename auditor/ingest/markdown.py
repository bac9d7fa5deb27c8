"""Markdown input (.md/.markdown): the text reader handles headings (#), pipe tables and HTML <table>.

Kept as its own entry point so callers can dispatch by suffix; the parsing lives in auditor.ingest.text.
"""
from __future__ import annotations

from pathlib import Path

from auditor.ingest.text import read_text
from auditor.model import Block, RawTable

__all__ = ["read_markdown"]


def read_markdown(path: Path) -> tuple[list[Block], list[RawTable]]:
    return read_text(Path(path))
