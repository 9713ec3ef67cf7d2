"""The chat list model: a QAbstractListModel over one conversation's messages.

It adapts, it does not own: rows are filled from ``Assistant.messages()`` and from the
events of the answer being streamed; the database stays the source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.types import Citation, Message, MessageStatus, Role

Index = QModelIndex | QPersistentModelIndex

# Custom roles: the view and the tests read these.
MessageRole = Qt.ItemDataRole.UserRole + 1  # the core Message (content may lag while streaming)
RoleRole = Qt.ItemDataRole.UserRole + 2  # "user" | "assistant" | "system"
StatusRole = Qt.ItemDataRole.UserRole + 3  # MessageStatus value
StreamingRole = Qt.ItemDataRole.UserRole + 4  # True while tokens are arriving
ErrorRole = Qt.ItemDataRole.UserRole + 5  # readable error for this answer, or None
CitationsRole = Qt.ItemDataRole.UserRole + 6  # tuple[Citation, ...]
VersionRole = Qt.ItemDataRole.UserRole + 7  # bumps on every change (layout cache key)
NoteRole = Qt.ItemDataRole.UserRole + 8  # transient status text ("Loading model…")
RatingRole = Qt.ItemDataRole.UserRole + 9  # the answer's Rating (app.core.assistant.Rating) or None


@dataclass
class _Row:
    message: Message
    text: str
    streaming: bool = False
    error: str | None = None
    note: str = ""
    version: int = 0
    rating: Any = None  # the user's Rating of this answer


class ChatModel(QAbstractListModel):
    """Rows are messages, oldest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._version = 0

    # ---- Qt model API ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return None
        if role == MessageRole:
            return row.message
        if role == RoleRole:
            return str(row.message.role)
        if role == StatusRole:
            return str(row.message.status)
        if role == StreamingRole:
            return row.streaming
        if role == ErrorRole:
            return row.error
        if role == CitationsRole:
            return row.message.citations
        if role == VersionRole:
            return row.version
        if role == NoteRole:
            return row.note
        if role == RatingRole:
            return row.rating
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({
            MessageRole: b"message", RoleRole: b"role", StatusRole: b"status",
            StreamingRole: b"streaming", ErrorRole: b"error", CitationsRole: b"citations",
            VersionRole: b"version", NoteRole: b"note", RatingRole: b"rating",
        })
        return names

    # ---- editing (UI thread only) -----------------------------------------------

    def set_messages(self, messages: list[Message], ratings: Mapping[int, Any] | None = None) -> None:
        """Show a conversation from the store, with its answers' ratings (by message id)."""
        ratings = ratings or {}
        self.beginResetModel()
        self._rows = [_Row(m, m.content, version=self._next(), rating=ratings.get(m.id) if m.id is not None else None)
                      for m in messages if m.role != Role.SYSTEM]
        self.endResetModel()

    def append(self, message: Message, *, streaming: bool = False) -> int:
        """Add a row at the end; returns its row number."""
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append(_Row(message, message.content, streaming=streaming, version=self._next()))
        self.endInsertRows()
        return n

    def append_text(self, row: int, text: str) -> None:
        """Append streamed text to a row."""
        r = self._rows[row]
        r.text += text
        r.note = ""
        self._changed(row)

    def set_text(self, row: int, text: str) -> None:
        r = self._rows[row]
        r.text = text
        r.message = replace(r.message, content=text)
        self._changed(row)

    def set_note(self, row: int, note: str) -> None:
        self._rows[row].note = note
        self._changed(row)

    def set_citations(self, row: int, citations: tuple[Citation, ...]) -> None:
        r = self._rows[row]
        r.message = replace(r.message, citations=citations)
        self._changed(row)

    def finish(self, row: int, message: Message, error: str | None = None) -> None:
        """The answer is complete (or interrupted): show the stored message."""
        r = self._rows[row]
        r.message = message
        r.text = message.content
        r.streaming = False
        r.error = error
        r.note = ""
        self._changed(row)

    def set_rating(self, row: int, rating: Any) -> None:
        """Show the answer's new rating (None: unrated)."""
        self._rows[row].rating = rating
        self._changed(row)

    def set_streaming(self, row: int, streaming: bool) -> None:
        self._rows[row].streaming = streaming
        self._changed(row)

    def truncate(self, count: int) -> None:
        """Keep only the first ``count`` rows."""
        if count >= len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), count, len(self._rows) - 1)
        del self._rows[count:]
        self.endRemoveRows()

    def refresh_all(self) -> None:
        """Every row must be laid out again (language or width changed)."""
        if not self._rows:
            return
        for r in self._rows:
            r.version = self._next()
        self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # ---- queries ----------------------------------------------------------------

    def message(self, row: int) -> Message:
        return self._rows[row].message

    def text(self, row: int) -> str:
        return self._rows[row].text

    def rating(self, row: int) -> Any:
        """The answer's Rating shown in ``row``, or None."""
        return self._rows[row].rating

    def row_of(self, message_id: int) -> int | None:
        """The row showing the stored message ``message_id``, if any."""
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i].message.id == message_id:
                return i
        return None

    def last_row(self, role: Role) -> int | None:
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i].message.role == role:
                return i
        return None

    def streaming_row(self) -> int | None:
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i].streaming:
                return i
        return None

    def is_interrupted(self, row: int) -> bool:
        return self._rows[row].message.status != MessageStatus.COMPLETE and not self._rows[row].streaming

    # ---- plumbing ---------------------------------------------------------------

    def _next(self) -> int:
        self._version += 1
        return self._version

    def _changed(self, row: int) -> None:
        self._rows[row].version = self._next()
        idx = self.index(row)
        self.dataChanged.emit(idx, idx)
