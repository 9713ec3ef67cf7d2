"""Sections -> chunks that follow the document's structure, with overlap.

Promise of :func:`chunk_sections`: a heading path change starts a new chunk; a page
change starts a new chunk (so every chunk has one file page); paragraphs are kept whole
where they fit in ``chunk_chars``; longer paragraphs are split at sentence boundaries
(then at spaces, then hard); consecutive chunks of the same section share up to
``overlap`` characters of context, taken from whole sentences or words where possible;
no chunk is empty or whitespace only, and none is longer than ``chunk_chars``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from app.core.rag.loaders import Section


@dataclass(frozen=True)
class ChunkDraft:
    text: str
    page: int | None
    heading_path: tuple[str, ...]
    ordinal: int  # 0-based position in the document
    char_start: int  # offset of the chunk's first character in its section's text


# A sentence ends at . ! ? … (optionally followed by quotes or brackets) and whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?…;])[\"'»”)\]]*\s+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n+")


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text`` between matches; ends include the separator."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.end() > pos:
            out.append((pos, m.end()))
            pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of at most ``limit``: sentences, then words, then hard."""
    pieces: list[tuple[int, int]] = []
    for s_start, s_end in ((a + start, b + start) for a, b in _spans(text[start:end], _SENTENCE_END)):
        while s_end - s_start > limit:
            cut = text.rfind(" ", s_start + 1, s_start + limit + 1)
            if cut <= s_start:
                cut = s_start + limit  # one enormous "word" (URL, table row): cut hard
            else:
                cut += 1
            pieces.append((s_start, cut))
            s_start = cut
        if s_end > s_start:
            pieces.append((s_start, s_end))
    return pieces


def _units(text: str, limit: int) -> list[tuple[int, int]]:
    """Paragraphs of ``text`` that fit in ``limit``; longer ones split into sentences."""
    units: list[tuple[int, int]] = []
    for p_start, p_end in _spans(text, _PARAGRAPH):
        if p_end - p_start <= limit:
            units.append((p_start, p_end))
        else:
            units.extend(_split_long(text, p_start, p_end, limit))
    return units


def _overlap_start(text: str, start: int, end: int, overlap: int) -> int:
    """Where the overlap taken from the end of [start, end) should begin."""
    if overlap <= 0 or end - start <= 0:
        return end
    lo = max(start, end - overlap)
    window = text[lo:end]
    # Prefer starting at a sentence start, then at a word start, inside the window.
    best = None
    for m in _SENTENCE_END.finditer(window):
        if m.end() < len(window):
            best = lo + m.end()
            break
    if best is None:
        space = window.find(" ")
        best = lo + space + 1 if 0 <= space < len(window) - 1 else lo
    return best


def _chunk_one(text: str, chunk_chars: int, overlap: int) -> Iterator[tuple[int, int]]:
    """(start, end) spans of chunks over one section's text."""
    overlap = max(0, min(overlap, chunk_chars // 2))
    units = _units(text, chunk_chars)
    i = 0
    chunk_start: int | None = None
    chunk_end = 0
    while i < len(units):
        u_start, u_end = units[i]
        if chunk_start is None:
            chunk_start, chunk_end = u_start, u_end
            i += 1
            continue
        if u_end - chunk_start <= chunk_chars:
            chunk_end = u_end
            i += 1
            continue
        yield chunk_start, chunk_end
        # The next chunk begins with the tail of this one, if that still leaves room.
        ov = _overlap_start(text, chunk_start, chunk_end, overlap)
        if u_end - ov > chunk_chars or ov >= chunk_end:
            ov = u_start
        chunk_start, chunk_end = ov, u_end
        i += 1
    if chunk_start is not None:
        yield chunk_start, chunk_end


def chunk_sections(
    sections: Iterable[Section], chunk_chars: int = 800, overlap: int = 120
) -> Iterator[ChunkDraft]:
    """Chunks of the sections in document order (lazy: works on a stream)."""
    if chunk_chars < 50:
        raise ValueError("chunk_chars must be at least 50")
    ordinal = 0
    for section in sections:
        for start, end in _chunk_one(section.text, chunk_chars, overlap):
            raw = section.text[start:end]
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            yield ChunkDraft(stripped, section.page, section.heading_path, ordinal, start + lead)
            ordinal += 1
