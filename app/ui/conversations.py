"""The conversation list: new, rename, delete (with confirmation), full-text search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.core.assistant import Assistant

IdRole = Qt.ItemDataRole.UserRole + 1  # conversation id
MessageIdRole = Qt.ItemDataRole.UserRole + 2  # search hit: the matching message
SEARCH_DELAY_MS = 200


class _List(QListWidget):
    sig_delete = Signal()

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() == Qt.Key.Key_Delete:
            self.sig_delete.emit()
            return
        if e.key() == Qt.Key.Key_F2 and self.currentItem() is not None:
            self.editItem(self.currentItem())
            return
        super().keyPressEvent(e)


class ConversationList(QWidget):
    """Lists conversations, newest first; while the search box has text, lists hits."""

    sig_selected = Signal(int, object)  # conversation id, message id to scroll to (or None)
    sig_new = Signal()
    sig_deleted = Signal(int)
    sig_renamed = Signal(int)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.current_id: int | None = None
        # Replaceable in tests: returns True to go ahead.
        self.confirm: Callable[[str, str], bool] = self._confirm_dialog
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newChatButton")
        self.new_button.clicked.connect(self.sig_new)
        self.list = _List(self)
        self.list.setObjectName("conversationList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setEditTriggers(QListWidget.EditTrigger.EditKeyPressed)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.itemActivated.connect(self._on_clicked)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.sig_delete.connect(self._delete_current)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(lambda _: self._search_timer.start())
        self._filling = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        row = QHBoxLayout()
        row.addWidget(self.new_button, 1)
        layout.addLayout(row)
        layout.addWidget(self.search_box)
        layout.addWidget(self.list, 1)
        self._retranslate()
        self.refresh()

    def _retranslate(self) -> None:
        self.search_box.setPlaceholderText(self.tr("Search all chats"))
        self.new_button.setText(self.tr("New chat"))
        self.new_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.list.setToolTip(self.tr("F2 renames, Delete deletes, right-click for more"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.refresh()
        super().changeEvent(e)

    # ---- filling -----------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return bool(self.search_box.text().strip())

    def refresh(self) -> None:
        """Re-read conversations (or search hits) from the store."""
        self._search_timer.stop()
        self._filling = True
        self.list.clear()
        query = self.search_box.text().strip()
        if query:
            seen: set[int] = set()
            for conv, message, snippet in self.assistant.search(query):
                if conv.id in seen:
                    continue
                seen.add(conv.id)
                snip = " ".join(snippet.split())
                item = QListWidgetItem(f"{self.display_title(conv.title)}\n{snip}")
                item.setToolTip(snip)
                item.setData(IdRole, conv.id)
                item.setData(MessageIdRole, message.id)
                self.list.addItem(item)
            if not seen:
                item = QListWidgetItem(self.tr("No chats match “%1”.").replace("%1", query))
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(item)
        else:
            for conv in self.assistant.conversations():
                item = QListWidgetItem(self.display_title(conv.title))
                item.setData(IdRole, conv.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
        self._select(self.current_id)
        self._filling = False

    def ids(self) -> list[int]:
        """Conversation ids in list order (tests)."""
        return [self.list.item(i).data(IdRole) for i in range(self.list.count()) if self.list.item(i).data(IdRole)]

    def set_current(self, conversation_id: int | None) -> None:
        self.current_id = conversation_id
        self._select(conversation_id)

    def _select(self, conversation_id: int | None) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentItem(None)
        for i in range(self.list.count()):
            if self.list.item(i).data(IdRole) == conversation_id:
                self.list.setCurrentRow(i)
                break
        self.list.blockSignals(False)

    # ---- user actions ----------------------------------------------------------------

    def _on_clicked(self, item: QListWidgetItem) -> None:
        cid = item.data(IdRole)
        if cid:
            self.current_id = cid
            self.sig_selected.emit(cid, item.data(MessageIdRole))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling or self.searching:
            return
        cid = item.data(IdRole)
        if cid:
            # Deferred: refreshing deletes the item (and its editor) we are called from.
            title = item.text()
            QTimer.singleShot(0, lambda: self.rename(cid, title))

    def display_title(self, title: str) -> str:
        """A stored title as shown: the core's untouched default is translated."""
        from app.core.assistant import DEFAULT_TITLE

        return self.tr("New chat") if title == DEFAULT_TITLE else title

    def rename(self, conversation_id: int, title: str) -> None:
        """Rename a conversation (an empty title keeps the stored one)."""
        if title.strip():
            self.assistant.rename_conversation(conversation_id, title.strip())
        self.refresh()
        self.sig_renamed.emit(conversation_id)

    def start_rename(self, conversation_id: int) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(IdRole) == conversation_id:
                self.list.editItem(self.list.item(i))

    def delete(self, conversation_id: int) -> bool:
        """Delete a conversation after the user confirms; True if deleted."""
        conv = self.assistant.conversation(conversation_id)
        if conv is None:
            return False
        if not self.confirm(
            self.tr("Delete conversation"),
            self.tr("Delete “%1” and all its messages? This cannot be undone.").replace("%1", self.display_title(conv.title)),
        ):
            return False
        self.assistant.delete_conversation(conversation_id)
        if self.current_id == conversation_id:
            self.current_id = None
        self.refresh()
        self.sig_deleted.emit(conversation_id)
        return True

    def _delete_current(self) -> None:
        item = self.list.currentItem()
        if item is not None and item.data(IdRole):
            self.delete(item.data(IdRole))

    def export(self, conversation_id: int) -> None:
        conv = self.assistant.conversation(conversation_id)
        if conv is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export conversation"), f"{conv.title}.md",
            self.tr("Markdown (*.md);;JSON (*.json)"),
        )
        if not name:
            return
        # The pictures of the conversation go into a folder beside the file.
        self.assistant.export_conversation(conversation_id, Path(name))

    def _menu(self, pos: object) -> None:
        item = self.list.itemAt(pos)  # type: ignore[arg-type]
        if item is None or not item.data(IdRole):
            return
        cid = item.data(IdRole)
        menu = QMenu(self)
        if not self.searching:
            menu.addAction(self.tr("Rename"), lambda: self.list.editItem(item))
        menu.addAction(self.tr("Export…"), lambda: self.export(cid))
        menu.addSeparator()
        menu.addAction(self.tr("Delete…"), lambda: self.delete(cid))
        menu.exec(self.list.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    def _confirm_dialog(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
