"""Sections -> chunks that follow the document's structure, with overlap.

Promise of :func:`chunk_sections`: a heading path change starts a new chunk; a page
change starts a new chunk (so every chunk has one file page); paragraphs are kept whole
where they fit in ``chunk_chars``; longer paragraphs are split at sentence boundaries
(then at spaces, then hard); consecutive chunks of the same section share about
``overlap`` characters of context; no chunk is empty or whitespace only.
"""

from __future__ import annotations

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


def chunk_sections(
    sections: Iterable[Section], chunk_chars: int = 800, overlap: int = 120
) -> Iterator[ChunkDraft]:
    """Chunks of the sections in document order (lazy: works on a stream)."""
    raise NotImplementedError
