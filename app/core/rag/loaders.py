"""Documents on disk -> sections of text with page numbers and heading paths.

Public promise:

* ``open_document(path, ...)`` validates the file up front (size limit, type sniffing,
  encryption and password) and returns a :class:`DocumentStream`; iterating it yields
  :class:`Section` records page by page (PDF) or block by block, so the ingest pipeline
  can embed page *k* while page *k+1* is parsed or OCR'd. ``stream.pages``,
  ``stream.ocr_pages`` and ``stream.warnings`` fill in as it goes.
* ``iter_sections(path, ...)`` is the same stream as a plain generator.
* ``load_document(path, ...)`` reads everything into a :class:`LoadedDocument`.
* Every problem with a file is a :class:`DocumentError` whose message names the file and
  the reason in plain words; an encrypted PDF whose password is not known raises
  :class:`PasswordRequired` (the UI asks and calls again with ``password=``).
* ``iter_files(paths)`` walks files and folders safely and yields either a ``Path`` to
  load or a ``(path, reason)`` tuple for something skipped.

Libraries: pypdf (PDF), BeautifulSoup + lxml (HTML, EPUB chapters), python-docx (DOCX),
ebooklib (EPUB), charset-normalizer (legacy text encodings), tesseract via
:mod:`app.core.rag.ocr` for pages without a readable text layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from app.core.types import CancelToken, ProgressCallback, SovaError, no_progress

# Files above this are refused before anything is read (configurable per call).
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# A malformed file must not hold the pipeline forever: wall-clock budget per file for
# the text layer (OCR has its own per-page timeout in ocr.py).
DEFAULT_TIME_BUDGET = 300.0

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".epub"}
)


@dataclass(frozen=True)
class Section:
    """A run of text from one page (or none) under one heading path."""

    text: str
    page: int | None  # 1-based physical page of the file; None for unpaged formats
    heading_path: tuple[str, ...]


@dataclass
class LoadedDocument:
    path: Path
    kind: str  # "pdf" | "text" | "markdown" | "html" | "docx" | "epub"
    sections: list[Section]
    pages: int | None  # page count for paged formats
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
    warnings: list[str] = field(default_factory=list)  # readable, per page/part


class DocumentError(SovaError):
    """A file that cannot be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class PasswordRequired(DocumentError):
    """An encrypted PDF whose password is not known (ask the user, then retry)."""

    def __init__(self, path: Path | str, reason: str = "this PDF is protected by a password") -> None:
        super().__init__(path, reason)


class DocumentStream:
    """An opened document: iterate it for sections; metadata fills in as it goes."""

    path: Path
    kind: str
    pages: int | None
    ocr_pages: list[int]
    warnings: list[str]

    def __iter__(self) -> Iterator[Section]:  # pragma: no cover - filled in below
        raise NotImplementedError

    def read(self) -> LoadedDocument:
        """Consume the stream into a LoadedDocument."""
        raise NotImplementedError


def open_document(
    path: Path,
    *,
    password: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    ocr_languages: str = "rus+eng",
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_budget: float = DEFAULT_TIME_BUDGET,
    ocr: bool = True,
) -> DocumentStream:
    """Validate ``path`` and return a stream of its sections (raises DocumentError)."""
    raise NotImplementedError


def iter_sections(path: Path, **kwargs: object) -> Iterator[Section]:
    """Sections of ``path`` as they are parsed (same keywords as open_document)."""
    yield from open_document(path, **kwargs)  # type: ignore[arg-type]


def load_document(
    path: Path,
    *,
    password: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    ocr_languages: str = "rus+eng",
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_budget: float = DEFAULT_TIME_BUDGET,
    ocr: bool = True,
) -> LoadedDocument:
    """Read the whole document (raises DocumentError / PasswordRequired / Cancelled)."""
    return open_document(
        path, password=password, progress=progress, cancel=cancel, ocr_languages=ocr_languages,
        max_bytes=max_bytes, time_budget=time_budget, ocr=ocr,
    ).read()


def iter_files(
    paths: Iterable[Path], *, include_hidden: bool = False, max_depth: int = 64
) -> Iterator[Path | tuple[Path, str]]:
    """Every supported file under ``paths``, once each, in a stable order.

    Yields a ``Path`` for a file to load, or ``(path, reason)`` for one skipped
    (unsupported type, unreadable folder, symlink loop, too deep, not a regular file).
    Hidden files and folders are skipped silently unless ``include_hidden``.
    """
    raise NotImplementedError
