"""The text in a picture: Tesseract (``rus+eng``), turned pages included.

Tesseract reads the picture the way a person running it would (page segmentation mode
3, the file itself when Tesseract can read it as it is): Sova adds no work to an
upright picture. Words come back with their confidence (TSV output); lines whose words
Tesseract itself doubts are dropped, which is what keeps a photo without text from
turning into a line of stray marks.

Only when that reading finds little text, or doubts it, is the orientation checked
(Tesseract's OSD, well under a second): a page photographed sideways or upside down is
turned upright and read again, and the better reading is kept. Mode 1 does both in
one run, but pays for the check on every picture (+10 % on a page, +100 % on a
screenshot, measured by ``tests/benchmarks/bench_images.py``).

A picture Tesseract's own reader might get wrong (an EXIF-turned photo, transparency,
16-bit, CMYK, an animation, another format) goes as the 8-bit grey PNG Sova already
decoded, in a private temporary folder. Enlarging small screenshots was dropped: it
cost 40 % on a 13 px Russian interface and read it no better (CER 3.5 % either way).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.rag.ocr import OcrUnavailable, missing_for_tesseract, run_tesseract
from app.core.types import Cancelled, CancelToken, SovaError

if TYPE_CHECKING:
    from PIL.Image import Image

    from app.core.images.reading import Picture

MIN_LINE_CONFIDENCE = 55.0  # mean word confidence (0-100) a line needs to be kept
# A first reading with fewer kept words or a lower mean confidence than this may be of a
# turned picture: its orientation is checked. Upright pages, screenshots and scans read
# with 85-95; a sideways page's kept lines, if any, with under 60.
SURE_WORDS, SURE_CONFIDENCE = 5, 75.0
MIN_ORIENTATION_CONFIDENCE = 2.0  # Tesseract's OSD: below this its guess is noise
AS_IS_FORMATS = ("PNG", "JPEG")  # read by Tesseract's own decoder exactly as Pillow reads them
AS_IS_MODES = ("1", "L", "P", "RGB")
AS_IS_SIDE = 5000  # larger pictures go as Sova's reduced copy (a 40 MP photo: 7000 px)
TIMEOUT = 120.0

__all__ = ["ImageText", "OcrUnavailable", "read_text"]


@dataclass(frozen=True)
class ImageText:
    """What Tesseract read: the text (lines, paragraphs separated by blank lines) and how
    sure it was."""

    text: str
    confidence: float  # mean word confidence of the kept lines, 0-100 (0: no text)
    words: int
    turned: int = 0  # degrees the picture was turned (clockwise) to be read


def read_text(picture: "Picture", languages: str = "rus+eng", cancel: CancelToken | None = None,
              timeout: float = TIMEOUT) -> ImageText:
    """The text in ``picture`` (empty when there is none); OcrUnavailable when
    Tesseract or a language is not installed."""
    missing = missing_for_tesseract(languages)
    if missing:
        raise OcrUnavailable("reading text in pictures needs " + ", ".join(missing), missing=missing)
    with tempfile.TemporaryDirectory(prefix="sova-img-") as tmp:  # private: mode 0700
        grey: "Image | None" = None
        if _as_is(picture):
            src = picture.path
        else:
            grey = picture.image.convert("L")
            src = _save(grey, Path(tmp) / "picture.png")
        first = _read(src, languages, timeout, cancel)
        if first.words >= SURE_WORDS and first.confidence >= SURE_CONFIDENCE:
            return first
        turn = _orientation(src, timeout, cancel)
        if not turn:
            return first
        grey = grey if grey is not None else picture.image.convert("L")
        upright = _save(grey.rotate(-turn, expand=True), Path(tmp) / "upright.png")  # Pillow turns anticlockwise
        second = _read(upright, languages, timeout, cancel)
        if second.words * second.confidence > first.words * first.confidence:
            return ImageText(second.text, second.confidence, second.words, turned=turn)
        return first


def _as_is(picture: "Picture") -> bool:
    """Whether Tesseract can be given the file itself and see what Sova sees."""
    exif_turn = picture.exif.get("Orientation") not in (None, 1)
    return (picture.format in AS_IS_FORMATS and picture.mode in AS_IS_MODES and picture.frames == 1
            and not picture.transparent and not exif_turn and max(picture.width, picture.height) <= AS_IS_SIDE)


def _save(image: "Image", path: Path) -> Path:
    image.save(path, compress_level=1)  # fast: the file lives for one run
    return path


def _read(src: Path, languages: str, timeout: float, cancel: CancelToken | None) -> ImageText:
    tsv = run_tesseract([str(src), "stdout", "-l", languages, "--psm", "3", "tsv"], timeout=timeout, cancel=cancel)
    return parse_tsv(tsv.decode("utf-8", "replace"))


_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.M)
_ORIENT_CONF = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.M)


def _orientation(src: Path, timeout: float, cancel: CancelToken | None) -> int:
    """Degrees to turn the picture clockwise to make it upright (0: upright, or too
    little text to tell)."""
    try:
        out = run_tesseract([str(src), "stdout", "--psm", "0"], timeout=timeout, cancel=cancel)
    except (OcrUnavailable, Cancelled):
        raise
    except SovaError:  # "Too few characters to detect orientation": nothing to turn
        return 0
    text = out.decode("utf-8", "replace")
    rotate, conf = _ROTATE.search(text), _ORIENT_CONF.search(text)
    if rotate is None or conf is None or float(conf.group(1)) < MIN_ORIENTATION_CONFIDENCE:
        return 0
    turn = int(rotate.group(1)) % 360
    return turn if turn in (90, 180, 270) else 0


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
