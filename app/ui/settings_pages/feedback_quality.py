"""Settings → Feedback and training → Quality: how the user rated Sova's answers.

Filters (persona, period), figure tiles (rated answers, average stars, satisfied and
negative shares, corrections, comments), three charts (quality over time, per model and
adapter version, the shares of satisfied / neutral / negative ratings), CSV and JSONL
export, and an empty state that says how to rate. The figures are read on a worker
(``Assistant.quality_report``) whenever the tab is shown, a filter changes or a rating
is stored anywhere (the ratings store calls back from any thread; a queued signal
brings that to the UI thread, and a short timer merges bursts).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.settings_pages.feedback_charts import SharesChart, TrendChart, TrendPoint, VersionBar, VersionsChart
from app.ui.settings_pages.personas import ui_language
from app.ui.theme import status_colors
from app.ui.workers import FunctionWorker, start, while_alive

if TYPE_CHECKING:
    from app.core.assistant import Assistant, QualityReport, Summary

ALL = "\x00all"  # the persona filter's entry for every persona
PERIODS = ("7d", "30d", "90d", "365d", "all")
# The trend's buckets each period may use, finest first.
BUCKETS = {"7d": ("day",), "30d": ("day", "week"), "90d": ("day", "week", "month"), "365d": ("week", "month"),
           "all": ("day", "week", "month")}
MAX_POINTS = 40  # points on the trend chart at most (unless only months are left)
MIN_PER_POINT = 2  # ratings a point on average before a finer bucket is taken
REFRESH_DELAY_MS = 250  # merges a burst of ratings into one refresh
TILES = ("count", "average", "satisfaction", "negatives", "corrections", "comments")


@dataclass(frozen=True)
class Figures:
    """What a refresh read: the report for the filters, its bucket, and whether anything
    at all is rated (to tell "nothing yet" from "nothing in this period")."""

    report: "QualityReport"
    bucket: str
    any_rated: bool


def read_figures(assistant: "Assistant", persona: Any, period: str) -> Figures:
    """The report for the filters (runs on a worker thread). The trend's bucket is the
    finest of the period's choices that fits the chart and has a few ratings a point, so
    a handful of ratings over two months shows as weeks, not as days flipping 0↔100 %."""
    choices = BUCKETS[period]
    report, bucket = None, choices[-1]
    for bucket in choices:
        report = assistant.quality_report(persona, period, bucket)
        n = len(report.series)
        if n <= MAX_POINTS and (n <= 1 or report.summary.count >= MIN_PER_POINT * n):
            break
    assert report is not None
    any_rated = report.summary.count > 0 or assistant.quality_report().summary.count > 0
    return Figures(report, bucket, any_rated)


class Tile(QFrame):
    """A figure with its name and a line of detail."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackTile")
        self.setProperty("tile", key)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.value = QLabel(self)
        self.value.setObjectName(f"tile_{key}")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self._style()

    def _style(self) -> None:
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        key = (base.name(), text.name())
        if key == getattr(self, "_styled", None):
            return  # a style sheet sends PaletteChange itself: restyle only for new colours
        self._styled = key
        dim = pal.color(QPalette.ColorRole.PlaceholderText).name()
        self.setStyleSheet(
            f"#feedbackTile {{ background: {base.name()}; border: 1px solid {_mix(base, text, 0.16)};"
            f" border-radius: 8px; }} #feedbackTile QLabel {{ background: transparent; }}")
        self.caption.setStyleSheet(f"color: {dim};")
        self.detail.setStyleSheet(f"color: {dim};")

    def set(self, value: str, detail: str = "", color: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {color};" if color else "")
        self.detail.setText(detail)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.PaletteChange:
            self._style()
        super().changeEvent(e)


def _mix(a: Any, b: Any, t: float) -> str:
    return "#%02x%02x%02x" % (round(a.red() * (1 - t) + b.red() * t), round(a.green() * (1 - t) + b.green() * t),
                              round(a.blue() * (1 - t) + b.blue() * t))


class QualityTab(QWidget):
    """The quality dashboard over ``Assistant.quality_report``."""

    sig_refreshed = Signal()  # the figures on screen are up to date (tests wait for it)
    sig_exported = Signal(str, int)  # the file written, how many ratings
    _sig_store_changed = Signal()  # a rating changed somewhere (emitted on any thread)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qualityTab")
        self.assistant = assistant
        # Replaceable in tests: the path to export to for "csv" or "jsonl", or "".
        self.choose_export_path: Callable[[str], str] = self._choose_export_dialog
        self.figures: Figures | None = None
        self._seq = 0
        self._workers: list[FunctionWorker] = []

        self.persona_label = QLabel(self)
        self.persona = QComboBox(self)
        self.persona.setObjectName("feedbackPersona")
        self.persona.currentIndexChanged.connect(lambda _: self.refresh())
        self.period_label = QLabel(self)
        self.period = QComboBox(self)
        self.period.setObjectName("feedbackPeriod")
        for key in PERIODS:
            self.period.addItem("", key)
        self.period.setCurrentIndex(PERIODS.index("all"))
        self.period.currentIndexChanged.connect(lambda _: self.refresh())
        self.export_csv = QPushButton(self)
        self.export_csv.setObjectName("exportCsv")
        self.export_csv.clicked.connect(lambda: self.export("csv"))
        self.export_jsonl = QPushButton(self)
        self.export_jsonl.setObjectName("exportJsonl")
        self.export_jsonl.clicked.connect(lambda: self.export("jsonl"))
        self.filters = QWidget(self)
        row = QHBoxLayout(self.filters)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.persona_label)
        row.addWidget(self.persona, 2)
        row.addSpacing(12)
        row.addWidget(self.period_label)
        row.addWidget(self.period, 1)
        row.addStretch(1)
        row.addWidget(self.export_csv)
        row.addWidget(self.export_jsonl)

        self.tiles = {key: Tile(key) for key in TILES}
        self.trend = TrendChart()
        self.versions = VersionsChart()
        self.shares = SharesChart()
        self.note = QLabel()
        self.note.setObjectName("qualityNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(10)
        for i, key in enumerate(TILES):
            grid.addWidget(self.tiles[key], 0, i)
        grid.addWidget(self.note, 1, 0, 1, len(TILES))
        grid.addWidget(self.trend, 2, 0, 1, len(TILES))
        charts = QHBoxLayout()
        charts.setSpacing(10)
        charts.addWidget(self.versions, 3)
        charts.addWidget(self.shares, 2)
        grid.addLayout(charts, 3, 0, 1, len(TILES))
        grid.setRowStretch(4, 1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        self.empty = QLabel(self)
        self.empty.setObjectName("qualityEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setContentsMargins(40, 20, 40, 20)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.empty)
        self.status = QLabel(self)
        self.status.setObjectName("qualityStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._sig_store_changed.connect(self._on_store_changed, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], Any] = lambda: None
        try:
            signal = self._sig_store_changed
            self._unsubscribe = assistant.feedback.subscribe(lambda _rating: signal.emit())
        except Exception:  # a store that cannot tell: refreshing on show still works
            pass
        unsubscribe = self._unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())
        self._retranslate()

    # ---- texts --------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.persona_label.setText(self.tr("Persona:"))
        self.period_label.setText(self.tr("Period:"))
        for i, text in enumerate((self.tr("Last 7 days"), self.tr("Last 30 days"), self.tr("Last 90 days"),
                                  self.tr("Last year"), self.tr("All time"))):
            self.period.setItemText(i, text)
        self.export_csv.setText(self.tr("Export CSV…"))
        self.export_csv.setToolTip(self.tr("The ratings of this persona and period as a table (opens in a spreadsheet)"))
        self.export_jsonl.setText(self.tr("Export JSONL…"))
        self.export_jsonl.setToolTip(self.tr("The ratings with the context each answer had, one JSON object a line"))
        captions = {"count": self.tr("Rated answers"), "average": self.tr("Average rating"),
                    "satisfaction": self.tr("Satisfied"), "negatives": self.tr("Negative"),
                    "corrections": self.tr("Better answers"), "comments": self.tr("Comments")}
        tips = {"count": self.tr("Answers with stars, a thumb or a better answer you wrote"),
                "average": self.tr("Mean of the stars; a thumb up counts as 5, a thumb down as 1"),
                "satisfaction": self.tr("Share of rated answers with 4–5 stars or a thumb up"),
                "negatives": self.tr("Share of rated answers with 1–2 stars or a thumb down"),
                "corrections": self.tr("Answers you corrected by writing a better one"),
                "comments": self.tr("Answers you commented on")}
        for key, tile in self.tiles.items():
            tile.caption.setText(captions[key])
            tile.setToolTip(tips[key])
        self.trend.set_texts(self.tr("Quality over time"), self.tr("Average ★ (left)"), self.tr("Satisfied % (right)"),
                             self.tr("Negative % (right)"), self.tr("Stars"))
        self.versions.set_texts(self.tr("Average rating per model and adapter"), self.tr("Average ★"),
                                self.tr("%1: average %2 ★ from %3 rated answers"))
        self.shares.set_texts(self.tr("Share of negative ratings"), self.tr("Satisfied"), self.tr("Neutral"),
                              self.tr("Negative"))
        self._fill_personas()
        if self.figures is not None:
            self._show(self.figures)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif e.type() == QEvent.Type.PaletteChange and self.figures is not None:
            self._show_tiles(self.figures.report.summary)  # green and red for the new theme
        super().changeEvent(e)

    def _fill_personas(self) -> None:
        current = self.persona.currentData()
        self.persona.blockSignals(True)
        self.persona.clear()
        self.persona.addItem(self.tr("All personas"), ALL)
        lang = ui_language()
        try:
            personas = self.assistant.personas()
        except Exception:
            personas = []
        for p in personas:
            self.persona.addItem(p.display_name(lang), p.id)
        self.persona.setCurrentIndex(max(0, self.persona.findData(current if current is not None else ALL)))
        self.persona.blockSignals(False)

    # ---- filters ------------------------------------------------------------------------

    def persona_filter(self) -> Any:
        """The facade's persona argument for the chosen entry (UNSET: every persona)."""
        from app.core.assistant import UNSET

        data = self.persona.currentData()
        return UNSET if data in (None, ALL) else data

    def period_filter(self) -> str:
        return str(self.period.currentData() or "all")

    # ---- refreshing ---------------------------------------------------------------------

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        self._fill_personas()  # personas may have been added on another page
        self.refresh()

    def _on_store_changed(self) -> None:
        if self.isVisible():
            self._timer.start()  # hidden: the next show refreshes

    def refresh(self) -> FunctionWorker:
        """Read the figures for the filters on a worker; ``sig_refreshed`` when shown."""
        self._timer.stop()
        self._seq += 1
        seq = self._seq
        worker = FunctionWorker(read_figures, self.assistant, self.persona_filter(), self.period_filter())
        worker.signals.sig_result.connect(while_alive(self, lambda figures: self._on_figures(seq, figures)))
        worker.signals.sig_error.connect(while_alive(self, lambda exc: self._on_error(seq, exc)))
        worker.signals.sig_finished.connect(lambda: self._workers.remove(worker) if worker in self._workers else None)
        self._workers.append(worker)
        start(worker)
        return worker

    def _on_figures(self, seq: int, figures: Figures) -> None:
        if seq != self._seq:
            return  # the filters changed meanwhile: a newer refresh is on its way
        self.figures = figures
        self._show(figures)
        self.sig_refreshed.emit()

    def _on_error(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._set_status(self.tr("Could not read the ratings: %1").replace("%1", str(exc)), error=True)
        self.sig_refreshed.emit()

    # ---- showing ------------------------------------------------------------------------

    def _show(self, figures: Figures) -> None:
        s = figures.report.summary
        self.filters.setVisible(figures.any_rated)
        if not figures.any_rated:
            self.empty.setText(self._empty_html())
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.scroll)
        self.export_csv.setEnabled(s.count > 0)
        self.export_jsonl.setEnabled(s.count > 0)
        self._show_tiles(s)
        charts = s.scored > 0
        for chart in (self.trend, self.versions, self.shares):
            chart.setVisible(charts)
        if s.count == 0:
            self.note.setText(self.tr("No rated answers for this persona in this period. Choose another period "
                                      "or persona above."))
        elif not charts:
            self.note.setText(self.tr("These answers have better answers you wrote but no stars or thumbs yet, "
                                      "so there is nothing to chart."))
        self.note.setVisible(not charts)
        if charts:
            self._show_charts(figures)

    def _show_tiles(self, s: "Summary") -> None:
        loc = QLocale()
        dash = "—"
        colors = status_colors(self.palette())
        t = self.tiles
        t["count"].set(loc.toString(s.count), self.tr("%1 up · %2 down").replace("%1", loc.toString(s.thumbs_up))
                       .replace("%2", loc.toString(s.thumbs_down)))
        if s.average is None:
            t["average"].set(dash, self.tr("no stars or thumbs yet"))
        else:
            t["average"].set(loc.toString(s.average, "f", 1) + " ★",
                             self.tr("of 5, from %1 scored").replace("%1", loc.toString(s.scored)))
        # Coloured against the bar that offers training (Settings: learning).
        bar = self.assistant.settings.learning
        good = s.satisfaction is not None and s.satisfaction >= bar.min_satisfaction
        t["satisfaction"].set(self._percent(s.satisfaction), self.tr("4–5 ★ or a thumb up"),
                              colors.success if good else "")
        bad = s.negatives is not None and s.negatives > bar.max_negatives
        t["negatives"].set(self._percent(s.negatives), self.tr("1–2 ★ or a thumb down"), colors.error if bad else "")
        t["corrections"].set(loc.toString(s.corrections), self.tr("written by you"))
        t["comments"].set(loc.toString(s.comments), "")

    def _percent(self, share: float | None) -> str:
        if share is None:
            return "—"
        return self.tr("%1%").replace("%1", QLocale().toString(round(100 * share)))

    def _show_charts(self, figures: Figures) -> None:
        report = figures.report
        self.trend.set_data([TrendPoint(p.start, p.summary.average, p.summary.satisfaction, p.summary.negatives)
                             for p in report.series], figures.bucket)
        # The core labels the answers no model wrote (e.g. "Remembered: …") "?".
        no_model = self.tr("Replies without a model")
        bars = [VersionBar(no_model if label == "?" else label, v.average, v.count, v.satisfaction)
                for label, v in report.versions.items()]
        count_text = self.tr("%1 rated")
        # Two lines (the axis takes rich text): a long version name keeps its count in sight.
        self.versions.set_data(list(reversed(bars)),  # horizontal bars start at the bottom: the first version last
                               lambda name, n: html.escape(name) + "<br>" + count_text.replace("%1", str(n)))
        self.versions.setMinimumHeight(max(240, 90 + 46 * len(bars)))
        s = report.summary
        satisfied = round((s.satisfaction or 0) * s.scored)
        negative = round((s.negatives or 0) * s.scored)
        self.shares.set_data(satisfied, max(0, s.scored - satisfied - negative), negative)

    def _empty_html(self) -> str:
        title = html.escape(self.tr("No rated answers yet"))
        how = html.escape(self.tr("Under each of Sova’s answers in the chat there are a thumb up, a thumb down and "
                                  "five stars: click one to rate the answer. “Comment…” next to them lets you say "
                                  "what was wrong and write a better answer."))
        why = html.escape(self.tr("Your ratings show here as figures and charts. Sova also learns from them: when you "
                                  "ask something similar to a highly rated question, the model is shown your rated "
                                  "answer as an example."))
        star = "<span style='font-size:28pt; color:#e8a317'>★</span>"
        return f"{star}<h3>{title}</h3><p>{how}</p><p>{why}</p>"

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {status_colors(self.palette()).error}" if error else "")
        self.status.setText(text)

    # ---- export -------------------------------------------------------------------------

    def export(self, fmt: str) -> int | None:
        """Export the ratings of the chosen persona and period; the count, or None."""
        path = self.choose_export_path(fmt)
        if not path:
            return None
        try:
            n = self.assistant.export_feedback(Path(path), fmt, self.persona_filter(), self.period_filter())
        except Exception as exc:  # a full disk or a read-only folder: say so, keep going
            self._set_status(self.tr("Could not export the ratings: %1").replace("%1", str(exc)), error=True)
            return None
        self._set_status(self.tr("Exported %1 rated answers to %2.").replace("%1", str(n)).replace("%2", str(path)))
        self.sig_exported.emit(str(path), n)
        return n

    def _choose_export_dialog(self, fmt: str) -> str:
        name = f"sova-ratings.{fmt}"
        filters = self.tr("CSV files (*.csv)") if fmt == "csv" else self.tr("JSON lines (*.jsonl)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export ratings"), str(Path.home() / name), filters)
        return path
