"""Reading a picture the user gave Sova: safely, upright, in plain RGB, never too big.

Pillow reads whatever it knows (PNG, JPEG, WebP, BMP, GIF, TIFF, ICO, PPM, ...). What
can go wrong becomes an ``ImageError`` whose code names the reason and whose
parameters name the file: "image_missing", "image_empty", "image_not_image" (Pillow knows no format
for the bytes, whatever the extension says), "image_corrupt" (damaged or truncated),
"image_unsupported" (a variant of a format Pillow cannot decode),
"image_too_large" (more pixels than a camera makes: a decompression bomb). Nothing here
keeps a file open once it returns.

A picture is read once at full size only when it is small; a big JPEG is decoded
straight at a reduced scale (Pillow's ``draft``), so a 40 MP photo costs a fraction
of its full decode. Analysis (OCR, labels, colours) works on ``WORK_SIDE`` pixels at
most: enough for a page of text, and what keeps a phone photo fast.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.types import SovaError

if TYPE_CHECKING:
    from PIL.Image import Image

# The largest photos cameras and phones make are ~200 MP; a bigger picture is a
# decompression bomb (a tiny file that would take gigabytes to decode).
MAX_PIXELS = 250_000_000
WORK_SIDE = 3000  # a scanned A4 page at 250 dpi, a 4K screenshot: OCR still reads them


# What the window offers and routes to pictures (Pillow reads each; checked by a test).
# Any other file Pillow knows is read too when it comes in by another way (a paste).
SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".jfif", ".webp", ".bmp", ".gif", ".tif", ".tiff",
                             ".ico", ".ppm", ".pgm", ".pbm", ".tga", ".psd", ".jp2", ".dib", ".pcx")


class ImageError(SovaError):
    """A picture Sova cannot read; ``code`` says why, ``params['name']`` which file."""


@dataclass(frozen=True)
class Picture:
    """A picture as read: RGB, upright, at most ``WORK_SIDE`` on its longer side."""

    path: Path
    image: "Image"
    format: str  # Pillow's name: "PNG", "JPEG", "WEBP", ...
    width: int  # the original's size, as shown (after its EXIF orientation)
    height: int
    mode: str  # the original's pixel mode ("RGB", "CMYK", "I;16", "P", ...)
    frames: int = 1  # an animation's frame count (the first one is read)
    exif: dict[str, Any] = field(default_factory=dict)  # raw EXIF tags (name -> value)
    transparent: bool = False  # the original has transparency (shown here on white)


def read_picture(path: Path, work_side: int = WORK_SIDE) -> Picture:
    """The picture in ``path``, ready for analysis, or an ``ImageError`` that names the
    file and the reason."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageError(f"{name}: {exc.strerror or exc}", code="image_missing", name=name) from exc
    if size == 0:
        raise ImageError(f"{name}: the file is empty", code="image_empty", name=name)
    try:
        with warnings.catch_warnings():
            # Pillow warns above ~89 MP (our own limit decides: a 108 MP photo is real)
            # and about damaged metadata it skips: neither is the user's business.
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                fmt = im.format or path.suffix.lstrip(".").upper()
                w, h = im.size
                if w * h > MAX_PIXELS:
                    raise ImageError(f"{name}: {w} x {h} pixels is too large to be a photo",
                                     code="image_too_large", name=name, width=w, height=h)
                frames = int(getattr(im, "n_frames", 1) or 1)
                mode = im.mode
                transparent = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
                exif = _exif(im)
                if im.format == "JPEG" and max(w, h) > work_side:
                    im.draft("RGB", (work_side, work_side))  # decode at 1/2, 1/4 or 1/8 scale
                im.load()
                upright = ImageOps.exif_transpose(im) or im
                rgb = _to_rgb(upright)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{name}: {exc}", code="image_too_large", name=name) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name}: not a picture Sova can read", code="image_not_image", name=name) from exc
    except NotImplementedError as exc:  # a variant of the format Pillow cannot decode
        raise ImageError(f"{name}: this kind of {path.suffix.lstrip('.').upper() or 'picture'} cannot be read "
                         f"({exc})", code="image_unsupported", name=name, reason=str(exc)) from exc
    except Exception as exc:
        # Pillow's plugins raise OSError, ValueError, SyntaxError, EOFError, struct.error
        # and more for damaged data ("image file is truncated", "broken data stream", a
        # bad header field): whichever it is, this file cannot be shown.
        raise ImageError(f"{name}: the picture is damaged ({exc})", code="image_corrupt", name=name,
                         reason=str(exc)) from exc
    orient = exif.get("Orientation")
    if orient in (5, 6, 7, 8):  # turned a quarter: the shown size is the stored one swapped
        w, h = h, w
    if max(rgb.size) > work_side:
        rgb.thumbnail((work_side, work_side), Image.Resampling.LANCZOS)
    return Picture(path=path, image=rgb, format=fmt, width=w, height=h, mode=mode, frames=frames, exif=exif,
                   transparent=transparent)


def _to_rgb(im: "Image") -> "Image":
    """Plain 8-bit RGB: transparency laid on white (as a viewer shows it), 16-bit and
    float pixels scaled down, CMYK and palettes converted."""
    from PIL import Image

    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        import numpy as np

        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        return Image.fromarray(((a - lo) * scale).astype(np.uint8), "L").convert("RGB")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB") if im.mode != "RGB" else im.copy()


def _exif(im: "Image") -> dict[str, Any]:
    """EXIF tags by name, with the Exif and GPS sub-directories merged in."""
    from PIL import ExifTags

    try:
        raw = im.getexif()
    except Exception:  # a damaged EXIF block must not cost the picture
        return {}
    out: dict[str, Any] = {}
    for tag, value in raw.items():
        out[ExifTags.TAGS.get(tag, str(tag))] = value
    for ifd, names in ((ExifTags.IFD.Exif, ExifTags.TAGS), (ExifTags.IFD.GPSInfo, ExifTags.GPSTAGS)):
        try:
            sub = raw.get_ifd(ifd)
        except Exception:
            continue
        for tag, value in sub.items():
            key = names.get(tag, str(tag))
            out[("GPS" + key) if ifd == ExifTags.IFD.GPSInfo and not key.startswith("GPS") else key] = value
    return out
