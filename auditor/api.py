"""The public surface: read_documents(), tables(), claims(). The CLI mirrors these."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from auditor.model import Document, IngestError


def read_documents(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestError]]:
    """Read files and folders into Documents (paired files become one document).

    Unreadable inputs come back as IngestErrors; the rest of the batch goes on.
    """
    from auditor.ingest import read_all

    return read_all(paths)


def tables(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor tables --json` contract: {"documents": [{"doc", "files", "tables": [...]}]}."""
    from auditor.tables import table_to_json

    docs, errors = read_documents(paths)
    out = {"documents": [
        {"doc": d.doc, "files": d.files, "tables": [table_to_json(t) for t in d.tables]}
        for d in docs
    ]}
    return out, errors


def claims(paths: Iterable[str | Path]) -> tuple[dict, list[IngestError]]:
    """The `auditor claims --json` contract: {"claims": [{"id", "doc", "page", ...}]}."""
    from auditor.claims import extract

    docs, errors = read_documents(paths)
    return {"claims": [c.to_json() for d in docs for c in extract(d)]}, errors
