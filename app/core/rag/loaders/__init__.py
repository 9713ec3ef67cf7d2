"""Documents on disk -> sections of text with page numbers and heading paths.

Public promise:

* ``open_document(path, ...)`` validates the file up front (size limit, type sniffing,
  zip-bomb guard, encryption and password) and returns a :class:`DocumentStream`;
  iterating it yields :class:`Section` records page by page (PDF) or block by block, so
  the ingest pipeline can embed page *k* while page *k+1* is parsed or OCR'd.
  ``stream.pages``, ``stream.ocr_pages`` and ``stream.warnings`` fill in as it goes.
* ``iter_sections(path, ...)`` is the same stream as a plain generator.
* ``load_document(path, ...)`` reads everything into a :class:`LoadedDocument`.
* Every problem with a file is a :class:`DocumentError` whose message names the file and
  the reason in plain words; an encrypted PDF whose password is not known raises
  :class:`PasswordRequired` (a wrong one :class:`WrongPassword`, a subclass): the UI
  asks and calls again with ``password=``. ``Cancelled`` passes through.
* ``iter_files(paths)`` walks files and folders safely and yields either a ``Path`` to
  load or a ``(path, reason)`` tuple for something skipped.

The kinds Sova reads are the rows of :data:`KINDS` (``kinds.py``): suffixes, a content
signature for files named for another kind, and the module that reads them, one per
kind: ``pdf``, ``docx``, ``epub``, ``html`` (also XHTML), ``markdown``, ``text``.
``base`` holds what they share; ``cleaning`` the text clean-up; ``walk`` the folder walk.

Libraries: pypdf (PDF), BeautifulSoup + lxml (HTML and EPUB chapters), python-docx
(DOCX), ebooklib (EPUB), charset-normalizer (legacy text encodings), tesseract through
:mod:`app.core.rag.ocr` for pages without a readable text layer. Each is imported when a
file of its kind is opened, not when this package is.
"""

from __future__ import annotations

from app.core.rag.loaders.base import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIME_BUDGET,
    TEXT_BLOCK_CHARS,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    DocumentError,
    DocumentStream,
    LoadedDocument,
    PasswordRequired,
    Section,
    WrongPassword,
)
from app.core.rag.loaders.cleaning import clean_text, dehyphenate, repair_mojibake, russian_score, text_quality
from app.core.rag.loaders.html import html_blocks
from app.core.rag.loaders.kinds import (
    KINDS,
    SUPPORTED_SUFFIXES,
    FileKind,
    iter_sections,
    kind_for,
    kind_of,
    load_document,
    open_document,
    sniff_kind,
)
from app.core.rag.loaders.pdf import RunningLines
from app.core.rag.loaders.text import decode_text
from app.core.rag.loaders.walk import iter_files

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_TIME_BUDGET", "KINDS", "SUPPORTED_SUFFIXES", "TEXT_BLOCK_CHARS",
    "ZIP_MAX_MEMBERS", "ZIP_MAX_RATIO", "ZIP_MAX_UNCOMPRESSED",
    "DocumentError", "DocumentStream", "FileKind", "LoadedDocument", "PasswordRequired", "RunningLines",
    "Section", "WrongPassword",
    "clean_text", "decode_text", "dehyphenate", "html_blocks", "iter_files", "iter_sections", "kind_for",
    "kind_of", "load_document", "open_document", "repair_mojibake", "russian_score", "sniff_kind",
    "text_quality",
]
