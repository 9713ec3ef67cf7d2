"""Rating answers in the chat: thumbs and stars under each complete answer, and the
"Comment…" dialog for a comment and a better answer.

The chat view draws the controls in an answer's footer: thumbs and stars as one image
(its x tells ``sova:rate:up``, ``sova:rate:down`` or ``sova:rate:star:<n>``) and the
``sova:rate:comment`` link; ``Rater`` turns a click into a facade call and repaints only
that row. Clicking the thumb or star that is
already chosen takes it back. A rating whose every part was taken back is removed.
Errors leave as translated text (``sig_error``), never as exceptions.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QWidget

from app.core.types import Message, MessageStatus, Role
from app.ui.rating_icons import STRIP_ICON, STRIP_WIDTH, strip_center, strip_control, strip_image

if TYPE_CHECKING:
    from app.core.assistant import Assistant, Rating
    from app.ui.chat_model import ChatModel

RATE = "sova:rate:"
STRIP = RATE + "strip"  # the link of the thumbs-and-stars image; the view asks control_at which one


def rateable(message: Message, streaming: bool) -> bool:
    """Whether an answer shows rating controls: a stored, complete assistant answer
    (model-free replies too)."""
    return (message.role == Role.ASSISTANT and not streaming and message.id is not None
            and message.status == MessageStatus.COMPLETE and bool(message.content.strip()))


def footer_html(doc: QTextDocument, rating: "Rating | None", palette: QPalette, ratio: float = 1.0) -> str:
    """The rating controls for an answer's footer: the strip image (thumbs and stars, one
    link ``sova:rate:strip`` that ``control_at`` splits) and "Comment…"; the image is
    added to ``doc``."""
    thumb = rating.thumb if rating is not None else None
    stars = rating.stars if rating is not None else None
    name = f"sova-icon:rating-t{thumb or 0}-s{stars or 0}"
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), strip_image(thumb, stars, palette, ratio))
    strip = (f"<a href='{STRIP}'><img src='{name}' width='{STRIP_WIDTH}' height='{STRIP_ICON}' "
             f"style='vertical-align: middle'></a>")
    has_text = rating is not None and bool(rating.comment or rating.correction)
    if has_text:
        label = QCoreApplication.translate("Rating", "Edit comment…")
    else:
        label = QCoreApplication.translate("Rating", "Comment…")
    return f"{strip}&nbsp;&nbsp;&nbsp;<a href='{RATE}comment'>{html.escape(label)}</a>"


def control_at(x: float) -> str:
    """The href of the control ``x`` pixels into the strip ("" in a gap)."""
    control = strip_control(x)
    return RATE + control if control else ""


def control_center(href: str) -> float | None:
    """Where a control's middle is in the strip (None: not a strip control)."""
    return strip_center(href[len(RATE):]) if href.startswith(RATE) else None


def tooltip(href: str, rating: "Rating | None") -> str:
    """What a rating control does (shown on hover)."""
    what = href[len(RATE):]
    if what == "up":
        if rating is not None and rating.thumb == 1:
            return QCoreApplication.translate("Rating", "Good answer (click again to take it back)")
        return QCoreApplication.translate("Rating", "Good answer")
    if what == "down":
        if rating is not None and rating.thumb == -1:
            return QCoreApplication.translate("Rating", "Bad answer (click again to take it back)")
        return QCoreApplication.translate("Rating", "Bad answer")
    if what.startswith("star:"):
        n = what.split(":", 1)[1]
        if rating is not None and str(rating.stars) == n:
            return QCoreApplication.translate("Rating", "%1 of 5 stars (click again to take it back)").replace("%1", n)
        return QCoreApplication.translate("Rating", "%1 of 5 stars").replace("%1", n)
    if what == "comment":
        text = QCoreApplication.translate("Rating", "Comment or suggest a better answer")
        if rating is not None and rating.comment:
            comment = QCoreApplication.translate("Rating", "Your comment: %1")
            text += "\n\n" + comment.replace("%1", rating.comment[:300])
        if rating is not None and rating.correction:
            text += "\n" + QCoreApplication.translate("Rating", "You wrote a better answer.")
        return text
    return ""


def error_text(exc: BaseException) -> str:
    """The window's words for a rating error (by its code)."""
    code = getattr(exc, "code", "")
    params: dict[str, Any] = getattr(exc, "params", {}) or {}
    if code == "rating_not_found":
        return QCoreApplication.translate("Rating", "This answer is no longer stored, so it cannot be rated.")
    if code == "rating_invalid":
        field = params.get("field")
        if field == "comment":
            return QCoreApplication.translate("Rating", "The comment is too long (at most 2000 characters).")
        if field == "correction":
            return QCoreApplication.translate("Rating", "The better answer is too long (at most 8000 characters).")
        if field == "stars":
            return QCoreApplication.translate("Rating", "Choose from 1 to 5 stars.")
        return QCoreApplication.translate("Rating", "This rating cannot be stored.")
    reason = str(exc) or type(exc).__name__
    return QCoreApplication.translate("Rating", "The rating could not be saved: %1").replace("%1", reason)


class Rater(QObject):
    """Rates the answers shown in a ChatModel through the facade."""

    sig_rated = Signal(object, object)  # message id, the Rating (None: removed)
    sig_error = Signal(str)  # a translated reason

    def __init__(self, assistant: "Assistant", model: "ChatModel", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.model = model
        self._parent = parent
        self.dialog: Any = None  # the open comment dialog (tests fill it in)
        # Replaceable in tests: how the dialog is shown.
        self.show_dialog: Callable[[Any], None] = lambda d: d.open()

    def on_link(self, row: int, href: str) -> None:
        """A click on a rating control of ``row``'s answer."""
        what = href[len(RATE):]
        rating = self.model.rating(row)
        if what == "up":
            self.rate(row, thumb=None if rating is not None and rating.thumb == 1 else 1)
        elif what == "down":
            self.rate(row, thumb=None if rating is not None and rating.thumb == -1 else -1)
        elif what.startswith("star:"):
            n = int(what.split(":", 1)[1])
            self.rate(row, stars=None if rating is not None and rating.stars == n else n)
        elif what == "comment":
            self.open_dialog(row)

    def rate(self, row: int, **fields: Any) -> "Rating | None":
        """Change the rating of ``row``'s answer (fields as ``Assistant.rate_answer``);
        returns the stored rating, None when it was removed or failed."""
        message = self.model.message(row)
        if message.id is None:
            return None
        mid = message.id
        try:
            rating = self.assistant.rate_answer(mid, **fields)
            if not rating.rated and not rating.comment:
                # Everything was taken back: no empty rating is left behind.
                self.assistant.unrate_answer(mid)
                rating = None
        except Exception as exc:  # a rating must never cost the chat
            self.sig_error.emit(error_text(exc))
            return None
        self._show(mid, rating)
        return rating

    def remove(self, row: int) -> bool:
        """Forget the rating of ``row``'s answer."""
        mid = self.model.message(row).id
        if mid is None:
            return False
        try:
            self.assistant.unrate_answer(mid)
        except Exception as exc:
            self.sig_error.emit(error_text(exc))
            return False
        self._show(mid, None)
        return True

    def _show(self, message_id: int, rating: "Rating | None") -> None:
        # The row may have moved (or gone) while a dialog was open: find it again.
        row = self.model.row_of(message_id)
        if row is not None:
            self.model.set_rating(row, rating)
        self.sig_rated.emit(message_id, rating)

    def open_dialog(self, row: int) -> Any:
        """The comment / better-answer dialog for ``row``'s answer (non-blocking)."""
        from app.ui.rating_dialog import RatingDialog

        message = self.model.message(row)
        if message.id is None:
            return None
        question = ""
        for r in range(row - 1, -1, -1):
            if self.model.message(r).role == Role.USER:
                question = self.model.text(r)
                break
        dialog = RatingDialog(question, self.model.text(row), self.model.rating(row), self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        mid = message.id
        dialog.sig_save.connect(lambda fields: self._save_from_dialog(dialog, mid, fields))
        dialog.sig_remove.connect(lambda: self._remove_from_dialog(dialog, mid))
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None) if self.dialog is dialog else None)
        self.dialog = dialog
        self.show_dialog(dialog)
        return dialog

    def _save_from_dialog(self, dialog: Any, message_id: int, fields: dict[str, Any]) -> None:
        row = self.model.row_of(message_id)
        if row is None:
            dialog.show_error(error_text(_Gone()))
            return
        try:
            rating = self.assistant.rate_answer(message_id, **fields)
            if not rating.rated and not rating.comment:
                self.assistant.unrate_answer(message_id)
                rating = None
        except Exception as exc:
            dialog.show_error(error_text(exc))  # the dialog stays open with what was typed
            return
        self._show(message_id, rating)
        dialog.accept()

    def _remove_from_dialog(self, dialog: Any, message_id: int) -> None:
        row = self.model.row_of(message_id)
        if row is not None and self.remove(row):
            dialog.accept()


class _Gone(Exception):
    code = "rating_not_found"
