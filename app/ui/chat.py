"""The chat panel: the message view, the question box, and the answer being streamed.

Every answer runs as a GeneratorWorker over the facade's event generator. Events carry
the id of their request; events of a superseded request (regenerated or abandoned) are
dropped. Tokens are coalesced by a 40 ms timer, so the view repaints at most ~25 times
a second however fast the model is.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterator

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.types import (
    CancelToken,
    ChatEvent,
    Citation,
    DoneEvent,
    GenerationStats,
    Message,
    MessageStatus,
    RestartEvent,
    Role,
    SourcesEvent,
    StatusEvent,
    TokenEvent,
)
from app.ui import codes
from app.ui.chat_header import HeaderActions, PersonaSelector, ScopeButton, persona_name
from app.ui.chat_model import ChatModel
from app.ui.chat_view import ChatView
from app.ui.attachments import attach_pictures
from app.ui.pictures import open_picture
from app.ui.widgets import Banner, ChatInput
from app.ui.workers import FunctionWorker, GeneratorWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Assistant

FLUSH_MS = 40  # token batching interval: 25 repaints a second at most
log = logging.getLogger(__name__)


@dataclass
class _Request:
    id: int
    conversation_id: int
    worker: GeneratorWorker
    model_was_loaded: bool
    text: str = ""
    citations: tuple[Citation, ...] = ()
    note: str = ""
    done: bool = False
    tokens: int = 0
    events: list[str] = field(default_factory=list)


class ChatPanel(HeaderActions, QWidget):
    """Shows one conversation and streams answers into it."""

    sig_stats = Signal(object)  # GenerationStats of the last answer
    sig_status = Signal(str)  # transient text for the status bar ("" clears)
    sig_conversations_changed = Signal()  # a title or the order of conversations changed
    sig_conversation_created = Signal(int)
    sig_busy = Signal(bool)  # an answer started / ended
    sig_citation = Signal(object, str)  # Citation clicked, the answer's text
    sig_answer_done = Signal(object)  # DoneEvent (tests and benchmarks wait for it)
    sig_add_document = Signal(object)  # Path: a picture to index with the documents
    sig_show_fact = Signal(int)  # a remembered fact's id: show it on the Memory page
    sig_rated = Signal(object, object)  # message id, its Rating (None: removed)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.conversation_id: int | None = None
        self._req: _Request | None = None
        self._seq = 0
        self._pending: list[str] = []
        self._editing = False

        self.model = ChatModel(self)
        self.view = ChatView(self)
        self.view.setModel(self.model)
        self.view.set_picture_resolver(assistant.image_file)
        self.view.sig_anchor.connect(self._on_anchor)
        # Thumbs, stars and "Comment…" under each answer (app.ui.rating).
        from app.ui.rating import Rater

        self.rater = Rater(assistant, self.model, self)
        self.rater.sig_rated.connect(self.sig_rated.emit)
        self.rater.sig_error.connect(self._on_rating_error)

        self.title = QLabel(self)
        self.title.setObjectName("chatTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Who answers this conversation: switching persona changes the next answer's
        # prompt and sampling only (the model stays loaded).
        self.persona_combo = PersonaSelector(assistant, self)
        self.persona_combo.sig_chosen.connect(lambda _: self._on_persona_chosen())
        self._scope: tuple[str, ...] = ()
        self._pending_persona: str | None = None  # chosen before the conversation exists
        self.docs_toggle = QCheckBox(self)
        self.docs_toggle.toggled.connect(self._on_docs_toggled)
        # Which collections this conversation answers from (all, or some): a menu of the
        # collections the documents panel knows, filled when it opens.
        self.scope_button = ScopeButton(self)
        self.scope_button.sig_chosen.connect(self.set_scope)
        self.scope_menu = self.scope_button.scope_menu
        self.banner = Banner(self)
        self.edit_hint = QLabel(self)
        self.edit_hint.setObjectName("editHint")
        self.edit_hint.hide()
        self.input = ChatInput(self)
        self.input.sig_submit.connect(self.submit)
        self.input.sig_cancel_edit.connect(self.cancel_edit)
        # Pictures for the next question: attached, pasted or dropped.
        self.attachments, self.attach_button = attach_pictures(self)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(self._on_send_button)

        # The voice button belongs to the voice feature; the window only places it. It is
        # created after the window shows (its module pulls in numpy and QtMultimedia).
        self._voice: QWidget | None = None

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)

        top = QHBoxLayout()
        top.setContentsMargins(12, 8, 12, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.persona_combo)
        top.addWidget(self.docs_toggle)
        top.addWidget(self.scope_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(12, 4, 12, 10)
        bottom.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.input, 1)
        bottom.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        self._bottom = bottom
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        # Other features' notices (the training offer) stack under the banner here.
        self.banner_box = QVBoxLayout()
        self.banner_box.setContentsMargins(12, 0, 12, 0)
        self.banner_box.addWidget(self.banner)
        layout.addLayout(self.banner_box)
        layout.addWidget(self.view, 1)
        hint_box = QHBoxLayout()
        hint_box.setContentsMargins(14, 0, 12, 0)
        hint_box.addWidget(self.edit_hint)
        layout.addLayout(hint_box)
        strip_box = QHBoxLayout()
        strip_box.setContentsMargins(12, 0, 12, 0)
        strip_box.addWidget(self.attachments)
        layout.addLayout(strip_box)
        layout.addLayout(bottom)
        self._retranslate()
        self._update_controls()

    # ---- voice -----------------------------------------------------------------------

    @property
    def voice(self) -> Any:
        """The voice feature's VoiceButton, next to the input box (created on first use)."""
        if self._voice is None:
            from app.ui.voice import VoiceButton

            self._voice = VoiceButton(self.assistant, self.input, self.submit, self)
            # A transcript in the box makes the question a spoken one (until the box is cleared).
            self._voice.sig_segment.connect(lambda _seg: self.input.mark_spoken())
            self._voice.sig_done.connect(lambda text: self.input.mark_spoken() if text else None)
            self._bottom.insertWidget(1, self._voice, 0, Qt.AlignmentFlag.AlignBottom)
        return self._voice

    def prepare_voice(self) -> None:
        """Import the voice module off the UI thread, then place the button."""
        if self._voice is not None:
            return
        worker = FunctionWorker(importlib.import_module, "app.ui.voice")
        worker.signals.sig_finished.connect(lambda: self.voice)
        start(worker)

    # ---- texts ---------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.persona_combo.setToolTip(self.tr("Who answers in this conversation (Settings → Personas)"))
        self.refresh_personas()
        self.docs_toggle.setText(self.tr("Answer from documents"))
        self.docs_toggle.setToolTip(self.tr("Answer this conversation from your indexed documents, with sources"))
        self.scope_button.setToolTip(self.tr("Which document collections this conversation answers from"))
        self._update_scope_button()
        self.edit_hint.setText(self.tr("Editing your last question: Enter resends it, Esc cancels."))
        self.refresh_title()
        self._update_controls()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def refresh_title(self) -> None:
        """Show the conversation's current title (after a rename, or a title made in the background)."""
        conv = self.assistant.conversation(self.conversation_id) if self.conversation_id else None
        from app.core.assistant import DEFAULT_TITLE

        new_chat = self.tr("New chat")
        title = conv.title if conv and conv.title != DEFAULT_TITLE else new_chat  # the default is translated
        self.title.setText(f"<b>{_escape(title)}</b>")

    # ---- state ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """An answer is being generated (in any conversation)."""
        return self._req is not None

    @property
    def streaming_conversation(self) -> int | None:
        """The conversation whose answer is being generated, if any."""
        req = self._req
        return req.conversation_id if req is not None else None

    def _streaming_here(self) -> bool:
        return self._req is not None and self._req.conversation_id == self.conversation_id

    def _update_controls(self) -> None:
        here = self._streaming_here()
        if here:
            self.send_button.setText(self.tr("Stop"))
            self.send_button.setToolTip(self.tr("Stop the answer (the part already written is kept)"))
            self.send_button.setEnabled(True)
        else:
            self.send_button.setText(self.tr("Send"))
            self.send_button.setToolTip(
                self.tr("Wait for the current answer or stop it first") if self.busy else self.tr("Send (Enter)")
            )
            self.send_button.setEnabled(not self.busy)
        self.view.set_busy(self.busy)

    # ---- conversations -----------------------------------------------------------

    def show_conversation(self, conversation_id: int | None, focus_message_id: int | None = None) -> None:
        """Display a conversation (None = a new, not yet created one)."""
        self._flush()
        self.cancel_edit()
        self.conversation_id = conversation_id
        messages = self.assistant.messages(conversation_id) if conversation_id is not None else []
        self.model.set_messages([self._localized(m) for m in messages], self._ratings(conversation_id))
        req = self._req
        if req is not None and req.conversation_id == conversation_id:
            # The answer is still streaming: show what arrived so far, keep streaming.
            row = self.model.last_row(Role.ASSISTANT)
            if row is None or row < (self.model.last_row(Role.USER) or 0):
                row = self.model.append(Message(Role.ASSISTANT, "", model=self.assistant.active_model_name))
            self.model.set_text(row, req.text)
            self.model.set_citations(row, req.citations)
            self.model.set_streaming(row, True)
        conv = self.assistant.conversation(conversation_id) if conversation_id is not None else None
        self._pending_persona = None
        self.refresh_personas()
        self.docs_toggle.blockSignals(True)
        self.docs_toggle.setChecked(bool(conv and conv.collections is not None))
        self.docs_toggle.blockSignals(False)
        self._scope = tuple(conv.collections or ()) if conv else ()
        self._update_scope_button()
        self.refresh_title()
        self._update_controls()
        if focus_message_id is not None:
            for r in range(self.model.rowCount()):
                if self.model.message(r).id == focus_message_id:
                    self.view.scrollTo(self.model.index(r), self.view.ScrollHint.PositionAtTop)
                    break
        self.input.setFocus()

    def _ratings(self, conversation_id: int | None) -> dict[int, Any]:
        """The conversation's ratings, read once per load (one query, not one per answer)."""
        if conversation_id is None:
            return {}
        try:
            return self.assistant.ratings_in(conversation_id)
        except Exception:  # ratings are an extra: the conversation shows without them
            log.exception("reading the ratings of conversation %s failed", conversation_id)
            return {}

    def _on_rating_error(self, text: str) -> None:
        self.banner.show_message(text, "warning", 8000)
        self.sig_status.emit(text)

    def _ensure_conversation(self) -> int:
        if self.conversation_id is None:
            conv = self.assistant.new_conversation(persona=self._pending_persona)
            self._pending_persona = None
            self.conversation_id = conv.id
            self.sig_conversation_created.emit(conv.id)
            if conv.collections is not None and not self.docs_toggle.isChecked():
                self.docs_toggle.blockSignals(True)  # the persona's documents
                self.docs_toggle.setChecked(True)
                self.docs_toggle.blockSignals(False)
                self._scope = tuple(conv.collections)
                self._update_scope_button()
        return self.conversation_id

    # ---- actions -------------------------------------------------------------------

    def submit(self) -> None:
        """Send the input box's text (or resend the edited last question)."""
        text = self.input.toPlainText().strip()
        if not text and not (self.attachments.paths() and not self._editing):
            return
        if self._editing:
            self.edit_last(text)
            return
        if self.busy:
            return
        self.send(text)

    def send(self, text: str, spoken: bool | None = None) -> None:
        """Ask a question in the shown conversation. ``spoken``: it came from the
        microphone (None: as the input box knows, i.e. a transcript is in it)."""
        images = self.attachments.paths()
        if self.busy or self.attachments.busy or not (text.strip() or images):
            return
        spoken = self.input.spoken if spoken is None else spoken
        cid = self._ensure_conversation()
        self.input.clear()
        self.attachments.clear()
        self.banner.hide()
        details: dict[str, Any] = {"spoken": True} if spoken else {}
        if images:
            details["images"] = [{"name": p.name, "source": str(p)} for p in images]
        self.model.append(Message(Role.USER, text, conversation_id=cid, details=details))
        self._start(cid, lambda cancel: self.assistant.ask(cid, text, cancel, spoken=spoken, images=images))

    def stop(self) -> None:
        """Stop the answer being generated; the partial answer is kept."""
        if self._req is not None:
            self._req.worker.cancel()
            self.sig_status.emit(self.tr("Stopping…"))

    def regenerate(self) -> None:
        """Answer the last question again (supersedes an answer still streaming)."""
        if self.conversation_id is None:
            return
        user_row = self.model.last_row(Role.USER)
        if user_row is None:
            return
        self._supersede()
        cid = self.conversation_id
        self.model.truncate(user_row + 1)
        self._start(cid, lambda cancel: self.assistant.regenerate(cid, cancel))

    def start_edit(self) -> None:
        """Put the last question into the input box for editing."""
        row = self.model.last_row(Role.USER)
        if row is None:
            return
        self._editing = True
        self.input.setPlainText(self.model.text(row))
        cursor = self.input.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.input.setTextCursor(cursor)
        self.edit_hint.show()
        self.input.setFocus()

    def cancel_edit(self) -> None:
        if self._editing:
            self._editing = False
            self.edit_hint.hide()
            self.input.clear()

    def edit_last(self, text: str) -> None:
        """Replace the last question with ``text`` and answer it."""
        if self.conversation_id is None:
            return
        row = self.model.last_row(Role.USER)
        if row is None:
            return
        self._supersede()
        self._editing = False
        self.edit_hint.hide()
        self.input.clear()
        cid = self.conversation_id
        self.model.set_text(row, text)
        self.model.truncate(row + 1)
        self._start(cid, lambda cancel: self.assistant.edit_last_user(cid, text, cancel))

    def copy_row(self, row: int) -> None:
        QGuiApplication.clipboard().setText(self.model.text(row))
        self.sig_status.emit(self.tr("Copied"))

    # ---- streaming -----------------------------------------------------------------

    def _supersede(self) -> None:
        """Abandon the running answer: it stops, and its late events are dropped."""
        self._flush()
        if self._req is not None:
            self._req.worker.cancel()
            self._req = None
            row = self.model.streaming_row()
            if row is not None:
                self.model.set_streaming(row, False)

    def _start(self, cid: int, make: Callable[[CancelToken], Iterator[ChatEvent]]) -> None:
        self._seq += 1
        rid = self._seq
        llm = self.assistant.llm
        worker = GeneratorWorker(make, stop_on_cancel=False)
        self._req = _Request(rid, cid, worker, model_was_loaded=bool(llm is not None and llm.loaded))
        conv = self.assistant.conversation(cid)
        persona = persona_name(self.assistant, conv.persona if conv else None)
        self.model.append(Message(Role.ASSISTANT, "", conversation_id=cid, model=self.assistant.active_model_name,
                                  persona=persona), streaming=True)
        worker.signals.sig_item.connect(lambda ev, rid=rid: self._on_event(rid, ev))
        worker.signals.sig_error.connect(lambda exc, rid=rid: self._on_worker_error(rid, exc))
        worker.signals.sig_finished.connect(lambda rid=rid: self._on_finished(rid))
        self._update_controls()
        self.sig_busy.emit(True)
        start(worker)

    def _shown(self, req: _Request) -> int | None:
        """The row streaming this request, if its conversation is on screen."""
        if req.conversation_id != self.conversation_id:
            return None
        return self.model.streaming_row()

    def _on_event(self, rid: int, event: ChatEvent) -> None:
        req = self._req
        if req is None or req.id != rid:
            return  # a superseded request: drop
        if not req.events:
            req.events.append("started")
            # The facade titles a new conversation after its first question.
            self.sig_conversations_changed.emit()
            self.refresh_title()
        if isinstance(event, TokenEvent):
            req.text += event.text
            req.tokens += 1
            if self._shown(req) is not None:
                self._pending.append(event.text)
                if not self._flush_timer.isActive():
                    self._flush_timer.start()
            if req.tokens == 1:
                self.sig_status.emit("")
        elif isinstance(event, SourcesEvent):
            req.citations = event.citations
            row = self._shown(req)
            if row is not None:
                self.model.set_citations(row, event.citations)
        elif isinstance(event, StatusEvent):
            text = codes.status_text(event)
            req.note = text
            self.sig_status.emit(text)
            row = self._shown(req)
            if row is not None and not req.text:
                self.model.set_note(row, text)
        elif isinstance(event, RestartEvent):
            # The core withdrew what streamed (e.g. an answer in the wrong language).
            self._pending.clear()
            req.text = ""
            req.tokens = 0
            text = codes.restart_text(event)
            req.note = text
            self.sig_status.emit(text)
            row = self._shown(req)
            if row is not None:
                self.model.set_text(row, "")
                self.model.set_note(row, text)
        elif isinstance(event, DoneEvent):
            self._finish(req, event)

    def _flush(self) -> None:
        self._flush_timer.stop()
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        row = self.model.streaming_row()
        if row is not None and self._req is not None and self._req.conversation_id == self.conversation_id:
            self.model.append_text(row, text)

    def _finish(self, req: _Request, event: DoneEvent) -> None:
        self._flush()
        req.done = True
        self._req = None
        row = self._shown(req)
        if row is not None:
            error = codes.error_text(event.error_code, event.error_params, event.error) if event.error else None
            self.model.finish(row, self._localized(event.message), error)
        stats: GenerationStats | None = event.message.stats
        if stats is not None:
            self.sig_stats.emit(stats)
        self.sig_status.emit("")
        if event.error:
            # A crash is told by the window's model banner (the core restarts the model).
            if event.error_code != "model_crashed":
                reason = codes.error_text(event.error_code, event.error_params, event.error)
                self.banner.show_message(self.tr("The answer failed: %1").replace("%1", reason), "error")
        elif event.message.status == MessageStatus.INTERRUPTED:
            self.sig_status.emit(self.tr("Stopped; the partial answer is saved."))
        self._update_controls()
        self.sig_busy.emit(False)
        self.sig_conversations_changed.emit()
        self.refresh_title()
        self.sig_answer_done.emit(event)

    def _on_worker_error(self, rid: int, exc: object) -> None:
        # The facade reports model problems in DoneEvent; this is anything else.
        req = self._req
        if req is None or req.id != rid:
            return
        message = Message(Role.ASSISTANT, req.text, conversation_id=req.conversation_id,
                          status=MessageStatus.ERROR if not req.text else MessageStatus.INTERRUPTED)
        self._finish(req, DoneEvent(message, str(exc) or type(exc).__name__))

    def _on_finished(self, rid: int) -> None:
        req = self._req
        if req is not None and req.id == rid and not req.done:
            # The generator ended without a DoneEvent (should not happen): unblock.
            message = Message(Role.ASSISTANT, req.text, conversation_id=req.conversation_id,
                              status=MessageStatus.INTERRUPTED)
            self._finish(req, DoneEvent(message, None))

    # ---- links in bubbles ------------------------------------------------------------

    def _on_anchor(self, row: int, href: str) -> None:
        if href == "sova:copy":
            self.copy_row(row)
        elif href == "sova:stop":
            self.stop()
        elif href == "sova:regenerate":
            self.regenerate()
        elif href == "sova:edit":
            self.start_edit()
        elif href == "sova:details":
            self.show_details(row)
        elif href.startswith("sova:rate:"):
            self.rater.on_link(row, href)
        elif href.startswith("sova:picture:"):
            open_picture(self, row, int(href.rsplit(":", 1)[1]))  # full size, in a viewer
        elif href.startswith("cite:"):
            n = int(href.split(":", 1)[1])
            message = self.model.message(row)
            for c in message.citations:
                if c.n == n:
                    self.sig_citation.emit(c, self.model.text(row))
                    break
        elif href.startswith(("http://", "https://", "file:")):
            QDesktopServices.openUrl(QUrl(href))

    def show_details(self, row: int) -> None:
        """The passages the answer in ``row`` was given, and why (a dialog)."""
        from app.ui.answer_details import AnswerDetailsDialog

        message = self.model.message(row)
        text = self.model.text(row)
        dialog = AnswerDetailsDialog(replace(message, content=text), self)
        dialog.sig_citation.connect(lambda c: self.sig_citation.emit(c, text))
        dialog.sig_fact.connect(self.sig_show_fact.emit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details_dialog = dialog
        dialog.show()

    def _on_send_button(self) -> None:
        if self._streaming_here():
            self.stop()
        else:
            self.submit()

    # ---- shutdown --------------------------------------------------------------------

    def cancel_all(self) -> None:
        if self._req is not None:
            self._req.worker.cancel()


def _escape(text: str) -> str:
    import html

    return html.escape(text)

