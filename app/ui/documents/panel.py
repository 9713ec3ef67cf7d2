"""The Documents panel: every indexed file with its live status, and the indexing controls.

Contract used by the main window:
    DocumentsPanel(assistant: Assistant, parent: QWidget | None = None) -> QWidget
        .add_paths(paths: list[Path]) -> None   # start indexing (drag-and-drop, "Add documents")

The widgets and texts live here; the indexing itself (jobs, live status records, the
batch's progress) is the IndexingJobs half in app.ui.documents.indexing.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import workers
from app.ui.documents.delegate import DocumentDelegate
from app.ui.documents.indexing import IndexingJobs
from app.ui.documents.model import ACTIVE, FAILED, INDEXED, PASSWORD, DocumentsModel
from app.ui.documents.passwords import PasswordPrompts
from app.ui.documents.texts import collection_label, format_eta
from app.ui.workers import FunctionWorker

if TYPE_CHECKING:
    from app.core.assistant import Assistant, DocumentRecord


class DocumentsPanel(IndexingJobs, QWidget):
    """Files with their status, overall progress with ETA, and add / pause / cancel / remove."""

    sig_changed = Signal()  # status records were applied (tests wait on it)
    sig_idle = Signal()  # every indexing job finished and the list is refreshed

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsPanel")
        self.passwords = PasswordPrompts(self, self.set_password)
        self._init_indexing(assistant)

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

    # ---- list and details -------------------------------------------------------------------------

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

    # ---- progress and pause -----------------------------------------------------------------

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

    def _update_pause_button(self) -> None:
        paused = self.library is not None and self.library.paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Continue indexing") if paused else self.tr("Pause indexing for now"))
        self.pause_button.setEnabled(self.working)
        self.cancel_button.setEnabled(self.working)

    # ---- passwords -------------------------------------------------------------------------------

    @property
    def password_dialog(self) -> QInputDialog | None:
        """The password prompt on screen, if any."""
        return self.passwords.dialog

    def _password_for_selected(self) -> None:
        paths = self.selected_paths()
        if len(paths) == 1:
            it = self.model.item_for(paths[0])
            self.ask_password(paths[0], it.rec.error or "" if it else "")

    def ask_password(self, path: str, reason: str = "") -> None:
        """Queue a password prompt for an encrypted PDF (one dialog at a time, non-blocking)."""
        self.passwords.ask(path, reason)
