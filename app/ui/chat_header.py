"""The chat header's persona selector, and persona names in the interface's language.

Switching persona in the header changes who answers the shown conversation from its
next question on: only the next request's prompt and sampling change, the model stays.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.core.types import Message
from app.ui.settings_pages.personas import ui_language

if TYPE_CHECKING:
    from app.core.assistant import Assistant


class PersonaSelector(QComboBox):
    """Lists the personas; ``sig_chosen(persona id)`` when the user picks one."""

    sig_chosen = Signal(str)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.setObjectName("personaCombo")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(lambda _: self.sig_chosen.emit(self.current()))

    def refresh(self, persona_id: str | None) -> None:
        """List the personas again (after a change) with ``persona_id`` (None: the
        default one) selected."""
        current = self.assistant.persona(persona_id).id
        lang = ui_language()
        self.blockSignals(True)
        self.clear()
        for p in self.assistant.personas():
            self.addItem(f"{p.icon} {p.display_name(lang)}", p.id)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)

    def current(self) -> str:
        return str(self.currentData() or "")

    def select(self, persona_id: str) -> None:
        """Select without announcing it (the caller acts on the choice itself)."""
        self.setCurrentIndex(max(0, self.findData(persona_id)))


def localized(assistant: "Assistant", message: Message) -> Message:
    """The message with its persona's name in the interface's language (the core
    stores it in the answer's language); the stored name for a deleted persona."""
    info = (message.details or {}).get("persona")
    if not isinstance(info, dict) or not info.get("id"):
        return message
    p = assistant.persona(str(info["id"]))
    if p.id != info["id"]:
        return message
    return replace(message, persona=p.display_name(ui_language()))


def persona_name(assistant: "Assistant", persona_id: str | None) -> str:
    """The name of a conversation's persona in the interface's language."""
    return assistant.persona(persona_id).display_name(ui_language())
