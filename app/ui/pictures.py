"""Pictures in the conversation: thumbnails in the question's bubble (made in workers,
cached) and a full-size view on click.

The bubble of a question sent with pictures shows each one as a thumbnail link
(``sova:picture:<i>``); until a thumbnail is ready (a worker decodes it at its small
size) the picture's name stands in its place. The viewer loads the picture scaled to
the screen, also in a worker, so a 40 MP photo never stalls the window.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.ui.attachments import thumbnail
from app.ui.workers import FunctionWorker, start

BUBBLE_THUMB = 96
LINK = "sova:picture:"


class ThumbnailCache(QObject):
    """Thumbnails of stored pictures by path; a missing one is made in a worker and
    ``sig_ready`` tells the view to draw again."""

    sig_ready = Signal()

    def __init__(self, side: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._side = side
        self._images: dict[Path, QImage] = {}
        self._loading: set[Path] = set()

    def get(self, path: Path) -> QImage | None:
        image = self._images.get(path)
        if image is None and path not in self._loading and path.is_file():
            self._loading.add(path)
            worker = FunctionWorker(thumbnail, path, self._side)
            worker.signals.sig_result.connect(lambda img, p=path: self._ready(p, img))
            worker.signals.sig_finished.connect(lambda p=path: self._loading.discard(p))
            start(worker)
        return image

    def _ready(self, path: Path, image: QImage) -> None:
        self._images[path] = image
        if len(self._images) > 300:
            self._images.pop(next(iter(self._images)))
        self.sig_ready.emit()


def record_path(record: dict[str, Any], stored: Callable[[dict[str, Any]], Path]) -> Path | None:
    """Where a message's picture is: its stored copy, or (before the core has kept
    one) the file the user chose."""
    if record.get("file"):
        return stored(record)
    if record.get("source"):
        return Path(str(record["source"]))
    return None


def bubble_html(doc: QTextDocument, records: list[dict[str, Any]], paths: list[Path | None],
                cache: ThumbnailCache, ratio: float, key: str) -> str:
    """Thumbnail links for a bubble's pictures (their names while thumbnails load)."""
    parts: list[str] = []
    for i, (record, path) in enumerate(zip(records, paths)):
        name = html.escape(str(record.get("name", "")))
        image = cache.get(path) if path is not None else None
        if image is None:
            parts.append(f"<a href='{LINK}{i}'>🖼 {name}</a>")
            continue
        url = f"sova-picture:{key}-{i}"
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        w = round(image.width() / ratio)
        h = round(image.height() / ratio)
        parts.append(f"<a href='{LINK}{i}'><img src='{url}' width='{w}' height='{h}' title='{name}'></a>")
    return "&nbsp;".join(parts)


class PictureViewer(QDialog):
    """One picture, as large as the screen allows; "Add to documents" indexes its text
    with the picture as the cited source."""

    sig_add_document = Signal(object)  # Path

    def __init__(self, path: Path, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pictureViewer")
        self.setWindowTitle(name)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setText(self.tr("Loading…"))
        scroll = QScrollArea(self)
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.add_button = buttons.addButton(self.tr("Add to documents"), QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.setToolTip(self.tr("Index the text in this picture, so answers from documents can find and cite it"))
        self.add_button.clicked.connect(lambda: (self.sig_add_document.emit(path), self.accept()))
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry().size() if self.screen() else QSize(1280, 800)
        self.resize(min(1200, screen.width() - 80), min(900, screen.height() - 80))
        side = round(max(screen.width(), screen.height()) * self.devicePixelRatioF())
        worker = FunctionWorker(thumbnail, path, side)
        worker.signals.sig_result.connect(self._show)
        worker.signals.sig_error.connect(lambda exc: self.label.setText(str(exc)))
        start(worker)

    def _show(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.label.setPixmap(pixmap)
        self.label.setText("")


class PictureBubbles:
    """The chat view's part for pictures: where a message's picture is, thumbnail links
    for its bubble, and a new layout once a thumbnail is ready."""

    def set_picture_resolver(self, stored: Callable[[dict[str, Any]], Path]) -> None:
        """How to find a message's stored picture (the facade knows); enables thumbnails."""
        self._stored_picture = stored
        self._thumbs = ThumbnailCache(round(BUBBLE_THUMB * self.devicePixelRatioF()), self)  # type: ignore[attr-defined, arg-type]
        self._thumbs.sig_ready.connect(self._on_thumbs_ready)

    def picture_path(self, record: dict[str, Any]) -> Path | None:
        resolver = getattr(self, "_stored_picture", None)
        return record_path(record, resolver) if resolver is not None else None

    def pictures_html(self, doc: QTextDocument, records: list[dict[str, Any]], key: str) -> str:
        if getattr(self, "_thumbs", None) is None:
            return " ".join("🖼 " + html.escape(str(r.get("name", ""))) for r in records)
        paths = [self.picture_path(r) for r in records]
        return bubble_html(doc, records, paths, self._thumbs, self.devicePixelRatioF(), key)  # type: ignore[attr-defined]

    def _on_thumbs_ready(self) -> None:
        self._delegate.clear()  # type: ignore[attr-defined]
        self.scheduleDelayedItemsLayout()  # type: ignore[attr-defined]
        self.viewport().update()  # type: ignore[attr-defined]


def open_picture(chat: Any, row: int, i: int) -> None:
    """Open the ``i``-th picture of the question in the chat's ``row`` in a viewer whose
    "Add to documents" goes to the chat's ``sig_add_document``."""
    records = list((chat.model.message(row).details or {}).get("images", []))
    path = chat.view.picture_path(records[i]) if i < len(records) else None
    if path is not None:
        viewer = PictureViewer(path, str(records[i].get("name", "")), chat)
        viewer.sig_add_document.connect(chat.sig_add_document)
        viewer.open()

