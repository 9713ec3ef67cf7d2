"""What every loader shares: the records it yields, its errors, the stream it returns,
the checks made before a file is parsed, and the block -> section helper."""

from __future__ import annotations

import os
import stat
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from app.core.rag.loaders.cleaning import clean_text
from app.core.types import CancelToken, ProgressCallback, SovaError

# Files above this are refused before anything is read (configurable per call).
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# A malformed file must not hold the pipeline forever: wall-clock budget per file for
# reading the text layer (OCR has its own per-page timeout in ocr.py and does not count).
DEFAULT_TIME_BUDGET = 300.0
# Zip containers (DOCX, EPUB): refuse before parsing when the directory promises more.
ZIP_MAX_UNCOMPRESSED = 512 * 1024 * 1024
ZIP_MAX_RATIO = 200  # per member, for members above 1 MB uncompressed
ZIP_MAX_MEMBERS = 20_000
# Text streams are cut into sections of about this size so embedding can start early.
TEXT_BLOCK_CHARS = 16_000


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

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


class DocumentError(SovaError):
    """A file that cannot be read; the message names the file and the reason."""

    code = "document_unreadable"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}", file=self.path.name, reason=reason)


class PasswordRequired(DocumentError):
    """An encrypted PDF whose password is not known (ask the user, then retry)."""

    code = "document_password_required"

    def __init__(self, path: Path | str, reason: str = "this PDF is protected by a password") -> None:
        super().__init__(path, reason)


class WrongPassword(PasswordRequired):
    """The password given for an encrypted PDF does not open it."""

    code = "document_wrong_password"

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "the password is wrong for this PDF")


# ---- the stream ------------------------------------------------------------------------


class DocumentStream:
    """An opened document: iterate it (once) for sections; metadata fills in as it goes."""

    def __init__(self, path: Path, kind: str, pages: int | None,
                 produce: Callable[["DocumentStream"], Iterator[Section]]) -> None:
        self.path = path
        self.kind = kind
        self.pages = pages
        self.ocr_pages: list[int] = []
        self.warnings: list[str] = []
        self._produce = produce
        self._started = False

    def __iter__(self) -> Iterator[Section]:
        if self._started:
            raise RuntimeError("a DocumentStream can be iterated only once")
        self._started = True
        produced = False
        for section in self._produce(self):
            text = section.text.strip()
            if text:
                produced = True
                yield section if text == section.text else Section(text, section.page, section.heading_path)
        if not produced:
            reason = "no text could be found in this file"
            if self.warnings:
                reason += f" ({self.warnings[-1]})"
            raise DocumentError(self.path, reason)

    def read(self) -> LoadedDocument:
        """Consume the stream into a LoadedDocument."""
        sections = list(self)
        return LoadedDocument(self.path, self.kind, sections, self.pages, self.ocr_pages, self.warnings)


@dataclass
class Options:
    """What one open_document call asked for, handed to the kind's loader."""

    password: str | None
    progress: ProgressCallback
    cancel: CancelToken
    ocr_languages: str
    time_budget: float
    ocr: bool
    repair_mojibake: bool
    size: int
    started: float = field(default_factory=time.monotonic)

    def deadline_passed(self) -> bool:
        return time.monotonic() - self.started > self.time_budget


# ---- file checks -----------------------------------------------------------------------


def check_file(path: Path, max_bytes: int) -> int:
    """The size of a readable regular file within the limit; DocumentError otherwise."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DocumentError(path, "the file does not exist (moved or deleted?)") from None
    except OSError as exc:
        raise DocumentError(path, f"the file cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError(path, "this is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(path, "this is not a regular file")
    if st.st_size == 0:
        raise DocumentError(path, "the file is empty (0 bytes)")
    if st.st_size > max_bytes:
        raise DocumentError(
            path, f"the file is {mb(st.st_size)}, above the {mb(max_bytes)} limit for documents"
            " (the limit can be raised in settings)")
    if not os.access(path, os.R_OK):
        raise DocumentError(path, "permission denied: the file cannot be read")
    return st.st_size


def mb(n: int) -> str:
    """A size as people read it: '12 MB', '300 KB'."""
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_head(path: Path, n: int = 8192) -> bytes:
    """The first ``n`` bytes, for sniffing the content."""
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError as exc:
        raise DocumentError(path, f"the file cannot be read ({exc.strerror or exc})") from None


_MAGIC = (
    (b"%PDF-", "a PDF file"), (b"PK\x03\x04", "a zip archive"), (b"\x7fELF", "an ELF program"),
    (b"MZ", "a Windows program"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-zip archive"),
    (b"Rar!", "a RAR archive"), (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"SQLite format 3", "an SQLite database"), (b"ID3", "an MP3 audio file"), (b"RIFF", "a RIFF media file"),
)


def describe(head: bytes) -> str:
    """What the first bytes are, in words ('its content is an ELF program')."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"its content is {what}"
    if looks_binary(head):
        return "its content is binary data"
    return "its content is text"


def looks_binary(head: bytes) -> bool:
    """True when the first bytes cannot be text (NUL bytes, many control characters)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # UTF-16/UTF-8 byte order marks
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def check_zip(path: Path, kind: str) -> None:
    """Refuse zip bombs from the central directory alone, before any inflating."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(path, f"this {kind.upper()} file is damaged ({exc})") from None
    if len(infos) > ZIP_MAX_MEMBERS:
        raise DocumentError(path, f"this {kind.upper()} file has {len(infos)} parts, too many to be a real document")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise DocumentError(
                path, f"refused: this {kind.upper()} file looks like a zip bomb ({info.filename} would expand"
                f" from {mb(info.compress_size)} to {mb(info.file_size)})")
    if total > ZIP_MAX_UNCOMPRESSED:
        raise DocumentError(
            path, f"refused: this {kind.upper()} file would expand to {mb(total)}"
            f" (limit {mb(ZIP_MAX_UNCOMPRESSED)}); it may be a zip bomb")


def require_text(path: Path, head: bytes) -> None:
    """Refuse a text-kind file whose first bytes are binary, naming what they are."""
    if looks_binary(head):
        raise DocumentError(path, f"this is not a text file ({describe(head)})")


def require_zip(path: Path, head: bytes, kind: str) -> None:
    """Refuse a zip-kind file (DOCX, EPUB) that is no zip or would inflate too far."""
    if not head.startswith(b"PK\x03\x04"):
        raise DocumentError(path, f"this is not a valid {kind.upper()} file ({describe(head)})")
    check_zip(path, kind)


def short(exc: BaseException) -> str:
    """The first line of an exception's message, at most 160 characters."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# ---- blocks of text -> sections -------------------------------------------------------


def set_heading(path: tuple[str, ...], level: int, title: str) -> tuple[str, ...]:
    """The heading path after a level-``level`` heading: deeper levels are closed."""
    title = " ".join(title.split())
    return path[: level - 1] + ("",) * max(0, level - 1 - len(path)) + (title,)


def blocks_to_sections(blocks: Iterable[tuple[tuple[str, ...], str]], opts: Options,
                       page: int | None = None) -> Iterator[Section]:
    """(heading path, raw text) blocks -> cleaned sections of at most TEXT_BLOCK_CHARS."""
    for path, body in blocks:
        opts.cancel.raise_if_cancelled()
        body = clean_text(body)
        if not body:
            continue
        # Very long blocks go out in pieces (at paragraph breaks) so embedding starts early.
        while len(body) > TEXT_BLOCK_CHARS:
            cut = body.rfind("\n\n", 0, TEXT_BLOCK_CHARS)
            if cut <= 0:
                cut = body.rfind("\n", 0, TEXT_BLOCK_CHARS)
            if cut <= 0:
                cut = TEXT_BLOCK_CHARS
            yield Section(body[:cut].strip(), page, path)
            body = body[cut:].strip()
        if body:
            yield Section(body, page, path)
