"""OCR for PDF pages without a readable text layer: pdftoppm renders, tesseract reads.

Both are subprocesses with timeouts (a stuck page cannot hang the pipeline) and both
come from Debian packages (poppler-utils, tesseract-ocr + -rus/-eng) installed by setup.
"""

from __future__ import annotations

from pathlib import Path

from app.core.types import CancelToken, SovaError

DEFAULT_DPI = 300
PAGE_TIMEOUT = 120.0


class OcrUnavailable(SovaError):
    """tesseract or pdftoppm is missing, or the language data is not installed."""


def ocr_available(languages: str = "rus+eng") -> bool:
    """True when tesseract, pdftoppm and every requested language are installed."""
    raise NotImplementedError


def ocr_pdf_page(
    pdf: Path,
    page: int,
    *,
    languages: str = "rus+eng",
    password: str | None = None,
    dpi: int = DEFAULT_DPI,
    timeout: float = PAGE_TIMEOUT,
    cancel: CancelToken | None = None,
) -> str:
    """Text of 1-based ``page`` of ``pdf`` read by OCR (raises OcrUnavailable/SovaError)."""
    raise NotImplementedError


def ocr_image(
    image: Path, *, languages: str = "rus+eng", timeout: float = PAGE_TIMEOUT,
    cancel: CancelToken | None = None,
) -> str:
    """Text of an image file read by tesseract."""
    raise NotImplementedError
