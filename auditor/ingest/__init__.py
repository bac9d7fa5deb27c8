"""Files and folders -> Documents.

read_all(paths)       expand folders, group paired files, read each group; errors per group
group_paths(paths)    X-narrative.pdf + X-tables.pdf -> one document (part words: data/file_parts.yaml)
read_document(paths)  one document: blocks of all its files in order, typed tables, metadata
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterable

import yaml

from auditor.model import Block, Document, IngestError, RawTable

__all__ = ["read_all", "group_paths", "read_document", "doc_id", "SUPPORTED", "document_metadata"]

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".pdf": "pdf", ".html": "html", ".htm": "html"}
_PARTS_FILE = Path(__file__).parent.parent / "data" / "file_parts.yaml"
_README = re.compile(r"^readme", re.I)


@functools.lru_cache(maxsize=1)
def _parts() -> tuple[re.Pattern, dict[str, int]]:
    with open(_PARTS_FILE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    words = [str(w) for w in data["parts"]]
    seps = re.escape(data.get("separators", "-_. "))
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    rx = re.compile(rf"^(?P<base>.+?)[{seps}]+(?P<part>{alt})$", re.I)
    return rx, {w.lower(): i for i, w in enumerate(words)}


def _split_stem(stem: str) -> tuple[str, str | None]:
    rx, _ = _parts()
    m = rx.match(stem)
    return (m.group("base"), m.group("part").lower()) if m else (stem, None)


def group_paths(paths: Iterable[str | Path]) -> list[list[Path]]:
    """Group files into documents: files in one folder whose stems differ only by a trailing part word
    (narrative/tables/说明/报表/…) form one document, parts in the data file's order; others stand alone."""
    paths = [Path(p) for p in paths]
    _, order = _parts()
    by_key: dict[tuple[str, str], list[tuple[str | None, Path]]] = {}
    keys: list[tuple[str, str]] = []
    for p in paths:
        base, part = _split_stem(p.stem)
        key = (str(p.parent), base) if part else (str(p.parent), "\0" + p.name)
        if key not in by_key:
            by_key[key] = []
            keys.append(key)
        by_key[key].append((part, p))
    groups: list[list[Path]] = []
    for key in keys:
        members = by_key[key]
        if len(members) == 1:
            groups.append([members[0][1]])
            continue
        members.sort(key=lambda m: (order.get(m[0] or "", 99), m[1].name))
        groups.append([m[1] for m in members])
    return groups


def doc_id(paths: list[Path]) -> str:
    """Document id: the file stem, or the common stem of a group without its part words."""
    if len(paths) == 1:
        return Path(paths[0]).stem
    return _split_stem(Path(paths[0]).stem)[0]


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestError]]:
    files: list[Path] = []
    errors: list[IngestError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if any(part.startswith(".") for part in rel.parts) or not f.is_file():
                    continue
                if _README.match(f.name) or f.suffix.lower() not in SUPPORTED:
                    continue
                files.append(f)
        elif p.is_file():
            if p.suffix.lower() not in SUPPORTED:
                errors.append(IngestError(p, f"unknown file type {p.suffix or '(no extension)'}"))
            else:
                files.append(p)
        else:
            errors.append(IngestError(p, "no such file or folder"))
    seen = set()
    uniq = []
    for f in files:
        k = f.resolve()
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq, errors


def read_all(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestError]]:
    """Read files and folders into Documents; each unreadable document is one IngestError, the batch goes on."""
    files, errors = expand_paths(paths)
    docs: list[Document] = []
    for group in group_paths(files):
        try:
            docs.append(read_document(group))
        except IngestError as exc:
            errors.append(exc)
        except Exception as exc:  # a bug or an odd file must not stop the batch
            errors.append(IngestError(group[0], f"unexpected error while reading: {type(exc).__name__}: {exc}"))
    return docs, errors


def _read_one(path: Path, warnings: list[str] | None = None) -> tuple[list[Block], list[RawTable]]:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(no extension)'}")
    if not path.exists():
        raise IngestError(path, "no such file")
    if path.stat().st_size == 0:
        raise IngestError(path, "empty file")
    if kind in ("text", "markdown", "html"):
        from auditor.ingest.text import read_text

        return read_text(path)
    try:
        from auditor.ingest.pdf import read_pdf
    except ImportError as exc:  # pragma: no cover - the PDF reader ships with the package
        raise IngestError(path, f"PDF reader not available ({exc})") from exc
    return read_pdf(path, warnings=warnings)


def read_document(paths: list[Path]) -> Document:
    """Read the files of one document, type its tables and fill kind/year/department."""
    from auditor.tables import raw_to_tables

    paths = [Path(p) for p in paths]
    blocks: list[Block] = []
    tables = []
    contexts: list[str] = []
    warnings: list[str] = []  # the readers' words on a file (a PDF truncated or damaged)
    for path in paths:
        said: list[str] = []
        b, raws = _read_one(path, said)
        warnings += [f"{path.name}: {w}" for w in said]
        for blk in b:
            blk.file = blk.file or path.name
        for r in raws:
            r.file = r.file or path.name
        blocks += b
        contexts += [c for r in raws for c in r.context]
        tables += raw_to_tables(raws)
    if not tables and not any(re.search(r"[^\W\d_]", b.text) for b in blocks):
        raise IngestError(paths[0], "no narrative and no tables found")
    for i, t in enumerate(tables):
        t.index = i
    doc = Document(doc=doc_id(paths), files=[p.name for p in paths], blocks=blocks, tables=tables,
                   warnings=warnings)
    _fill_units(doc)
    doc.kind, doc.year, doc.department = document_metadata(blocks, tables, doc.doc, contexts)
    return doc


def _fill_units(doc: Document) -> None:
    units = Counter(t.unit for t in doc.tables if t.unit)
    if not units:
        return
    common = units.most_common(1)[0][0]
    for t in doc.tables:
        if t.unit is None and not t.empty and any(not isinstance(c, str) and c is not None for r in t.rows for c in r):
            t.unit = common
            doc.warnings.append(f"table {t.index} ({t.title or t.type}): no unit printed, assumed {common}")


_YEAR = re.compile(r"((?:19|20)\s*\d\s*\d)\s*年")
_DEPT_LINE = re.compile(r"(?:(?:部门|单位|预算单位)名称|编制部门|编制单位|^部门)\s*[:：]\s*(.+?)(?:\s+(?:金额)?单\s*位\s*[:：].*)?$")
_TITLE_STRIP = re.compile(r"(?:19|20)\d{2}\s*年度?|部门|单位|综合|预算|决算|公开|情况|说明|报告|目\s*录|[\s:：]")


def document_metadata(blocks: list[Block], tables: list, name: str = "", contexts: Iterable[str] = ()
                      ) -> tuple[str, int | None, str | None]:
    """(kind, year, department) from the document's title area, 部门名称 lines and table titles."""
    from auditor.numbers import normalize

    head = [normalize(t) for t in islice((b.text for b in blocks[:6] if b.text.strip()), 3)]  # (3 are used)
    title_area = " ".join(head[:3]) + " " + name
    kind = "final_account" if "决算" in title_area or "final-account" in name or any(
        t.type.startswith("final_") for t in tables[:3]) else "budget"
    year = None
    m = _YEAR.search(title_area.replace(" ", "")) or _YEAR.search(" ".join(t.title for t in tables[:3]))
    if m:
        year = int(re.sub(r"\s", "", m.group(1)))
    else:
        m = re.search(r"(?:19|20)\d{2}", name)
        year = int(m.group(0)) if m else None
    dept = None

    lines = [b.text for b in blocks[:80]] + list(contexts)
    for s in lines:
        # every form of the line names 部门 or 单位, then a colon
        if ("部门" not in s and "单位" not in s) or (":" not in s and "：" not in s):
            continue
        mm = _DEPT_LINE.search(s)
        if mm and mm.group(1).strip():
            dept = mm.group(1).strip()
            break
    if dept is None and head:
        m = re.search(r"(?:(?:19|20)\d{2}\s*年度?\s*)?(.+?)\s*(?:(?:19|20)\d{2}\s*年度?)?\s*(?:部门|单位)?(?:综合)?(?:预算|决算)", head[0])
        if m:
            cand = re.sub(r"(?:19|20)\d{2}\s*年度?", "", m.group(1)).strip()
            if len(cand) >= 3:
                dept = cand
    return kind, year, dept
