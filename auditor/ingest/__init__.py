"""Files and folders -> Documents.

read_all(paths)       expand folders, group paired files, read each group; errors per group
group_paths(paths)    X-narrative.pdf + X-tables.pdf -> one document (part words: data/file_parts.yaml)
read_document(paths)  one document: blocks of all its files in order, typed tables, metadata
"""
from __future__ import annotations

import errno
import functools
import os
import re
import stat
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterable


from auditor.data import read as read_data
from auditor.model import (Block, Document, IngestError, InternalError, LimitError, RawTable, SkippedFile,
                           text_to_line)
from auditor.settings import DEFAULT, Limits, limit_to_text

__all__ = ["read_all", "plan", "group_paths", "read_document", "doc_id", "document_ids", "SUPPORTED",
           "document_metadata", "title_kind", "own_text"]

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".pdf": "pdf", ".html": "html", ".htm": "html"}
_PARTS_FILE = Path(__file__).parent.parent / "data" / "file_parts.yaml"
_README = re.compile(r"^readme", re.I)


@functools.lru_cache(maxsize=1)
def _parts() -> tuple[re.Pattern, dict[str, int]]:
    data = read_data(_PARTS_FILE)
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


def _entry_problem(p: Path) -> str | None:
    """Why a path named as an input is not a regular file one can read, or None when it is."""
    try:
        st = p.stat()
    except FileNotFoundError:
        return "dangling symbolic link (its target does not exist)" if p.is_symlink() else "no such file or folder"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a character device" if stat.S_ISCHR(st.st_mode)
            else "a block device" if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file")
    return f"not a regular file ({kind}{', through a symbolic link' if p.is_symlink() else ''})"


@functools.lru_cache(maxsize=1)
def _skipped_types() -> dict[str, str]:
    """{suffix: why} of the disclosure types a folder may hold that are not read (data/file_parts.yaml)."""
    return read_data(_PARTS_FILE).get("skipped_types") or {}


def _folder_files(root: Path, errors: list[IngestError]) -> list[Path]:
    """The supported files under a folder, in path order (hidden names, README files and unknown
    types skipped; links to folders not followed). Every entry of a supported type that cannot
    be read (a dangling link, a loop, a FIFO, a device) and every folder that cannot be listed
    is an error naming it: nothing is dropped silently."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        errors.append(IngestError(exc.filename, f"cannot read folder ({exc.strerror or exc})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames + [d for d in dirnames if Path(d).suffix.lower() in SUPPORTED]:
            if name.startswith(".") or _README.match(name):
                continue
            if Path(name).suffix.lower() not in SUPPORTED:
                why = _skipped_types().get(Path(name).suffix.lower())
                if why:
                    errors.append(SkippedFile(Path(dirpath) / name, why))
                continue
            found.append(Path(dirpath) / name)
    files = []
    for f in sorted(found):
        problem = _entry_problem(f)
        if problem is None:
            files.append(f)
        elif not f.is_dir() or f.is_symlink():
            errors.append(IngestError(f, problem))
    return files


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestError]]:
    files: list[Path] = []
    errors: list[IngestError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += _folder_files(p, errors)
        elif p.suffix.lower() not in SUPPORTED and p.is_file():
            errors.append(IngestError(p, f"unknown file type {p.suffix or '(no extension)'}"))
        else:
            problem = _entry_problem(p)
            if problem is None:
                files.append(p)
            else:
                errors.append(IngestError(p, problem))
    seen = set()
    uniq = []
    for f in files:
        k = f.resolve()
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq, errors


def document_ids(groups: list[list[Path]]) -> list[str]:
    """One id per document, unique in the run and the same run after run: the file stem (the
    group's common stem), as always; where two documents would share it, their paths relative to
    the folder they share (without the suffix, or with it when that still collides: same.txt and
    same.pdf). Bytes of a file name that are not UTF-8 and control characters are shown escaped
    (model.text_to_line)."""
    ids = [text_to_line(doc_id(g)) for g in groups]
    count = Counter(ids)
    if len(count) == len(ids):
        return ids
    rel: dict[int, Path] = {}  # each clashing document's path below the folder its namesakes share
    for shared in (d for d, n in count.items() if n > 1):
        members = [i for i, d in enumerate(ids) if d == shared]
        parts = [Path(os.path.abspath(groups[i][0])).parts for i in members]
        common = 0
        while all(len(p) > common + 1 and p[common] == parts[0][common] for p in parts):
            common += 1
        rel.update((i, Path(*p[common:])) for i, p in zip(members, parts))
    for i, path in rel.items():
        ids[i] = text_to_line(path.with_name(doc_id(groups[i])).as_posix())
    count = Counter(ids)
    for i, path in rel.items():
        if count[ids[i]] > 1:
            ids[i] = text_to_line(path.as_posix())
    taken, out = set(), []
    for d in ids:  # still one id twice (two paths that differ only by an escaped byte): numbered
        n, new = 1, d
        while new in taken:
            n += 1
            new = f"{d}~{n}"
        taken.add(new)
        out.append(new)
    return out


def plan(paths: Iterable[str | Path]) -> tuple[list[list[Path]], list[str], list[IngestError]]:
    """Inputs -> (documents as groups of paired files, their ids, the inputs that cannot be read)."""
    files, errors = expand_paths(paths)
    groups = group_paths(files)
    return groups, document_ids(groups), errors


def read_all(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestError]]:
    """Read files and folders into Documents; each unreadable document is one IngestError, the batch goes on."""
    groups, ids, errors = plan(paths)
    docs: list[Document] = []
    for group, doc in zip(groups, ids):
        try:
            docs.append(read_document(group, doc))
        except IngestError as exc:
            errors.append(exc)
        except MemoryError:
            errors.append(LimitError(group[0], "stopped: ran out of memory"))
        except Exception as exc:  # noqa: BLE001 - a bug or an odd file must not stop the batch
            errors.append(InternalError(group[0], f"internal error {type(exc).__name__}: {str(exc)[:200]}"))
    return docs, errors


def _read_one(path: Path, limits: Limits = DEFAULT, warnings: list[str] | None = None
              ) -> tuple[list[Block], list[RawTable]]:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(no extension)'}")
    problem = _entry_problem(path)
    if problem is not None:
        raise IngestError(path, problem)
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file")
    if size > limits.max_file_mb * 2 ** 20:
        raise LimitError(path, limit_to_text("max_file_mb", f"{size / 2 ** 20:.0f}", limits))
    if kind in ("text", "markdown", "html"):
        from auditor.ingest.text import read_text

        return read_text(path, limits)
    try:
        from auditor.ingest.pdf import read_pdf
    except ImportError as exc:  # pragma: no cover - the PDF reader ships with the package
        raise IngestError(path, f"PDF reader not available ({exc})") from exc
    pages = _pdf_pages(path)
    if pages is not None and pages > limits.max_pages:
        raise LimitError(path, limit_to_text("max_pages", pages, limits))
    return read_pdf(path, warnings=warnings)


def _pdf_pages(path: Path) -> int | None:
    """A PDF's page count from its page tree (pdfium, no page parsed); None when pdfium cannot
    open it (the PDF reader then says why)."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - damaged, encrypted, not a PDF: the reader's message is the one to give
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def read_document(paths: list[Path], doc: str | None = None, limits: Limits = DEFAULT) -> Document:
    """Read the files of one document, type its tables and fill kind/year/department.

    `doc`: its id in the run (document_ids); by default the file stem."""
    from auditor.tables import raw_to_tables

    paths = [Path(p) for p in paths]
    blocks: list[Block] = []
    tables = []
    contexts: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []  # the readers' words on a file (a PDF truncated or damaged)
    for path in paths:
        said: list[str] = []
        b, raws = _read_one(path, limits, said)
        name = text_to_line(path.name)
        warnings += [f"{name}: {w}" for w in said]
        for blk in b:  # the file a block or table came from, as a name that prints on one line
            blk.file = text_to_line(blk.file) if blk.file else name
        for r in raws:
            r.file = text_to_line(r.file) if r.file else name
            notes += [f"{name}: {n}" for n in r.notes]
        blocks += b
        contexts += [c for r in raws for c in r.context]
        tables += raw_to_tables(raws)
    if not tables and not any(re.search(r"[^\W\d_]", b.text) for b in blocks):
        raise IngestError(paths[0], "no narrative and no tables found")
    for i, t in enumerate(tables):
        t.index = i
    doc = Document(doc=doc if doc is not None else text_to_line(doc_id(paths)),
                   files=[text_to_line(p.name) for p in paths], blocks=blocks, tables=tables, warnings=warnings)
    doc.limits = notes
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
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _title_words() -> dict:
    """data/document.yaml, its patterns compiled."""
    data = read_data("document.yaml")
    nav = data["navigation"]
    words = sorted(nav["words"], key=len, reverse=True)
    return {"lines": int(data["title_lines"]), "longest": int(data["title_longest"]), "title": re.compile(data["title"]),
            "no_year": re.compile(data["title_no_year"]), "kinds": data["kinds"],
            "file_final": re.compile(data["file_name_final"], re.I), "not_title": re.compile(data["not_title"]),
            "both": re.compile("|".join(map(re.escape, data["both_kinds"]))),
            "sep": re.compile(nav["separators"]), "meta": re.compile(nav["meta"]),
            "nav_words": re.compile("|".join(map(re.escape, words)) + "|" + nav["separators"]),
            "nav_lead": re.compile("(?:" + "|".join(map(re.escape, words)) + ")+")}


def _squeezed(text: str) -> str:
    from auditor.numbers import normalize

    return _SPACES.sub("", normalize(text))


def own_text(line: str) -> str:
    """A line without the web page's navigation (data/document.yaml `navigation`), squeezed: a
    breadcrumb "首页 > 信息公开 > 预决算公开" and the navigation words after its last separator go, a
    line of navigation words only or of the page's metadata ("发布时间：…") is nothing ("")."""
    w = _title_words()
    s = _squeezed(line)
    if w["meta"].match(s):
        return ""
    seps = list(w["sep"].finditer(s))
    if len(seps) >= 2:
        s = s[seps[-1].end():]
        while (m := w["nav_lead"].match(s)) and m.end():
            s = s[m.end():]
    return "" if not w["nav_words"].sub("", s) else s


def title_kind(lines: Iterable[str]) -> tuple[str | None, int | None]:
    """(kind, year) from a document's title among its first lines (data/document.yaml `title`):
    navigation lines skipped, a word naming both kinds ("预决算") ignored, two adjacent lines also
    tried as one; (None, None) when no line has a title's shape."""
    w = _title_words()
    cands = [s for s in map(own_text, lines) if s][:w["lines"]]
    # a sentence or a long paragraph is no title
    cands = [w["both"].sub("", s) for s in cands
             if len(s) <= w["longest"] and not s.endswith(("。", "；")) and not w["not_title"].match(s)]
    tries = [t for i, s in enumerate(cands) for t in (s, s + cands[i + 1] if i + 1 < len(cands) else "") if t]
    for s in tries:
        m = w["title"].search(s)
        if m:
            return w["kinds"][m.group("kind")], int(m.group("year"))
    for s in cands:
        m = w["no_year"].search(s)
        if m:
            return w["kinds"][m.group("kind")], None
    return None, None


def document_metadata(blocks: list[Block], tables: list, name: str = "", contexts: Iterable[str] = ()
                      ) -> tuple[str, int | None, str | None]:
    """(kind, year, department) from the document's own title (data/document.yaml), else its tables
    and its file name; the department from its 部门名称 lines, else its title."""
    from auditor.numbers import normalize

    w = _title_words()
    first = [b.text for b in islice((b for b in blocks if b.text.strip()), 3 * w["lines"])]
    # the lines that are not navigation (a breadcrumb that ran into the title: the title only)
    own = [normalize(s) if o == _squeezed(s) else o for s in first if (o := own_text(s))]
    head = own[:3]
    kind, year = title_kind(first)
    if kind is None:
        by_name = title_kind([name])[0] or ("final_account" if "决算" in w["both"].sub("", name) else None)
        headings = [w["both"].sub("", b.text) for b in blocks if b.heading]
        final = sum("决算" in h for h in headings)
        kind = "final_account" if by_name == "final_account" or w["file_final"].search(name) or any(
            t.type.startswith("final_") for t in tables[:3]) or final >= 2 and final > sum(
            "预算" in h and "决算" not in h for h in headings) else "budget"
    if year is None:
        title_area = " ".join(head[:3]) + " " + name
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
