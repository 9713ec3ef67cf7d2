"""Drawn rating icons: thumbs up/down and stars, on or off, in the palette's colours.

Drawn rather than emoji, so they look the same on every system (many Linux desktops have
no colour emoji font) and stay sharp at any device pixel ratio. Under an answer the
controls are one image, the *strip* (thumb up, thumb down, five stars): one inline
object lays out several times faster than seven, which matters in a chat of hundreds of
answers; ``strip_control`` and ``strip_center`` map between its x and the control there.
Images are cached by state, colour, size and pixel ratio.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPalette, QPen, QPixmap, QTransform

from app.ui.theme import is_dark

STAR_ON_LIGHT, STAR_ON_DARK = "#e8a317", "#f7c948"
UP_LIGHT, UP_DARK = "#2e7d32", "#7ee787"
DOWN_LIGHT, DOWN_DARK = "#c62828", "#ff7b72"


def _thumb_path() -> QPainterPath:
    """A thumb up in a 24×24 box: the sleeve on the left, the hand with the thumb up."""
    hand = QPainterPath()
    hand.moveTo(8.5, 10.0)
    hand.lineTo(12.3, 3.6)
    hand.cubicTo(13.0, 2.4, 15.6, 2.6, 15.3, 4.9)
    hand.lineTo(14.6, 9.0)
    hand.lineTo(20.2, 9.0)
    hand.cubicTo(21.6, 9.0, 22.5, 10.3, 22.1, 11.6)
    hand.lineTo(20.1, 19.6)
    hand.cubicTo(19.8, 20.5, 19.1, 21.0, 18.2, 21.0)
    hand.lineTo(9.6, 21.0)
    hand.cubicTo(9.0, 21.0, 8.5, 20.5, 8.5, 19.9)
    hand.closeSubpath()
    sleeve = QPainterPath()
    sleeve.addRoundedRect(QRectF(2.0, 10.0, 4.2, 11.0), 1.0, 1.0)
    return hand.united(sleeve)


def _star_path() -> QPainterPath:
    """A five-pointed star in a 24×24 box."""
    import math

    path = QPainterPath()
    cx, cy, outer, inner = 12.0, 12.6, 10.6, 4.6
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        point = QPointF(cx + r * math.cos(a), cy + r * math.sin(a))
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


@lru_cache(maxsize=64)
def _image(kind: str, on: bool, color: str, size: int, ratio: float) -> QImage:
    px = max(1, round(size * ratio))
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(ratio)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 24.0, size / 24.0)
    path = _star_path() if kind == "star" else _thumb_path()
    if kind == "down":
        # Upside down and mirrored, as a thumb down is drawn everywhere.
        path = QTransform(-1, 0, 0, -1, 24, 24).map(path)
    c = QColor(color)
    if on:
        p.setPen(QPen(c, 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        p.setBrush(c)
    else:
        p.setPen(QPen(c, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.end()
    return image


def icon_color(kind: str, on: bool, palette: QPalette) -> str:
    """The colour of an icon: gold stars, a green thumb up, a red thumb down; grey when off."""
    if not on:
        # Between the text and the background: visible, yet quieter than the words.
        text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
        t = 0.55
        return QColor(round(text.red() * t + base.red() * (1 - t)), round(text.green() * t + base.green() * (1 - t)),
                      round(text.blue() * t + base.blue() * (1 - t))).name()
    dark = is_dark(palette)
    if kind == "star":
        return STAR_ON_DARK if dark else STAR_ON_LIGHT
    if kind == "up":
        return UP_DARK if dark else UP_LIGHT
    return DOWN_DARK if dark else DOWN_LIGHT


def rating_image(kind: str, on: bool, palette: QPalette, size: int, ratio: float = 1.0) -> QImage:
    """``kind`` is "up", "down" or "star"; ``size`` in logical pixels."""
    return _image(kind, on, icon_color(kind, on, palette), size, ratio)


def rating_icon(kind: str, on: bool, palette: QPalette, size: int = 20, ratio: float = 1.0) -> QIcon:
    """The same drawing as a QIcon (buttons in the rating dialog)."""
    return QIcon(QPixmap.fromImage(rating_image(kind, on, palette, size, ratio)))


# ---- the strip under an answer ------------------------------------------------------------

STRIP_ICON = 16  # logical pixels
_THUMB_GAP, _GROUP_GAP, _STAR_GAP = 6, 14, 2


def _strip_slots() -> list[tuple[str, int]]:
    """(control, left x) of each control in the strip: "up", "down", "star:1".."star:5"."""
    slots = [("up", 0), ("down", STRIP_ICON + _THUMB_GAP)]
    x = 2 * STRIP_ICON + _THUMB_GAP + _GROUP_GAP
    for n in range(1, 6):
        slots.append((f"star:{n}", x))
        x += STRIP_ICON + _STAR_GAP
    return slots


SLOTS = _strip_slots()
STRIP_WIDTH = SLOTS[-1][1] + STRIP_ICON


def strip_control(x: float) -> str:
    """The control at ``x`` logical pixels from the strip's left edge ("" between them:
    a click in a gap does nothing rather than the wrong thing)."""
    for control, left in SLOTS:
        if left - 1 <= x < left + STRIP_ICON + 1:
            return control
    return ""


def strip_center(control: str) -> float | None:
    """The x of a control's middle in the strip (tests click there)."""
    for name, left in SLOTS:
        if name == control:
            return left + STRIP_ICON / 2
    return None


def strip_image(thumb: int | None, stars: int | None, palette: QPalette, ratio: float = 1.0) -> QImage:
    """The controls of one rating state, as one image ``STRIP_WIDTH`` × ``STRIP_ICON``."""
    colors = tuple(icon_color(kind, on, palette) for kind, on in
                   (("up", False), ("up", True), ("down", False), ("down", True), ("star", False), ("star", True)))
    return _strip(thumb, stars, colors, ratio)


@lru_cache(maxsize=64)
def _strip(thumb: int | None, stars: int | None, colors: tuple[str, ...], ratio: float) -> QImage:
    image = QImage(max(1, round(STRIP_WIDTH * ratio)), max(1, round(STRIP_ICON * ratio)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(ratio)
    p = QPainter(image)
    for control, left in SLOTS:
        if control == "up":
            icon = _image("up", thumb == 1, colors[1 if thumb == 1 else 0], STRIP_ICON, ratio)
        elif control == "down":
            icon = _image("down", thumb == -1, colors[3 if thumb == -1 else 2], STRIP_ICON, ratio)
        else:
            on = stars is not None and int(control[5:]) <= stars
            icon = _image("star", on, colors[5 if on else 4], STRIP_ICON, ratio)
        p.drawImage(QPointF(left, 0), icon)
    p.end()
    return image
