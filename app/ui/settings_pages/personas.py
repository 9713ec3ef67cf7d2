"""Personas: the list on the left, the chosen persona's editor on the right.

Create, edit, duplicate, delete, import and export personas, and choose the one new
chats start with. Each change is stored when the user presses Save (or the action's
button) and applies to the next answer at once; no model is reloaded.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n

if TYPE_CHECKING:
    from app.core.assistant import Assistant, Persona

PersonaIdRole = Qt.ItemDataRole.UserRole + 1


def ui_language() -> str:
    """The interface language ("ru" or "en"): persona names show in it."""
    return "ru" if i18n.current_language().startswith("ru") else "en"


class PersonasPage(QWidget):
    """Edits the personas through the facade; emits ``sig_changed`` after each change."""

    sig_changed = Signal()

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personasPage")
        self.assistant = assistant
        # Replaceable in tests: return a path or "".
        self.choose_import_file: Callable[[], str] = self._choose_import_dialog
        self.choose_export_file: Callable[[str], str] = self._choose_export_dialog
        self.confirm: Callable[[str], bool] = self._confirm_dialog
        self._current: Persona | None = None

        self.list = QListWidget(self)
        self.list.setObjectName("personaList")
        self.list.setMaximumWidth(300)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._show(cur))
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newPersona")
        self.new_button.clicked.connect(self.new_persona)
        self.duplicate_button = QPushButton(self)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button = QPushButton(self)
        self.delete_button.setObjectName("deletePersona")
        self.delete_button.clicked.connect(self.delete)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.import_file)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.export_file)
        left_buttons = QHBoxLayout()
        for b in (self.new_button, self.duplicate_button, self.delete_button):
            left_buttons.addWidget(b)
        io_buttons = QHBoxLayout()
        io_buttons.addWidget(self.import_button)
        io_buttons.addWidget(self.export_button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(left_buttons)
        left.addLayout(io_buttons)

        self.name = QLineEdit(self)
        self.name.setObjectName("personaName")
        self.icon = QLineEdit(self)
        self.icon.setObjectName("personaIcon")
        self.icon.setMaxLength(4)
        self.icon.setFixedWidth(56)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("personaPrompt")
        self.prompt.setMinimumHeight(90)
        self.spice = QSlider(Qt.Orientation.Horizontal, self)
        self.spice.setObjectName("personaSpice")
        self.spice.setRange(0, 5)
        self.spice.setPageStep(1)
        self.spice.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.spice_text = QLabel(self)
        self.spice_text.setWordWrap(True)
        self.spice.valueChanged.connect(lambda _: self._describe_spice())
        self.own_temperature = QCheckBox(self)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.05)
        self.own_temperature.toggled.connect(self.temperature.setEnabled)
        temp_row = QHBoxLayout()
        temp_row.addWidget(self.own_temperature)
        temp_row.addWidget(self.temperature)
        temp_row.addStretch(1)
        self.language = QComboBox(self)
        self.language.setObjectName("personaLanguage")
        for key in ("auto", "ru", "en"):
            self.language.addItem("", key)
        self.documents = QComboBox(self)
        self.documents.setObjectName("personaDocuments")
        self.memory = QComboBox(self)
        self.memory.setObjectName("personaMemory")
        for key in ("shared", "own", "off"):
            self.memory.addItem("", key)
        self.default_box = QCheckBox(self)
        self.default_box.setObjectName("personaDefault")
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("savePersona")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel(self)
        self.status.setObjectName("personaStatus")
        self.status.setWordWrap(True)
        self.labels = [QLabel(self) for _ in range(8)]
        name_row = QHBoxLayout()
        name_row.addWidget(self.icon)
        name_row.addWidget(self.name, 1)
        form = QFormLayout()
        form.addRow(self.labels[0], name_row)
        form.addRow(self.labels[1], self.prompt)
        form.addRow(self.labels[2], self.spice)
        form.addRow("", self.spice_text)
        form.addRow(self.labels[3], temp_row)
        form.addRow(self.labels[4], self.language)
        form.addRow(self.labels[5], self.documents)
        form.addRow(self.labels[6], self.memory)
        form.addRow("", self.default_box)
        save_row = QHBoxLayout()
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addLayout(save_row)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 0)
        layout.addLayout(right, 1)
        self._retranslate()
        self.refresh()

    # ---- texts ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.new_button.setText(self.tr("New"))
        self.duplicate_button.setText(self.tr("Duplicate"))
        self.delete_button.setText(self.tr("Delete"))
        self.import_button.setText(self.tr("Import…"))
        self.export_button.setText(self.tr("Export…"))
        for label, text in zip(self.labels, (
            self.tr("Name:"), self.tr("Instructions:"), self.tr("Spice level:"), self.tr("Temperature:"),
            self.tr("Answer language:"), self.tr("Documents in new chats:"), self.tr("Memory:"),
        )):
            label.setText(text)
        self.prompt.setPlaceholderText(self.tr("Who the assistant is and how it answers"))
        self.own_temperature.setText(self.tr("Own temperature"))
        self.own_temperature.setToolTip(self.tr("Off: the temperature of the Generation page"))
        for i, text in enumerate((self.tr("The question's language"), "Русский", "English")):
            self.language.setItemText(i, text)
        for i, text in enumerate((self.tr("Shared with other personas"), self.tr("Its own memory"),
                                  self.tr("Off: remembers nothing"))):
            self.memory.setItemText(i, text)
        self.default_box.setText(self.tr("New chats start with this persona"))
        self.save_button.setText(self.tr("Save"))
        self._describe_spice()
        self._fill_documents(self._current.collections if self._current else None)
        self.refresh()

    def _describe_spice(self) -> None:
        texts = (
            self.tr("0: polite and neutral, no jokes"),
            self.tr("1: plain (the default tone)"),
            self.tr("2: friendly, a little humour"),
            self.tr("3: witty, with irony"),
            self.tr("4: cheeky, teases you"),
            self.tr("5: sarcastic roaster"),
        )
        self.spice_text.setText(texts[self.spice.value()])

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    # ---- the list -----------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """List the personas again, keeping (or moving to) the selection."""
        keep = select or (self._current.id if self._current else None)
        default = self.assistant.persona(None).id
        lang = ui_language()
        self.list.blockSignals(True)
        self.list.clear()
        chosen = None
        for p in self.assistant.personas():
            text = f"{p.icon}  {p.display_name(lang)}"
            if p.id == default:
                text += "  " + self.tr("(default)")
            item = QListWidgetItem(text)
            item.setData(PersonaIdRole, p.id)
            self.list.addItem(item)
            if p.id == keep:
                chosen = item
        if chosen is None and self.list.count():
            chosen = self.list.item(0)
        self.list.blockSignals(False)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
            self._show(chosen)

    def persona_ids(self) -> list[str]:
        return [self.list.item(i).data(PersonaIdRole) for i in range(self.list.count())]

    def select(self, persona_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(PersonaIdRole) == persona_id:
                self.list.setCurrentRow(i)
                return

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        p = self.assistant.persona(item.data(PersonaIdRole))
        self._current = p
        lang = ui_language()
        self.name.setText(p.display_name(lang))
        self.icon.setText(p.icon)
        self.prompt.setPlainText(p.prompt_for(lang))
        self.spice.setValue(p.spice)
        self.own_temperature.setChecked(p.temperature is not None)
        self.temperature.setEnabled(p.temperature is not None)
        self.temperature.setValue(p.temperature if p.temperature is not None
                                  else self.assistant.settings.generation.temperature)
        self.language.setCurrentIndex(max(0, self.language.findData(p.language)))
        self._fill_documents(p.collections)
        self.memory.setCurrentIndex(max(0, self.memory.findData(p.memory)))
        self.default_box.setChecked(p.id == self.assistant.persona(None).id)
        self.delete_button.setEnabled(self.list.count() > 1)

    def _fill_documents(self, collections: tuple[str, ...] | None) -> None:
        self.documents.blockSignals(True)
        self.documents.clear()
        self.documents.addItem(self.tr("Off"), None)
        self.documents.addItem(self.tr("All collections"), ())
        names = sorted(set(self._collections()) | set(collections or ()))
        for name in names:
            self.documents.addItem(name, (name,))
        if collections is None:
            self.documents.setCurrentIndex(0)
        elif not collections:
            self.documents.setCurrentIndex(1)
        else:
            self.documents.setCurrentIndex(max(1, self.documents.findText(collections[0])))
        self.documents.blockSignals(False)

    def _collections(self) -> list[str]:
        docs = getattr(self.assistant, "_documents", None)  # only if the library is open already
        if docs is None:
            return []
        try:
            return [c.name for c in docs.collections()]
        except Exception:
            return []

    # ---- actions ------------------------------------------------------------------------

    def edited(self) -> "Persona":
        """The shown persona with the editor's values."""
        p = self._current
        assert p is not None
        lang = ui_language()
        name, prompt = self.name.text().strip(), self.prompt.toPlainText().strip()
        names, prompts = dict(p.names), dict(p.prompts)
        base_name, base_prompt = p.name, p.system_prompt
        if name != p.display_name(lang):  # edited: the new text serves every language
            base_name, names = name, {}
        if prompt != p.prompt_for(lang).strip():
            base_prompt, prompts = prompt, {}
        return replace(
            p, name=base_name, names=names, system_prompt=base_prompt, prompts=prompts,
            icon=self.icon.text().strip() or "🦉", spice=self.spice.value(),
            temperature=round(self.temperature.value(), 3) if self.own_temperature.isChecked() else None,
            language=self.language.currentData() or "auto", collections=self.documents.currentData(),
            memory=self.memory.currentData() or "shared",
        )

    def save(self) -> bool:
        """Store the editor's values; False (and the reason shown) when they are refused."""
        if self._current is None:
            return False
        try:
            stored = self.assistant.save_persona(self.edited())
            if self.default_box.isChecked():
                self.assistant.set_default_persona(stored.id)
        except Exception as exc:
            self._error(exc)
            return False
        self._say(self.tr("Saved “%1”.").replace("%1", stored.display_name(ui_language())))
        self.refresh(stored.id)
        self.sig_changed.emit()
        return True

    def new_persona(self) -> None:
        from app.core.assistant import Persona

        try:
            p = self.assistant.save_persona(Persona(id="", name=self.tr("New persona"),
                                                    system_prompt=self.tr("You are a helpful assistant.")))
        except Exception as exc:
            self._error(exc)
            return
        self.refresh(p.id)
        self.name.setFocus()
        self.name.selectAll()
        self.sig_changed.emit()

    def duplicate(self) -> None:
        if self._current is None:
            return
        try:
            copy = self.assistant.duplicate_persona(self._current.id)
        except Exception as exc:
            self._error(exc)
            return
        self.refresh(copy.id)
        self.sig_changed.emit()

    def delete(self) -> None:
        p = self._current
        if p is None:
            return
        name = p.display_name(ui_language())
        question = self.tr("Delete the persona “%1”?").replace("%1", name)
        if p.memory == "own":
            question += " " + self.tr("Its own memory is deleted with it.")
        if not self.confirm(question):
            return
        try:
            self.assistant.delete_persona(p.id)
        except Exception as exc:
            self._error(exc)
            return
        self._current = None
        self._say(self.tr("Deleted “%1”.").replace("%1", name))
        self.refresh()
        self.sig_changed.emit()

    def import_file(self) -> None:
        path = self.choose_import_file()
        if not path:
            return
        try:
            data = Path(path).read_bytes()
            added = self.assistant.import_personas(data)
        except Exception as exc:
            self._error(exc, Path(path).name)
            return
        self._say(self.tr("Imported %1 personas from %2.").replace("%1", str(len(added))).replace("%2", Path(path).name))
        self.refresh(added[0].id if added else None)
        self.sig_changed.emit()

    def export_file(self) -> None:
        p = self._current
        if p is None:
            return
        path = self.choose_export_file(p.display_name(ui_language()))
        if not path:
            return
        try:
            Path(path).write_text(self.assistant.export_personas([p.id]), "utf-8")
        except Exception as exc:
            self._error(exc, Path(path).name)
            return
        self._say(self.tr("Exported to %1.").replace("%1", path))

    # ---- messages -----------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _error(self, exc: BaseException, name: str = "") -> None:
        code = getattr(exc, "code", "")
        params: dict[str, Any] = getattr(exc, "params", {}) or {}
        texts = {
            "persona_bad_file": self.tr("%1 is not a usable persona file: %2"),
            "persona_version": self.tr("%1 was made by another version of Sova (version %2); nothing was imported."),
            "persona_too_large": self.tr("%1 is too large for a persona file; nothing was imported."),
            "persona_last": self.tr("The last persona cannot be deleted."),
        }
        detail = str(params.get("reason") or params.get("version") or exc)
        text = texts.get(code, self.tr("Could not change the personas: %2"))
        self.status.setStyleSheet("color: #c62828")
        self.status.setText(text.replace("%1", name or self.tr("The file")).replace("%2", detail))

    def _choose_import_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import personas"), str(Path.home()),
                                              self.tr("Persona files (*.json);;All files (*)"))
        return path

    def _choose_export_dialog(self, name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export persona"), str(Path.home() / f"{name}.json"),
                                              self.tr("Persona files (*.json)"))
        return path

    def _confirm_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Personas"), question)
        return answer == QMessageBox.StandardButton.Yes
