"""Privacy: what stays on this computer, where Sova keeps it, and deleting it.

The promise: Sova works offline and sends nothing anywhere. The one exception, a
remote model server the user configured, is named on this page in a warning colour.
The page lists each kind of data with its folder and size, opens the folder, and
deletes all conversations, memories, the document index and the logs on request.
Sizes and the deletion run in workers: the window never waits for the disk.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QLocale, QMargins, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import codes
from app.ui.theme import status_colors
from app.ui.workers import FunctionWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Assistant

PathRole = Qt.ItemDataRole.UserRole + 1
KIND, WHERE, SIZE, OPEN = range(4)  # the table's columns


def folder_of(path: Path) -> Path:
    """The folder to show for ``path``: itself if a folder, else its parent; the nearest
    existing one, so a place not created yet (no logs so far) still opens something."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def open_in_file_manager(path: Path) -> None:
    """Show ``path``'s folder in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder_of(path))))


class PrivacyPage(QWidget):
    """Shows where Sova's data lives and deletes it on request.

    ``sig_data_deleted`` is emitted after "Delete all data" ran (also if it failed part
    way: some data may be gone), so the window can reload its conversation list.
    ``open_folder`` and ``confirm`` are replaceable (tests).
    """

    sig_data_deleted = Signal()

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyPage")
        self.assistant = assistant
        # Replaceable in tests.
        self.open_folder: Callable[[Path], None] = open_in_file_manager
        self.confirm: Callable[[str], bool] = self._confirm_dialog
        self.usage: list[tuple[str, Path, int]] = []  # the last measurement
        self._measuring = False
        self._remeasure = False  # a refresh was asked while measuring
        self._deleting = False
        self._measured_once = False

        self.offline_label = QLabel(self)
        self.offline_label.setObjectName("offlineStatus")
        self.offline_label.setWordWrap(True)
        self.offline_label.setTextFormat(Qt.TextFormat.RichText)
        self.table_label = QLabel(self)
        self.table = QTreeWidget(self)
        self.table.setObjectName("dataTable")
        self.table.setColumnCount(4)
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAllColumnsShowFocus(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long paths keep their ends
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHERE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OPEN, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemDoubleClicked.connect(self._on_double_clicked)
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshUsage")
        self.refresh_button.clicked.connect(self.refresh)
        self.delete_button = QPushButton(self)
        self.delete_button.setObjectName("deleteAllData")
        self.delete_button.clicked.connect(self.delete_all)
        self.delete_note = QLabel(self)
        self.delete_note.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("privacyStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.offline_label)
        layout.addSpacing(8)
        layout.addWidget(self.table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.delete_note)
        layout.addWidget(self.status)
        self._retranslate()

    # ---- texts -----------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.table.setHeaderLabels([self.tr("Data"), self.tr("Location"), self.tr("Size"), ""])
        self.table.headerItem().setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table_label.setText(self.tr("What Sova keeps on this computer:"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.delete_button.setText(self.tr("Delete all data…"))
        self.delete_note.setText(self.tr(
            "Deletes all conversations, everything Sova remembers, the document index and the logs. "
            "Personas, settings and the downloaded models stay."))
        self._show_offline_status()
        self._fill_table()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif e.type() == QEvent.Type.PaletteChange:
            self._show_offline_status()  # the warning colour follows the theme
        super().changeEvent(e)

    def _show_offline_status(self) -> None:
        s = self.assistant.settings
        if s.backend == "remote":
            # The one way a question leaves the computer: say so plainly, and where to.
            url = html.escape(s.remote.base_url)
            text = self.tr("Questions, with the parts of your documents and memories used to answer them, are sent to "
                           "the model server you configured: %1. This is the only exception: everything else stays "
                           "on this computer.").replace("%1", f"<b>{url}</b>")
            color = status_colors(self.palette()).warning
            self.offline_label.setText(f"<span style='color:{color}'>⚠ {text}</span>")
            self.offline_label.setProperty("remote", True)
        else:
            self.offline_label.setText("✔ " + html.escape(self.tr(
                "Sova works offline. Your conversations, documents and everything it remembers stay on this "
                "computer and are never sent anywhere.")))
            self.offline_label.setProperty("remote", False)

    def kind_label(self, kind: str) -> str:
        """The words for a kind of data from ``Assistant.data_usage``."""
        labels = {
            "conversations": self.tr("Conversations, memory and personas"),
            "documents": self.tr("Document index"),
            "models": self.tr("Models"),
            "settings": self.tr("Settings"),
            "logs": self.tr("Logs"),
        }
        return labels.get(kind, kind)

    def size_text(self, size: int) -> str:
        """A size for people: 0 B, 980 B, 12.5 KB, 3.4 MB, 1.08 GB (in the UI's locale)."""
        locale = QLocale()
        if size < 1024:
            return self.tr("%1 B").replace("%1", locale.toString(size))
        units = (self.tr("%1 KB"), self.tr("%1 MB"), self.tr("%1 GB"))
        value, unit = size / 1024, 0
        while value >= 1024 and unit < len(units) - 1:
            value, unit = value / 1024, unit + 1
        return units[unit].replace("%1", locale.toString(value, "f", 2 if value < 10 else 1))

    # ---- the table ---------------------------------------------------------------------

    def showEvent(self, e: QShowEvent) -> None:
        # Measured when first shown, not when the dialog builds all its pages.
        if not self._measured_once:
            self.refresh()
        self._show_offline_status()  # the backend may have been changed since
        super().showEvent(e)

    def refresh(self) -> None:
        """Measure the data again (in a worker); the table fills when it is done."""
        self._measured_once = True
        if self._measuring:
            self._remeasure = True
            return
        self._measuring = True
        self.refresh_button.setEnabled(False)
        worker = FunctionWorker(self.assistant.data_usage)
        worker.signals.sig_result.connect(self._on_usage)
        worker.signals.sig_error.connect(self._on_usage_error)
        worker.signals.sig_finished.connect(self._on_usage_finished)
        start(worker)

    def _on_usage(self, usage: list[tuple[str, Path, int]]) -> None:
        self.usage = list(usage)
        self._fill_table()

    def _on_usage_error(self, exc: BaseException) -> None:
        self._show_status(self.tr("Could not measure the data: %1").replace("%1", self._error_text(exc)), error=True)

    def _on_usage_finished(self) -> None:
        self._measuring = False
        self.refresh_button.setEnabled(not self._deleting)
        if self._remeasure:
            self._remeasure = False
            self.refresh()

    def _fill_table(self) -> None:
        self.table.clear()
        for row, (kind, path, size) in enumerate(self.usage):
            item = QTreeWidgetItem([self.kind_label(kind), str(path), self.size_text(size), ""])
            item.setData(KIND, PathRole, str(path))
            item.setToolTip(WHERE, str(path))
            item.setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(item)
            button = QToolButton(self.table)
            button.setObjectName(f"openFolder_{kind}")
            button.setText(self.tr("Open folder"))
            button.setToolTip(str(folder_of(path)))
            button.clicked.connect(lambda _=False, r=row: self.open_row(r))
            item.setSizeHint(OPEN, button.sizeHint().grownBy(QMargins(2, 2, 2, 2)))  # room around the button
            self.table.setItemWidget(item, OPEN, button)

    def path_at(self, row: int) -> Path | None:
        """The path shown in a row of the table (None when there is no such row)."""
        item = self.table.topLevelItem(row)
        return Path(item.data(KIND, PathRole)) if item is not None else None

    def open_row(self, row: int) -> None:
        """Open the folder of a row's data (a file's own folder)."""
        path = self.path_at(row)
        if path is not None:
            self.open_folder(folder_of(path))

    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.open_row(self.table.indexOfTopLevelItem(item))

    # ---- deleting ----------------------------------------------------------------------

    def confirm_text(self) -> str:
        return self.tr(
            "Delete all your data?\n\n"
            "This deletes all conversations, everything Sova remembers about you, the document index "
            "(your files themselves stay where they are) and the logs.\n\n"
            "Personas, settings and the downloaded models stay.\n\n"
            "This cannot be undone.")

    def _confirm_dialog(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete all data"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter must not delete everything
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete everything"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def delete_all(self) -> None:
        """Ask, then delete all conversations, memories, the document index and the logs
        in a worker; the result shows in the status line."""
        if self._deleting or not self.confirm(self.confirm_text()):
            return
        self._deleting = True
        self.delete_button.setEnabled(False)
        self.refresh_button.setEnabled(False)
        self._show_status(self.tr("Deleting…"))
        assistant = self.assistant  # the worker thread touches only the facade
        worker = FunctionWorker(lambda progress, _cancel: assistant.delete_all_data(progress), job=True)
        worker.signals.sig_progress.connect(self._on_delete_progress)
        worker.signals.sig_result.connect(self._on_deleted)
        worker.signals.sig_error.connect(self._on_delete_error)
        worker.signals.sig_finished.connect(self._on_delete_finished)
        start(worker)

    def _on_delete_progress(self, fraction: float | None, step: str) -> None:
        # The core reports a step code; the words are ours.
        steps = {
            "conversations": self.tr("Deleting conversations…"),
            "memory": self.tr("Forgetting what Sova remembers…"),
            "documents": self.tr("Removing the document index…"),
            "logs": self.tr("Clearing the logs…"),
        }
        text = steps.get(step)
        if text is None:
            return  # "done" and unknown steps: the result follows
        if fraction is not None:
            text += f" {round(fraction * 100)}%"
        self._show_status(text)

    def _on_deleted(self, _result: object) -> None:
        self._show_status(self.tr("Deleted all conversations, memories, the document index and the logs."))

    def _on_delete_error(self, exc: BaseException) -> None:
        self._show_status(self.tr("Could not delete everything: %1").replace("%1", self._error_text(exc)), error=True)

    def _on_delete_finished(self) -> None:
        self._deleting = False
        self.delete_button.setEnabled(True)
        self.refresh_button.setEnabled(not self._measuring)
        self.refresh()
        self.sig_data_deleted.emit()

    def _show_status(self, text: str, error: bool = False) -> None:
        color = status_colors(self.palette()).error if error else ""
        self.status.setStyleSheet(f"color: {color}" if color else "")
        self.status.setText(text)

    @staticmethod
    def _error_text(exc: BaseException) -> str:
        return codes.error_text(getattr(exc, "code", None), getattr(exc, "params", {}) or {},
                                str(exc) or type(exc).__name__)
