"""Memory: what Sova remembers about the user, and where each fact came from.

List, search and filter the facts (by persona), add, edit, pin and delete them, see a
fact's history and the message it came from, turn memory or its automatic extraction
off, and "Forget everything" (after a confirmation). Fact changes are stored at once;
the two switches are saved with the dialog's OK.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.settings_pages.personas import ui_language

if TYPE_CHECKING:
    from app.core.assistant import Assistant, Fact

FactIdRole = Qt.ItemDataRole.UserRole + 1
ALL = "\x00all"  # the filter entry for every scope


class MemoryPage(QWidget):
    """The facts through the facade; ``sig_open_conversation(conversation, message)`` asks
    the window to show where a fact came from."""

    sig_open_conversation = Signal(int, int)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memoryPage")
        self.assistant = assistant
        # Replaceable in tests.
        self.confirm: Callable[[str], bool] = self._confirm_dialog
        self.ask_text: Callable[[str, str], str | None] = self._ask_text_dialog

        m = assistant.settings.memory
        self.enabled = QCheckBox(self)
        self.enabled.setObjectName("memoryEnabled")
        self.enabled.setChecked(m.enabled)
        self.extract = QCheckBox(self)
        self.extract.setObjectName("memoryExtract")
        self.extract.setChecked(m.extract)
        self.enabled.toggled.connect(self.extract.setEnabled)
        self.extract.setEnabled(m.enabled)
        self.search = QLineEdit(self)
        self.search.setObjectName("memorySearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self.refresh())
        self.scope = QComboBox(self)
        self.scope.setObjectName("memoryScope")
        self.scope.currentIndexChanged.connect(lambda _: self.refresh())
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("factList")
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(3)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.currentItemChanged.connect(lambda *_: self._show_current())
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit())
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addFact")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.edit)
        self.pin_button = QPushButton(self)
        self.pin_button.setObjectName("pinFact")
        self.pin_button.clicked.connect(self.toggle_pin)
        self.delete_button = QPushButton(self)
        self.delete_button.setObjectName("deleteFact")
        self.delete_button.clicked.connect(self.delete)
        self.forget_all_button = QPushButton(self)
        self.forget_all_button.setObjectName("forgetEverything")
        self.forget_all_button.clicked.connect(self.forget_everything)
        self.details = QTextBrowser(self)
        self.details.setObjectName("factDetails")
        self.details.setOpenLinks(False)
        self.details.anchorClicked.connect(lambda url: self._on_link(url.toString()))
        self.details.setMaximumHeight(130)
        self.status = QLabel(self)
        self.status.setObjectName("memoryStatus")
        self.status.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.scope, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.pin_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.forget_all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.extract)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        self._retranslate()

    # ---- texts ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.enabled.setText(self.tr("Remember what I tell Sova (memory on)"))
        self.extract.setText(self.tr("Notice facts about me in conversations by itself (in the background)"))
        self.search.setPlaceholderText(self.tr("Search facts"))
        self.tree.setHeaderLabels([self.tr("Fact"), self.tr("Memory of"), self.tr("Changed")])
        self.add_button.setText(self.tr("Add…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.delete_button.setText(self.tr("Delete"))
        self.forget_all_button.setText(self.tr("Forget everything…"))
        self._fill_scopes()
        self.refresh()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def _fill_scopes(self) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(self.tr("All personas"), ALL)
        self.scope.addItem(self.tr("Shared memory"), "")
        lang = ui_language()
        for p in self.assistant.personas():
            if p.memory == "own":
                self.scope.addItem(self.tr("Own memory of %1").replace("%1", p.display_name(lang)), p.id)
        self.scope.setCurrentIndex(max(0, self.scope.findData(current if current is not None else ALL)))
        self.scope.blockSignals(False)

    def _scope_name(self, scope: str) -> str:
        if not scope:
            return self.tr("shared")
        p = self.assistant.persona(scope)
        return p.display_name(ui_language()) if p.id == scope else scope

    # ---- the list -----------------------------------------------------------------------

    def refresh(self, select: int | None = None) -> None:
        """List the facts matching the search and the persona filter."""
        keep = select if select is not None else self.current_fact_id()
        scope = self.scope.currentData()
        facts = self.assistant.facts(None if scope in (None, ALL) else scope, self.search.text())
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen = None
        for f in facts:
            text = ("📌 " if f.pinned else "") + f.text
            item = QTreeWidgetItem([text, self._scope_name(f.scope), time.strftime("%Y-%m-%d", time.localtime(f.updated_at))])
            item.setData(0, FactIdRole, f.id)
            item.setToolTip(0, f.text)
            self.tree.addTopLevelItem(item)
            if f.id == keep:
                chosen = item
        self.tree.blockSignals(False)
        if chosen is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        self.tree.setCurrentItem(chosen)
        self._show_current()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("%1 facts remembered.").replace("%1", str(len(self.assistant.facts()))))

    def fact_texts(self) -> list[str]:
        return [self.tree.topLevelItem(i).toolTip(0) for i in range(self.tree.topLevelItemCount())]

    def current_fact_id(self) -> int | None:
        item = self.tree.currentItem()
        return int(item.data(0, FactIdRole)) if item is not None else None

    def select_fact(self, fact_id: int) -> bool:
        """Show one fact (the answer details link here); False when it is gone."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.scope.setCurrentIndex(0)
        self.refresh(fact_id)
        return self.current_fact_id() == fact_id

    def _show_current(self) -> None:
        fid = self.current_fact_id()
        fact = self.assistant.fact(fid) if fid is not None else None
        for b in (self.edit_button, self.pin_button, self.delete_button):
            b.setEnabled(fact is not None)
        self.pin_button.setText(self.tr("Unpin") if fact is not None and fact.pinned else self.tr("Pin"))
        self.details.setHtml(self._details_html(fact) if fact is not None else "")

    def _details_html(self, fact: "Fact") -> str:
        import html

        origin = {"explicit": self.tr("you asked Sova to remember it"), "extracted": self.tr("noticed in a conversation"),
                  "edited": self.tr("edited by you")}.get(fact.origin, fact.origin)
        lines = [f"<b>{html.escape(fact.text)}</b>", html.escape(origin)]
        if fact.message_id and fact.conversation_id:
            source = self._source_text(fact.conversation_id, fact.message_id)
            open_text = self.tr("Open the conversation")
            link = f"<a href='open:{fact.conversation_id}:{fact.message_id}'>{html.escape(open_text)}</a>"
            lines.append(self.tr("From your message:") + f" «{html.escape(source[:200])}» " + link)
        if fact.history:
            older = "; ".join(f"«{html.escape(h.text)}»" for h in reversed(fact.history))
            lines.append(self.tr("Earlier:") + " " + older)
        return "<br>".join(lines)

    def _source_text(self, conversation_id: int, message_id: int) -> str:
        for m in self.assistant.messages(conversation_id):
            if m.id == message_id:
                return m.content
        return ""

    def _on_link(self, href: str) -> None:
        if href.startswith("open:"):
            _, cid, mid = href.split(":")
            self.sig_open_conversation.emit(int(cid), int(mid))

    # ---- actions ------------------------------------------------------------------------

    def add(self) -> None:
        text = self.ask_text(self.tr("What should Sova remember about you?"), "")
        if not text or not text.strip():
            return
        scope = self.scope.currentData()
        try:
            fact = self.assistant.remember(text.strip(), "" if scope in (None, ALL) else scope)
        except Exception as exc:
            self._error(exc)
            return
        self.refresh(fact.id)

    def edit(self) -> None:
        fid = self.current_fact_id()
        fact = self.assistant.fact(fid) if fid is not None else None
        if fact is None:
            return
        text = self.ask_text(self.tr("Edit the fact (the old text stays in its history):"), fact.text)
        if not text or text.strip() == fact.text:
            return
        try:
            self.assistant.edit_fact(fact.id, text.strip())
        except Exception as exc:
            self._error(exc)
            return
        self.refresh(fact.id)

    def toggle_pin(self) -> None:
        fid = self.current_fact_id()
        fact = self.assistant.fact(fid) if fid is not None else None
        if fact is None:
            return
        self.assistant.pin_fact(fact.id, not fact.pinned)
        self.refresh(fact.id)

    def delete(self) -> None:
        fid = self.current_fact_id()
        if fid is None:
            return
        self.assistant.forget_facts([fid])
        self.refresh()

    def forget_everything(self) -> None:
        if not self.confirm(self.tr("Forget everything Sova remembers about you? The facts, their history and "
                                    "their search vectors are erased and cannot be restored. Your conversations "
                                    "stay, and are not read for facts again.")):
            return
        try:
            n = self.assistant.forget_everything()
        except Exception as exc:
            self._error(exc)
            return
        self.refresh()
        self.status.setText(self.tr("Forgot %1 facts.").replace("%1", str(n)))

    def apply(self) -> None:
        """Store the two switches (the dialog saves the settings)."""
        self.assistant.settings.memory = self.assistant.settings.memory.model_copy(
            update={"enabled": self.enabled.isChecked(), "extract": self.extract.isChecked()})

    # ---- messages -----------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        code = getattr(exc, "code", "")
        texts = {"memory_empty": self.tr("A fact cannot be empty."),
                 "memory_too_long": self.tr("A fact is at most 300 characters long.")}
        self.status.setStyleSheet("color: #c62828")
        self.status.setText(texts.get(code, self.tr("Could not change the memory: %1").replace("%1", str(exc))))

    def _confirm_dialog(self, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Memory"), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _ask_text_dialog(self, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getText(self, self.tr("Memory"), label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None
