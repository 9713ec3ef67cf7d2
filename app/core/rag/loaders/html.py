"""HTML and XHTML (BeautifulSoup + lxml): h1-h6 build the heading path; scripts, styles,
navigation bars and forms are dropped. EPUB chapters go through the same parser."""

from __future__ import annotations

import re
import warnings as _warnings
from pathlib import Path
from typing import Iterator

from app.core.rag.loaders.base import (
    DocumentError,
    DocumentStream,
    Options,
    Section,
    blocks_to_sections,
    require_text,
    set_heading,
)


def open_stream(path: Path, head: bytes, opts: Options) -> DocumentStream:
    """An HTML file, refused up front when its first bytes are binary."""
    require_text(path, head)
    return DocumentStream(path, "html", None, lambda s: _sections(s, opts))


_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "svg", "iframe", "object", "form",
              "button", "select", "head")
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "table", "tr",
               "section", "article", "aside", "header", "footer", "figure", "figcaption", "hr",
               "address", "main", "caption", "tbody", "thead")
_NAV_CLASS = re.compile(r"(^|[-_ ])(nav|navbar|navheader|navfooter|breadcrumbs?|menu|sidebar|skip)($|[-_ ])",
                        re.IGNORECASE)
_H_MARK = "\x1e"


def html_blocks(markup: bytes | str) -> Iterator[tuple[tuple[str, ...], str]]:
    """(heading path, text) blocks of an HTML document; h1-h6 build the path."""
    from bs4 import BeautifulSoup

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "") + " " + str(tag.get("role") or "")
        if classes.strip() and _NAV_CLASS.search(classes):
            tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" \t ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        title = " ".join(tag.get_text(" ").split())
        tag.replace_with(f"\n\n{_H_MARK}{tag.name[1]}{_H_MARK}{title}{_H_MARK}\n\n")
    root = soup.body or soup
    text = root.get_text()
    path: tuple[str, ...] = ()
    pieces = text.split(_H_MARK)
    yield path, pieces[0]
    # pieces after the first come in threes: level, title, following text
    for i in range(1, len(pieces) - 2, 3):
        level, title, body = pieces[i], pieces[i + 1], pieces[i + 2]
        if title.strip():
            path = set_heading(path, int(level), title)
        yield path, body


def _sections(stream: DocumentStream, opts: Options) -> Iterator[Section]:
    opts.progress(None, "Reading HTML")
    try:
        data = stream.path.read_bytes()
    except OSError as exc:
        raise DocumentError(stream.path, f"the file cannot be read ({exc.strerror or exc})") from None
    yield from blocks_to_sections(html_blocks(data), opts)
    opts.progress(1.0, "Read HTML")
