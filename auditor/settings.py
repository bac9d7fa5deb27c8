"""The limits one document is held to, with their defaults in one place (CLI flags: auditor.cli).

A corpus of real downloads holds truncated, huge and hostile files; these keep one of them from
costing the run. Each limit, when hit, is reported in one line naming the file and the flag:

    doc_seconds     wall time of one document, reading to spilling (a hung parser is stopped;
                    in the pool a worker that does not answer is replaced)
    doc_memory_mb   address space of a worker process (RLIMIT_AS; the audit reads its documents in workers)
    max_file_mb     size of one input file, checked before it is read
    max_pages       pages of one PDF, counted before it is read
    max_span        an HTML cell's colspan/rowspan, clamped (browsers clamp colspan at 1000 too)
    max_cells       cells of one table grid, checked before the grid is built

`Limits()` is the defaults; `Limits(doc_seconds=30)` one of them changed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Limits:
    doc_seconds: float = 1200.0
    doc_memory_mb: int = 6144
    max_file_mb: int = 512
    max_pages: int = 3000
    max_span: int = 1000
    max_cells: int = 250_000

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT = Limits()

# limit -> (its command-line flag, what it holds, its unit): the CLI's options and the one-line reports
FLAGS = {
    "doc_seconds": ("--doc-seconds", "wall time of one document", "s"),
    "doc_memory_mb": ("--doc-memory-mb", "memory of one worker process", "MB"),
    "max_file_mb": ("--max-file-mb", "size of one input file", "MB"),
    "max_pages": ("--max-pages", "pages of one PDF", "pages"),
    "max_span": ("--max-span", "colspan/rowspan of one table cell", "cells"),
    "max_cells": ("--max-cells", "cells of one table", "cells"),
}
assert set(FLAGS) == {f.name for f in fields(Limits)}


def limit_to_text(name: str, value, limits: Limits) -> str:
    """'42 s exceeds the wall time of one document (limit 30 s, --doc-seconds)'."""
    flag, what, unit = FLAGS[name]
    return f"{value} {unit} exceeds the {what} (limit {getattr(limits, name)} {unit}, {flag})"
