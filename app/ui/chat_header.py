"""The chat header's controls: who answers (persona) and from which document collections.

Switching persona in the header changes who answers the shown conversation from its
next question on: only the next request's prompt and sampling change, the model stays.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QMenu, QToolButton, QWidget

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


class HeaderActions:
    """The chat panel's persona and document-scope actions (mixed into ChatPanel, which
    owns the widgets and the shown conversation)."""

    assistant: "Assistant"
    conversation_id: int | None
    persona_combo: PersonaSelector
    scope_button: ScopeButton
    docs_toggle: QCheckBox
    _pending_persona: str | None
    _scope: tuple[str, ...]

    def _ensure_conversation(self) -> int:
        raise NotImplementedError

    # ---- persona ---------------------------------------------------------------------

    def refresh_personas(self) -> None:
        """Fill the persona selector (after personas changed) and show the conversation's."""
        conv = self.assistant.conversation(self.conversation_id) if self.conversation_id is not None else None
        self.persona_combo.refresh(self._pending_persona or (conv.persona if conv else None))

    def _localized(self, message: Message) -> Message:
        return localized(self.assistant, message)

    def current_persona(self) -> str:
        return self.persona_combo.current()

    def set_persona(self, persona_id: str) -> None:
        """Answer the shown conversation with this persona from the next question on."""
        self.persona_combo.select(persona_id)
        self._on_persona_chosen()

    def _on_persona_chosen(self) -> None:
        pid = self.current_persona()
        if self.conversation_id is None:
            self._pending_persona = pid  # the new chat is created with it
            return
        self.assistant.set_conversation_persona(self.conversation_id, pid)
        conv = self.assistant.conversation(self.conversation_id)
        if conv is not None and not self.assistant.messages(self.conversation_id):
            self.docs_toggle.blockSignals(True)  # an empty chat takes the persona's documents
            self.docs_toggle.setChecked(conv.collections is not None)
            self.docs_toggle.blockSignals(False)
            self._scope = tuple(conv.collections or ())
            self._update_scope_button()

    def _on_docs_toggled(self, on: bool) -> None:
        cid = self._ensure_conversation()
        self.assistant.set_documents(cid, self._scope if on else None)
        self._update_scope_button()

    # ---- which collections ---------------------------------------------------------

    @property
    def collections_provider(self) -> Callable[[], list[str]]:
        """The collection names the scope menu offers (the documents panel's)."""
        return self.scope_button.provider

    @collections_provider.setter
    def collections_provider(self, provider: Callable[[], list[str]]) -> None:
        self.scope_button.provider = provider

    def _update_scope_button(self) -> None:
        self.scope_button.show_scope(self._scope, self.docs_toggle.isChecked())

    def _fill_scope_menu(self) -> None:
        self.scope_button.fill_menu()

    def set_scope(self, collections: tuple[str, ...]) -> None:
        """Answer the shown conversation from these collections (() = all of them)."""
        self._scope = tuple(collections)
        if self.conversation_id is not None and self.docs_toggle.isChecked():
            self.assistant.set_documents(self.conversation_id, self._scope)
        self._update_scope_button()
