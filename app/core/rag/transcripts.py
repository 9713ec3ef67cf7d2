"""Audio transcripts as documents (voice feature): sections named by their start time,
and the time a cited section starts at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

_TIMESTAMP = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)$")


def transcript_heading(seconds: float) -> str:
    """00:01:23: how a transcript passage names the moment it starts."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def transcript_seconds(path: str, heading: str) -> float | None:
    """The start time of a transcript passage (an audio file's chunk headed "00:01:23"), else None."""
    from app.core.audio import is_audio_file

    m = _TIMESTAMP.match(heading)
    if m is None or not is_audio_file(Path(path)):
        return None
    return float(int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)))


def transcript_sections(segments: Sequence[Any], chunk_chars: int) -> list[Any]:
    """Consecutive segments grouped into sections of at most ``chunk_chars`` characters
    (one passage each), each headed by the time its first segment starts."""
    from app.core.rag.loaders import Section

    out: list[Any] = []
    texts: list[str] = []
    start = 0.0
    for seg in segments:
        text = " ".join(str(seg.text).split())
        if not text:
            continue
        if texts and len(" ".join(texts)) + 1 + len(text) > chunk_chars:
            out.append(Section(" ".join(texts), None, (transcript_heading(start),)))
            texts = []
        if not texts:
            start = float(seg.start)
        texts.append(text)
    if texts:
        out.append(Section(" ".join(texts), None, (transcript_heading(start),)))
    return out
