"""Sova's main window: conversations on the left, the chat in the middle, documents and
sources on the right, model state in the status bar.

Nothing here blocks: the model loads in a worker after the window is shown, answers
stream through ChatPanel's workers, and errors show as banners and in the chat.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QProgressBar, QSplitter, QToolBar, QWidget

from app.core import filetypes
from app.core.types import Citation, GenerationStats, ModelEvent, ModelPhase
from app.ui import codes, workers
from app.ui.app import freeze_heap
from app.ui.chat import ChatPanel
from app.ui.chat_view import warm_up
from app.ui.conversations import ConversationList
from app.ui.source_panel import SourcePanel
from app.ui.workers import FunctionWorker

if TYPE_CHECKING:
    from app.core.assistant import Assistant

# The core's lists: the window accepts exactly the files the core reads.
DOCUMENT_SUFFIXES = filetypes.DOCUMENT_SUFFIXES
AUDIO_SUFFIXES = filetypes.AUDIO_SUFFIXES


def route_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    """Split dropped paths into (documents incl. folders, audio files, pictures, unsupported)."""
    docs: list[Path] = []
    audio: list[Path] = []
    images: list[Path] = []
    other: list[Path] = []
    for p in paths:
        category = "document" if p.is_dir() else filetypes.category_of(p)
        if category == "document":
            docs.append(p)
        elif category == "audio":
            audio.append(p)
        elif category == "image":
            images.append(p)
        else:
            other.append(p)
    return docs, audio, images, other


class MainWindow(QMainWindow):
    sig_model_ready = Signal(str)  # model name
    sig_model_failed = Signal(str)  # readable reason
    sig_model_event = Signal(object)  # ModelEvent from the core (emitted on core threads)
    _sig_settings_saved = Signal(object)  # the changed keys (emitted on whichever thread saved)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._loader: FunctionWorker | None = None
        self._model_event: ModelEvent = assistant.model_state
        self._stats: GenerationStats | None = None

        # ---- centre: conversations | chat
        self.conversations = ConversationList(assistant, self)
        self.chat = ChatPanel(assistant, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.conversations)
        self.splitter.addWidget(self.chat)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 760])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        # ---- right: documents (another feature's panel) and sources
        from app.ui.documents import DocumentsPanel

        self.documents = DocumentsPanel(assistant, self)
        self.documents_dock = QDockWidget(self)
        self.documents_dock.setObjectName("documentsDock")
        self.documents_dock.setWidget(self.documents)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.documents_dock)
        self.documents_dock.hide()
        self.source = SourcePanel(self)
        self.source_dock = QDockWidget(self)
        self.source_dock.setObjectName("sourceDock")
        self.source_dock.setWidget(self.source)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.source_dock)
        self.source_dock.hide()

        # ---- toolbar
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.new_action = QAction(self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_conversation)
        self.documents_action = self.documents_dock.toggleViewAction()
        self.diagnostics_dock: QDockWidget | None = None  # created on first use (QtCharts)
        self.diagnostics_action = QAction(self)
        self.diagnostics_action.setCheckable(True)
        self.diagnostics_action.toggled.connect(self.show_diagnostics)
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.search_action = QAction(self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(lambda: self.conversations.search_box.setFocus())
        self.addAction(self.search_action)
        self.toolbar.addAction(self.new_action)
        self.toolbar.addAction(self.documents_action)
        self.toolbar.addAction(self.diagnostics_action)
        self.toolbar.addAction(self.settings_action)

        # ---- status bar
        self.model_label = QLabel(self)
        self.model_label.setObjectName("modelLabel")
        self.stats_label = QLabel(self)
        self.stats_label.setObjectName("statsLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("loadProgress")
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.stats_label)
        self.statusBar().addPermanentWidget(self.model_label)

        # ---- wiring
        self.conversations.sig_selected.connect(self._on_conversation_selected)
        self.conversations.sig_new.connect(self.new_conversation)
        self.conversations.sig_deleted.connect(self._on_conversation_deleted)
        self.conversations.sig_renamed.connect(lambda _: self.chat.refresh_title())
        self.chat.sig_conversations_changed.connect(self.conversations.refresh)
        self.chat.sig_conversation_created.connect(self._on_conversation_created)
        self.chat.sig_stats.connect(self._on_stats)
        self.chat.sig_status.connect(self._on_chat_status)
        self.chat.sig_citation.connect(self.show_citation)
        self.chat.sig_add_document.connect(lambda path: (self.documents_dock.show(), self.documents.add_paths([path])))
        self.chat.sig_show_fact.connect(self.show_fact)
        self.chat.collections_provider = self.documents.collection_names
        # The model's life (loading, crashes, restarts) is the core's; the window shows it.
        self.sig_model_event.connect(self._on_model_event, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe_model = assistant.subscribe_model(self.sig_model_event.emit)
        # Background model work (conversation titles) changes what the list shows.
        from app.ui.jobs import JobBridge

        self.background_jobs = JobBridge(assistant.jobs, ("background-model",), self)
        self.background_jobs.sig_job.connect(self._on_background_job)
        # The adapter in use shows next to the model: it changes when one is chosen, rolled
        # back or activated by a finished training run (saved from the job's thread).
        self._sig_settings_saved.connect(self._on_settings_saved, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe_settings = assistant.subscribe_settings(self._sig_settings_saved.emit)
        # The training offer: a notice above the chat, checked on a worker (start_background_checks).
        from app.ui.training_notice import TrainingNotice, TrainingTrigger

        self.training_notice = TrainingNotice(self.chat)
        self.chat.banner_box.addWidget(self.training_notice)
        self.training_trigger = TrainingTrigger(assistant, self.training_notice, self)
        self.training_notice.sig_train_now.connect(self.train_now)
        self.training_notice.sig_show.connect(self.show_training)

        self.settings_dialog = None
        self._retranslate()
        self._restore_geometry()
        first = self.conversations.ids()
        self.open_conversation(first[0] if first else None)
        # The first bubble renders Markdown: have the parser imported before it is needed.
        workers.start(FunctionWorker(warm_up))
        freeze_heap()

    # ---- texts -----------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sova"))
        self.new_action.setText(self.tr("New chat"))
        self.documents_action.setText(self.tr("Documents"))
        self.documents_action.setToolTip(self.tr("Show or hide your documents"))
        self.documents_dock.setWindowTitle(self.tr("Documents"))
        self.source_dock.setWindowTitle(self.tr("Source"))
        self.settings_action.setText(self.tr("Settings"))
        self.diagnostics_action.setText(self.tr("Diagnostics"))
        self.diagnostics_action.setToolTip(self.tr("Live figures: speed, memory, queue and the health of each part"))
        if self.diagnostics_dock is not None:
            self.diagnostics_dock.setWindowTitle(self.tr("Diagnostics"))
        self.toolbar.setWindowTitle(self.tr("Toolbar"))
        self._show_model_state()
        self._show_stats()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    # ---- conversations ------------------------------------------------------------------

    def open_conversation(self, conversation_id: int | None, focus_message_id: int | None = None) -> None:
        self.chat.show_conversation(conversation_id, focus_message_id)
        self.conversations.set_current(conversation_id)

    def new_conversation(self) -> None:
        """Show an empty chat; it is stored when the first question is sent."""
        self.conversations.search_box.clear()
        self.open_conversation(None)

    def _on_conversation_selected(self, conversation_id: int, message_id: object) -> None:
        self.open_conversation(conversation_id, message_id if isinstance(message_id, int) else None)

    def _on_conversation_created(self, conversation_id: int) -> None:
        self.conversations.current_id = conversation_id
        self.conversations.refresh()

    def _on_conversation_deleted(self, conversation_id: int) -> None:
        if self.chat.streaming_conversation == conversation_id:
            self.chat.stop()  # its answer has nowhere to go
        if self.chat.conversation_id == conversation_id:
            ids = self.conversations.ids()
            self.open_conversation(ids[0] if ids else None)

    # ---- model ---------------------------------------------------------------------------

    def start_model_load(self) -> None:
        """Load the active model in the background; progress shows in the status bar.

        The core queues the load behind an answer that is streaming, so the model is
        never pulled from under it."""
        if self._loader is not None:
            return
        self.progress.setValue(0)
        self.progress.setRange(0, 0)  # busy until the first fraction arrives
        self.progress.show()
        if not self.assistant.model_loaded:  # say so at once; the core's events follow
            self._model_event = ModelEvent(ModelPhase.LOADING, self._model_name())
            self._show_model_state()
        worker = FunctionWorker(self.assistant.load_model, job=True)
        worker.signals.sig_finished.connect(self._on_load_finished)
        self._loader = worker
        workers.start(worker)

    def _on_load_finished(self) -> None:
        self._loader = None
        if self._model_event.phase != ModelPhase.LOADING:
            self.progress.hide()

    def _on_model_event(self, event: ModelEvent) -> None:
        previous = self._model_event
        self._model_event = event
        if event.phase == ModelPhase.LOADING:
            if isinstance(event.fraction, (int, float)) and event.fraction > 0:
                self.progress.setRange(0, 1000)
                self.progress.setValue(round(1000 * float(event.fraction)))
            self.progress.show()
        elif self._loader is None:
            self.progress.hide()
        self._show_model_state()
        banner = codes.model_banner(event)
        if banner is not None:
            text, kind = banner
            self.chat.banner.show_message(text, kind, 4000 if kind == "info" else 0)
        if event.phase == ModelPhase.READY and previous.phase != ModelPhase.READY or (
            event.phase == ModelPhase.READY and event.code
        ):
            freeze_heap()  # what the load and the startup jobs imported is here to stay
            self.sig_model_ready.emit(event.model)
        elif event.phase == ModelPhase.FAILED:
            self.sig_model_failed.emit(event.detail or event.code)

    def _show_model_state(self) -> None:
        event = self._model_event
        if event.phase in (ModelPhase.IDLE, ModelPhase.READY) or not event.model:
            text = self._model_name()
            adapter = self.adapter_in_use()
            if adapter:
                text = self.tr("%1 · adapter %2").replace("%2", adapter).replace("%1", text)
        else:
            text = codes.model_status(event)
        self.model_label.setText(text)
        self.model_label.setToolTip(event.detail)

    def adapter_in_use(self) -> str:
        """The adapter version the local model answers with ("" = none, or a server answers)."""
        s = self.assistant.settings
        if s.backend != "local":
            return ""
        return s.learning.adapters.get(s.active_model, "")

    def _on_settings_saved(self, keys: frozenset[str]) -> None:
        if any(k.startswith(("learning.adapters", "active_model", "backend")) for k in keys):
            self._show_model_state()

    def _model_name(self) -> str:
        try:
            return self.assistant.active_model_name
        except Exception:
            return self.assistant.settings.active_model

    def _on_background_job(self, event: object) -> None:
        if getattr(event, "kind", "") == "title" and getattr(getattr(event, "state", None), "final", False):
            self.conversations.refresh()
            self.chat.refresh_title()

    # ---- status ----------------------------------------------------------------------------

    def _on_stats(self, stats: GenerationStats) -> None:
        self._stats = stats
        self._show_stats()

    def _show_stats(self) -> None:
        s = self._stats
        if s is None:
            self.stats_label.setText("")
            return
        n_ctx = s.n_ctx or self.assistant.settings.generation.n_ctx
        self.stats_label.setText(
            self.tr("%1 tok/s · context %2 / %3")
            .replace("%1", f"{s.tokens_per_second:.1f}")
            .replace("%2", str(s.context_used))
            .replace("%3", str(n_ctx))
        )
        self.stats_label.setToolTip(
            self.tr("%1 prompt tokens (%2 evaluated), %3 answer tokens")
            .replace("%1", str(s.prompt_tokens))
            .replace("%2", str(s.evaluated_prompt_tokens))
            .replace("%3", str(s.completion_tokens))
        )

    def _on_chat_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 5000)
        else:
            self.statusBar().clearMessage()

    # ---- sources -----------------------------------------------------------------------------

    def show_citation(self, citation: Citation, answer: str = "") -> None:
        self.source.show_citation(citation, answer)
        first = not self.source_dock.isVisible()
        self.source_dock.show()
        self.source_dock.raise_()
        if first and self.documents_dock.isVisible() and not self.documents_dock.isFloating():
            # The passage is what the user came for: give it most of the right side.
            # After the dock is laid out (its height is not known yet).
            QTimer.singleShot(0, self._give_source_room)

    def _give_source_room(self) -> None:
        h = self.documents_dock.height() + self.source_dock.height()
        self.resizeDocks([self.documents_dock, self.source_dock], [h * 2 // 5, h * 3 // 5],
                         Qt.Orientation.Vertical)

    # ---- diagnostics ------------------------------------------------------------------

    def show_diagnostics(self, on: bool = True) -> None:
        """Show or hide the Diagnostics dock (live charts refresh only while it is shown)."""
        if on and self.diagnostics_dock is None:
            from app.ui.diagnostics import DiagnosticsPage

            dock = QDockWidget(self)
            dock.setObjectName("diagnosticsDock")
            dock.setWidget(DiagnosticsPage(self.assistant, dock))
            dock.setWindowTitle(self.tr("Diagnostics"))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.visibilityChanged.connect(self._on_diagnostics_visibility)
            self.diagnostics_dock = dock
        if self.diagnostics_dock is not None:
            self.diagnostics_dock.setVisible(on)
        if self.diagnostics_action.isChecked() != on:
            self.diagnostics_action.setChecked(on)

    def _on_diagnostics_visibility(self, _visible: bool) -> None:
        # Closed with the dock's own button: keep the toolbar button in step.
        shown = self.diagnostics_dock is not None and not self.diagnostics_dock.isHidden()
        self.diagnostics_action.blockSignals(True)
        self.diagnostics_action.setChecked(shown)
        self.diagnostics_action.blockSignals(False)

    # ---- settings ------------------------------------------------------------------------------

    def open_settings(self, page: str | None = None) -> "Any":
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.assistant, self)
        dialog.sig_generation_changed.connect(self._on_generation_changed)
        dialog.sig_backend_changed.connect(lambda _backend: self._on_generation_changed())
        dialog.sig_active_model_changed.connect(lambda _: self.start_model_load())
        personas = dialog.pages.get("personas")
        if personas is not None:
            personas.sig_changed.connect(self.chat.refresh_personas)  # type: ignore[attr-defined]
        memory = dialog.pages.get("memory")
        if memory is not None:
            memory.sig_open_conversation.connect(self._open_fact_source)  # type: ignore[attr-defined]
        privacy = dialog.pages.get("privacy")
        if privacy is not None and hasattr(privacy, "sig_data_deleted"):
            privacy.sig_data_deleted.connect(self._on_data_deleted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "settings_dialog", None))
        dialog.finished.connect(lambda _: self.chat.refresh_personas())
        if page:
            dialog.show_page(page)
        dialog.open()  # window-modal, does not block the event loop
        return dialog

    # ---- training ------------------------------------------------------------------------------

    def start_background_checks(self) -> None:
        """After the window shows: the training trigger's first check, then one every hour."""
        self.training_trigger.start()

    def show_training(self) -> "Any":
        """Settings → Feedback and training → Training; returns the tab."""
        dialog = self.settings_dialog or self.open_settings("feedback")
        page = dialog.show_page("feedback")
        page.show_tab(page.training)  # type: ignore[attr-defined]
        return page.training  # type: ignore[attr-defined]

    def train_now(self) -> "Any":
        """The notice's "Train now": the Training tab, and the run started there."""
        tab = self.show_training()
        tab.start_training()
        return tab

    def show_fact(self, fact_id: int) -> None:
        """Settings → Memory with one fact selected (from an answer's details)."""
        dialog = self.settings_dialog or self.open_settings("memory")
        dialog.show_page("memory").select_fact(fact_id)  # type: ignore[attr-defined]

    def _open_fact_source(self, conversation_id: int, message_id: int) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.accept()
        self.open_conversation(conversation_id, message_id)

    def _on_data_deleted(self) -> None:
        self.conversations.refresh()
        self.open_conversation(None)

    def _on_generation_changed(self) -> None:
        # Sampling options apply to the next answer; a changed context size reloads the
        # model (the core waits for a streaming answer to end first).
        worker = FunctionWorker(self.assistant.apply_generation_settings)
        worker.signals.sig_finished.connect(self.start_model_load)
        workers.start(worker)

    # ---- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasUrls() and any(u.isLocalFile() for u in e.mimeData().urls()):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: QEvent) -> None:  # type: ignore[override]
        e.acceptProposedAction()  # type: ignore[attr-defined]

    def dropEvent(self, e: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.open_paths(paths)

    def open_paths(self, paths: list[Path]) -> None:
        """Documents and folders go to the documents panel, audio to voice input,
        pictures to the next question."""
        docs, audio, images, other = route_paths(paths)
        if docs:
            self.documents_dock.show()
            self.documents.add_paths(docs)
        for path in audio:
            self.chat.voice.transcribe_file(path)
        if images:
            self.chat.attachments.add_paths(images)
        if other:
            names = ", ".join(p.name for p in other[:5])
            # File names go in last, so a '%2' in a name is not replaced.
            self.chat.banner.show_message(
                self.tr("Sova cannot open these files: %1. It reads documents (%2), audio (%3) and pictures (%4).")
                .replace("%2", ", ".join(DOCUMENT_SUFFIXES)).replace("%3", ", ".join(AUDIO_SUFFIXES))
                .replace("%4", ", ".join(filetypes.IMAGE_SUFFIXES))
                .replace("%1", names),
                "warning", 10000,
            )

    # ---- geometry and shutdown -------------------------------------------------------------------

    def _qsettings(self) -> QSettings:
        # QSettings only for window geometry, kept with Sova's other config files.
        return QSettings(str(self.assistant.paths.config / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        s = self._qsettings()
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)
        state = s.value("state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = s.value("splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def save_geometry(self) -> None:
        s = self._qsettings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("splitter", self.splitter.saveState())
        s.sync()

    def closeEvent(self, e: QCloseEvent) -> None:
        self._unsubscribe_model()
        self._unsubscribe_settings()
        self.training_trigger.stop()
        self.save_geometry()
        self.chat.cancel_all()
        if self._loader is not None:
            self._loader.cancel()
        workers.shutdown(5000)
        super().closeEvent(e)
