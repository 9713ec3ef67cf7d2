"""The text in a picture: Tesseract (``rus+eng``), turned pages included.

One Tesseract run per picture, in page-segmentation mode 1 (automatic segmentation
with orientation and script detection): a page photographed sideways or upside down
is read the right way up without a second pass. Words come back with their
confidence (TSV output); lines whose words Tesseract itself doubts are dropped, which
is what keeps a photo without text from turning into a line of stray marks.

The picture is handed over as an 8-bit grey PNG in a private temporary folder (Sova
already decoded it: no second decode of an odd format by Tesseract's own reader);
small pictures (screenshots) are enlarged so their letters reach the size Tesseract
reads best.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.rag.ocr import OcrUnavailable, missing_for_tesseract, run_tesseract
from app.core.types import CancelToken

if TYPE_CHECKING:
    from app.core.images.reading import Picture

MIN_LINE_CONFIDENCE = 55.0  # mean word confidence (0-100) a line needs to be kept
# Screen text is ~11-16 px high; Tesseract is most accurate from ~25-30 px. A picture
# whose longer side is under SMALL_SIDE is enlarged twice.
SMALL_SIDE = 1400
TIMEOUT = 120.0

__all__ = ["ImageText", "OcrUnavailable", "read_text"]


@dataclass(frozen=True)
class ImageText:
    """What Tesseract read: the text (lines, paragraphs separated by blank lines) and how
    sure it was."""

    text: str
    confidence: float  # mean word confidence of the kept lines, 0-100 (0: no text)
    words: int


def read_text(picture: "Picture", languages: str = "rus+eng", cancel: CancelToken | None = None,
              timeout: float = TIMEOUT) -> ImageText:
    """The text in ``picture`` (empty when there is none); OcrUnavailable when
    Tesseract or a language is not installed."""
    from PIL import Image

    missing = missing_for_tesseract(languages)
    if missing:
        raise OcrUnavailable("reading text in pictures needs " + ", ".join(missing), missing=missing)
    grey = picture.image.convert("L")
    if max(grey.size) < SMALL_SIDE:
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    with tempfile.TemporaryDirectory(prefix="sova-img-") as tmp:  # private: mode 0700
        src = Path(tmp) / "picture.png"
        grey.save(src, compress_level=1)  # fast: the file lives for one run
        tsv = run_tesseract([str(src), "stdout", "-l", languages, "--psm", "1", "tsv"],
                            timeout=timeout, cancel=cancel)
    return parse_tsv(tsv.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> ImageText:
    """Tesseract's TSV as text: words joined into lines, lines into paragraphs; lines
    with a mean confidence under ``MIN_LINE_CONFIDENCE`` or without a letter or digit
    left out."""
    lines: dict[tuple[int, int, int, int], list[tuple[str, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5: a word
            continue
        word = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if word and conf >= 0:
            key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))  # page, block, par, line
            lines.setdefault(key, []).append((word, conf))
    out: list[str] = []
    confs: list[float] = []
    last_par: tuple[int, int, int] | None = None
    for key in sorted(lines):
        words = lines[key]
        mean = sum(c for _, c in words) / len(words)
        text = " ".join(w for w, _ in words)
        if mean < MIN_LINE_CONFIDENCE or not any(ch.isalnum() for ch in text):
            continue
        par = key[:3]
        if last_par is not None and par != last_par:
            out.append("")
        out.append(text)
        confs += [c for _, c in words]
        last_par = par
    return ImageText(text="\n".join(out).strip(), confidence=round(sum(confs) / len(confs), 1) if confs else 0.0,
                     words=len(confs))
