"""The Documents panel: every indexed file with its live status, and the indexing controls.

Contract used by the main window:
    DocumentsPanel(assistant: Assistant, parent: QWidget | None = None) -> QWidget
        .add_paths(paths: list[Path]) -> None   # start indexing (drag-and-drop, "Add documents")

Threads: the library reports per-file status from its worker threads. The listener only
stores the newest record per file under a lock and, once per batch, emits a queued
signal; the UI thread applies everything that arrived at most every ``FLUSH_MS``, so a
folder of thousands of files costs a handful of repaints a second. Indexing jobs (add,
re-index, password retry, resume after a crash) go to the core's job runner, on its
"ingest" lane, which runs them one at a time; the panel follows them through its job
events (app.ui.jobs). The UI thread never waits on the index.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.core.types import CancelToken, ProgressCallback
from app.ui import workers
from app.ui.jobs import JobBridge
from app.ui.workers import FunctionWorker

if TYPE_CHECKING:
    from app.core.assistant import Assistant, DocumentLibrary, DocumentRecord, Job, JobEvent

# Status values as the core spells them (the facade's FileStatus is a StrEnum; comparing
# with plain strings keeps numpy and the index out of the window's startup).
QUEUED, PARSING, OCR, EMBEDDING = "queued", "parsing", "ocr", "embedding"
INDEXED, FAILED, PASSWORD = "indexed", "failed", "password"
ACTIVE = frozenset({QUEUED, PARSING, OCR, EMBEDDING})

LOADING_EMBEDDER = "\x00loading-embedder"  # a job's progress text: the model is loading
LANE = "ingest"  # the job runner's lane for indexing (the document library's LANE)
FLUSH_MS = 100  # status updates are applied (and the list repainted) at most 10 times a second
POLL_MS = 500  # while indexing: notice the end of jobs the library runs on its own
MIN_WEIGHT = 4096  # bytes: a tiny file still counts in the overall progress

_PAGE = re.compile(r"(\d+)\s*/\s*(\d+)")
_EMBED = re.compile(r"embedding\s+(\d+)\s*/\s*(\d+)(\+?)", re.IGNORECASE)

RecordRole = Qt.ItemDataRole.UserRole + 1
FractionRole = Qt.ItemDataRole.UserRole + 2
StatusTextRole = Qt.ItemDataRole.UserRole + 3
KindRole = Qt.ItemDataRole.UserRole + 4  # "active" | "indexed" | "failed" | "password" | "stopped"


def collection_label(name: str) -> str:
    """A collection's name as shown: the built-in "default" one is translated."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("DocumentsPanel", "Default") if name == "default" else name


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


# Fixed reasons the core gives, and how the panel says them (the core speaks English).
_REASONS: list[tuple[re.Pattern[str], str]] = []


def translate_reason(reason: str) -> str:
    """A failure reason in the window's language (the core's fixed phrases; the rest as is)."""
    tr = _ReasonTr.instance()
    for pattern, key in _reason_patterns():
        m = pattern.fullmatch(reason.strip())
        if m:
            text = tr.text(key)
            for i, g in enumerate(m.groups(), 1):
                text = text.replace(f"%{i}", g or "")
            return text
    return reason


def _reason_patterns() -> list[tuple[re.Pattern[str], str]]:
    if not _REASONS:
        for pat, key in (
            (r"this PDF is protected by a password", "password"),
            (r"the password is wrong for this PDF", "wrong_password"),
            (r"the file is empty \(0 bytes\)", "empty"),
            (r"the file or folder does not exist", "missing"),
            (r"the file does not exist \(moved or deleted\?\)", "missing"),
            (r"no text found in this file", "no_text"),
            (r"this is not a valid (\w+) file \((.*)\)", "not_valid"),
            (r"this PDF is damaged and cannot be opened \((.*)\)", "pdf_damaged"),
            (r"this PDF is damaged: (.*)", "pdf_damaged_detail"),
            (r"this (\w+) file is damaged \((.*)\)", "damaged"),
            (r"this is not a text file \((.*)\)", "not_text"),
            (r"files of type '(.*)' are not supported", "unsupported"),
            (r"permission denied: the file cannot be read", "permission"),
            (r"the file cannot be read \((.*)\)", "unreadable"),
            (r"this PDF has no pages", "no_pages"),
            (r"cannot read the file: (.*)", "unreadable"),
        ):
            _REASONS.append((re.compile(pat, re.IGNORECASE | re.DOTALL), key))
    return _REASONS


class _ReasonTr(QObject):
    """Holds the translatable reason texts (one tr() context for lupdate)."""

    _inst: "_ReasonTr | None" = None

    @classmethod
    def instance(cls) -> "_ReasonTr":
        if cls._inst is None:
            cls._inst = cls()
        return cls._inst

    def text(self, key: str) -> str:
        texts = {
            "password": self.tr("this PDF is protected by a password"),
            "wrong_password": self.tr("the password is wrong for this PDF"),
            "empty": self.tr("the file is empty (0 bytes)"),
            "missing": self.tr("the file does not exist (moved or deleted?)"),
            "no_text": self.tr("no text found in this file"),
            "not_valid": self.tr("this is not a valid %1 file (%2)"),
            "pdf_damaged": self.tr("this PDF is damaged and cannot be opened (%1)"),
            "pdf_damaged_detail": self.tr("this PDF is damaged: %1"),
            "damaged": self.tr("this %1 file is damaged (%2)"),
            "not_text": self.tr("this is not a text file (%1)"),
            "unsupported": self.tr("files of type '%1' are not supported"),
            "permission": self.tr("permission denied: the file cannot be read"),
            "unreadable": self.tr("the file cannot be read (%1)"),
            "no_pages": self.tr("this PDF has no pages"),
        }
        return texts[key]


class DocumentDelegate(QStyledItemDelegate):
    """Two lines per file: name and collection, then the status with a thin progress bar."""

    PAD = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        bold, small = self._fonts(option)
        h = QFontMetrics(bold).height() + QFontMetrics(small).height() + 2 * self.PAD + 6
        return QSize(200, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rec = index.data(RecordRole)
        kind = index.data(KindRole)
        status = index.data(StatusTextRole) or ""
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = fg if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        bold, small = self._fonts(opt)
        r = opt.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD - 2, -self.PAD)
        painter.save()
        # Line 1: the file name (elided in the middle) and its collection on the right.
        fm_small = QFontMetrics(small)
        coll = collection_label(rec.collection) if rec is not None else ""
        coll_w = min(fm_small.horizontalAdvance(coll) + 10, r.width() // 3)
        fm_bold = QFontMetrics(bold)
        line1 = QRect(r.left(), r.top(), r.width(), fm_bold.height())
        painter.setFont(small)
        painter.setPen(dim)
        painter.drawText(line1, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         fm_small.elidedText(coll, Qt.TextElideMode.ElideRight, coll_w))
        painter.setFont(bold)
        painter.setPen(fg)
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(line1.adjusted(0, 0, -coll_w - 6, 0), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm_bold.elidedText(name, Qt.TextElideMode.ElideMiddle, line1.width() - coll_w - 6))
        # Line 2: the status, coloured by outcome.
        line2 = QRect(r.left(), line1.bottom() + 2, r.width(), fm_small.height())
        color = {"failed": QColor("#c62828"), "password": QColor("#b26a00"), "stopped": QColor("#b26a00"),
                 "indexed": QColor("#2e7d32")}.get(kind, dim)
        painter.setFont(small)
        painter.setPen(fg if selected else color)
        painter.drawText(line2, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm_small.elidedText(status, Qt.TextElideMode.ElideRight, line2.width()))
        # A thin bar under the status while the file is being worked on.
        if kind == "active":
            frac = float(index.data(FractionRole) or 0.0)
            bar = QRect(r.left(), line2.bottom() + 3, r.width(), 3)
            painter.fillRect(bar, pal.color(QPalette.ColorRole.Midlight))
            if frac > 0:
                painter.fillRect(QRect(bar.left(), bar.top(), max(2, int(bar.width() * frac)), bar.height()),
                                 pal.color(QPalette.ColorRole.Highlight))
        painter.restore()


class _StatusBridge(QObject):
    """Carries status records from the library's threads to the UI thread, coalesced."""

    sig_pending = Signal()  # queued to the UI thread: records are waiting

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[str, "DocumentRecord"] = {}
        self._signalled = False
        self.received = 0  # records seen (tests and the responsiveness benchmark)

    def push(self, rec: "DocumentRecord") -> None:
        """Any thread: keep the newest record per file; signal once until taken."""
        with self._lock:
            self._pending[rec.path] = rec
            self.received += 1
            if self._signalled:
                return
            self._signalled = True
        try:
            self.sig_pending.emit()
        except RuntimeError:
            pass  # the panel was deleted (the window closed while a job still ran)

    def take(self) -> list["DocumentRecord"]:
        with self._lock:
            out = list(self._pending.values())
            self._pending.clear()
            self._signalled = False
        return out


class DocumentsPanel(QWidget):
    """Files with their status, overall progress with ETA, and add / pause / cancel / remove."""

    sig_changed = Signal()  # status records were applied (tests wait on it)
    sig_idle = Signal()  # every indexing job finished and the list is refreshed

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsPanel")
        self.assistant = assistant
        self.library: "DocumentLibrary | None" = None
        self._lib_lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        # The job runner queues and runs the indexing jobs; the panel keeps the handles of
        # its own (for their results) and the ids of every live job on the lane.
        self.jobs = assistant.jobs
        self._handles: dict[int, "Job"] = {}
        self._lane_jobs: set[int] = set()
        self._init_started = False
        self._batch: dict[str, int] = {}  # files of the running batch -> weight
        self._batch_t0 = 0.0
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._eta: float | None = None
        self._asked: set[str] = set()  # files whose password prompt is queued or open
        self._declined: set[str] = set()  # the user closed their prompt: don't ask again by itself
        self._mine: set[str] = set()  # files added in this session (their password prompts pop up)
        self._prompts: list[tuple[str, str]] = []  # (path, reason) waiting for the dialog
        self.password_dialog: QInputDialog | None = None
        self._skipped: list[tuple[str, str]] = []
        self._error = ""  # the last job's unexpected failure, shown in the summary
        self._refreshing = 0  # full reloads in flight: idle is reported after them
        self._loading_embedder = False
        self._closed = False

        self.bridge = _StatusBridge(self)
        self.bridge.sig_pending.connect(self._schedule_flush, Qt.ConnectionType.QueuedConnection)
        self.job_bridge = JobBridge(self.jobs, (LANE,), self)
        self.job_bridge.sig_job.connect(self._on_job)
        self._lane_jobs.update(j.id for j in self.jobs.jobs(LANE))  # after subscribing: no end is missed
        handles = self._handles
        # Deleted while its jobs run (the window closed): they have no one to report to.
        self.destroyed.connect(lambda *_: [j.cancel() for j in list(handles.values())])
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_idle)

        # ---- widgets
        self.add_files_button = QPushButton(self)
        self.add_files_button.setObjectName("addDocuments")
        self.add_files_button.clicked.connect(self.choose_files)
        self.add_folder_button = QPushButton(self)
        self.add_folder_button.setObjectName("addFolder")
        self.add_folder_button.clicked.connect(self.choose_folder)
        self.summary = QLabel(self)
        self.summary.setObjectName("documentsSummary")
        self.summary.setWordWrap(True)

        self.model = DocumentsModel(self)
        self.list = QListView(self)
        self.list.setObjectName("documentsList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(DocumentDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setUniformItemSizes(True)  # 1000s of rows lay out in constant time
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.doubleClicked.connect(lambda index: self.open_file(self.model.item(index.row()).rec.path))
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_selection())
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("documentsEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.details = QLabel(self)
        self.details.setObjectName("documentDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()

        self.progress = QProgressBar(self)
        self.progress.setObjectName("documentsProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("documentsProgressLabel")
        self.progress_label.setWordWrap(True)
        self.pause_button = QPushButton(self)
        self.pause_button.setObjectName("pauseIndexing")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelIndexing")
        self.cancel_button.clicked.connect(self.cancel)

        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeDocument")
        self.remove_button.clicked.connect(self.remove_selected)
        self.reindex_button = QPushButton(self)
        self.reindex_button.setObjectName("reindexDocument")
        self.reindex_button.clicked.connect(self.reindex_selected)
        self.password_button = QPushButton(self)
        self.password_button.setObjectName("documentPassword")
        self.password_button.clicked.connect(self._password_for_selected)
        self.password_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.add_files_button)
        top.addWidget(self.add_folder_button)
        top.addStretch(1)
        self.progress_box = QWidget(self)
        pb = QVBoxLayout(self.progress_box)
        pb.setContentsMargins(0, 0, 0, 0)
        pb.setSpacing(3)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.pause_button)
        row.addWidget(self.cancel_button)
        pb.addLayout(row)
        pb.addWidget(self.progress_label)
        self.progress_box.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.password_button)
        actions.addStretch(1)
        actions.addWidget(self.reindex_button)
        actions.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.details)
        layout.addLayout(actions)
        self._retranslate()
        self._update_view()
        # The library (numpy, SQLite) opens in a worker after the window is on screen:
        # the numpy import holds the GIL ~40 ms, which would stall the first paint.
        # Submitted after the first paint (or at once by an early "Add": it runs first).
        QTimer.singleShot(300, self._start_init)

    # ---- texts ---------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.add_files_button.setText(self.tr("Add documents…"))
        self.add_files_button.setToolTip(self.tr("Index PDF, text, Markdown, HTML, DOCX or EPUB files"))
        self.add_folder_button.setText(self.tr("Add folder…"))
        self.add_folder_button.setToolTip(self.tr("Index every document in a folder and its subfolders"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop indexing; files already indexed stay"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget the selected files (the files on disk are not touched)"))
        self.reindex_button.setText(self.tr("Re-index"))
        self.reindex_button.setToolTip(self.tr("Read and index the selected files again"))
        self.password_button.setText(self.tr("Enter password…"))
        self.empty_label.setText(self.tr("No documents yet.\n\nDrop files or folders onto the window, or use "
                                         "\"Add documents…\". Then turn on \"Answer from documents\" in a chat."))
        self._update_pause_button()
        self.model.refresh_all()
        self._update_view()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def sizeHint(self) -> QSize:
        return QSize(380, 500)

    # ---- public API ------------------------------------------------------------------------

    def collection_names(self) -> list[str]:
        """The collections of the files listed here (no library call: UI-thread safe)."""
        return sorted({it.rec.collection for it in self.model.items()})

    def add_paths(self, paths: list[Path], collection: str | None = None) -> None:
        """Index files and folders in the background; their rows appear and update live."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        for p in paths:
            self._mine.add(os.path.abspath(p))
        lib_paths = list(paths)
        indexed = {it.rec.path for it in self.model.items() if it.status == INDEXED}

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            lib = self._lib()
            self._announce(lib, lib_paths, collection, indexed)
            self._load_embedder(lib, progress)
            return lib.add_paths(lib_paths, progress, cancel, collection=collection)

        self._enqueue("add", run, [str(p) for p in paths])

    def _announce(self, lib: "DocumentLibrary", paths: list[Path], collection: str | None, indexed: set[str]) -> None:
        """Worker: show the files as queued at once (the library marks them only once its
        embedding model is loaded, which takes a while the first time)."""
        from app.core.assistant import DocumentRecord, FileStatus

        jobs, skipped = lib.plan(paths, collection)
        for j in jobs:
            if str(j.path) not in indexed:
                self.bridge.push(DocumentRecord(path=str(j.path), status=FileStatus.QUEUED,
                                                collection=j.collection, detail="queued"))
        named = {os.path.abspath(p) for p in paths}
        for f in skipped:  # a file the user named but that cannot be read: its reason now
            if str(f.path) in named:
                self.bridge.push(DocumentRecord(path=str(f.path), status=FileStatus.FAILED,
                                                collection=collection or "default", error=f.error))

    def _load_embedder(self, lib: "DocumentLibrary", progress: ProgressCallback) -> None:
        """Worker: load the embedding model with a visible stage (it can take many seconds)."""
        progress(None, LOADING_EMBEDDER)
        lib.embedder  # noqa: B018 - loads it
        progress(None, "")

    def reindex(self, paths: list[str]) -> None:
        """Read and embed these files again (even unchanged), in the background."""
        if not paths:
            return

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            self._load_embedder(self._lib(), progress)
            reports = []
            for p in paths:
                cancel.raise_if_cancelled()
                reports.append(self._lib().reindex(p, progress, cancel))
            return reports

        self._mine.update(paths)
        self._enqueue("reindex", run, list(paths))

    def set_password(self, path: str, password: str) -> None:
        """Index an encrypted PDF with this password (a wrong one asks again)."""
        self._declined.discard(path)

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return self._lib().set_password(path, password, progress, cancel)

        self._enqueue("password", run, [path])

    def remove(self, paths: list[str]) -> None:
        """Forget files and their passages (in a worker: the vector index is written)."""
        if not paths or self.library is None:
            return
        lib = self.library
        worker = FunctionWorker(lambda: [lib.remove(p) for p in paths])
        worker.signals.sig_finished.connect(self._refresh)
        workers.start(worker)

    @property
    def working(self) -> bool:
        """An indexing job is queued or running (ours, another's on the lane, or the library's own)."""
        lib_busy = bool(self.library is not None and self.library.busy)
        return bool(self._handles) or bool(self._lane_jobs) or lib_busy

    def toggle_pause(self) -> None:
        lib = self._lib()
        if lib.paused:
            lib.resume()
            if self._paused_at is not None:
                self._paused_total += time.monotonic() - self._paused_at
            self._paused_at = None
        else:
            lib.pause()
            self._paused_at = time.monotonic()
        self._update_pause_button()
        self._update_progress()

    def cancel(self) -> None:
        """Stop the running job and drop the queued ones; indexed files stay."""
        for job in list(self._handles.values()):
            if job.kind != "documents.init":
                job.cancel()
        if self.library is not None:
            self.library.cancel()
        self._paused_at = None
        self._update_pause_button()

    def selected_paths(self) -> list[str]:
        rows = sorted({i.row() for i in self.list.selectionModel().selectedIndexes()})
        return [self.model.item(r).rec.path for r in rows]

    def select(self, path: str) -> None:
        row = self.model.row_of(path)
        if row >= 0:
            self.list.selectionModel().select(self.model.index(row),
                                              QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list.setCurrentIndex(self.model.index(row))

    def remove_selected(self) -> None:
        self.remove(self.selected_paths())

    def reindex_selected(self) -> None:
        self.reindex(self.selected_paths())

    def choose_files(self) -> None:
        from app.core.filetypes import DOCUMENT_SUFFIXES

        patterns = " ".join(f"*{s}" for s in DOCUMENT_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add documents"), str(Path.home()),
            self.tr("Documents (%1)").replace("%1", patterns) + ";;" + self.tr("All files (*)"),
        )
        if files:
            self.add_paths([Path(f) for f in files])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of documents"), str(Path.home()))
        if folder:
            self.add_paths([Path(folder)])

    def open_file(self, path: str) -> None:
        """Open a document with the system's viewer."""
        if Path(path).exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def close_panel(self) -> None:
        """Stop listening to the library (the window is closing)."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.job_bridge.close()
        self._poll.stop()
        self._flush_timer.stop()

    # ---- jobs ------------------------------------------------------------------------------

    def _lib(self) -> "DocumentLibrary":
        # Opened by the init job (a worker) or by the first action, whichever comes first.
        with self._lib_lock:
            if self.library is None:
                self.library = self.assistant.documents
            return self.library

    def _init_job(self, progress: ProgressCallback, cancel: CancelToken) -> Any:
        lib = self._lib()
        if self._unsubscribe is None:
            self._unsubscribe = lib.subscribe(self.bridge.push)
        records = lib.files()
        # Work a killed app left: files not finished, or not embedded by today's embedder.
        unfinished = any(str(r.status) in ACTIVE for r in records)
        name = lib.settings.documents.embedder
        missing = bool(records) and name in ("e5-small", "minilm") and bool(
            lib.indexed_missing_embedder(name))
        return records, unfinished or missing

    def _start_init(self) -> None:
        """Submit the job that opens the library and lists its files (once, before any other)."""
        if self._init_started or self._closed:
            return
        self._init_started = True
        self._submit("init", self._init_job, [], interactive=True)

    def _enqueue(self, kind: str, run: Callable[[ProgressCallback, CancelToken], Any], paths: list[str]) -> None:
        self._start_init()
        self._submit(kind, run, paths)
        self._update_pause_button()
        self._update_progress()

    def _submit(self, kind: str, run: Callable[[ProgressCallback, CancelToken], Any], paths: list[str],
                interactive: bool = False) -> None:
        from app.core.assistant import JobsClosed, Priority

        # The start-up jobs go before additions queued meanwhile; additions keep their order.
        priority = Priority.INTERACTIVE if interactive else Priority.BACKGROUND
        try:
            job = self.jobs.submit(LANE, run, name=kind, kind=f"documents.{kind}", priority=priority,
                                   params={"paths": paths})
        except JobsClosed:
            return  # the app is closing
        self._handles[job.id] = job
        self._lane_jobs.add(job.id)

    def _on_job(self, ev: "JobEvent") -> None:
        """A job on the ingest lane changed (UI thread): ours report their outcome here."""
        if ev.final:
            self._lane_jobs.discard(ev.job_id)
        else:
            self._lane_jobs.add(ev.job_id)
        job = self._handles.get(ev.job_id)
        if job is None:  # another's indexing (the library's own, a transcript): shown as working
            if not ev.final and not self._closed and not self._poll.isActive():
                self._poll.start()
                self._update_pause_button()
            return
        if ev.change == "progress":
            self._on_job_progress(ev.fraction, ev.text)
        elif ev.final:
            del self._handles[ev.job_id]
            if ev.state == "done":
                self._job_result(job, job.result)
            elif ev.state == "failed" and job.error is not None:
                self._job_error(job, job.error)
            self._job_finished(job)
        elif ev.state == "running" and ev.change == "state" and job.kind != "documents.init":
            self._error = ""
            self._poll.start()
            self._update_pause_button()

    def _on_job_progress(self, _fraction: object, text: str) -> None:
        stage = text == LOADING_EMBEDDER
        if stage != self._loading_embedder:
            self._loading_embedder = stage
            self._update_progress()

    def _job_result(self, job: "Job", result: Any) -> None:
        if job.kind == "documents.init":
            records, resume = result
            self.model.reset(records)
            self._update_view()
            lib = self._lib()
            if self._unsubscribe is not None:
                # Stop listening when the panel goes away (the library may outlive it).
                self.destroyed.connect(self._unsubscribe)
            if resume:
                def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
                    self._load_embedder(lib, progress)
                    return lib.resume_pending(progress, cancel)

                # Before additions queued while the library opened, as the work is older.
                self._submit("resume", run, [], interactive=True)
            if lib.settings.documents.watched_folders:
                lib.start_watching()
            return
        self._flush()  # the job's last status records first: the rows match the report
        reports = result if isinstance(result, list) else [result]
        skipped = [(str(f.path), f.error or "") for r in reports for f in getattr(r, "files", [])
                   if f.status == "skipped"]
        if skipped:
            self._skipped = skipped
        # Passwords: a prompt for every encrypted file this job met (events may be coalesced).
        for r in reports:
            for f in getattr(r, "files", []):
                if f.status == "password":
                    self._maybe_prompt(str(f.path), f.error or "")

    def _job_error(self, job: "Job", exc: BaseException) -> None:
        self._error = str(exc) or type(exc).__name__
        self._update_view()

    def _job_finished(self, job: "Job") -> None:
        self._loading_embedder = False
        if self._closed:
            return
        self._flush()
        if not self._handles:
            self._refresh()
        self._update_pause_button()
        self._update_progress()

    def _refresh(self) -> None:
        """Reload every record from the library (in a worker) and show them."""
        if self.library is None or self._closed:
            return
        lib = self.library
        self._refreshing += 1
        worker = FunctionWorker(lib.files)
        worker.signals.sig_result.connect(self._on_refreshed)
        worker.signals.sig_finished.connect(self._on_refresh_finished)
        workers.start(worker)

    def _on_refresh_finished(self) -> None:
        self._refreshing -= 1
        self._check_idle()

    def _on_refreshed(self, records: list["DocumentRecord"]) -> None:
        selected = self.selected_paths()
        # Updates that arrived while the worker read are newer than its snapshot.
        self.model.reset(records)
        for p in selected:
            row = self.model.row_of(p)
            if row >= 0:
                self.list.selectionModel().select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
        self._flush()
        self._update_view()

    def _check_idle(self) -> None:
        """While indexing: when every job ended, close the batch and tell the tests."""
        live = {j.id for j in self.jobs.jobs(LANE)}  # a job that ended before we subscribed
        self._lane_jobs = {i for i in self._lane_jobs if i in live or i in self._handles}
        self.model.working = self.working
        if self.model.working or self._refreshing:
            return
        self._poll.stop()
        if self._batch:
            self._batch.clear()
            self._eta = None
            self.model.refresh_all()
        if self.library is not None and self.library.paused:
            self.library.resume()  # a paused gate would hold the next job before it starts
            self._paused_at = None
        self._update_progress()
        self._update_view()
        self.sig_idle.emit()

    # ---- status updates ------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        """Apply the records that arrived since the last flush (UI thread)."""
        self._flush_timer.stop()
        records = self.bridge.take()
        if not records:
            return
        self.model.working = self.working
        self.model.apply(records)
        now = time.monotonic()
        for rec in records:
            status = str(rec.status)
            if status in ACTIVE and rec.path not in self._batch:
                if not self._batch:
                    self._batch_t0 = now
                    self._paused_total = 0.0
                    self._eta = None
                it = self.model.item_for(rec.path)
                self._batch[rec.path] = it.weight if it else MIN_WEIGHT
                if not self._poll.isActive():
                    self._poll.start()
            elif status == PASSWORD:
                self._maybe_prompt(rec.path, rec.error or "")
        self._update_progress()
        self._update_view()
        self.sig_changed.emit()

    # ---- overall progress -----------------------------------------------------------------

    def overall(self) -> tuple[float, int, int]:
        """(fraction of the batch done by size, files finished, files in the batch)."""
        total = sum(self._batch.values())
        if not total:
            return 0.0, 0, 0
        done = 0.0
        finished = 0
        for path, w in self._batch.items():
            it = self.model.item_for(path)
            f = 1.0 if it is None else it.fraction()
            if it is None or it.status not in ACTIVE:
                finished += 1
            done += w * f
        return done / total, finished, len(self._batch)

    def _update_progress(self) -> None:
        working = self.working
        if not working and not self._batch:
            self.progress_box.hide()
            return
        self.progress_box.show()
        frac, finished, n = self.overall()
        self.progress.setValue(round(1000 * frac))
        paused = self.library is not None and self.library.paused
        if n == 0:
            text = self.tr("Preparing…")
        else:
            text = self.tr("Indexed %1 of %2").replace("%1", str(finished)).replace("%2", str(n))
        if self._loading_embedder:
            text += " · " + self.tr("loading the embedding model…")
        if paused:
            text += " · " + self.tr("paused")
        else:
            eta = self._estimate(frac)
            if eta is not None:
                text += " · " + format_eta(eta)
        self.progress_label.setText(text)

    def _estimate(self, frac: float) -> float | None:
        """Seconds left, smoothed (the batch's rate so far, pauses excluded)."""
        now = time.monotonic()
        paused = self._paused_total + (now - self._paused_at if self._paused_at else 0.0)
        elapsed = now - self._batch_t0 - paused
        if frac < 0.01 or elapsed < 2.0:
            return None
        raw = elapsed * (1.0 - frac) / frac
        self._eta = raw if self._eta is None else 0.7 * self._eta + 0.3 * raw
        return self._eta

    def _update_pause_button(self) -> None:
        paused = self.library is not None and self.library.paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Continue indexing") if paused else self.tr("Pause indexing for now"))
        self.pause_button.setEnabled(self.working)
        self.cancel_button.setEnabled(self.working)

    # ---- list and details -------------------------------------------------------------------------

    def _update_view(self) -> None:
        items = self.model.items()
        has = bool(items)
        self.list.setVisible(has)
        self.empty_label.setVisible(not has)
        if has:
            files = len(items)
            indexed = sum(1 for it in items if it.status == INDEXED)
            failed = sum(1 for it in items if it.status in (FAILED, PASSWORD))
            chunks = sum(it.rec.chunks for it in items if it.status == INDEXED)
            collections = sorted({collection_label(it.rec.collection) for it in items})
            text = self.tr("Files: %1, indexed: %2, passages: %3").replace("%1", str(files)).replace(
                "%2", str(indexed)).replace("%3", str(chunks))
            if failed:
                text += ", " + self.tr("failed: %1").replace("%1", str(failed))
            text += "<br>" + html.escape(self.tr("Collections: %1").replace("%1", ", ".join(collections)))
            if self._error:
                text += "<br><span style='color:#c62828'>" + html.escape(
                    self.tr("Indexing stopped: %1").replace("%1", self._error)) + "</span>"
            if self._skipped:
                text += "<br><span style='color:#b26a00'>" + html.escape(
                    self.tr("%1 files in the folders were skipped (not documents or unreadable)").replace(
                        "%1", str(len(self._skipped)))) + "</span>"
            self.summary.setText(text)
            self.summary.setToolTip("<br>".join(html.escape(f"{Path(p).name}: {r}") for p, r in self._skipped[:30]))
        else:
            self.summary.setText("")
        self.summary.setVisible(has)
        self._update_selection()

    def _update_selection(self) -> None:
        paths = self.selected_paths()
        items = [it for it in (self.model.item_for(p) for p in paths) if it is not None]
        working = self.working
        self.remove_button.setEnabled(bool(items) and not any(it.status in ACTIVE and working for it in items))
        self.reindex_button.setEnabled(bool(items))
        self.password_button.setVisible(len(items) == 1 and items[0].status == PASSWORD)
        if len(items) == 1:
            it = items[0]
            rec = it.rec
            lines = [f"<b>{html.escape(Path(rec.path).name)}</b>",
                     html.escape(rec.path),
                     html.escape(self.tr("Collection: %1").replace("%1", collection_label(rec.collection)))]
            status = self.model.status_text(it)
            color = {FAILED: "#c62828", PASSWORD: "#b26a00"}.get(it.status)
            lines.append(f"<span style='color:{color}'>{html.escape(status)}</span>" if color else html.escape(status))
            if rec.status == INDEXED and rec.error:
                lines.append(html.escape(self.tr("Note: %1").replace("%1", rec.error)))
            self.details.setText("<br>".join(lines))
            self.details.show()
        else:
            self.details.hide()

    def _context_menu(self, pos: Any) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        if not self.list.selectionModel().isSelected(index):
            self.select(self.model.item(index.row()).rec.path)
        it = self.model.item(index.row())
        menu = QMenu(self)
        menu.addAction(self.tr("Open file"), lambda: self.open_file(it.rec.path))
        if it.status == PASSWORD:
            menu.addAction(self.tr("Enter password…"), lambda: self.ask_password(it.rec.path, it.rec.error or ""))
        menu.addAction(self.tr("Re-index"), self.reindex_selected)
        remove = menu.addAction(self.tr("Remove"), self.remove_selected)
        remove.setEnabled(self.remove_button.isEnabled())
        menu.popup(self.list.viewport().mapToGlobal(pos))

    # ---- passwords -------------------------------------------------------------------------------

    def _maybe_prompt(self, path: str, reason: str) -> None:
        """Ask for a password by itself only for files the user added in this session."""
        mine = any(path == m or path.startswith(m.rstrip(os.sep) + os.sep) for m in self._mine)
        if path in self._asked or path in self._declined or not mine:
            return
        self.ask_password(path, reason)

    def _password_for_selected(self) -> None:
        paths = self.selected_paths()
        if len(paths) == 1:
            it = self.model.item_for(paths[0])
            self.ask_password(paths[0], it.rec.error or "" if it else "")

    def ask_password(self, path: str, reason: str = "") -> None:
        """Queue a password prompt for an encrypted PDF (one dialog at a time, non-blocking)."""
        if path in self._asked:
            return
        self._asked.add(path)
        self._prompts.append((path, reason))
        if self.password_dialog is None:
            self._next_prompt()

    def _next_prompt(self) -> None:
        if not self._prompts:
            return
        path, reason = self._prompts.pop(0)
        dialog = QInputDialog(self)
        dialog.setObjectName("passwordDialog")
        dialog.setWindowTitle(self.tr("Password needed"))
        name = Path(path).name
        if "wrong" in reason:
            label = self.tr("The password is wrong for “%1”. Try again:").replace("%1", name)
        else:
            label = self.tr("“%1” is protected by a password. Enter it to index the file:").replace("%1", name)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setOkButtonText(self.tr("Index"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setProperty("documentPath", path)
        dialog.textValueSelected.connect(lambda text, path=path: self._on_password(path, text))
        dialog.rejected.connect(lambda path=path: self._on_password_declined(path))
        dialog.finished.connect(self._on_prompt_closed)
        self.password_dialog = dialog
        dialog.open()

    def _on_password(self, path: str, text: str) -> None:
        self._asked.discard(path)
        if text:
            self.set_password(path, text)
        else:
            self._declined.add(path)

    def _on_password_declined(self, path: str) -> None:
        self._asked.discard(path)
        self._declined.add(path)

    def _on_prompt_closed(self, _result: int) -> None:
        self.password_dialog = None
        QTimer.singleShot(0, self._next_prompt)


def format_eta(seconds: float) -> str:
    """ "about 40 s left", "about 3 min left", "about 1 h 20 min left"."""
    s = max(1, round(seconds))
    if s < 60:
        text = QCoreApplication.translate("DocumentsPanel", "about %1 s left")
        return text.replace("%1", str(max(5, round(s / 5) * 5) if s > 10 else s))
    m = round(s / 60)
    if m < 60:
        return QCoreApplication.translate("DocumentsPanel", "about %1 min left").replace("%1", str(m))
    text = QCoreApplication.translate("DocumentsPanel", "about %1 h %2 min left")
    return text.replace("%1", str(m // 60)).replace("%2", str(m % 60))


__all__ = ["DocumentsPanel", "DocumentsModel", "format_eta", "translate_reason"]
