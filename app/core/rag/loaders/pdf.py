"""PDF (pypdf): the text layer page by page, outline headings, running headers and
footers dropped, garbled text layers re-decoded, pages without readable text OCR'd."""

from __future__ import annotations

import logging
import re
import time
import warnings as _warnings
from pathlib import Path
from typing import Any, Iterator

from app.core.rag.loaders.base import (
    DocumentError,
    DocumentStream,
    Options,
    PasswordRequired,
    Section,
    WrongPassword,
    describe,
    short,
)
from app.core.rag.loaders.cleaning import clean_text, dehyphenate, repair_mojibake, text_quality
from app.core.types import SovaError

log = logging.getLogger(__name__)


def sniff(head: bytes) -> bool:
    """True when the first bytes say PDF, whatever the file is called."""
    return head.startswith(b"%PDF-")


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """Open a PDF: damaged files, encryption and passwords are settled here, pages later."""
    # Up to 1 KB of junk before the header is tolerated, as readers do.
    if b"%PDF-" not in head[:1024]:
        raise DocumentError(path, f"this is not a valid PDF file ({describe(head)})")
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files warn per object
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(path, strict=False)
    except (PdfReadError, PdfStreamError) as exc:
        raise DocumentError(path, f"this PDF is damaged and cannot be opened ({short(exc)})") from None
    except MemoryError:
        raise DocumentError(path, "this PDF needs too much memory to open") from None
    except Exception as exc:  # pypdf raises assorted errors on fuzzed input
        raise DocumentError(path, f"this PDF is damaged and cannot be opened ({short(exc)})") from None

    if reader.is_encrypted:
        try:
            result = reader.decrypt(opts.password or "")
        except (NotImplementedError, DependencyError) as exc:
            raise DocumentError(path, f"this PDF uses an encryption Sova cannot open ({short(exc)})") from None
        except Exception as exc:
            raise DocumentError(path, f"this PDF's encryption is damaged ({short(exc)})") from None
        if not result:
            if opts.password is None or opts.password == "":
                raise PasswordRequired(path)
            raise WrongPassword(path)
    try:
        n_pages = len(reader.pages)
    except FileNotDecryptedError:
        raise PasswordRequired(path) from None
    except Exception as exc:
        raise DocumentError(path, f"this PDF is damaged: its page list cannot be read ({short(exc)})") from None
    if n_pages == 0:
        raise DocumentError(path, "this PDF has no pages")
    return DocumentStream(path, "pdf", n_pages, lambda s: _pdf_sections(s, reader, opts))


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


def _pdf_page_text(page: Any, opts: Options, seen_fonts: set[int]) -> str:
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


def _pdf_sections(stream: DocumentStream, reader: Any, opts: Options) -> Iterator[Section]:
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
            stream.warnings.append(f"page {page_no} could not be read ({short(exc)})")
            failed += 1
            if failed >= 20 and failed == index + 1:
                raise DocumentError(stream.path, f"this PDF is damaged: no page can be read ({short(exc)})")
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

