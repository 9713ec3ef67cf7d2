"""The voice button's drawn parts: the microphone icon and the input level meter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget


def mic_icon(color: str) -> QIcon:
    """A microphone drawn with QPainter (emoji fonts are missing on many Linux systems)."""
    pix = QPixmap(64, 64)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), 5)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawRoundedRect(QRectF(22, 4, 20, 34), 10, 10)  # the capsule
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(13, 14, 38, 34), 180 * 16, 180 * 16)  # the holder
    p.drawLine(32, 48, 32, 57)
    p.drawLine(22, 58, 42, 58)
    p.end()
    return QIcon(pix)


class LevelMeter(QWidget):
    """A slim vertical bar: input loudness from -60 dBFS (empty) to 0 dBFS (full)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceLevel")
        self._fraction = 0.0
        self.setFixedWidth(8)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    @property
    def fraction(self) -> float:
        return self._fraction

    def set_level(self, dbfs: float) -> None:
        fraction = min(1.0, max(0.0, (dbfs + 60.0) / 60.0))
        if abs(fraction - self._fraction) > 0.005:
            self._fraction = fraction
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(8, 32)

    def paintEvent(self, _e: QEvent) -> None:  # type: ignore[override]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.palette().mid().color().lighter(130))
        p.drawRoundedRect(r, 3, 3)
        if self._fraction > 0:
            h = r.height() * self._fraction
            color = QColor("#2e9d4f") if self._fraction < 0.85 else QColor("#d9822b")
            p.setBrush(color)
            p.drawRoundedRect(QRectF(r.left(), r.bottom() - h, r.width(), h), 3, 3)
        p.end()
