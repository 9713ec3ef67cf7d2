"""Plain facts about a picture: its size, its main colours, and what the camera wrote
(date, make and model; the place only when the user allows it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.images.reading import Picture

# Named colours a person would use; the nearest one (in RGB) names a dominant colour.
COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "silver": (192, 192, 192),
    "red": (200, 30, 30), "dark red": (120, 10, 10), "orange": (240, 140, 20), "yellow": (240, 220, 40),
    "beige": (225, 205, 165), "brown": (120, 75, 35), "green": (40, 150, 50), "dark green": (20, 80, 30),
    "olive": (128, 128, 0), "teal": (0, 128, 128), "cyan": (40, 210, 220), "light blue": (150, 200, 240),
    "blue": (30, 70, 200), "navy": (10, 20, 90), "purple": (120, 40, 150), "pink": (240, 150, 190),
    "magenta": (210, 40, 170),
}
MIN_SHARE = 0.08  # a colour covering less of the picture is not worth naming


@dataclass(frozen=True)
class Facts:
    """What can be said about a picture without understanding it."""

    width: int
    height: int
    format: str
    colours: list[tuple[str, float]] = field(default_factory=list)  # (name, share of the picture)
    taken: str = ""  # EXIF date and time, "YYYY-MM-DD HH:MM"
    camera: str = ""  # EXIF make and model
    location: tuple[float, float] | None = None  # latitude, longitude (only when allowed)
    frames: int = 1


def facts(picture: "Picture", with_location: bool = False) -> Facts:
    """The facts of a read picture; its GPS position only when ``with_location``."""
    return Facts(width=picture.width, height=picture.height, format=picture.format,
                 colours=dominant_colours(picture), taken=_taken(picture.exif), camera=_camera(picture.exif),
                 location=_location(picture.exif) if with_location else None, frames=picture.frames)


def dominant_colours(picture: "Picture", top: int = 3) -> list[tuple[str, float]]:
    """Up to ``top`` colour names with the share of the picture each covers, largest
    first (colours merged by name, those under ``MIN_SHARE`` left out)."""
    from PIL import Image

    small = picture.image.copy()
    small.thumbnail((96, 96), Image.Resampling.BILINEAR)
    quant = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette = quant.getpalette() or []
    total = small.width * small.height
    shares: dict[str, float] = {}
    for count, index in quant.getcolors() or []:
        rgb = tuple(palette[3 * index:3 * index + 3])
        name = _nearest(rgb)  # type: ignore[arg-type]
        shares[name] = shares.get(name, 0.0) + count / total
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    return [(n, round(s, 2)) for n, s in ranked if s >= MIN_SHARE][:top]


def _nearest(rgb: tuple[int, int, int]) -> str:
    # Weighted distance (the eye is most sensitive to green, least to blue).
    def d(c: tuple[int, int, int]) -> float:
        return 2 * (rgb[0] - c[0]) ** 2 + 4 * (rgb[1] - c[1]) ** 2 + 3 * (rgb[2] - c[2]) ** 2

    return min(COLOURS, key=lambda n: d(COLOURS[n]))


def _text(v: Any) -> str:
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    return str(v).replace("\x00", "").strip() if v is not None else ""


def _taken(exif: dict[str, Any]) -> str:
    raw = _text(exif.get("DateTimeOriginal") or exif.get("DateTime"))
    # EXIF writes "YYYY:MM:DD HH:MM:SS"
    if len(raw) >= 16 and raw[4] == ":" and raw[7] == ":":
        return f"{raw[0:4]}-{raw[5:7]}-{raw[8:10]} {raw[11:16]}"
    return ""


def _camera(exif: dict[str, Any]) -> str:
    make, model = _text(exif.get("Make")), _text(exif.get("Model"))
    if make and model.lower().startswith(make.lower().split()[0]):
        return model  # "Canon" + "Canon EOS 5D": the model already names the make
    return " ".join(p for p in (make, model) if p)


def _location(exif: dict[str, Any]) -> tuple[float, float] | None:
    try:
        lat = _degrees(exif["GPSLatitude"], _text(exif.get("GPSLatitudeRef")) or "N")
        lon = _degrees(exif["GPSLongitude"], _text(exif.get("GPSLongitudeRef")) or "E")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return round(lat, 6), round(lon, 6)


def _degrees(dms: Any, ref: str) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return -value if ref.upper() in ("S", "W") else value
