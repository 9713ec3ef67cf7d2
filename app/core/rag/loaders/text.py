"""Plain text (.txt): any common encoding (BOMs, UTF-8, Russian code pages guessed),
numbered headings ('5.1. What ...', 'Chapter 5.') start sections."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from app.core.rag.loaders.base import (
    DocumentError,
    DocumentStream,
    Options,
    Section,
    blocks_to_sections,
    require_text,
    set_heading,
)
from app.core.rag.loaders.cleaning import russian_score, text_quality


Blocks = Callable[[str], Iterable[tuple[tuple[str, ...], str]]]


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """A text file, refused up front when its first bytes are binary."""
    return text_stream(path, head, opts, "text", plain_blocks)


def text_stream(path: Path, head: bytes, opts: Options, kind: str, blocks: Blocks) -> DocumentStream:
    """A text-like file (plain, Markdown) whose decoded text ``blocks`` cuts into sections."""
    require_text(path, head)

    def sections(stream: DocumentStream) -> Iterator[Section]:
        opts.progress(None, "Reading text")
        text = read_text_file(stream)
        yield from blocks_to_sections(blocks(text), opts)
        opts.progress(1.0, "Read text")

    return DocumentStream(path, kind, None, sections)


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


def read_text_file(stream: DocumentStream) -> str:
    """The file's text with '\n' line ends; an encoding other than UTF-8 becomes a warning."""
    try:
        data = stream.path.read_bytes()
    except OSError as exc:
        raise DocumentError(stream.path, f"the file cannot be read ({exc.strerror or exc})") from None
    text, codec = decode_text(data)
    if codec not in ("utf-8", "utf-8-sig", "ascii"):
        stream.warnings.append(f"read with the {codec} encoding")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TXT_NUMBERED = re.compile(r"^(?:(?:chapter|глава|part|часть|appendix|приложение)\s+\w+[.:]?\s+\S"
                           r"|\d{1,3}(?:\.\d{1,3})*\.?\s+\S)", re.IGNORECASE)


def plain_blocks(text: str) -> Iterator[tuple[tuple[str, ...], str]]:
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
            path = set_heading(path, level, title)
            continue
        buf.append(para)
    yield path, "\n\n".join(buf)
