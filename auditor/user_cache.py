"""auditor's files in the user's cache folder: where they go, and how one is written.

What is kept there is made from something installed and is made again when missing or stale:
jieba's prefix dictionary (auditor.nlp) and the PDFium reader's native helper
(auditor.ingest.pdfium_native). Each is named by what it was made from, so a file there is never
edited, only replaced whole (`replacing`): a reader in another process sees the old file or the
new one, never half of one.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def folder() -> Path | None:
    """$XDG_CACHE_HOME/auditor, else ~/.cache/auditor; None when there is no home to keep it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:
            return None
    return Path(base) / "auditor"


@contextmanager
def replacing(path: Path):
    """A temporary path beside `path` to write the new file at; when the block ends without an
    error it becomes `path` in one step (os.replace), else it is removed. Its folder is made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
