"""Markdown (.md): ATX and setext headings build the heading path; fenced code is kept
as it is (a '#' inside a fence is not a heading)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from app.core.rag.loaders.base import DocumentStream, Options, set_heading
from app.core.rag.loaders.text import text_stream


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """A Markdown file, refused up front when its first bytes are binary."""
    return text_stream(path, head, opts, "markdown", markdown_blocks)


_MD_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def markdown_blocks(text: str) -> Iterator[tuple[tuple[str, ...], str]]:
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
                path = set_heading(path, len(m.group(1)), m.group(2))
                continue
            s = _MD_SETEXT.match(line)
            if s and buf and buf[-1].strip() and (i < 1 or lines[i - 1].strip()):
                title = buf.pop()
                # '---' under a paragraph line is a heading only after a blank line or start.
                if s.group(1)[0] == "=" or not buf or not buf[-1].strip():
                    yield path, "\n".join(buf)
                    buf = []
                    path = set_heading(path, 1 if s.group(1)[0] == "=" else 2, title)
                    continue
                buf.append(title)
        buf.append(line)
    yield path, "\n".join(buf)
