"""The "Comment / suggest a better answer" dialog of one answer.

Stars, a comment and a better answer the user writes (Sova gives it to the model as an
example when a similar question comes, and training learns from it). Save stores all
three; Remove rating forgets the rating; an error keeps the dialog open with what was
typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.rating_icons import rating_icon
from app.ui.theme import status_colors

if TYPE_CHECKING:
    from app.core.assistant import Rating

EXCERPT_CHARS = 220


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_CHARS else line[:EXCERPT_CHARS - 1].rstrip() + "…"


class StarPicker(QWidget):
    """Five stars; clicking the chosen one again clears the choice."""

    sig_changed = Signal(object)  # int 1..5 or None

    def __init__(self, stars: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("starPicker")
        self._stars = stars
        self.buttons: list[QToolButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for n in range(1, 6):
            b = QToolButton(self)
            b.setAutoRaise(True)
            b.setIconSize(QSize(24, 24))
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _=False, n=n: self.set_stars(None if self._stars == n else n))
            layout.addWidget(b)
            self.buttons.append(b)
        self._paint()

    def stars(self) -> int | None:
        return self._stars

    def set_stars(self, stars: int | None) -> None:
        if stars != self._stars:
            self._stars = stars
            self._paint()
            self.sig_changed.emit(stars)

    def _paint(self) -> None:
        ratio = self.devicePixelRatioF()
        for n, b in enumerate(self.buttons, 1):
            b.setIcon(rating_icon("star", self._stars is not None and n <= self._stars, self.palette(), 24, ratio))
            b.setToolTip(self.tr("%1 of 5 stars").replace("%1", str(n)))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() in (QEvent.Type.PaletteChange, QEvent.Type.LanguageChange):
            self._paint()
        super().changeEvent(e)


class RatingDialog(QDialog):
    """Stars, comment and a better answer for one answer; emits what to store."""

    sig_save = Signal(dict)  # fields for Assistant.rate_answer (stars, comment, correction)
    sig_remove = Signal()

    def __init__(self, question: str, answer: str, rating: "Rating | None", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDialog")
        self.resize(620, 560)
        self.answer = answer
        self.rating = rating
        self.heading = QLabel(self)
        self.heading.setObjectName("ratingHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.question = QLabel(self)
        self.question.setObjectName("ratingQuestion")
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self._question_text = _excerpt(question)
        self.question.setVisible(bool(question.strip()))
        self.stars = StarPicker(rating.stars if rating is not None else None, self)
        self.stars_label = QLabel(self)
        self.stars.sig_changed.connect(lambda _: self._show_stars())
        self.comment_label = QLabel(self)
        self.comment = QPlainTextEdit(self)
        self.comment.setObjectName("ratingComment")
        self.comment.setTabChangesFocus(True)
        self.comment.setPlainText(rating.comment if rating is not None else "")
        self.comment.setFixedHeight(self.comment.fontMetrics().lineSpacing() * 3 + 14)
        self.correction_label = QLabel(self)
        self.correction_label.setWordWrap(True)
        self.correction = QPlainTextEdit(self)
        self.correction.setObjectName("ratingCorrection")
        self.correction.setTabChangesFocus(True)
        self.correction.setPlainText(rating.correction if rating is not None else "")
        self.copy_answer = QPushButton(self)
        self.copy_answer.setObjectName("ratingCopyAnswer")
        self.copy_answer.clicked.connect(self._start_from_answer)
        self.error = QLabel(self)
        self.error.setObjectName("ratingError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Apart on the left: removing is not one of the ways to finish an edit.
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("ratingRemove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(rating is not None)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.remove_button.clicked.connect(self.sig_remove.emit)

        stars_row = QHBoxLayout()
        stars_row.addWidget(self.stars)
        stars_row.addSpacing(8)
        stars_row.addWidget(self.stars_label, 1)
        correction_head = QHBoxLayout()
        correction_head.addWidget(self.correction_label, 1)
        correction_head.addWidget(self.copy_answer, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.question)
        layout.addLayout(stars_row)
        layout.addSpacing(4)
        layout.addWidget(self.comment_label)
        layout.addWidget(self.comment)
        layout.addSpacing(4)
        layout.addLayout(correction_head)
        layout.addWidget(self.correction, 1)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self._retranslate()
        self.comment.setFocus()

    # ---- texts -------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Rate the answer"))
        self.heading.setText(self.tr("How good was this answer?"))
        self.question.setText(self.tr("Your question: %1").replace("%1", self._question_text))
        self.comment_label.setText(self.tr("Comment:"))
        self.comment.setPlaceholderText(self.tr("What was good, what was wrong or missing? (optional)"))
        self.correction_label.setText(self.tr("A better answer (optional). Sova shows it to the model as an example "
                                              "when you ask something similar, and training learns from it:"))
        self.correction.setPlaceholderText(self.tr("Write the answer you expected…"))
        self.copy_answer.setText(self.tr("Start from Sova’s answer"))
        self.copy_answer.setToolTip(self.tr("Put Sova’s answer into the editor to correct it"))
        self.remove_button.setText(self.tr("Remove rating"))
        self.remove_button.setToolTip(self.tr("Forget the stars, thumb, comment and better answer of this answer"))
        self._show_stars()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def _show_stars(self) -> None:
        n = self.stars.stars()
        self.stars_label.setText(self.tr("No stars") if n is None else self.tr("%1 of 5").replace("%1", str(n)))

    # ---- actions -----------------------------------------------------------------------

    def _start_from_answer(self) -> None:
        if self.correction.toPlainText().strip():
            self.correction.appendPlainText("\n" + self.answer)
        else:
            self.correction.setPlainText(self.answer)
        self.correction.setFocus()

    def fields(self) -> dict[str, Any]:
        """What Save stores: stars (None clears), comment and better answer."""
        return {"stars": self.stars.stars(), "comment": self.comment.toPlainText().strip(),
                "correction": self.correction.toPlainText().strip()}

    def save(self) -> None:
        """Ask the owner to store the fields (it closes the dialog when that worked)."""
        self.error.hide()
        self.sig_save.emit(self.fields())

    def show_error(self, text: str) -> None:
        self.error.setStyleSheet(f"color: {status_colors(self.palette()).error}")
        self.error.setText(text)
        self.error.show()
