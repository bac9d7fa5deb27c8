"""The data every step passes on: Document, Block (narrative), RawTable and Table.

Readers (auditor.ingest.*) produce Blocks and RawTables; auditor.tables turns
RawTables into typed Tables; auditor.claims reads Blocks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

Cell = Union[str, Decimal, None]  # text, a number with its printed precision, or missing


def text_to_line(text: str) -> str:
    """Text shown on one line: control characters escaped (\\n, \\x1b), a byte of a file name that
    was not UTF-8 (a surrogate, os.fsdecode) shown as \\xNN. So one message stays one line and no
    file name can print a line of its own."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if ch.isprintable():
            out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


class IngestError(Exception):
    """A file that cannot be read. str() is one line naming the file and the problem.

    `status` is the findings entry it becomes: error (the input is bad), internal_error (an
    unexpected exception: a bug, the traceback in `detail`), limit (a limit stopped it), warning
    (a limit was hit and the document was still audited: no entry of its own). It pickles with
    its fields (a worker process sends it back as it is)."""

    status = "error"

    def __init__(self, path: str, problem: str, detail: str = ""):
        self.path = str(path)
        self.problem = problem
        self.detail = detail
        super().__init__(f"{text_to_line(self.path)}: {text_to_line(problem)}")

    def __reduce__(self):
        return type(self), (self.path, self.problem, self.detail)


class InternalError(IngestError):
    """An unexpected exception while auditing one document: the document's error entry, the run goes on."""

    status = "internal_error"


class LimitError(IngestError):
    """A document stopped by one of the limits (auditor.settings)."""

    status = "limit"


class SkippedFile(IngestError):
    """A file of a folder whose type the auditor does not read (a Word or Excel file): named, passed over."""

    status = "warning"


class LimitWarning(IngestError):
    """A limit was hit and applied (a span clamped); the document was still audited."""

    status = "warning"


@dataclass
class Block:
    """One narrative paragraph or heading, in reading order."""

    text: str                    # as printed (wrapped lines re-joined), original characters
    page: int | None = None      # 1-based page in its file, None for text input without pages
    section: str | None = None   # nearest heading above it (for headings: the parent heading)
    heading: bool = False        # True for a section heading
    file: str = ""               # which file of the document it came from
    line: int | None = None      # 1-based line in a text file where it starts


@dataclass
class RawTable:
    """A grid of cell strings as a reader found it, before typing."""

    rows: list[list[str | None]]
    pages: list[int] = field(default_factory=list)
    context: list[str] = field(default_factory=list)  # the lines just above it (title, 单位：万元, 部门名称…)
    file: str = ""
    line: int | None = None
    notes: list[str] = field(default_factory=list)    # limits the reader applied to it (a span clamped)


@dataclass
class Table:
    """A typed table. Numeric cells are Decimals in the table's unit."""

    type: str                                 # stable type id from data/tables.yaml, or "other"
    title: str
    unit: str | None                          # 万元 / 元 / 千元 / 亿元 / None
    pages: list[int]
    columns: list[str]                        # flattened header paths, e.g. "一般公共预算/小计"
    rows: list[list[Cell]]                    # body rows, one value per column
    codes: list[str | None] = field(default_factory=list)   # subject code per row (类/款/项 joined), text
    empty: bool = False                       # published empty (本表无数据 …) or all zero/blank
    note: str | None = None                   # the empty-table note or other footnote
    file: str = ""
    index: int = 0                            # position among the document's tables (stable id part)

    def __getstate__(self):
        """Pickle the table, not the caches a reader of it may have attached (link.segments)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def frame(self):
        """The body as a pandas DataFrame (object dtype; Decimals kept)."""
        import pandas as pd

        cols = _unique(self.columns)
        df = pd.DataFrame(self.rows, columns=cols, dtype=object)
        if self.codes:
            df.insert(0, "_code", self.codes)
        return df


@dataclass
class Document:
    doc: str                                  # id: file stem, or the group's common stem
    files: list[str]
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    kind: str = "budget"                      # budget | final_account
    year: int | None = None
    department: str | None = None
    warnings: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)  # limits applied while reading it, one line each naming the file

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    @property
    def no_tables(self) -> bool:
        """No table of a standard type was found (the tables are attachments or images, or the file
        is the narrative alone): no table rule and no check of the narrative against the tables
        could run, only the narrative's own arithmetic."""
        return not any(t.type != "other" for t in self.tables)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}#{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out
