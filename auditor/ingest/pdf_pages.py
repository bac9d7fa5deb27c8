"""A PDF file -> its pages as pdfplumber pages, read by the chosen engine.

    pdfium      PDFium (pypdfium2) reads each page's characters and paths (auditor.ingest.pdf_pdfium);
                a file or page it cannot open or read goes to pdfplumber, with one line on stderr
    pdfplumber  pdfminer interprets each page under pdfplumber, as pdfplumber does on its own

Either way the pages are pdfplumber Page objects: the reader finds tables with pdfplumber's
table finder and words by its word extraction rules on both.

The engine is chosen per call (`engine=`), else by the AUDITOR_PDF_ENGINE environment
variable (so worker processes follow the parent's choice), else the settings' default.
"""
from __future__ import annotations

import logging
import os
import warnings
from contextlib import contextmanager
from pathlib import Path

from auditor.model import IngestError

__all__ = ["ENGINES", "ENGINE_ENV", "engine_to_use", "engine_used", "open_pages", "PageFailure",
           "numbers_to_text", "error_to_text"]

ENGINES = ("pdfium", "pdfplumber")
ENGINE_ENV = "AUDITOR_PDF_ENGINE"
_LIBRARIES = ("pdfminer", "pdfplumber", "pypdfium2")

log = logging.getLogger("auditor.ingest.pdf")


def engine_to_use(engine: str | None, default: str) -> str:
    """The engine a read uses: the one asked for, else $AUDITOR_PDF_ENGINE, else `default`."""
    name = engine or os.environ.get(ENGINE_ENV) or default
    if name not in ENGINES:
        raise ValueError(f"unknown PDF engine {name!r} ({' or '.join(ENGINES)})")
    return name


@contextmanager
def engine_used(engine: str | None):
    """Within the block, every PDF read (in this process and in the processes it starts) uses
    `engine`; None leaves the choice as it is."""
    if engine is None:
        yield
        return
    engine_to_use(engine, engine)  # a bad name fails here, before any work
    before = os.environ.get(ENGINE_ENV)
    os.environ[ENGINE_ENV] = engine
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENGINE_ENV, None)
        else:
            os.environ[ENGINE_ENV] = before


class PageFailure(Exception):
    """A page no engine could read (its number and the reason)."""

    def __init__(self, number: int, reason: str):
        self.number = number
        self.reason = reason
        super().__init__(f"page {number}: {reason}")


class Pages:
    """The pages of one open PDF: len(), `read(i)` -> pdfplumber page (0-based), `close()`.

    `messages` collects the libraries' warnings while it reads (logging and `warnings`),
    `lossy` the page numbers whose streams decoded with data loss."""

    def __init__(self, path: Path, data: bytes | None = None):
        self.path = path
        self.data = data  # the file's bytes as repaired, when they are read instead of the file
        self.messages: dict[str, int] = {}
        self.lossy: set[int] = set()
        self._pdf = None

    def __len__(self) -> int:
        raise NotImplementedError

    def read(self, index: int):
        raise NotImplementedError

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


class PlumberPages(Pages):
    """pdfminer under pdfplumber."""

    def __init__(self, path: Path, data: bytes | None = None):
        import io

        import pdfplumber

        super().__init__(path, data)
        with self.listening(None):
            self._pdf = pdfplumber.open(path if data is None else io.BytesIO(data))
            self._pages = self._pdf.pages

    def __len__(self) -> int:
        return len(self._pages)

    def read(self, index: int):
        page = self._pages[index]
        with self.listening(index + 1):
            _ = page.objects  # pdfminer interprets the page now, under the listener
        return page

    @contextmanager
    def listening(self, number: int | None):
        """The libraries' log records and warnings while reading page `number`, kept (not printed)."""
        handler = _Collect(self, number)
        loggers = [logging.getLogger(name) for name in _LIBRARIES]
        saved = [(lg.propagate, lg.level) for lg in loggers]
        for lg in loggers:
            lg.addHandler(handler)
            lg.propagate = False
            if lg.level == logging.NOTSET or lg.level > logging.WARNING:
                lg.setLevel(logging.WARNING)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
            for w in caught:
                handler.note(f"{w.category.__name__}: {w.message}")
        finally:
            for lg, (propagate, level) in zip(loggers, saved):
                lg.removeHandler(handler)
                lg.propagate = propagate
                lg.setLevel(level)


class _Collect(logging.Handler):
    _LOSS = ("data-loss", "corrupt", "decompress", "truncat", "incorrect header check", "invalid")

    def __init__(self, owner: Pages, number: int | None):
        super().__init__(logging.WARNING)
        self.owner = owner
        self.number = number

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a library's bad format string must not stop the read
            text = str(record.msg)
        self.note(f"{record.name}: {text}")

    def note(self, text: str) -> None:
        text = " ".join(text.split())[:200]
        self.owner.messages[text] = self.owner.messages.get(text, 0) + 1
        if self.number is not None and any(k in text.lower() for k in self._LOSS):
            self.owner.lossy.add(self.number)


class PdfiumPages(Pages):
    """PDFium; a page it cannot read is read by pdfplumber (one line on stderr for the file)."""

    def __init__(self, path: Path, data: bytes | None = None):
        from auditor.ingest.pdf_pdfium import PdfiumDocument

        super().__init__(path, data)
        self._pdf = PdfiumDocument(path if data is None else data)
        self._plumber: PlumberPages | None = None
        self.handed_over: dict[int, str] = {}  # page number -> why PDFium could not read it

    def __len__(self) -> int:
        return len(self._pdf)

    def read(self, index: int):
        try:
            return self._pdf.page(index)
        except Exception as exc:  # noqa: BLE001 - any failure of the native reader: the other engine tries
            why = error_to_text(exc)
        try:
            if self._plumber is None:
                self._plumber = PlumberPages(self.path, self.data)
                self._plumber.messages = self.messages
                self._plumber.lossy = self.lossy
            page = self._plumber.read(index)
        except Exception as exc:  # noqa: BLE001
            raise PageFailure(index + 1, f"PDFium: {why}; pdfplumber: {error_to_text(exc)}") from exc
        self.handed_over[index + 1] = why
        return page

    def close(self) -> None:
        if self.handed_over:
            numbers = sorted(self.handed_over)
            log.warning("%s: %s %s: PDFium could not read %s (%s); read with pdfplumber", self.path,
                        "page" if len(numbers) == 1 else "pages", numbers_to_text(numbers),
                        "it" if len(numbers) == 1 else "them", self.handed_over[numbers[0]])
            self.handed_over = {}
        super().close()
        if self._plumber is not None:
            self._plumber.close()
            self._plumber = None


def numbers_to_text(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def error_to_text(exc: BaseException) -> str:
    """An exception as one short line (its message, else its type)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _is_password(exc: BaseException) -> bool:
    import pypdfium2.raw as R

    return getattr(exc, "err_code", None) in (R.FPDF_ERR_PASSWORD, R.FPDF_ERR_SECURITY)


def open_pages(path: Path, engine: str, data: bytes | None = None) -> Pages:
    """The file's pages (or those of `data`, its bytes repaired) with `engine`; PDFium failing
    to open a file hands it to pdfplumber (one line on stderr), except an encrypted file,
    which neither reads."""
    if engine == "pdfium":
        try:
            return PdfiumPages(path, data)
        except Exception as exc:  # noqa: BLE001
            if _is_password(exc):
                raise IngestError(path, "encrypted PDF") from exc
            log.warning("%s: PDFium could not open it (%s); read with pdfplumber", path, error_to_text(exc))
    return PlumberPages(path, data)
