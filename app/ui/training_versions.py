"""The Training tab's adapter versions: a table of every trained adapter with its
figures, and the buttons that choose what Sova answers with.

"Use" activates the selected version, "Use base model" answers without an adapter and
"Roll back" goes one step back in the activation history. Each runs on a worker (it
checks the adapter's file and saves the settings) and its outcome is said in a line
under the table: no confirmation, since every step can be undone the same way.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING, Callable

import shiboken6
from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.theme import status_colors
from app.ui.training_texts import TrainingWords, number, reference_figures
from app.ui.workers import FunctionWorker, start, while_alive

if TYPE_CHECKING:
    from app.core.assistant import Adapter, Assistant

VersionRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("version", "date", "examples", "steps", "liked", "disliked", "general", "result", "use")


class VersionsBox(QWidget):
    """The adapter versions of the active model and the choice of the one in use."""

    MAX_ROWS = 6
    sig_changed = Signal(str)  # the version now in use ("" = the base model), after Use / base / Roll back

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingVersions")
        self.assistant = assistant
        self.words = TrainingWords(self)
        self.versions: list["Adapter"] = []
        self.active = ""
        self._workers: list[FunctionWorker] = []

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("adapterTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _: self.use_selected())
        self.use_button = QPushButton(self)
        self.use_button.setObjectName("useAdapter")
        self.use_button.clicked.connect(self.use_selected)
        self.base_button = QPushButton(self)
        self.base_button.setObjectName("useBaseModel")
        self.base_button.clicked.connect(lambda: self.activate(""))
        self.rollback_button = QPushButton(self)
        self.rollback_button.setObjectName("rollBack")
        self.rollback_button.clicked.connect(self.roll_back)
        self.empty = QLabel(self)
        self.empty.setObjectName("noAdapters")
        self.empty.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("adapterStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()  # until something was chosen
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.base_button)
        buttons.addWidget(self.rollback_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._retranslate()
        self._update_buttons()

    # ---- texts --------------------------------------------------------------------------

    def _retranslate(self) -> None:
        heads = {
            "version": (self.tr("Version"), ""),
            "date": (self.tr("Trained"), ""),
            "examples": (self.tr("Examples"), self.tr("Answers it learned from")),
            "steps": (self.tr("Steps"), self.tr("Training steps (supervised + preference)")),
            "liked": (self.tr("Liked answers"), self.tr("How likely held-out liked answers are, before → after "
                                                        "(mean log-likelihood per token; higher is better)")),
            "disliked": (self.tr("Disliked answers"), self.tr("How likely held-out disliked answers are, before → "
                                                              "after (lower is better)")),
            "general": (self.tr("General answers"), self.tr("How likely reference answers to general questions "
                                                            "are, before → after (should not fall)")),
            "result": (self.tr("Check"), self.tr("Whether the adapter passed the check after training")),
            "use": (self.tr("In use"), ""),
        }
        for i, key in enumerate(COLUMNS):
            text, tip = heads[key]
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(i, item)
        self.use_button.setText(self.tr("Use"))
        self.use_button.setToolTip(self.tr("Answer with the selected adapter from the next answer on"))
        self.base_button.setText(self.tr("Use base model"))
        self.base_button.setToolTip(self.tr("Answer without an adapter, as before any training"))
        self.rollback_button.setText(self.tr("Roll back"))
        self.rollback_button.setToolTip(self.tr("Go back to what Sova answered with before the current adapter"))
        self.empty.setText(self.tr("No adapters yet. Each training run adds a version here, with its figures, "
                                   "whether it passed the check or not."))
        self.set_versions(self.versions, self.active)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    # ---- the table ------------------------------------------------------------------------

    def set_versions(self, versions: list["Adapter"], active: str) -> None:
        """Show ``versions`` (oldest first; shown newest first) with ``active`` marked."""
        selected = self.selected()
        if [a.version for a in versions] != [a.version for a in self.versions] or active != self.active:
            selected = ""  # a new version or another in use: point at the one in use
        self.versions, self.active = list(versions), active
        self.empty.setVisible(not versions)
        self.table.setVisible(bool(versions))
        self.table.setRowCount(0)
        colors = status_colors(self.palette())
        for adapter in reversed(versions):
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, (text, tip) in enumerate(self._cells(adapter, active == adapter.version)):
                item = QTableWidgetItem(text)
                item.setData(VersionRole, adapter.version)
                item.setToolTip(tip)
                if COLUMNS[col] in ("examples", "steps"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if COLUMNS[col] == "result":
                    item.setForeground(QBrush(QColor(colors.success if adapter.passed else colors.error)))
                if adapter.version == active:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._fit_height()
        self.select(selected or active)
        self._update_buttons()

    def _cells(self, a: "Adapter", in_use: bool) -> list[tuple[str, str]]:
        f = a.figures
        ref, after = reference_figures(f), f.get("after", {})
        when = QLocale().toString(datetime.fromtimestamp(a.created_at), QLocale.FormatType.ShortFormat) \
            if a.created_at else ""
        steps = int(f.get("steps", 0) or 0)
        pref = int(f.get("pref_steps", 0) or 0)

        def pair(name: str) -> str:
            if ref.get(name) is None and after.get(name) is None:
                return "—"
            return f"{number(ref.get(name))} → {number(after.get(name))}"

        reasons = {"liked_up": self.tr("liked answers did not become more likely"),
                   "disliked_down": self.tr("disliked answers did not become less likely"),
                   "general_kept": self.tr("general answers got worse"),
                   "no_heldout": self.tr("no held-out answers to check against")}
        failed = [reasons.get(r, r) for r in a.verdict.get("reasons", ())]
        result = self.tr("passed") if a.passed else self.tr("failed")
        seconds = f.get("seconds")
        took = self.tr("Took %1 min").replace("%1", number(float(seconds) / 60, 1)) if seconds else ""
        return [
            (a.version, ""),
            (when, took),
            (str(f.get("examples", "")) if f.get("examples") is not None else "—", ""),
            (f"{steps} + {pref}" if pref else str(steps) if steps else "—", ""),
            (pair("liked"), ""),
            (pair("disliked"), ""),
            (pair("general"), ""),
            (("✓ " if a.passed else "✗ ") + result, html.escape("; ".join(failed))),
            ("● " + self.tr("in use") if in_use else "", ""),
        ]

    def _fit_height(self) -> None:
        """As tall as its rows (up to MAX_ROWS; then it scrolls): no empty box under two versions."""
        rows = max(1, min(self.MAX_ROWS, self.table.rowCount()))
        row_h = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows * row_h
                                  + 2 * self.table.frameWidth() + 2)

    def selected(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(VersionRole)) if item is not None else ""

    def select(self, version: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(VersionRole) == version:
                self.table.selectRow(row)
                return
        self.table.clearSelection()

    def _update_buttons(self, busy: bool = False) -> None:
        chosen = self.selected()
        self.use_button.setEnabled(not busy and bool(chosen) and chosen != self.active)
        self.base_button.setEnabled(not busy and bool(self.active))
        self.rollback_button.setEnabled(not busy and bool(self.active))

    # ---- choosing ---------------------------------------------------------------------------

    def use_selected(self) -> FunctionWorker | None:
        chosen = self.selected()
        if not chosen or chosen == self.active:
            return None
        return self.activate(chosen)

    def activate(self, version: str) -> FunctionWorker:
        """Answer with ``version`` ("" = the base model) from the next answer on."""
        training = self.assistant.training
        return self._run(lambda: (training.activate(version), version)[1])

    def roll_back(self) -> FunctionWorker:
        """One step back in the activation history."""
        training = self.assistant.training
        return self._run(training.roll_back, rolled_back=True)

    def _run(self, fn: Callable[[], str], rolled_back: bool = False) -> FunctionWorker:
        previous = self.active
        self._update_buttons(busy=True)
        worker = FunctionWorker(fn)
        worker.signals.sig_result.connect(while_alive(self, lambda version: self._on_done(str(version), previous, rolled_back)))
        worker.signals.sig_error.connect(while_alive(self, lambda exc: self._on_error(exc, previous)))
        worker.signals.sig_finished.connect(lambda: self._workers.remove(worker) if worker in self._workers else None)
        self._workers.append(worker)
        start(worker)
        return worker

    def _on_done(self, version: str, previous: str, rolled_back: bool) -> None:
        if not shiboken6.isValid(self):
            return  # the dialog closed meanwhile; the status bar still follows the settings
        if rolled_back:
            text = self.tr("Rolled back from %1: Sova now answers with %2.")
        else:
            text = self.tr("Sova now answers with %2.") if version != previous else \
                self.tr("Sova already answers with %2.")
        self._say(text.replace("%1", previous).replace("%2", self.words.using(version)))
        self.set_versions(self.versions, version)
        self.select(version)
        self.sig_changed.emit(version)

    def _on_error(self, exc: BaseException, previous: str) -> None:
        if not shiboken6.isValid(self):
            return
        code = getattr(exc, "code", "")
        version = str((getattr(exc, "params", {}) or {}).get("version", ""))
        texts: dict[str, str] = {
            "adapter_not_found": self.tr("Adapter %1 is gone from the disk"),
            "adapter_damaged": self.tr("Adapter %1 is damaged (its file is missing)"),
            "adapter_nothing_to_roll_back": self.tr("There is nothing to roll back to"),
        }
        reason = texts.get(code, self.tr("It did not work: %1").replace("%1", str(exc))).replace("%1", version)
        self._say(self.tr("%1. Sova keeps answering with %2.").replace("%2", self.words.using(previous))
                  .replace("%1", reason), error=True)
        self._update_buttons()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {status_colors(self.palette()).error}" if error else "")
        self.status.setText(text)
        self.status.setVisible(bool(text))
