"""Small widgets the window is built from: the input box and the message banner."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QWidget

from app.ui.theme import is_dark

# Banner (background, text) per kind; the dark ones keep the text readable on a dark window.
_LIGHT_COLORS = {"error": ("#fdecea", "#8e1b1b"), "warning": ("#fff4e0", "#7a4b00"), "info": ("#e8f1fd", "#173f73")}
_DARK_COLORS = {"error": ("#3b1f1f", "#ffb4ab"), "warning": ("#3a2d14", "#f0c274"), "info": ("#1c2a3d", "#a8c8ff")}


class ChatInput(QPlainTextEdit):
    """The question box: Enter sends, Shift+Enter starts a new line; grows with its text."""

    sig_submit = Signal()
    sig_cancel_edit = Signal()  # Escape while editing the last question
    sig_image = Signal(QImage)  # a picture was pasted
    sig_files = Signal(list)  # picture files were pasted (list[Path])
    sig_nothing_to_paste = Signal()  # Ctrl+V with neither text nor a picture on the clipboard

    MAX_LINES = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatInput")
        self.setTabChangesFocus(True)
        self.document().contentsChanged.connect(self._fit)
        self._spoken = False
        self._length = 0  # characters before the last change
        self.document().contentsChange.connect(self._on_change)
        self._retranslate()
        self._fit()

    # ---- spoken questions ------------------------------------------------------------

    @property
    def spoken(self) -> bool:
        """The text came (at least partly) from a voice transcript: fixing a word keeps
        it spoken; emptying the box or replacing all of its text makes it typed again."""
        return self._spoken and bool(self.toPlainText().strip())

    def mark_spoken(self) -> None:
        """A transcript was put into the box (the voice feature calls this)."""
        if self.toPlainText().strip():
            self._spoken = True

    def _on_change(self, _position: int, removed: int, _added: int) -> None:
        length = len(self.toPlainText())
        if length == 0 or (self._length and removed >= self._length):
            self._spoken = False
        self._length = length

    def _retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Ask Sova… (Enter sends, Shift+Enter for a new line)"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif e.type() == QEvent.Type.FontChange:
            self._fit()  # the font size was changed in Settings: lines got taller or shorter
        super().changeEvent(e)

    # ---- pasting pictures -------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or bool(_picture_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """A pasted picture (or picture files) goes with the question; text is text."""
        files = _picture_files(source)
        if files:
            self.sig_files.emit(files)
        elif source.hasImage():
            image = QImage(source.imageData())
            if not image.isNull():
                self.sig_image.emit(image)
        else:
            super().insertFromMimeData(source)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.matches(QKeySequence.StandardKey.Paste):
            data = QGuiApplication.clipboard().mimeData()
            if data is None or not (data.hasText() or data.hasImage() or data.hasUrls()):
                self.sig_nothing_to_paste.emit()
                return
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = e.modifiers()
            if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
                self.insertPlainText("\n")  # a new line, not a send
                return
            self.sig_submit.emit()  # Enter and Ctrl+Enter both send
            return
        if e.key() == Qt.Key.Key_Escape:
            self.sig_cancel_edit.emit()
            return
        super().keyPressEvent(e)

    def _fit(self) -> None:
        # Height follows the text, between one and MAX_LINES lines.
        line = self.fontMetrics().lineSpacing()
        lines = max(1, min(self.MAX_LINES, int(self.document().size().height())))
        margins = self.contentsMargins()
        frame = 2 * round(self.document().documentMargin()) + margins.top() + margins.bottom()
        self.setFixedHeight(lines * line + frame + 4)

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


def _picture_files(source: QMimeData) -> list:  # list[Path]
    """Local picture files among pasted URLs (copied in a file manager)."""
    from pathlib import Path

    from app.core.filetypes import category_of

    if not source.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in source.urls() if u.isLocalFile()]
    return [p for p in paths if category_of(p) == "image"]


class Banner(QFrame):
    """A non-blocking message strip above the chat (errors, model restarts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self._dark: bool | None = None  # the theme the colours were chosen for
        self.hide()
        self._retranslate()

    def _retranslate(self) -> None:
        self.close_button.setToolTip(self.tr("Dismiss"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif e.type() == QEvent.Type.PaletteChange and self.kind and self._dark != is_dark():
            self._style()  # the theme was switched while the banner was up
        super().changeEvent(e)

    def _style(self) -> None:
        self._dark = is_dark()
        colors = _DARK_COLORS if self._dark else _LIGHT_COLORS
        bg, fg = colors.get(self.kind, colors["info"])
        name = self.objectName() or "banner"  # subclasses (the training notice) keep their own name
        self.setStyleSheet(f"#{name} {{ background: {bg}; border: 1px solid {fg}40; border-radius: 6px; }}"
                           f" #{name} QLabel, #{name} QToolButton {{ color: {fg}; }}")

    def show_message(self, text: str, kind: str = "error", timeout_ms: int = 0) -> None:
        """Show ``text``; kind is "error", "warning" or "info"; 0 = until dismissed."""
        self.kind = kind
        self._style()
        self.label.setText(text)
        self.show()
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    @property
    def text(self) -> str:
        return self.label.text()
