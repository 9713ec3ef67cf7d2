"""Settings: language, generation settings, and the model picker (list, add GGUF, activate)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.config import GenerationSettings
from app.ui import i18n
from app.ui.workers import FunctionWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Assistant

ModelIdRole = Qt.ItemDataRole.UserRole + 1


class SettingsDialog(QDialog):
    """Edits ``assistant.settings``; OK applies and saves. Model changes apply at once."""

    sig_language_changed = Signal(str)  # the language actually installed
    sig_generation_changed = Signal()  # the model must be reloaded with new settings
    sig_active_model_changed = Signal(str)  # model id

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(520)
        # Replaceable in tests: returns a path or "".
        self.choose_gguf: Callable[[], str] = self._choose_gguf_dialog
        self._workers: list[Any] = []

        self.tabs = QTabWidget(self)
        # General
        general = QWidget()
        self.language = QComboBox(general)
        self.language.setObjectName("languageCombo")
        form = QFormLayout(general)
        self.language_label = QLabel(general)
        form.addRow(self.language_label, self.language)
        # Generation
        gen = QWidget()
        g = assistant.settings.generation
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
        # Models
        models = QWidget()
        self.model_list = QListWidget(models)
        self.model_list.setObjectName("modelList")
        self.add_button = QPushButton(models)
        self.add_button.clicked.connect(self.add_gguf)
        self.activate_button = QPushButton(models)
        self.activate_button.clicked.connect(self.activate_selected)
        self.model_list.itemDoubleClicked.connect(lambda _: self.activate_selected())
        self.model_status = QLabel(models)
        self.model_status.setWordWrap(True)
        self.model_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mbuttons = QHBoxLayout()
        mbuttons.addWidget(self.add_button)
        mbuttons.addStretch(1)
        mbuttons.addWidget(self.activate_button)
        mlayout = QVBoxLayout(models)
        mlayout.addWidget(self.model_list, 1)
        mlayout.addLayout(mbuttons)
        mlayout.addWidget(self.model_status)
        self.tabs.addTab(general, "")
        self.tabs.addTab(gen, "")
        self.tabs.addTab(models, "")
        # Imported here: QtMultimedia is not needed until the dialog opens.
        from app.ui.voice_settings import VoiceSettingsPage

        self.voice_page = VoiceSettingsPage(assistant, self)
        self.tabs.addTab(self.voice_page, "")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.refresh_models()

    # ---- texts ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("General"))
        self.tabs.setTabText(1, self.tr("Generation"))
        self.tabs.setTabText(2, self.tr("Models"))
        self.tabs.setTabText(3, self.tr("Voice"))
        self.language_label.setText(self.tr("Language:"))
        current = self.language.currentData() or self.assistant.settings.language
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(self.tr("System default"), "auto")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.language.blockSignals(False)
        for label, text in zip(self._gen_labels, (
            self.tr("Temperature:"), self.tr("Top-p:"), self.tr("Maximum answer length (tokens):"),
            self.tr("Context size (tokens):"), self.tr("CPU threads (0 = automatic):"),
        )):
            label.setText(text)
        self.add_button.setText(self.tr("Add GGUF…"))
        self.add_button.setToolTip(self.tr("Add a chat model file (.gguf) from disk"))
        self.activate_button.setText(self.tr("Make active"))

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
            if not getattr(info, "available", True):
                parts.append(self.tr("prepared on first use") if getattr(info, "source", "") == "bundled"
                             else self.tr("file missing"))
            if info.id == active:
                parts.append(self.tr("active"))
            item = QListWidgetItem(" · ".join(p for p in parts if p))
            item.setData(ModelIdRole, info.id)
            item.setToolTip(str(getattr(info, "path", "")))
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

    def add_model_file(self, path: Path) -> FunctionWorker:
        """Validate and add a GGUF in the background; the result or error shows here."""
        self.model_status.setText(self.tr("Checking %1…").replace("%1", path.name))
        self.add_button.setEnabled(False)
        worker = FunctionWorker(self.assistant.add_model, path)
        worker.signals.sig_result.connect(self._on_added)
        worker.signals.sig_error.connect(self._on_add_error)
        worker.signals.sig_finished.connect(lambda: self.add_button.setEnabled(True))
        self._workers.append(worker)
        start(worker)
        return worker

    def _on_added(self, info: Any) -> None:
        self.model_status.setText(self.tr("Added “%1”. Select it and press “Make active” to use it.").replace("%1", info.name))
        self.model_status.setStyleSheet("")
        self.refresh_models()

    def _on_add_error(self, exc: BaseException) -> None:
        self.model_status.setText(self.tr("Could not add the model: %1").replace("%1", str(exc)))
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

    def _choose_gguf_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Add a GGUF model"), str(Path.home()),
                                              self.tr("GGUF models (*.gguf);;All files (*)"))
        return path

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

    def apply(self) -> None:
        """Save the settings; switch the language now; reload the model if generation changed."""
        self.voice_page.apply()
        settings = self.assistant.settings
        language = self.language.currentData() or "auto"
        new_gen = self.generation_values()
        gen_changed = new_gen != settings.generation
        lang_changed = language != settings.language
        settings.language = language
        settings.generation = new_gen
        if gen_changed:
            self.sig_generation_changed.emit()  # the window drops and reloads the model (saves too)
        else:
            self.assistant.save_settings()
        if lang_changed:
            self.sig_language_changed.emit(i18n.install(language))

    def accept(self) -> None:
        self.apply()
        super().accept()
