"""Pictures as documents ("Add to documents"): the text in the picture, read by OCR, as
one section on page 1, so the picture itself is the cited source.

Only a picture added on its own is read this way: a folder's pictures are left out of
its indexing (a folder of photos would cost an OCR run each and find no text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from app.core.rag.loaders.base import DocumentError, DocumentStream, Options, Section

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


def sniff(head: bytes) -> bool:
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """The picture's text; DocumentError when it cannot be read or holds no text."""
    from app.core.images.reading import ImageError, read_picture
    from app.core.images.text import OcrUnavailable, read_text

    def sections(stream: DocumentStream) -> Iterator[Section]:
        opts.progress(None, "Reading the text in the picture")
        try:
            picture = read_picture(path)
        except ImageError as exc:
            raise DocumentError(path, str(exc).split(": ", 1)[-1]) from exc
        try:
            found = read_text(picture, languages=opts.ocr_languages, cancel=opts.cancel)
        except OcrUnavailable as exc:
            raise DocumentError(path, f"text recognition is not available ({exc})") from exc
        if not found.text.strip():
            raise DocumentError(path, "no text was found in the picture")
        stream.ocr_pages.append(1)
        opts.progress(1.0, "Read the text in the picture")
        yield Section(found.text, 1, ())

    return DocumentStream(path, "image", 1, sections)
