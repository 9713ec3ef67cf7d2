"""EPUB (ebooklib): chapters in spine order, each parsed as HTML; a chapter that cannot be
read becomes a warning, not a failure."""

from __future__ import annotations

import warnings as _warnings
from pathlib import Path
from typing import Any, Iterator

from app.core.rag.loaders.base import (
    DocumentError,
    DocumentStream,
    Options,
    Section,
    blocks_to_sections,
    require_zip,
    short,
)
from app.core.rag.loaders.html import html_blocks


def sniff(head: bytes) -> bool:
    """True for a zip that declares itself an EPUB (its first part, 'mimetype', says so)."""
    return head.startswith(b"PK\x03\x04") and b"application/epub+zip" in head[:128]


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """An EPUB file: a zip, checked for zip bombs before ebooklib sees it."""
    require_zip(path, head, "epub")
    return DocumentStream(path, "epub", None, lambda s: _sections(s, opts))


def _sections(stream: DocumentStream, opts: Options) -> Iterator[Section]:
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
        raise DocumentError(stream.path, f"this EPUB file is damaged ({short(exc)})") from None
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
            stream.warnings.append(f"chapter {k} could not be read ({short(exc)})")
            continue
        yield from blocks_to_sections(blocks, opts)
    opts.progress(1.0, "Read EPUB")
