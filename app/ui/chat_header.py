"""The chat header's controls: who answers (persona) and from which document collections.

Switching persona in the header changes who answers the shown conversation from its
next question on: only the next request's prompt and sampling change, the model stays.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QMenu, QToolButton, QWidget

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


class ScopeButton(QToolButton):
    """Which document collections a conversation answers from: all of them, or the ones
    ticked in its menu (filled from ``provider`` when it opens). ``sig_chosen(scope)``
    when the user changes it; () means all."""

    sig_chosen = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopeButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.provider: Callable[[], list[str]] = lambda: []
        self.scope: tuple[str, ...] = ()
        self.scope_menu = QMenu(self)
        self.scope_menu.aboutToShow.connect(self.fill_menu)
        self.setMenu(self.scope_menu)

    def show_scope(self, scope: tuple[str, ...], enabled: bool) -> None:
        """Show ``scope`` (not announced); enabled only while documents are on."""
        from app.ui.documents import collection_label

        self.scope = tuple(scope)
        if not scope:
            text = self.tr("All collections")
        elif len(scope) == 1:
            text = collection_label(scope[0])
        else:
            text = self.tr("%1 collections").replace("%1", str(len(scope)))  # always 2 or more
        self.setText(text)
        self.setEnabled(enabled)

    def fill_menu(self) -> None:
        from app.ui.documents import collection_label

        menu = self.scope_menu
        menu.clear()
        every = menu.addAction(self.tr("All collections"))
        every.setCheckable(True)
        every.setChecked(not self.scope)
        every.triggered.connect(lambda: self.sig_chosen.emit(()))
        names = sorted(set(self.provider()) | set(self.scope))
        if names:
            menu.addSeparator()
        for name in names:
            act = menu.addAction(collection_label(name))
            act.setCheckable(True)
            act.setChecked(name in self.scope)
            act.toggled.connect(lambda on, n=name: self._toggle(n, on))

    def _toggle(self, name: str, on: bool) -> None:
        chosen = [n for n in self.scope if n != name] + ([name] if on else [])
        self.sig_chosen.emit(tuple(sorted(chosen)))
