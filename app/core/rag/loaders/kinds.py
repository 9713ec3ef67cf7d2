"""The table of document kinds: which suffixes each kind owns, how its content is
recognised, and which module reads it. ``open_document`` picks the row and hands over.

Adding a kind is one new module (``open_stream(path, head, opts)``, optionally
``sniff(head)``) and one row in KINDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from app.core.images.reading import SUFFIXES as IMAGE_SUFFIXES
from app.core.rag.loaders import docx, epub, html, image, markdown, pdf, text
from app.core.rag.loaders.base import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIME_BUDGET,
    DocumentError,
    DocumentStream,
    LoadedDocument,
    Options,
    Section,
    check_file,
    read_head,
)
from app.core.types import CancelToken, ProgressCallback, no_progress

Opener = Callable[[Path, bytes, Options], DocumentStream]


@dataclass(frozen=True)
class FileKind:
    """One kind of document Sova reads."""

    name: str  # the stream's ``kind``: "pdf", "docx", ...
    label: str  # how messages name it: "PDF", "Markdown"
    suffixes: tuple[str, ...]  # lower case, with the dot; the first is the usual one
    open: Opener  # validates the head and returns the stream of sections
    # Recognises the kind from the first bytes, so a file named for another kind is still
    # read (a PDF saved as .txt). None: the kind has no reliable signature (plain text).
    sniff: Callable[[bytes], bool] | None = None


KINDS: tuple[FileKind, ...] = (
    FileKind("pdf", "PDF", (".pdf",), pdf.open_stream, pdf.sniff),
    FileKind("docx", "DOCX", (".docx",), docx.open_stream, docx.sniff),
    FileKind("epub", "EPUB", (".epub",), epub.open_stream, epub.sniff),
    FileKind("html", "HTML", (".html", ".htm", ".xhtml"), html.open_stream),
    FileKind("markdown", "Markdown", (".md", ".markdown"), markdown.open_stream),
    FileKind("text", "text", (".txt", ".text"), text.open_stream),
    # Last: a picture added on its own (its text by OCR); folders leave pictures out.
    FileKind("image", "picture", IMAGE_SUFFIXES, image.open_stream, image.sniff),
)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(s for k in KINDS for s in k.suffixes)


def kind_for(path: Path) -> FileKind | None:
    """The table row for a file name (by suffix, any case), or None when unsupported."""
    suffix = Path(path).suffix.lower()
    for kind in KINDS:
        if suffix in kind.suffixes:
            return kind
    return None


def kind_of(path: Path) -> str | None:
    """The loader kind for a file name, or None when unsupported."""
    kind = kind_for(path)
    return kind.name if kind else None


def sniff_kind(head: bytes) -> FileKind | None:
    """The kind whose signature the first bytes carry, or None."""
    for kind in KINDS:
        if kind.sniff is not None and kind.sniff(head):
            return kind
    return None


def _choose(named: FileKind, head: bytes) -> FileKind:
    # The name decides unless the content clearly belongs to another kind; a file whose
    # content matches nothing goes to the named kind, which says what is wrong with it.
    if named.sniff is not None and named.sniff(head):
        return named
    found = sniff_kind(head)
    return found if found is not None else named


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
    repair_mojibake: bool = True,
) -> DocumentStream:
    """Validate ``path`` and return a stream of its sections.

    Raises DocumentError (PasswordRequired/WrongPassword for encrypted PDFs) for a file
    that cannot be read. ``ocr=False`` skips OCR (pages without text become warnings);
    ``repair_mojibake=False`` sends unreadable text layers to OCR without trying to
    re-decode them first. A file whose content is another supported kind than its name
    says (a PDF saved as .txt) is read as what it is, with a warning.
    """
    path = Path(path)
    named = kind_for(path)
    if named is None:
        raise DocumentError(path, f"files of type '{path.suffix or 'without extension'}' are not supported")
    size = check_file(path, max_bytes)
    head = read_head(path)
    opts = Options(password, progress, cancel or CancelToken(), ocr_languages, time_budget, ocr,
                   repair_mojibake, size)
    kind = _choose(named, head)
    stream = kind.open(path, head, opts)
    if kind is not named:
        stream.warnings.append(
            f"the content is {kind.label}, not what the '{path.suffix}' name says; read as {kind.label}")
    return stream


def iter_sections(path: Path, **kwargs: Any) -> Iterator[Section]:
    """Sections of ``path`` as they are parsed (same keywords as open_document)."""
    yield from open_document(path, **kwargs)


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
    repair_mojibake: bool = True,
) -> LoadedDocument:
    """Read the whole document (raises DocumentError / PasswordRequired / Cancelled)."""
    return open_document(
        path, password=password, progress=progress, cancel=cancel, ocr_languages=ocr_languages,
        max_bytes=max_bytes, time_budget=time_budget, ocr=ocr, repair_mojibake=repair_mojibake,
    ).read()
