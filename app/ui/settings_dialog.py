"""Settings: a list of pages on the left, the chosen page on the right.

Pages are registered in ``PAGES`` (key, builder), in the order they are listed, and are
reached by key (``show_page("memory")``), never by position. This module builds the
General, Generation and Models pages (the backend, the bundled local model or an
OpenAI-compatible server, and the local model picker); the others live in their own
modules and are imported when the dialog opens. A page that has settings to save has an
``apply()`` method, called on OK; pages whose changes apply at once (Personas, Memory,
Privacy) need none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.config import GenerationSettings, RemoteSettings
from app.ui import i18n
from app.ui.codes import error_text
from app.ui.settings_remote import build_remote, remote_error_text
from app.ui.workers import FunctionWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Assistant

ModelIdRole = Qt.ItemDataRole.UserRole + 1
PageKeyRole = Qt.ItemDataRole.UserRole + 2


def _voice_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.voice_settings import VoiceSettingsPage  # QtMultimedia loads with the dialog only

    dialog.voice_page = VoiceSettingsPage(dialog.assistant, dialog)
    return dialog.voice_page


def _personas_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.settings_pages.personas import PersonasPage

    return PersonasPage(dialog.assistant, dialog)


def _memory_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.settings_pages.memory import MemoryPage

    return MemoryPage(dialog.assistant, dialog)


def _feedback_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.settings_pages.feedback import FeedbackPage  # Quality first; Training joins with add_tab()

    return FeedbackPage(dialog.assistant, dialog)


def _appearance_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.settings_pages.appearance import AppearancePage

    return AppearancePage(dialog.assistant, dialog)


def _privacy_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.settings_pages.privacy import PrivacyPage

    return PrivacyPage(dialog.assistant, dialog)


def _diagnostics_page(dialog: "SettingsDialog") -> QWidget:
    from app.ui.diagnostics import DiagnosticsPage  # QtCharts loads with the dialog only

    return DiagnosticsPage(dialog.assistant, dialog)


# The pages, in the order the list shows them.
PAGES: list[tuple[str, Callable[["SettingsDialog"], QWidget]]] = [
    ("general", lambda d: d._build_general()),
    ("appearance", _appearance_page),
    ("personas", _personas_page),
    ("memory", _memory_page),
    ("feedback", _feedback_page),
    ("generation", lambda d: d._build_generation()),
    ("models", lambda d: d._build_models()),
    ("voice", _voice_page),
    ("privacy", _privacy_page),
    ("diagnostics", _diagnostics_page),
]


class SettingsDialog(QDialog):
    """Edits ``assistant.settings``; OK applies and saves. Model changes apply at once."""

    sig_language_changed = Signal(str)  # the language actually installed
    sig_generation_changed = Signal()  # the model must be reloaded with new settings
    sig_active_model_changed = Signal(str)  # model id
    sig_backend_changed = Signal(str)  # "local" | "remote": the LLM must be built again (settings saved)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.setObjectName("settingsDialog")
        self.setMinimumSize(1000, 600)
        # Replaceable in tests: returns a path or "".
        self.choose_gguf: Callable[[], str] = self._choose_gguf_dialog
        self.choose_mmproj: Callable[[Path], str] = self._choose_mmproj_dialog
        self._workers: list[Any] = []

        self.page_list = QListWidget(self)
        self.page_list.setObjectName("settingsPages")
        self.page_list.setFixedWidth(170)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        for key, build in PAGES:
            page = build(self)
            page.setProperty("pageKey", key)
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem("")
            item.setData(PageKeyRole, key)
            self.page_list.addItem(item)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.page_list.setCurrentRow(0)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.refresh_models()
        self._show_backend()

    # ---- the pages built here ------------------------------------------------------------

    def _build_general(self) -> QWidget:
        general = QWidget()
        form = QFormLayout(general)
        self.auto_titles = QCheckBox(general)
        self.auto_titles.setObjectName("autoTitles")
        self.auto_titles.setChecked(self.assistant.settings.auto_titles)
        form.addRow(self.auto_titles)
        self.verbose_logs = QCheckBox(general)
        self.verbose_logs.setObjectName("verboseLogs")
        self.verbose_logs.setChecked(self.assistant.settings.verbose_logs)
        form.addRow(self.verbose_logs)
        return general

    def _build_generation(self) -> QWidget:
        gen = QWidget()
        g = self.assistant.settings.generation
        self.temperature = QDoubleSpinBox(gen)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setValue(g.temperature)
        self.top_p = QDoubleSpinBox(gen)
        self.top_p.setRange(0.05, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setValue(g.top_p)
        self.max_tokens = QSpinBox(gen)
        self.max_tokens.setRange(16, 32768)
        self.max_tokens.setValue(g.max_tokens)
        self.n_ctx = QSpinBox(gen)
        self.n_ctx.setRange(512, 131072)
        self.n_ctx.setSingleStep(512)
        self.n_ctx.setValue(g.n_ctx)
        self.n_threads = QSpinBox(gen)
        self.n_threads.setRange(0, 256)
        self.n_threads.setValue(g.n_threads)
        self.gen_form = QFormLayout(gen)
        self._gen_labels = [QLabel(gen) for _ in range(5)]
        for label, field in zip(self._gen_labels, (self.temperature, self.top_p, self.max_tokens, self.n_ctx, self.n_threads)):
            self.gen_form.addRow(label, field)
        return gen

    def _build_models(self) -> QWidget:
        models = QWidget()
        self.model_list = QListWidget(models)
        self.model_list.setObjectName("modelList")
        self.add_button = QPushButton(models)
        self.add_button.clicked.connect(self.add_gguf)
        self.add_vision_button = QPushButton(models)
        self.add_vision_button.clicked.connect(self.add_vision_pair)
        self.activate_button = QPushButton(models)
        self.activate_button.clicked.connect(self.activate_selected)
        self.model_list.itemDoubleClicked.connect(lambda _: self.activate_selected())
        self.model_status = QLabel(models)
        self.model_status.setWordWrap(True)
        self.model_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mbuttons = QHBoxLayout()
        mbuttons.addWidget(self.add_button)
        mbuttons.addWidget(self.add_vision_button)
        mbuttons.addStretch(1)
        mbuttons.addWidget(self.activate_button)
        self.local_box = QWidget(models)
        local_layout = QVBoxLayout(self.local_box)
        local_layout.setContentsMargins(0, 0, 0, 0)
        local_layout.addWidget(self.model_list, 1)
        local_layout.addLayout(mbuttons)
        local_layout.addWidget(self.model_status)
        self._build_remote(models)
        mlayout = QVBoxLayout(models)
        mlayout.addLayout(self.backend_form)
        mlayout.addWidget(self.local_box, 1)
        mlayout.addWidget(self.remote_box)
        mlayout.addStretch(0)
        return models

    def _build_remote(self, parent: QWidget) -> None:
        build_remote(self, parent)

    def _show_backend(self) -> None:
        remote = self.backend_combo.currentData() == "remote"
        self.local_box.setVisible(not remote)
        self.remote_box.setVisible(remote)

    # ---- texts ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        titles = {
            "general": self.tr("General"), "appearance": self.tr("Appearance"), "personas": self.tr("Personas"),
            "memory": self.tr("Memory"), "feedback": self.tr("Feedback and training"),
            "generation": self.tr("Generation"), "models": self.tr("Models"),
            "voice": self.tr("Voice"), "privacy": self.tr("Privacy"), "diagnostics": self.tr("Diagnostics"),
        }
        for row in range(self.page_list.count()):
            item = self.page_list.item(row)
            item.setText(titles.get(item.data(PageKeyRole), item.data(PageKeyRole)))
        self.auto_titles.setText(self.tr("Let the model title new conversations (in the background)"))
        self.verbose_logs.setText(self.tr("Verbose logs: include chat and document text (for bug reports only)"))
        self.verbose_logs.setToolTip(self.tr("Off: the log files never contain what you wrote or read."))
        for label, text in zip(self._gen_labels, (
            self.tr("Temperature:"), self.tr("Top-p:"), self.tr("Maximum answer length (tokens):"),
            self.tr("Context size (tokens):"), self.tr("CPU threads (0 = automatic):"),
        )):
            label.setText(text)
        self.add_button.setText(self.tr("Add GGUF…"))
        self.add_button.setToolTip(self.tr("Add a chat model file (.gguf) from disk"))
        self.add_vision_button.setText(self.tr("Add vision model…"))
        self.add_vision_button.setToolTip(self.tr(
            "Add a model that sees pictures: its .gguf file, then its projector (mmproj) file"))
        self.activate_button.setText(self.tr("Make active"))
        self.backend_label.setText(self.tr("Backend:"))
        self.backend_combo.setItemText(0, self.tr("Bundled local model"))
        self.backend_combo.setItemText(1, self.tr("OpenAI-compatible server"))
        self.backend_combo.setToolTip(self.tr(
            "Answer with a model running on this computer, or with a server such as llama.cpp's "
            "server, vLLM, Ollama or LM Studio"))
        for label, text in zip(self._remote_labels, (self.tr("Server address:"), self.tr("Model:"), self.tr("API key:"))):
            label.setText(text)
        self.remote_url.setPlaceholderText("http://127.0.0.1:8080/v1")
        self.remote_model.lineEdit().setPlaceholderText(self.tr("The first model the server offers"))
        self.remote_connect.setText(self.tr("Connect"))
        self.remote_connect.setToolTip(self.tr("Check the server and list its models"))
        self.remote_key.setPlaceholderText(self.tr("Stored in the system keyring"))
        self.remote_key.setToolTip(self.tr("Leave empty to keep the stored key; the key is never written to a file"))
        self.remote_forget_key.setText(self.tr("Forget key"))
        self.remote_vision.setText(self.tr("The model understands images"))

    @property
    def language(self) -> QComboBox:
        """The interface language choice (on the Appearance page)."""
        return self.pages["appearance"].language  # type: ignore[attr-defined, no-any-return]

    def show_page(self, key: str) -> QWidget:
        """Show the page registered as ``key`` (see PAGES); returns it."""
        page = self.pages[key]
        self.page_list.setCurrentRow(self.stack.indexOf(page))
        return page

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.refresh_models()
        super().changeEvent(e)

    # ---- models -----------------------------------------------------------------------

    def refresh_models(self) -> None:
        """List assistant.models(), the active one marked."""
        self.model_list.clear()
        active = self.assistant.settings.active_model
        try:
            models = self.assistant.models()
        except Exception as exc:  # a broken registry must not break the dialog
            self.model_status.setText(str(exc))
            return
        for info in models:
            size = getattr(info, "size_bytes", 0) or 0
            parts = [info.name, f"{size / 1e9:.2f} GB" if size else ""]
            if getattr(info, "source", "") == "user":
                parts.append(self.tr("added from disk"))
            if getattr(info, "sees_images", False):
                parts.append(self.tr("sees pictures"))
            if not getattr(info, "available", True):
                parts.append(self.tr("prepared on first use") if getattr(info, "source", "") == "bundled"
                             else self.tr("file missing"))
            if info.id == active:
                parts.append(self.tr("active"))
            item = QListWidgetItem(" · ".join(p for p in parts if p))
            item.setData(ModelIdRole, info.id)
            tip = str(getattr(info, "path", ""))
            if getattr(info, "mmproj", None) is not None:
                tip += "\n" + self.tr("Projector: %1").replace("%1", str(info.mmproj))
            item.setToolTip(tip)
            if info.id == active:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.model_list.addItem(item)
            if info.id == active:
                self.model_list.setCurrentItem(item)

    def model_ids(self) -> list[str]:
        return [self.model_list.item(i).data(ModelIdRole) for i in range(self.model_list.count())]

    def add_gguf(self) -> None:
        path = self.choose_gguf()
        if path:
            self.add_model_file(Path(path))

    def add_vision_pair(self) -> None:
        """Ask for the model, then for its projector, and add them as a pair."""
        path = self.choose_gguf()
        if not path:
            return
        mmproj = self.choose_mmproj(Path(path))
        if mmproj:
            self.add_model_file(Path(path), Path(mmproj))

    def add_model_file(self, path: Path, mmproj: Path | None = None) -> FunctionWorker:
        """Validate and add a GGUF (with ``mmproj``: a vision pair, checked as one) in the
        background; the result or error shows here."""
        self.model_status.setStyleSheet("")
        self.model_status.setText(self.tr("Checking %1…").replace("%1", path.name))
        self.add_button.setEnabled(False)
        self.add_vision_button.setEnabled(False)
        worker = FunctionWorker(self.assistant.add_model, path, None, mmproj)
        worker.signals.sig_result.connect(self._on_added)
        worker.signals.sig_error.connect(self._on_add_error)
        worker.signals.sig_finished.connect(lambda: (self.add_button.setEnabled(True),
                                                     self.add_vision_button.setEnabled(True)))
        self._workers.append(worker)
        start(worker)
        return worker

    def _on_added(self, info: Any) -> None:
        self.model_status.setText(self.tr("Added “%1”. Select it and press “Make active” to use it.").replace("%1", info.name))
        self.model_status.setStyleSheet("")
        self.refresh_models()

    def _on_add_error(self, exc: BaseException) -> None:
        reason = error_text(getattr(exc, "code", None), getattr(exc, "params", {}), str(exc))
        self.model_status.setText(self.tr("Could not add the model: %1").replace("%1", reason))
        self.model_status.setStyleSheet("color: #c62828")

    def activate_selected(self) -> None:
        item = self.model_list.currentItem()
        if item is None:
            return
        model_id = item.data(ModelIdRole)
        if model_id == self.assistant.settings.active_model:
            return
        self.model_status.setStyleSheet("")
        self.model_status.setText(self.tr("Switching model…"))
        worker = FunctionWorker(self.assistant.set_active_model, model_id)
        worker.signals.sig_result.connect(lambda _: self._on_activated(model_id))
        worker.signals.sig_error.connect(self._on_add_error)
        self._workers.append(worker)
        start(worker)

    def _on_activated(self, model_id: str) -> None:
        self.model_status.setText(self.tr("Active model changed; it loads in the background."))
        self.refresh_models()
        self.sig_active_model_changed.emit(model_id)

    def _choose_mmproj_dialog(self, model: Path) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("The projector (mmproj) of %1").replace("%1", model.name), str(model.parent),
            self.tr("GGUF models (*.gguf);;All files (*)"))
        return path

    def _choose_gguf_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Add a GGUF model"), str(Path.home()),
                                              self.tr("GGUF models (*.gguf);;All files (*)"))
        return path

    # ---- remote server ----------------------------------------------------------------

    def remote_values(self) -> RemoteSettings:
        old = self.assistant.settings.remote
        return old.model_copy(update={
            "base_url": self.remote_url.text().strip() or RemoteSettings().base_url,
            "model": self.remote_model.currentText().strip(),
            "vision": self.remote_vision.isChecked(),
        })

    def check_remote(self) -> FunctionWorker:
        """Connect to the server off the UI thread; fill the model list or show why not."""
        if self._check_worker is not None:
            self._check_worker.cancel()
        typed = self.remote_key.text().strip()
        # A check must not fail on a model name that is still being chosen.
        settings = self.remote_values().model_copy(update={"model": ""})
        api_key = typed if typed else (None if self._key_forgotten else True)
        self.remote_status.setStyleSheet("")
        self.remote_status.setText(self.tr("Connecting to %1…").replace("%1", settings.base_url.strip().rstrip("/")))
        self.remote_connect.setEnabled(False)
        assistant = self.assistant
        worker = FunctionWorker(lambda progress, cancel: assistant.check_remote(settings, cancel, api_key=api_key),
                                job=True)
        worker.signals.sig_result.connect(self._on_remote_checked)
        worker.signals.sig_error.connect(self._on_remote_error)
        worker.signals.sig_finished.connect(lambda: self._on_check_finished(worker))
        self._check_worker = worker
        self._workers.append(worker)
        start(worker)
        return worker

    def _on_check_finished(self, worker: FunctionWorker) -> None:
        if self._check_worker is worker:
            self._check_worker = None
            self.remote_connect.setEnabled(True)

    def _on_remote_checked(self, info: Any) -> None:
        current = self.remote_model.currentText().strip()
        self.remote_model.clear()
        self.remote_model.addItems(list(info.models))
        self.remote_model.setCurrentText(current if current else (info.models[0] if info.models else ""))
        text = self.tr("Connected. The server offers %1 models.").replace("%1", str(len(info.models)))
        if info.version:
            text += " " + self.tr("Server version %1.").replace("%1", info.version)
        if current and info.models and current not in info.models:
            text += " " + self.tr("The server does not list the model “%1”.").replace("%1", current)
        self.remote_status.setStyleSheet("")
        self.remote_status.setText(text)

    def _on_remote_error(self, exc: BaseException) -> None:
        self.remote_status.setText(self.remote_error_text(exc))
        self.remote_status.setStyleSheet("color: #c62828")

    def remote_error_text(self, exc: BaseException) -> str:
        """A translated sentence for a remote backend error (by its code), else its English text."""
        return remote_error_text(exc, self.remote_url.text().strip())

    def forget_remote_key(self) -> None:
        """Remove the stored API key now (the field is cleared too)."""
        self.remote_key.clear()
        try:
            self.assistant.forget_remote_key()
        except Exception as exc:  # no keyring: there was nothing stored either
            self.remote_status.setText(str(exc))
            return
        self._key_forgotten = True
        self.remote_status.setStyleSheet("")
        self.remote_status.setText(self.tr("The API key was removed from the keyring."))

    def _store_remote_key(self) -> bool:
        """Store a typed key in the keyring; False (and the reason shown) if that failed."""
        key = self.remote_key.text().strip()
        if not key:
            return True
        try:
            self.assistant.store_remote_key(key)
        except Exception as exc:
            self.show_page("models")
            self.remote_status.setText(self.tr("Could not store the API key: %1").replace("%1", str(exc)))
            self.remote_status.setStyleSheet("color: #c62828")
            return False
        self.remote_key.clear()
        return True

    # ---- apply ------------------------------------------------------------------------

    def generation_values(self) -> GenerationSettings:
        old = self.assistant.settings.generation
        return old.model_copy(update={
            "temperature": round(self.temperature.value(), 3),
            "top_p": round(self.top_p.value(), 3),
            "max_tokens": self.max_tokens.value(),
            "n_ctx": self.n_ctx.value(),
            "n_threads": self.n_threads.value(),
        })

    def apply(self) -> bool:
        """Save the settings; switch the language now; reload the model if generation changed.

        False (nothing applied) when a typed API key could not be stored.
        """
        key_changed = bool(self.remote_key.text().strip()) or self._key_forgotten
        if not self._store_remote_key():
            return False
        self._key_forgotten = False
        for page in self.pages.values():
            apply = getattr(page, "apply", None)
            if callable(apply):
                apply()
        settings = self.assistant.settings
        language = self.language.currentData() or "auto"
        new_gen = self.generation_values()
        gen_changed = new_gen != settings.generation
        lang_changed = language != settings.language
        backend = self.backend_combo.currentData() or "local"
        new_remote = self.remote_values()
        backend_changed = backend != settings.backend or (
            backend == "remote" and (new_remote != settings.remote or key_changed)
        )
        settings.language = language
        settings.auto_titles = self.auto_titles.isChecked()
        settings.verbose_logs = self.verbose_logs.isChecked()
        settings.generation = new_gen
        settings.backend = backend
        settings.remote = new_remote
        if gen_changed:
            self.sig_generation_changed.emit()  # the window drops and reloads the model (saves too)
        else:
            self.assistant.save_settings()
        if backend_changed:
            if gen_changed:
                self.assistant.save_settings()  # the backend's listener may read the file
            self.sig_backend_changed.emit(backend)
        if lang_changed:
            self.sig_language_changed.emit(i18n.install(language))
        return True

    def accept(self) -> None:
        if not self.apply():
            return
        super().accept()

    def reject(self) -> None:
        for page in self.pages.values():  # pages that preview a change live take it back
            revert = getattr(page, "revert", None)
            if callable(revert):
                revert()
        super().reject()

    def done(self, result: int) -> None:
        if self._check_worker is not None:
            self._check_worker.cancel()  # its result would land in a closed dialog
        super().done(result)
