"""The documents list: one row per indexed file, updated in place from the library's status records.

Status values are compared as the core spells them (the facade's FileStatus is a StrEnum;
plain strings keep numpy and the index out of the window's startup).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.ui.documents.texts import collection_label, translate_reason

if TYPE_CHECKING:
    from app.core.assistant import DocumentRecord

QUEUED, PARSING, OCR, EMBEDDING = "queued", "parsing", "ocr", "embedding"
INDEXED, FAILED, PASSWORD = "indexed", "failed", "password"
ACTIVE = frozenset({QUEUED, PARSING, OCR, EMBEDDING})

MIN_WEIGHT = 4096  # bytes: a tiny file still counts in the overall progress

_PAGE = re.compile(r"(\d+)\s*/\s*(\d+)")
_EMBED = re.compile(r"embedding\s+(\d+)\s*/\s*(\d+)(\+?)", re.IGNORECASE)

RecordRole = Qt.ItemDataRole.UserRole + 1
FractionRole = Qt.ItemDataRole.UserRole + 2
StatusTextRole = Qt.ItemDataRole.UserRole + 3
KindRole = Qt.ItemDataRole.UserRole + 4  # "active" | "indexed" | "failed" | "password" | "stopped"


@dataclass
class _Item:
    """One file as the panel shows it: the core's record plus progress parsed from it."""

    rec: "DocumentRecord"
    weight: int = MIN_WEIGHT
    parse: float = 0.0  # fraction of pages read (parsing or OCR)
    page: tuple[int, int] | None = None  # (k, n) page being read
    ocr: bool = False
    embedded: tuple[int, int, bool] | None = None  # (k, n, more chunks still coming)

    @property
    def status(self) -> str:
        return str(self.rec.status)

    def fraction(self) -> float:
        """This file's share of its work done (0..1): chunks embedded of the chunks expected."""
        if self.status not in ACTIVE:
            return 1.0
        if self.embedded is not None:
            k, n, more = self.embedded
            ratio = k / max(n, 1)
            return max(0.0, min(0.99, (self.parse if more else 1.0) * ratio))
        return 0.0


def _file_size(path: str) -> int:
    try:
        return max(MIN_WEIGHT, os.stat(path).st_size)
    except OSError:
        return MIN_WEIGHT


class DocumentsModel(QAbstractListModel):
    """The files in the library, one row each, updated in place from status records."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths: list[str] = []
        self._items: dict[str, _Item] = {}
        self.working = False  # an ingest is running: unfinished rows are live, not stopped

    # ---- reading -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._paths)

    def item(self, row: int) -> _Item:
        return self._items[self._paths[row]]

    def item_for(self, path: str) -> _Item | None:
        return self._items.get(path)

    def row_of(self, path: str) -> int:
        try:
            return self._paths.index(path)
        except ValueError:
            return -1

    def items(self) -> list[_Item]:
        return [self._items[p] for p in self._paths]

    def paths(self) -> list[str]:
        return list(self._paths)

    def kind(self, it: _Item) -> str:
        s = it.status
        if s in ACTIVE:
            return "active" if self.working else "stopped"
        return s if s in (INDEXED, FAILED, PASSWORD) else "active"

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._paths):
            return None
        it = self.item(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(it.rec.path).name
        if role == RecordRole:
            return it.rec
        if role == FractionRole:
            return it.fraction()
        if role == StatusTextRole:
            return self.status_text(it)
        if role == KindRole:
            return self.kind(it)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(it)
        return None

    # ---- texts -------------------------------------------------------------------------

    def status_text(self, it: _Item) -> str:
        """The status line: queued, reading page k/n, OCR page k/n, embedding k/n, indexed, failed: reason."""
        rec = it.rec
        s = it.status
        if s == INDEXED:
            parts = []
            if rec.pages:
                parts.append(self.tr("1 page") if rec.pages == 1 else self.tr("%1 pages").replace("%1", str(rec.pages)))
            parts.append(self.tr("1 passage") if rec.chunks == 1 else self.tr("%1 passages").replace("%1", str(rec.chunks)))
            return self.tr("indexed") + " · " + ", ".join(parts)
        if s == FAILED:
            return self.tr("failed: %1").replace("%1", translate_reason(rec.error or self.tr("unknown error")))
        if s == PASSWORD:
            wrong = "wrong" in (rec.error or "")
            return self.tr("wrong password: enter it again") if wrong else self.tr("needs a password")
        if not self.working:
            return self.tr("stopped before it was indexed")
        if s == QUEUED:
            return self.tr("queued")
        if s == OCR and it.page:
            return self.tr("OCR page %1/%2").replace("%1", str(it.page[0])).replace("%2", str(it.page[1]))
        if it.embedded is not None:
            k, n, more = it.embedded
            text = self.tr("embedding %1/%2").replace("%1", str(k)).replace("%2", str(n) + ("+" if more else ""))
            if more and it.page:
                what = self.tr("OCR page %1/%2") if it.ocr else self.tr("page %1/%2")
                text += " · " + what.replace("%1", str(it.page[0])).replace("%2", str(it.page[1]))
            return text
        if it.parse >= 1.0:
            return self.tr("read, waiting for the embedder")
        if it.page:
            return self.tr("reading page %1/%2").replace("%1", str(it.page[0])).replace("%2", str(it.page[1]))
        return self.tr("reading")

    def tooltip(self, it: _Item) -> str:
        rec = it.rec
        lines = [html.escape(rec.path), html.escape(self.tr("Collection: %1").replace("%1", collection_label(rec.collection)))]
        lines.append(html.escape(self.status_text(it)))
        if rec.status == INDEXED and rec.error:
            lines.append(html.escape(self.tr("Note: %1").replace("%1", rec.error)))
        return "<br>".join(lines)

    # ---- updating ------------------------------------------------------------------------

    def reset(self, records: list["DocumentRecord"]) -> None:
        """Show exactly these records (a full refresh); live progress of known files is kept."""
        self.beginResetModel()
        old = self._items
        self._paths = []
        self._items = {}
        for rec in records:
            prev = old.get(rec.path)
            it = _Item(rec, prev.weight if prev else _file_size(rec.path))
            if prev is not None and str(rec.status) in ACTIVE and prev.status in ACTIVE:
                it = prev
            self._paths.append(rec.path)
            self._items[rec.path] = it
        self.endResetModel()

    def apply(self, records: list["DocumentRecord"]) -> list[str]:
        """Apply status records (newest per file); returns the paths that changed."""
        changed: list[str] = []
        rows: list[int] = []
        for rec in records:
            path = rec.path
            if rec.status == FAILED and rec.error == "removed" and rec.detail == "removed":
                self._remove(path)
                changed.append(path)
                continue
            it = self._items.get(path)
            if it is None:
                it = _Item(rec, _file_size(path))
                self.beginInsertRows(QModelIndex(), len(self._paths), len(self._paths))
                self._paths.append(path)
                self._items[path] = it
                self.endInsertRows()
            _update_item(it, rec)
            changed.append(path)
            rows.append(self._paths.index(path))
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))
        return changed

    def refresh_all(self) -> None:
        """Texts depend on ``working`` and the language: repaint every row."""
        if self._paths:
            self.dataChanged.emit(self.index(0), self.index(len(self._paths) - 1))

    def _remove(self, path: str) -> None:
        row = self.row_of(path)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._paths[row]
        self._items.pop(path, None)
        self.endRemoveRows()


def _update_item(it: _Item, rec: "DocumentRecord") -> None:
    """Merge a status record into the item: the parser and the embedder report the same
    file in turns (pipelined), so each one's progress is kept apart."""
    status = str(rec.status)
    detail = rec.detail or ""
    if status == QUEUED or status not in ACTIVE:
        it.parse, it.page, it.ocr, it.embedded = 0.0, None, False, None
        if status not in ACTIVE and status != QUEUED:
            it.rec = rec
            return
    if status in (PARSING, OCR):
        m = _PAGE.search(detail)
        if m:
            it.page = (int(m.group(1)), int(m.group(2)))
        if rec.progress is not None:
            it.parse = float(rec.progress)
        it.ocr = status == OCR
        if it.embedded is not None:
            # Embedding has started: keep showing it, with the reading progress appended.
            if rec.progress is not None and rec.progress >= 1.0:
                it.parse = 1.0
            it.rec = replace(rec, status=EMBEDDING)
            return
    elif status == EMBEDDING:
        m = _EMBED.search(detail)
        if m:
            it.embedded = (int(m.group(1)), int(m.group(2)), bool(m.group(3)))
        elif rec.progress is not None:
            it.embedded = (round(100 * rec.progress), 100, False)
    it.rec = rec
