"""Which files the core reads, by category: documents, audio, and images once Sova reads
them. The window's drop target, its file dialogs and its "cannot open" message take their
lists from here, so the window accepts exactly what the core reads.

The lists are derived, never kept by hand: documents from the loaders' table of kinds
(``app.core.rag.loaders.kinds.KINDS``), audio from the decoder's list
(``app.core.audio.AUDIO_EXTENSIONS``), images from the picture reader's
(``app.core.images.reading.SUFFIXES``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.core.audio import AUDIO_EXTENSIONS
from app.core.images.reading import SUFFIXES as IMAGE_READER_SUFFIXES
from app.core.rag.loaders.kinds import KINDS

Category = Literal["document", "audio", "image"]

# Suffixes are lower case with the dot, in the order messages list them.
# Pictures are a kind of the loaders too (read when added to documents on purpose), but
# a dropped picture goes with the question: they are listed as images only.
DOCUMENT_SUFFIXES: tuple[str, ...] = tuple(s for kind in KINDS if kind.name != "image" for s in kind.suffixes)
AUDIO_SUFFIXES: tuple[str, ...] = tuple(s.lower() for s in AUDIO_EXTENSIONS)
IMAGE_SUFFIXES: tuple[str, ...] = IMAGE_READER_SUFFIXES

ACCEPTED: dict[Category, tuple[str, ...]] = {
    "document": DOCUMENT_SUFFIXES,
    "audio": AUDIO_SUFFIXES,
    "image": IMAGE_SUFFIXES,
}

_BY_SUFFIX: dict[str, Category] = {s: cat for cat, suffixes in ACCEPTED.items() for s in suffixes}


def category_of(path: Path) -> Category | None:
    """What the core reads a file as, judged by its name (any case); None when the core
    reads no file of that name. The content is checked when the file is opened."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def accepted_suffixes() -> frozenset[str]:
    """Every suffix the core reads, of any category."""
    return frozenset(_BY_SUFFIX)
