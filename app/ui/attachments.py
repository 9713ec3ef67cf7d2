"""Pictures waiting to go with the next question: a strip of thumbnails above the input
box, each with a button that takes it off again.

A picture joins only after the core has read it (``Assistant.check_image``, in a
worker, with the thumbnail made there too: a 40 MP photo never decodes on the UI
thread); one it cannot read never joins, and the banner names the file and the reason.
Pasted pictures are saved as PNG files in the cache folder first (in a worker as well).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.ui.codes import error_text
from app.ui.workers import FunctionWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Assistant

THUMB = 64  # the strip's thumbnails, in device-independent pixels
MAX_PICTURES = 8  # more than this in one question only dilutes what the model gets


def thumbnail(path: Path, side: int) -> QImage:
    """The picture scaled to fit ``side`` (EXIF orientation applied), decoded at that
    size where the format allows it (JPEG). Safe off the UI thread."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():  # a format Qt does not read (the core did): an empty tile
        image = QImage(side, side, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.lightGray)
    return image


class _Tile(QFrame):
    sig_remove = Signal()

    def __init__(self, path: Path, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentTile")
        self.path = path
        pic = QLabel(self)
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        pic.setPixmap(pixmap)
        pic.setFixedSize(THUMB, THUMB)
        pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pic.setToolTip(path.name)
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.clicked.connect(self.sig_remove.emit)
        name = QLabel(self)
        name.setText(self.fontMetrics().elidedText(path.name, Qt.TextElideMode.ElideMiddle, THUMB + 16))
        name.setObjectName("attachmentName")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(pic)
        top.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.setSpacing(0)
        box.addLayout(top)
        box.addWidget(name)
        self._retranslate()

    def _retranslate(self) -> None:
        self.remove.setToolTip(self.tr("Remove this picture"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)


class AttachmentStrip(QWidget):
    """The pictures for the next question (hidden while there are none)."""

    sig_error = Signal(str)  # a message for the banner, in the window's language
    sig_changed = Signal()  # a picture joined or left

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments")
        self.assistant = assistant
        self._tiles: list[_Tile] = []
        self._pending = 0  # pictures being checked
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.hide()

    # ---- what the chat asks ------------------------------------------------------------

    def paths(self) -> list[Path]:
        return [t.path for t in self._tiles]

    @property
    def busy(self) -> bool:
        """Pictures are still being checked (the question waits for them)."""
        return self._pending > 0

    def clear(self) -> None:
        for tile in self._tiles:
            tile.deleteLater()
        self._tiles.clear()
        self.hide()
        self.sig_changed.emit()

    def add_paths(self, paths: list[Path]) -> None:
        """Check each picture in a worker; those the core reads join the strip."""
        for path in paths:
            if len(self._tiles) + self._pending >= MAX_PICTURES:
                self.sig_error.emit(self.tr("At most %1 pictures go with one question.").replace("%1", str(MAX_PICTURES)))
                return
            if path in self.paths():
                continue
            self._pending += 1
            ratio = self.devicePixelRatioF()
            worker = FunctionWorker(self._prepare, path, round(THUMB * ratio))
            worker.signals.sig_result.connect(lambda image, p=path: self._joined(p, image))
            worker.signals.sig_error.connect(lambda exc, p=path: self._refused(p, exc))
            worker.signals.sig_finished.connect(self._done_one)
            start(worker)

    def add_image(self, image: QImage) -> None:
        """A pasted picture: saved as a PNG in the cache folder (in a worker), then added."""
        folder = self.assistant.paths.cache / "pasted"
        name = time.strftime("pasted-%Y%m%d-%H%M%S") + f"-{int(time.time() * 1000) % 1000:03d}.png"
        worker = FunctionWorker(_save_png, image.copy(), folder / name)
        worker.signals.sig_result.connect(lambda path: self.add_paths([path]))
        worker.signals.sig_error.connect(lambda exc: self.sig_error.emit(
            self.tr("The pasted picture could not be saved: %1").replace("%1", str(exc))))
        start(worker)

    # ---- worker results ------------------------------------------------------------------

    def _prepare(self, path: Path, side: int) -> QImage:
        self.assistant.check_image(path)  # ImageError names the file and the reason
        return thumbnail(path, side)

    def _joined(self, path: Path, image: QImage) -> None:
        tile = _Tile(path, image, self)
        tile.sig_remove.connect(lambda t=tile: self._remove(t))
        self._tiles.append(tile)
        self._layout.insertWidget(len(self._tiles) - 1, tile)
        self.show()
        self.sig_changed.emit()

    def _refused(self, path: Path, exc: Any) -> None:
        code = getattr(exc, "code", None)
        params = dict(getattr(exc, "params", {}) or {})
        params.setdefault("name", path.name)
        self.sig_error.emit(error_text(code, params, str(exc)))

    def _done_one(self) -> None:
        self._pending = max(0, self._pending - 1)
        self.sig_changed.emit()

    def _remove(self, tile: _Tile) -> None:
        if tile in self._tiles:
            self._tiles.remove(tile)
            tile.deleteLater()
        if not self._tiles:
            self.hide()
        self.sig_changed.emit()


def _save_png(image: QImage, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


class AttachButton(QToolButton):
    """📎: choose pictures to send with the question."""

    def __init__(self, strip: AttachmentStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachButton")
        self.setText("📎")
        self.setAutoRaise(True)
        self._strip = strip
        self.clicked.connect(self.choose)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setToolTip(self.tr("Attach pictures to ask about (or paste one with Ctrl+V, or drop it here)"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def choose(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from app.core.filetypes import IMAGE_SUFFIXES

        pattern = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach pictures"), "",
                                                self.tr("Pictures (%1)").replace("%1", pattern))
        if files:
            self._strip.add_paths([Path(f) for f in files])


def attach_pictures(chat: Any) -> tuple[AttachmentStrip, AttachButton]:
    """The chat's strip and 📎 button, wired to its input box (paste) and banner."""
    strip = AttachmentStrip(chat.assistant, chat)
    strip.sig_error.connect(lambda text: chat.banner.show_message(text, "warning", 12000))
    strip.sig_changed.connect(chat._update_controls)
    button = AttachButton(strip, chat)
    chat.input.sig_image.connect(strip.add_image)
    chat.input.sig_files.connect(strip.add_paths)
    chat.input.sig_nothing_to_paste.connect(lambda: chat.banner.show_message(
        QCoreApplication.translate("AttachmentStrip", "The clipboard holds no picture and no text to paste."),
        "info", 6000))
    return strip, button

