"""Documents on disk -> sections of text with page numbers and heading paths.

Public promise:

* ``open_document(path, ...)`` validates the file up front (size limit, type sniffing,
  zip-bomb guard, encryption and password) and returns a :class:`DocumentStream`;
  iterating it yields :class:`Section` records page by page (PDF) or block by block, so
  the ingest pipeline can embed page *k* while page *k+1* is parsed or OCR'd.
  ``stream.pages``, ``stream.ocr_pages`` and ``stream.warnings`` fill in as it goes.
* ``iter_sections(path, ...)`` is the same stream as a plain generator.
* ``load_document(path, ...)`` reads everything into a :class:`LoadedDocument`.
* Every problem with a file is a :class:`DocumentError` whose message names the file and
  the reason in plain words; an encrypted PDF whose password is not known raises
  :class:`PasswordRequired` (a wrong one :class:`WrongPassword`, a subclass): the UI
  asks and calls again with ``password=``. ``Cancelled`` passes through.
* ``iter_files(paths)`` walks files and folders safely and yields either a ``Path`` to
  load or a ``(path, reason)`` tuple for something skipped.

Libraries: pypdf (PDF), BeautifulSoup + lxml (HTML and EPUB chapters), python-docx
(DOCX), ebooklib (EPUB), charset-normalizer (legacy text encodings), tesseract through
:mod:`app.core.rag.ocr` for pages without a readable text layer.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import time
import unicodedata
import warnings as _warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from app.core.types import Cancelled, CancelToken, ProgressCallback, SovaError, no_progress

log = logging.getLogger(__name__)

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

PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES: frozenset[str] = (
    PDF_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | {".docx", ".epub"}
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

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


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


class WrongPassword(PasswordRequired):
    """The password given for an encrypted PDF does not open it."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "the password is wrong for this PDF")


def kind_of(path: Path) -> str | None:
    """The loader kind for a file name, or None when unsupported."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".docx":
        return "docx"
    if suffix == ".epub":
        return "epub"
    return None


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
    re-decode them first.
    """
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        raise DocumentError(path, f"files of type '{path.suffix or 'without extension'}' are not supported")
    size = _check_file(path, max_bytes)
    head = _read_head(path)
    opts = _Options(password, progress, cancel or CancelToken(), ocr_languages, time_budget, ocr,
                    repair_mojibake, size)
    if kind == "pdf":
        return _open_pdf(path, head, opts)
    if kind in ("docx", "epub"):
        if not head.startswith(b"PK\x03\x04"):
            raise DocumentError(path, f"this is not a valid {kind.upper()} file ({_describe(head)})")
        _check_zip(path, kind)
        if kind == "docx":
            return DocumentStream(path, kind, None, lambda s: _docx_sections(s, opts))
        return DocumentStream(path, kind, None, lambda s: _epub_sections(s, opts))
    if _looks_binary(head):
        raise DocumentError(path, f"this is not a text file ({_describe(head)})")
    if kind == "html":
        return DocumentStream(path, kind, None, lambda s: _html_file_sections(s, opts))
    return DocumentStream(path, kind, None, lambda s: _text_sections(s, opts, markdown=kind == "markdown"))


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


@dataclass
class _Options:
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


def _check_file(path: Path, max_bytes: int) -> int:
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
            path, f"the file is {_mb(st.st_size)}, above the {_mb(max_bytes)} limit for documents"
            " (the limit can be raised in settings)")
    if not os.access(path, os.R_OK):
        raise DocumentError(path, "permission denied: the file cannot be read")
    return st.st_size


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _read_head(path: Path, n: int = 8192) -> bytes:
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


def _describe(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"its content is {what}"
    if _looks_binary(head):
        return "its content is binary data"
    return "its content is text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # UTF-16/UTF-8 byte order marks
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def _check_zip(path: Path, kind: str) -> None:
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
                f" from {_mb(info.compress_size)} to {_mb(info.file_size)})")
    if total > ZIP_MAX_UNCOMPRESSED:
        raise DocumentError(
            path, f"refused: this {kind.upper()} file would expand to {_mb(total)}"
            f" (limit {_mb(ZIP_MAX_UNCOMPRESSED)}); it may be a zip bomb")


# ---- text normalisation ---------------------------------------------------------------

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad]\n(?=[^\W\d_A-ZА-ЯЁ])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_DOT_LEADER = re.compile(r"(?:[ \t]*\.){5,}")


# Typographic ligatures (TeX and InDesign PDFs): "ﬁle" must match "file".
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})


def clean_text(text: str) -> str:
    """NFC, ligatures spelled out, no control characters, single spaces, at most one
    blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LIGATURES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.replace("\ufffd", "")
    text = _DOT_LEADER.sub(" … ", text)  # table-of-contents leaders carry no words
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def dehyphenate(text: str) -> str:
    """Join words split by a line-end hyphen ('слу-\\nчаев' -> 'случаев')."""
    return _HYPHEN_BREAK.sub("", text)


# ---- mojibake detection and repair -----------------------------------------------------

# Latin-1 letters that show up when cp1251/koi8-r bytes are read as Latin-1 / WinAnsi.
_LATIN1_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100)) - {"\u00d7", "\u00f7"}
_RU_COMMON = frozenset("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё")


def text_quality(text: str) -> float:
    """Share (0..1) of letters that look like real Cyrillic/Latin words.

    Mojibake (cp1251 read as Latin-1, private-use glyphs, symbol soup) scores low;
    normal English or Russian text scores close to 1.
    """
    letters = 0
    bad = 0.0
    for word in re.findall(r"[^\W\d_]+|[\ue000-\uf8ff]+", text):
        n = len(word)
        letters += n
        lat1 = sum(1 for ch in word if ch in _LATIN1_LETTERS)
        if any("\ue000" <= ch <= "\uf8ff" for ch in word):
            bad += n
        elif lat1 * 2 >= n:  # words made mostly of accented Latin-1 letters
            bad += n
        elif _mixed_script(word):
            bad += n * 0.5
    symbols = sum(1 for ch in text if unicodedata.category(ch) in ("So", "Co"))
    total = letters + symbols
    if total == 0:
        return 1.0 if text.strip() else 0.0  # digits and punctuation only: nothing garbled
    return max(0.0, 1.0 - (bad + symbols) / total)


def _mixed_script(word: str) -> bool:
    has_cyr = any("\u0400" <= ch <= "\u04ff" for ch in word)
    has_lat = any(ch.isascii() for ch in word)
    return has_cyr and has_lat and len(word) > 3


def russian_score(text: str) -> float:
    """How Russian-looking Cyrillic text is: share of common lowercase letters."""
    cyr = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not cyr:
        return 0.0
    return sum(1 for ch in cyr if ch in _RU_COMMON) / len(cyr)


def repair_mojibake(text: str) -> str | None:
    """Re-decode text whose Cyrillic bytes were read as Latin-1; None if no fix helps."""
    best: tuple[float, str] | None = None
    for codec in ("cp1251", "koi8_r"):
        try:
            fixed = text.encode("latin-1", errors="strict").decode(codec, errors="strict")
        except (UnicodeEncodeError, UnicodeDecodeError):
            try:
                # Keep characters outside Latin-1 (quotes, dashes) as they are.
                fixed = "".join(
                    ch.encode("latin-1").decode(codec, errors="replace") if ord(ch) < 256 else ch
                    for ch in text)
            except UnicodeError:
                continue
        score = russian_score(fixed) * text_quality(fixed)
        if best is None or score > best[0]:
            best = (score, fixed)
    if best and best[0] > 0.6:
        return best[1]
    return None


# ---- PDF -------------------------------------------------------------------------------


def _open_pdf(path: Path, head: bytes, opts: _Options) -> DocumentStream:
    if b"%PDF-" not in head[:1024]:
        raise DocumentError(path, f"this is not a valid PDF file ({_describe(head)})")
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files warn per object
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(path, strict=False)
    except (PdfReadError, PdfStreamError) as exc:
        raise DocumentError(path, f"this PDF is damaged and cannot be opened ({_short(exc)})") from None
    except MemoryError:
        raise DocumentError(path, "this PDF needs too much memory to open") from None
    except Exception as exc:  # pypdf raises assorted errors on fuzzed input
        raise DocumentError(path, f"this PDF is damaged and cannot be opened ({_short(exc)})") from None

    if reader.is_encrypted:
        try:
            result = reader.decrypt(opts.password or "")
        except (NotImplementedError, DependencyErrorTypes) as exc:
            raise DocumentError(path, f"this PDF uses an encryption Sova cannot open ({_short(exc)})") from None
        except Exception as exc:
            raise DocumentError(path, f"this PDF's encryption is damaged ({_short(exc)})") from None
        if not result:
            if opts.password is None or opts.password == "":
                raise PasswordRequired(path)
            raise WrongPassword(path)
    try:
        n_pages = len(reader.pages)
    except FileNotDecryptedError:
        raise PasswordRequired(path) from None
    except Exception as exc:
        raise DocumentError(path, f"this PDF is damaged: its page list cannot be read ({_short(exc)})") from None
    if n_pages == 0:
        raise DocumentError(path, "this PDF has no pages")
    return DocumentStream(path, "pdf", n_pages, lambda s: _pdf_sections(s, reader, opts))


try:  # pypdf's error for a missing crypto library, when there is one
    from pypdf.errors import DependencyError as _DependencyError

    DependencyErrorTypes: type[Exception] = _DependencyError
except ImportError:  # pragma: no cover
    DependencyErrorTypes = NotImplementedError


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


class _Deadline(Exception):
    pass


def _pdf_outline(reader: Any) -> dict[int, list[tuple[tuple[str, ...], float | None]]]:
    """Outline entries by 0-based page: (heading path, top y) in outline order."""
    by_page: dict[int, list[tuple[tuple[str, ...], float | None]]] = {}

    def walk(items: list[Any], parents: tuple[str, ...], depth: int) -> None:
        last: tuple[str, ...] = parents
        for item in items:
            if isinstance(item, list):
                if depth < 16:
                    walk(item, last, depth + 1)
                continue
            try:
                title = clean_text(str(item.title or "")).replace("\n", " ")
                page = reader.get_destination_page_number(item)
                top = item.get("/Top")
                top_f = float(top) if isinstance(top, (int, float)) else None
            except Exception:
                continue
            if not title:
                continue
            last = parents + (title,)
            if page is not None and page >= 0:
                by_page.setdefault(page, []).append((last, top_f))

    try:
        outline = reader.outline
        walk(list(outline), (), 0)
    except Exception:  # a damaged outline only costs the headings
        return {}
    return by_page


def _title_patterns(title: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    words = re.findall(r"\w+", title)
    if not words:
        return None
    # Words may be glued, hyphenated, wrapped or separated by '/' in the page text.
    body = r"\W*".join(re.escape(w) for w in words[:12])
    return re.compile(body), re.compile(body, re.IGNORECASE)


_CHAPTER_LINE = re.compile(r"^(?:chapter|глава|part|часть|appendix|приложение)\s+\S{1,6}$", re.IGNORECASE)


def _find_heading(text: str, title: str, pos: int) -> int | None:
    """Start of the line where ``title`` appears in ``text`` at or after ``pos``."""
    patterns = _title_patterns(title)
    if patterns is None:
        return None
    exact, loose = patterns
    match = exact.search(text, pos)
    if match is None:
        # Case-insensitive, but not in the first line: that is the running header,
        # which repeats the section title in capitals.
        first_line_end = text.find("\n") + 1
        match = loose.search(text, max(pos, first_line_end))
    if match is None:
        return None
    start = text.rfind("\n", pos, match.start()) + 1
    # Keep a 'Chapter 3' line that stands just above the chapter title.
    prev_start = text.rfind("\n", pos, max(start - 1, pos)) + 1
    if start > pos and _CHAPTER_LINE.match(text[prev_start:start - 1].strip()):
        start = prev_start
    return start


def _split_by_headings(
    text: str, entries: list[tuple[tuple[str, ...], float | None]], current: tuple[str, ...]
) -> tuple[list[tuple[str, tuple[str, ...]]], tuple[str, ...]]:
    """Cut a page's text where its outline headings appear; returns parts and last path."""
    parts: list[tuple[str, tuple[str, ...]]] = []
    pos = 0
    for heading_path, _top in entries:
        start = _find_heading(text, heading_path[-1], pos)
        if start is None:
            # Not found in the text layer: assume it starts after what we have cut.
            current = heading_path
            continue
        if text[pos:start].strip():
            parts.append((text[pos:start], current))
        pos = start
        current = heading_path
    if text[pos:].strip():
        parts.append((text[pos:], current))
    return parts, current


def _fix_space_widths(page: Any, seen: set[int]) -> None:
    """Work around pypdf gluing words together on TeX-made Type0 fonts.

    pypdf takes code 0x20 as the space glyph of a font whose ToUnicode map has no
    space. In subset CID fonts (Identity-H) CID 32 is some other, often wide, glyph, so
    pypdf's word-gap threshold (half that width) swallows every real gap in TJ arrays.
    Declaring CID 32 zero-width in the in-memory /W array makes pypdf fall back to its
    default space width. The file on disk is never written.
    """
    from pypdf.generic import ArrayObject, NumberObject

    try:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            return
        for ref in fonts.get_object().values():
            font = ref.get_object()
            key = id(font)
            if key in seen:
                continue
            seen.add(key)
            if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data()
            if re.search(rb"<0020>\s*$|<0020>\s*\]|<\w+>\s*<0020>", cmap, re.MULTILINE):
                continue  # the font maps some code to a real space: pypdf finds it
            descendant = font["/DescendantFonts"][0].get_object()
            widths = descendant.get("/W")
            if widths is None:
                continue
            widths.get_object().extend([NumberObject(32), ArrayObject([NumberObject(0)])])
    except Exception:  # best effort: worst case the words stay glued
        log.debug("space-width fix skipped", exc_info=True)


def _pdf_page_text(page: Any, opts: _Options, seen_fonts: set[int]) -> str:
    _fix_space_widths(page, seen_fonts)
    steps = 0

    def guard(*_args: Any) -> None:
        nonlocal steps
        steps += 1
        if steps % 512 == 0 and (opts.deadline_passed() or opts.cancel.cancelled):
            raise _Deadline()

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        return page.extract_text(visitor_operand_before=guard) or ""


_PAGE_NUMBER = re.compile(r"(?:page|стр\.?|страница|с\.)?\s*[–—-]?\s*\d{1,4}\s*[–—-]?(?:\s*(?:of|из)\s*\d{1,4})?", re.I)
_NON_WORD = re.compile(r"[\W_]+")


class RunningLines:
    """Drops a PDF's running headers and footers: a page's first or last line that is a
    bare page number, or that starts like the first (last) line of one of the two pages
    before it once digits are ignored ("CHAPTER 6. THE DEBIAN ARCHIVES 6.5 …" over
    "CHAPTER 6. THE DEBIAN ARCHIVES 6.4 …"; "LaTeX News … Copyright 1995 … –7").
    They are repeated noise in passages, in citations and in the embedder's input.
    """

    WORDS = 3  # leading words that must agree
    MAX_LEN = 160  # longer lines are text, not a running title

    def __init__(self) -> None:
        self._first: list[str] = []
        self._last: list[str] = []

    @classmethod
    def _key(cls, line: str) -> str:
        words = _NON_WORD.sub(" ", re.sub(r"\d+", "#", line.lower())).split()
        return " ".join(words[: cls.WORDS]) if len(words) >= 2 else ""

    def strip(self, text: str) -> str:
        lines = text.split("\n")
        idx = [i for i, line in enumerate(lines) if line.strip()]
        drop: set[int] = set()
        for order, seen in ((idx, self._first), (idx[::-1], self._last)):
            rest = [i for i in order[:3] if i not in drop]
            # A bare page number at the edge goes; the line after it is the candidate.
            while rest and _PAGE_NUMBER.fullmatch(lines[rest[0]].strip()):
                drop.add(rest.pop(0))
            key = ""
            if rest:
                line = lines[rest[0]].strip()
                key = self._key(line) if len(line) <= self.MAX_LEN else ""
                if key and key in seen:
                    drop.add(rest[0])
            seen.append(key)
            del seen[:-2]
        if not drop or len(drop) >= len(idx):
            return text
        return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _page_has_images(page: Any) -> bool:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if not xobjects:
            return False
        return any(x.get_object().get("/Subtype") in ("/Image", "/Form") for x in xobjects.get_object().values())
    except Exception:
        return True  # unknown: let OCR have a look


def _pdf_sections(stream: DocumentStream, reader: Any, opts: _Options) -> Iterator[Section]:
    from app.core.rag import ocr as ocr_mod

    n = stream.pages or 0
    outline = _pdf_outline(reader)
    heading: tuple[str, ...] = ()
    seen_fonts: set[int] = set()
    running = RunningLines()
    ocr_ok: bool | None = None
    failed = 0
    for index in range(n):
        opts.cancel.raise_if_cancelled()
        page_no = index + 1
        opts.progress(index / n, f"Parsing page {page_no}/{n}")
        if opts.deadline_passed():
            stream.warnings.append(
                f"stopped at page {page_no}: reading took longer than {opts.time_budget:.0f} s")
            if index == 0:
                raise DocumentError(stream.path, "reading this PDF takes too long; it may be damaged")
            break
        text = ""
        has_images = False
        try:
            page = reader.pages[index]
            text = _pdf_page_text(page, opts, seen_fonts)
            has_images = _page_has_images(page)
        except _Deadline:
            opts.cancel.raise_if_cancelled()
            stream.warnings.append(f"page {page_no}: reading took too long; skipped")
            continue
        except MemoryError:
            stream.warnings.append(f"page {page_no}: too large to read; skipped")
            failed += 1
            continue
        except Exception as exc:  # one broken page must not cost the others
            stream.warnings.append(f"page {page_no} could not be read ({_short(exc)})")
            failed += 1
            if failed >= 20 and failed == index + 1:
                raise DocumentError(stream.path, f"this PDF is damaged: no page can be read ({_short(exc)})")
            # fall through: OCR may still read the rendered page
            has_images = True

        text = running.strip(clean_text(dehyphenate(text)))
        quality = text_quality(text) if text else 0.0
        if text and quality < 0.98 and opts.repair_mojibake:
            # Cyrillic bytes shown as Latin-1 letters (fonts without ToUnicode): re-decode
            # when that clearly reads better; OCR below is the fallback.
            fixed = repair_mojibake(text)
            if fixed is not None and text_quality(fixed) > quality + 0.02:
                if not any("re-decoded" in w for w in stream.warnings):
                    stream.warnings.append(
                        f"page {page_no}: the text layer was garbled (wrong encoding); re-decoded as Cyrillic")
                text, quality = fixed, text_quality(fixed)
        readable = bool(text) and quality >= 0.75
        # Unreadable text, or an image with (almost) no text on it: a scan to OCR.
        needs_ocr = (bool(text) and not readable) or (has_images and len(text) < 30)
        if needs_ocr:
            if not opts.ocr:
                stream.warnings.append(f"page {page_no}: no readable text (OCR is off)")
                text = text if readable else ""
            else:
                if ocr_ok is None:
                    ocr_ok = ocr_mod.ocr_available(opts.ocr_languages)
                    if not ocr_ok:
                        stream.warnings.append(
                            "OCR is not available (tesseract or its language data is missing); "
                            "pages without text are skipped")
                if ocr_ok:
                    opts.progress(index / n, f"OCR page {page_no}/{n}")
                    ocr_started = time.monotonic()
                    try:
                        ocr_text = ocr_mod.ocr_pdf_page(
                            stream.path, page_no, languages=opts.ocr_languages,
                            password=opts.password, cancel=opts.cancel)
                    except SovaError as exc:
                        stream.warnings.append(f"page {page_no}: OCR failed ({exc})")
                        ocr_text = ""
                    opts.started += time.monotonic() - ocr_started  # OCR has its own timeout
                    ocr_text = clean_text(dehyphenate(ocr_text))
                    if ocr_text:
                        stream.ocr_pages.append(page_no)
                        text = ocr_text
                    elif not readable:
                        text = ""
                elif not readable:
                    text = ""
        if not text:
            continue
        parts, heading = _split_by_headings(text, outline.get(index, []), heading)
        for part_text, path in parts:
            yield Section(part_text.strip(), page_no, path)
    opts.progress(1.0, f"Parsed {n} pages")


# ---- plain text and Markdown -----------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file: (text, encoding name). Never raises."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[str] = ["cp1251", "koi8_r", "cp866", "mac_cyrillic"]
    try:
        from charset_normalizer import from_bytes

        guess = from_bytes(data[:200_000]).best()
        if guess is not None and guess.encoding not in candidates:
            candidates.append(guess.encoding)  # ties go to the common Russian code pages
    except Exception:  # optional helper; the Cyrillic heuristics below still work
        pass
    best: tuple[float, str, str] | None = None
    for codec in candidates + ["latin-1"]:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        cyr = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
        high = sum(1 for b in data if b >= 0x80) or 1
        # Russian text: high bytes become common lowercase Cyrillic letters.
        score = russian_score(text) * min(1.0, cyr / high) if cyr else text_quality(text) * 0.5
        if codec == "latin-1":
            score = text_quality(text) * 0.4
        if best is None or score > best[0]:
            best = (score, codec, text)
    assert best is not None  # latin-1 always decodes
    return best[2], best[1]


def _read_text_file(stream: DocumentStream, opts: _Options) -> str:
    try:
        data = stream.path.read_bytes()
    except OSError as exc:
        raise DocumentError(stream.path, f"the file cannot be read ({exc.strerror or exc})") from None
    text, codec = decode_text(data)
    if codec not in ("utf-8", "utf-8-sig", "ascii"):
        stream.warnings.append(f"read with the {codec} encoding")
    return text


_MD_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TXT_NUMBERED = re.compile(r"^(?:(?:chapter|глава|part|часть|appendix|приложение)\s+\w+[.:]?\s+\S"
                           r"|\d{1,3}(?:\.\d{1,3})*\.?\s+\S)", re.IGNORECASE)


def _set_heading(path: tuple[str, ...], level: int, title: str) -> tuple[str, ...]:
    title = " ".join(title.split())
    return path[: level - 1] + ("",) * max(0, level - 1 - len(path)) + (title,)


def _markdown_blocks(text: str) -> Iterator[tuple[tuple[str, ...], str]]:
    path: tuple[str, ...] = ()
    buf: list[str] = []
    fenced = False
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _MD_FENCE.match(line):
            fenced = not fenced
            buf.append(line)
            continue
        if not fenced:
            m = _MD_ATX.match(line)
            if m:
                yield path, "\n".join(buf)
                buf = []
                path = _set_heading(path, len(m.group(1)), m.group(2))
                continue
            s = _MD_SETEXT.match(line)
            if s and buf and buf[-1].strip() and (i < 1 or lines[i - 1].strip()):
                title = buf.pop()
                # '---' under a paragraph line is a heading only after a blank line or start.
                if s.group(1)[0] == "=" or not buf or not buf[-1].strip():
                    yield path, "\n".join(buf)
                    buf = []
                    path = _set_heading(path, 1 if s.group(1)[0] == "=" else 2, title)
                    continue
                buf.append(title)
        buf.append(line)
    yield path, "\n".join(buf)


def _plain_blocks(text: str) -> Iterator[tuple[tuple[str, ...], str]]:
    """Plain text: numbered headings ('5.1. What ...', 'Chapter 5.') start sections."""
    path: tuple[str, ...] = ()
    buf: list[str] = []
    for para in re.split(r"\n[ \t]*\n", text):
        first = para.lstrip("\n")
        lines = [ln for ln in first.split("\n") if ln.strip()]
        is_heading = (
            lines and len(lines) <= 3 and len(first) <= 200 and not first[:1].isspace()
            and _TXT_NUMBERED.match(first) is not None and not first.rstrip().endswith((",", ";", ":"))
        )
        if is_heading:
            title = " ".join(first.split())
            m = re.match(r"(\d{1,3}(?:\.\d{1,3})*)", title)
            level = len([x for x in m.group(1).split(".") if x]) if m else 1
            if not m:
                level = 1
            elif len(path) and level == 1 and not title.lower().startswith(tuple("0123456789")):
                level = 1
            yield path, "\n\n".join(buf)
            buf = []
            path = _set_heading(path, level, title)
            continue
        buf.append(para)
    yield path, "\n\n".join(buf)


def _blocks_to_sections(blocks: Iterable[tuple[tuple[str, ...], str]], opts: _Options,
                        page: int | None = None) -> Iterator[Section]:
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


def _text_sections(stream: DocumentStream, opts: _Options, *, markdown: bool) -> Iterator[Section]:
    opts.progress(None, "Reading text")
    text = _read_text_file(stream, opts)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _markdown_blocks(text) if markdown else _plain_blocks(text)
    yield from _blocks_to_sections(blocks, opts)
    opts.progress(1.0, "Read text")


# ---- HTML, DOCX, EPUB ------------------------------------------------------------------

_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "svg", "iframe", "object", "form",
              "button", "select", "head")
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "table", "tr",
               "section", "article", "aside", "header", "footer", "figure", "figcaption", "hr",
               "address", "main", "caption", "tbody", "thead")
_NAV_CLASS = re.compile(r"(^|[-_ ])(nav|navbar|navheader|navfooter|breadcrumbs?|menu|sidebar|skip)($|[-_ ])",
                        re.IGNORECASE)
_H_MARK = "\x1e"


def html_blocks(markup: bytes | str) -> Iterator[tuple[tuple[str, ...], str]]:
    """(heading path, text) blocks of an HTML document; h1-h6 build the path."""
    from bs4 import BeautifulSoup

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "") + " " + str(tag.get("role") or "")
        if classes.strip() and _NAV_CLASS.search(classes):
            tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" \t ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        title = " ".join(tag.get_text(" ").split())
        tag.replace_with(f"\n\n{_H_MARK}{tag.name[1]}{_H_MARK}{title}{_H_MARK}\n\n")
    root = soup.body or soup
    text = root.get_text()
    path: tuple[str, ...] = ()
    pieces = text.split(_H_MARK)
    yield path, pieces[0]
    # pieces after the first come in threes: level, title, following text
    for i in range(1, len(pieces) - 2, 3):
        level, title, body = pieces[i], pieces[i + 1], pieces[i + 2]
        if title.strip():
            path = _set_heading(path, int(level), title)
        yield path, body


def _html_file_sections(stream: DocumentStream, opts: _Options) -> Iterator[Section]:
    opts.progress(None, "Reading HTML")
    try:
        data = stream.path.read_bytes()
    except OSError as exc:
        raise DocumentError(stream.path, f"the file cannot be read ({exc.strerror or exc})") from None
    yield from _blocks_to_sections(html_blocks(data), opts)
    opts.progress(1.0, "Read HTML")


_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.IGNORECASE)


def _docx_heading_level(paragraph: Any) -> int | None:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except Exception:
        name = ""
    if name.lower() == "title":
        return 1
    m = _HEADING_STYLE.match(name.strip())
    if m:
        return max(1, int(m.group(1)))
    ppr = paragraph._p.pPr
    if ppr is not None:
        lvl = ppr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl")
        if lvl is not None:
            try:
                return int(lvl.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")) + 1
            except (TypeError, ValueError):
                return None
    return None


def _docx_sections(stream: DocumentStream, opts: _Options) -> Iterator[Section]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DocumentError(stream.path, f"DOCX support is not installed ({exc})") from None
    opts.progress(None, "Reading DOCX")
    try:
        document = docx.Document(str(stream.path))
    except Exception as exc:
        raise DocumentError(stream.path, f"this DOCX file is damaged ({_short(exc)})") from None

    def blocks() -> Iterator[tuple[tuple[str, ...], str]]:
        path: tuple[str, ...] = ()
        buf: list[str] = []
        body = document.element.body
        for child in body.iterchildren():
            opts.cancel.raise_if_cancelled()
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                text = para.text
                level = _docx_heading_level(para)
                if level is not None and text.strip():
                    yield path, "\n\n".join(buf)
                    buf = []
                    path = _set_heading(path, level, text)
                else:
                    buf.append(text)
            elif tag == "tbl":
                table = Table(child, document)
                rows = []
                for row in table.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        t = " ".join(cell.text.split())
                        if not cells or cells[-1] != t:  # merged cells repeat
                            cells.append(t)
                    rows.append(" | ".join(cells))
                buf.append("\n".join(rows))
        yield path, "\n\n".join(buf)

    try:
        yield from _blocks_to_sections(blocks(), opts)
    except (SovaError, Cancelled):
        raise
    except Exception as exc:
        raise DocumentError(stream.path, f"this DOCX file is damaged ({_short(exc)})") from None
    opts.progress(1.0, "Read DOCX")


def _epub_sections(stream: DocumentStream, opts: _Options) -> Iterator[Section]:
    try:
        import ebooklib
        from ebooklib import epub
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DocumentError(stream.path, f"EPUB support is not installed ({exc})") from None
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            book = epub.read_epub(str(stream.path), options={"ignore_ncx": True})
    except Exception as exc:
        raise DocumentError(stream.path, f"this EPUB file is damaged ({_short(exc)})") from None
    items: list[Any] = []
    for entry in book.spine:
        item_id = entry[0] if isinstance(entry, (tuple, list)) else entry
        item = book.get_item_with_id(item_id)
        if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
            items.append(item)
    if not items:  # no usable spine: every document in manifest order
        items = list(book.get_items_of_type(ebooklib.ITEM_DOCUMENT))
    total = len(items)
    for k, item in enumerate(items, 1):
        opts.cancel.raise_if_cancelled()
        opts.progress((k - 1) / max(total, 1), f"Reading chapter {k}/{total}")
        try:
            content = item.get_content()
            blocks = list(html_blocks(content))
        except Exception as exc:
            stream.warnings.append(f"chapter {k} could not be read ({_short(exc)})")
            continue
        yield from _blocks_to_sections(blocks, opts)
    opts.progress(1.0, "Read EPUB")


# ---- walking folders -------------------------------------------------------------------


def iter_files(
    paths: Iterable[Path], *, include_hidden: bool = False, max_depth: int = 100
) -> Iterator[Path | tuple[Path, str]]:
    """Every supported file under ``paths``, once each, in a stable order.

    Yields a ``Path`` for a file to load, or ``(path, reason)`` for something skipped:
    a named path that is missing or unsupported, an unreadable folder, a symlink loop,
    a folder nested deeper than ``max_depth``, a broken link. Inside folders, files of
    unsupported types and hidden entries (unless ``include_hidden``) are passed over
    silently, so dropping a home folder does not list thousands of "failed" files.
    Symlinks are followed; each real file and folder is visited once. The walk uses an
    explicit stack, so depth never costs recursion.
    """
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for top in paths:
        top = Path(top)
        try:
            st = top.stat()
        except FileNotFoundError:
            if top.is_symlink():
                yield top, "broken link: its target does not exist"
            else:
                yield top, "not found"
            continue
        except OSError as exc:
            yield top, _os_reason(exc)
            continue
        if stat.S_ISREG(st.st_mode):
            if kind_of(top) is None:
                yield top, f"files of type '{top.suffix or 'without extension'}' are not supported"
            elif (st.st_dev, st.st_ino) not in seen_files:
                seen_files.add((st.st_dev, st.st_ino))
                yield top
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield top, "not a regular file or folder"
            continue
        yield from _walk(top, st, seen_files, seen_dirs, include_hidden, max_depth)


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    return exc.strerror or str(exc)


def _walk(top: Path, top_st: os.stat_result, seen_files: set[tuple[int, int]],
          seen_dirs: set[tuple[int, int]], include_hidden: bool,
          max_depth: int) -> Iterator[Path | tuple[Path, str]]:
    stack: list[tuple[Path, int]] = []
    if (top_st.st_dev, top_st.st_ino) in seen_dirs:
        return
    seen_dirs.add((top_st.st_dev, top_st.st_ino))
    stack.append((top, 0))
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"folder skipped: {_os_reason(exc)}"
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if not include_hidden and entry.name.startswith("."):
                continue
            p = Path(entry.path)
            try:
                st = os.stat(entry.path)  # follows symlinks
            except OSError as exc:
                if entry.is_symlink():
                    import errno

                    yield p, "symlink loop" if exc.errno == errno.ELOOP else "broken link: its target does not exist"
                else:
                    yield p, _os_reason(exc)
                continue
            key = (st.st_dev, st.st_ino)
            if stat.S_ISDIR(st.st_mode):
                if key in seen_dirs:
                    if entry.is_symlink():
                        yield p, "symlink loop (this folder was already scanned)"
                    continue
                if depth + 1 > max_depth:
                    yield p, f"folder skipped: nested more than {max_depth} folders deep"
                    continue
                seen_dirs.add(key)
                subdirs.append(p)
            elif stat.S_ISREG(st.st_mode):
                if kind_of(p) is None or key in seen_files:
                    continue
                seen_files.add(key)
                yield p
        # Files of a folder first, then its subfolders in name order.
        for sub in reversed(subdirs):
            stack.append((sub, depth + 1))
