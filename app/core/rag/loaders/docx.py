"""DOCX (python-docx): heading styles (English or Russian names) and outline levels build
the heading path; tables become rows of 'cell | cell'."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from app.core.rag.loaders.base import (
    DocumentError,
    DocumentStream,
    Options,
    Section,
    blocks_to_sections,
    require_zip,
    set_heading,
    short,
)
from app.core.types import Cancelled, SovaError


def sniff(head: bytes) -> bool:
    """True for a zip whose first parts are a Word document's, whatever the file is called."""
    return head.startswith(b"PK\x03\x04") and b"word/" in head


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """A DOCX file: a zip, checked for zip bombs before python-docx sees it."""
    require_zip(path, head, "docx")
    return DocumentStream(path, "docx", None, lambda s: _sections(s, opts))


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


def _sections(stream: DocumentStream, opts: Options) -> Iterator[Section]:
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
        raise DocumentError(stream.path, f"this DOCX file is damaged ({short(exc)})") from None

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
                    path = set_heading(path, level, text)
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
        yield from blocks_to_sections(blocks(), opts)
    except (SovaError, Cancelled):
        raise
    except Exception as exc:
        raise DocumentError(stream.path, f"this DOCX file is damaged ({short(exc)})") from None
    opts.progress(1.0, "Read DOCX")
