"""The Diagnostics page: live charts of what requests and processes cost, the health of
each part of the core, and "Export diagnostics…" for a bug report.

`DiagnosticsPage(assistant, parent)` reads ``assistant.metrics`` (snapshot, requests,
process samples, queue lengths) and ``assistant.health()`` once a second while it is
visible, and nothing while it is hidden; the export is ``assistant.export_diagnostics``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QEvent, QMargins, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.types import Health, HealthState
from app.ui.workers import FunctionWorker, start

if TYPE_CHECKING:
    from app.core.assistant import Metrics

REFRESH_MS = 1000
WINDOW_S = 120  # seconds of process samples and queue lengths on the time charts
LAST_REQUESTS = 50  # requests on the per-request charts
MB = 1024 * 1024

STATE_COLORS = {
    "ok": "#2e7d32",
    "starting": "#1565c0",
    "degraded": "#ef6c00",
    "down": "#c62828",
    "off": "#757575",
}
SERIES_COLORS = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828"]


def _dot(color: str) -> QIcon:
    pm = QPixmap(12, 12)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawEllipse(1, 1, 10, 10)
    p.end()
    return QIcon(pm)


def _format(template: str, params: dict[str, Any]) -> str:
    """``template`` with {name} filled from params; unknown names stay as they are."""

    class _Keep(dict):  # type: ignore[type-arg]
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return template.format_map(_Keep(params))
    except (ValueError, IndexError):
        return template


class LiveChart(QChartView):
    """A small line chart whose series are replaced wholesale on each refresh."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self.setObjectName(object_name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(190)
        c = self._chart
        c.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        c.setMargins(QMargins(2, 2, 2, 2))
        c.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.x_axis = QValueAxis()
        self.x_axis.setLabelFormat("%d")
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%.4g")
        self.y_axis.setMin(0)
        c.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        c.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series: dict[str, QLineSeries] = {}

    def ensure_series(self, key: str, points_visible: bool = False) -> QLineSeries:
        s = self.series.get(key)
        if s is None:
            s = QLineSeries()
            s.setName(key)
            s.setColor(QColor(SERIES_COLORS[len(self.series) % len(SERIES_COLORS)]))
            s.setPointsVisible(points_visible)
            self._chart.addSeries(s)
            s.attachAxis(self.x_axis)
            s.attachAxis(self.y_axis)
            self.series[key] = s
        return s

    def set_texts(self, title: str, x_title: str, y_title: str, names: dict[str, str]) -> None:
        self._chart.setTitle(title)
        self.x_axis.setTitleText(x_title)
        self.y_axis.setTitleText(y_title)
        for key, name in names.items():
            if key in self.series:
                self.series[key].setName(name)

    def set_points(self, key: str, points: list[tuple[float, float]]) -> None:
        self.ensure_series(key).replace([QPointF(x, y) for x, y in points])

    def point_count(self, key: str | None = None) -> int:
        if key is not None:
            return self.series[key].count() if key in self.series else 0
        return sum(s.count() for s in self.series.values())

    def use_integer_ticks(self, axis: QValueAxis, span: float, anchor: float = 0.0) -> None:
        """Ticks on whole numbers, at most about six of them (request numbers, counts)."""
        axis.setLabelFormat("%d")
        axis.setTickType(QValueAxis.TickType.TicksDynamic)
        axis.setTickAnchor(anchor)
        axis.setTickInterval(max(1, math.ceil(span / 6)))

    def rescale(self, x_min: float, x_max: float, *, integer_x: bool = False, integer_y: bool = False,
                min_top: float = 0.0) -> None:
        """Fit the axes: x to the given range, y from 0 to a round number above the data."""
        x_max = x_max if x_max > x_min else x_min + 1
        self.x_axis.setRange(x_min, x_max)
        if integer_x:
            self.use_integer_ticks(self.x_axis, x_max - x_min, anchor=math.ceil(x_min))
        top = min_top
        for s in self.series.values():
            for p in s.points():
                top = max(top, p.y())
        if integer_y:
            top = max(1.0, math.ceil(top))
            self.y_axis.setRange(0, top)
            self.use_integer_ticks(self.y_axis, top)
        else:
            self.y_axis.setRange(0, top * 1.1 if top > 0 else 1)
            self.y_axis.setTickCount(4)  # a short chart has room for few labels
            self.y_axis.applyNiceNumbers()
            # Short labels (long ones are elided to "..."), never in exponent form.
            self.y_axis.setLabelFormat("%.0f" if self.y_axis.max() >= 10 else "%.2g")


class DiagnosticsPage(QWidget):
    """Live metrics and health of the core, and an export for bug reports."""

    sig_exported = Signal(str)  # the zip written
    sig_export_failed = Signal(str)  # the reason

    def __init__(self, assistant: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsPage")
        self.assistant = assistant
        # Replaceable in tests: returns a path or "".
        self.choose_export_path: Callable[[], str] = self._choose_export_dialog
        self._own_metrics: Metrics | None = None
        self._started_sampler = False
        self._queue_history: deque[tuple[float, dict[str, int]]] = deque(maxlen=WINDOW_S * 2)
        self._workers: list[FunctionWorker] = []
        self._codes: dict[str, str] = {}

        # ---- health
        self.health_box = QGroupBox(self)
        self.health_list = QTreeWidget(self.health_box)
        self.health_list.setObjectName("healthList")
        self.health_list.setColumnCount(3)
        self.health_list.setRootIsDecorated(False)
        self.health_list.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.health_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.health_list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        hl = QVBoxLayout(self.health_box)
        hl.addWidget(self.health_list)

        # ---- summary and export
        self.summary = QLabel(self)
        self.summary.setObjectName("diagnosticsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportDiagnostics")
        self.export_button.clicked.connect(self.export)
        self.export_status = QLabel(self)
        self.export_status.setObjectName("exportStatus")
        self.export_status.setWordWrap(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # ---- charts
        self.speed_chart = LiveChart("speedChart")
        self.latency_chart = LiveChart("latencyChart")
        self.memory_chart = LiveChart("memoryChart")
        self.cpu_chart = LiveChart("cpuChart")
        self.queue_chart = LiveChart("queueChart")
        self.speed_chart.ensure_series("tokens_per_s", points_visible=True)
        self.latency_chart.ensure_series("ttft", points_visible=True)
        self.latency_chart.ensure_series("queue_wait", points_visible=True)
        for chart in (self.memory_chart, self.cpu_chart):
            chart.ensure_series("sova")
            chart.ensure_series("host")

        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.speed_chart, 0, 0)
        grid.addWidget(self.latency_chart, 0, 1)
        grid.addWidget(self.memory_chart, 1, 0)
        grid.addWidget(self.cpu_chart, 1, 1)
        grid.addWidget(self.queue_chart, 2, 0)
        side = QVBoxLayout()
        side.addWidget(self.summary)
        side.addStretch(1)
        side.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addWidget(self.export_status)
        grid.addLayout(side, 2, 1)

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(self.health_box)
        bl.addWidget(charts, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._retranslate()

    # ---- texts -------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.health_box.setTitle(self.tr("Health"))
        self.health_list.setHeaderLabels([self.tr("Part"), self.tr("State"), self.tr("Details")])
        self.export_button.setText(self.tr("Export diagnostics…"))
        self.export_button.setToolTip(self.tr("Save a zip with versions, settings, metrics and logs for a bug report. It contains no conversations and no document text."))
        seconds_ago = self.tr("seconds ago")
        request = self.tr("request")
        self.speed_chart.set_texts(self.tr("Generation speed"), request, self.tr("tokens/s"),
                                   {"tokens_per_s": self.tr("tokens per second")})
        self.latency_chart.set_texts(self.tr("Waiting"), request, self.tr("seconds"),
                                     {"ttft": self.tr("first token"), "queue_wait": self.tr("in the queue")})
        names = {"sova": self.tr("Sova"), "host": self.tr("model host")}
        self.memory_chart.set_texts(self.tr("Memory"), seconds_ago, self.tr("MB"), names)
        self.cpu_chart.set_texts(self.tr("CPU (100% = one core)"), seconds_ago, "%", names)
        self.queue_chart.set_texts(self.tr("Queue length"), seconds_ago, self.tr("requests"), {})
        self._parts = {"model": self.tr("Model"), "index": self.tr("Document index"),
                       "transcriber": self.tr("Speech recognition")}
        self._states = {"ok": self.tr("Working"), "starting": self.tr("Starting"),
                        "degraded": self.tr("Degraded"), "down": self.tr("Down"), "off": self.tr("Not started")}
        # What happened last, by the core's code ({name} is filled from the parameters).
        self._codes = {
            "model_crashed": self.tr("The model stopped unexpectedly; restarting ({attempt} of {of})"),
            "model_restarted": self.tr("Restarted after a crash ({attempt} of {of})"),
            "stepped_down_batch": self.tr("Restarted with a smaller batch to use less memory"),
            "stepped_down_model": self.tr("Switched to the smaller bundled model"),
            "model_gave_up": self.tr("The model keeps crashing; choose a smaller model or free memory"),
            "model_error": self.tr("The model could not be loaded"),
            "no_model": self.tr("No model is configured"),
            "backend_unreachable": self.tr("The model server cannot be reached"),
            "backend_auth": self.tr("The model server refused the API key"),
            "backend_timeout": self.tr("The model server did not answer in time"),
            "backend_protocol": self.tr("The model server sent an answer Sova does not understand"),
            "backend_dropped": self.tr("The model server closed the connection mid-answer"),
            "request_timeout": self.tr("A request took too long"),
            "queue_full": self.tr("Too many requests were waiting"),
            "queue_timeout": self.tr("A request waited too long in the queue"),
            "asset_missing": self.tr("A bundled model package is missing"),
            "asset_damaged": self.tr("A bundled model file is damaged"),
        }
        # Short names for the error counts in the summary (no parameters there).
        self._errors = {
            "model_crashed": self.tr("model crashed"),
            "model_error": self.tr("model error"),
            "request_timeout": self.tr("took too long"),
            "timeout": self.tr("took too long"),
            "queue_full": self.tr("refused, queue full"),
            "rejected": self.tr("refused, queue full"),
            "queue_timeout": self.tr("waited too long in the queue"),
            "backend_unreachable": self.tr("server unreachable"),
            "backend_auth": self.tr("API key refused"),
            "backend_timeout": self.tr("server timed out"),
            "backend_protocol": self.tr("server answer not understood"),
            "backend_dropped": self.tr("server dropped the connection"),
            "error": self.tr("other errors"),
        }
        self._summary_texts = {
            "none": self.tr("No requests yet."),
            "model": self.tr("{model} — requests: {requests}; speed: {speed} tokens/s; first token: {ttft50} s (95%: {ttft95} s); in the queue: {wait50} s (95%: {wait95} s)"),
            "errors": self.tr("Errors:"),
        }
        self.refresh()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def code_text(self, code: str, params: dict[str, Any] | None = None) -> str:
        """The translated sentence for a core code (the code itself when unknown)."""
        if not code:
            return ""
        template = self._codes.get(code)
        return _format(template, params or {}) if template else code

    # ---- live data ---------------------------------------------------------------------

    @property
    def metrics(self) -> "Metrics":
        """The assistant's metrics; a private one (processes only) until it has them."""
        m = getattr(self.assistant, "metrics", None)
        if m is not None:
            return m  # type: ignore[no-any-return]
        if self._own_metrics is None:
            from app.core.assistant import Metrics

            self._own_metrics = Metrics()
        return self._own_metrics

    def showEvent(self, e: Any) -> None:
        super().showEvent(e)
        m = self.metrics
        if not m.sampling:
            m.start_sampler(REFRESH_MS / 1000)
            self._started_sampler = True
        self.refresh()
        self.timer.start()

    def hideEvent(self, e: Any) -> None:
        self.timer.stop()
        self._stop_own_sampler()
        super().hideEvent(e)

    def _stop_own_sampler(self) -> None:
        if self._started_sampler:
            self._started_sampler = False
            self.metrics.stop_sampler(timeout=0.0)  # never block the UI thread on it

    def refresh(self) -> None:
        """Redraw charts, health and summary from the metrics and the assistant."""
        if not hasattr(self, "_parts"):
            return  # still building
        now = time.time()
        m = self.metrics
        self._refresh_requests(m)
        self._refresh_processes(m, now)
        self._refresh_queues(m, now)
        self._refresh_health()
        self._refresh_summary(m)

    def _refresh_requests(self, m: "Metrics") -> None:
        every = m.requests()
        recs = every[-LAST_REQUESTS:]
        first = len(every) - len(recs)
        speed, ttft, wait = [], [], []
        for i, r in enumerate(recs, start=first + 1):
            if r.tokens > 0 and r.tokens_per_s > 0:
                speed.append((i, r.tokens_per_s))
            if r.ttft_s is not None:
                ttft.append((i, r.ttft_s))
            if r.outcome != "rejected":
                wait.append((i, r.queue_wait_s))
        self.speed_chart.set_points("tokens_per_s", speed)
        self.latency_chart.set_points("ttft", ttft)
        self.latency_chart.set_points("queue_wait", wait)
        lo, hi = first + 1, first + max(len(recs), 1)
        self.speed_chart.rescale(lo - 0.5, hi + 0.5, integer_x=True)
        self.latency_chart.rescale(lo - 0.5, hi + 0.5, integer_x=True)

    def _refresh_processes(self, m: "Metrics", now: float) -> None:
        samples = [s for s in m.samples() if s.time >= now - WINDOW_S]
        self.memory_chart.set_points("sova", [(s.time - now, s.rss_bytes / MB) for s in samples])
        self.memory_chart.set_points("host", [(s.time - now, s.children_rss_bytes / MB) for s in samples])
        self.cpu_chart.set_points("sova", [(s.time - now, s.cpu_percent) for s in samples])
        self.cpu_chart.set_points("host", [(s.time - now, s.children_cpu_percent) for s in samples])
        self.memory_chart.rescale(-WINDOW_S, 0)
        self.cpu_chart.rescale(-WINDOW_S, 0)

    def _refresh_queues(self, m: "Metrics", now: float) -> None:
        self._queue_history.append((now, m.queue_lengths()))
        while self._queue_history and self._queue_history[0][0] < now - WINDOW_S:
            self._queue_history.popleft()
        models = sorted({k for _, q in self._queue_history for k in q})
        for model in models:
            self.queue_chart.set_points(model, [(t - now, q.get(model, 0)) for t, q in self._queue_history])
        self.queue_chart.rescale(-WINDOW_S, 0, integer_y=True, min_top=2)

    def _refresh_health(self) -> None:
        health = getattr(self.assistant, "health", None)
        try:
            # An assistant that cannot tell yet: its parts as not started.
            items = list(health()) if callable(health) else [
                Health(part, HealthState.OFF) for part in ("model", "index", "transcriber")]
        except Exception as exc:  # noqa: BLE001 - the page must keep drawing
            items = [Health("model", HealthState.DOWN, type(exc).__name__)]
        lst = self.health_list
        while lst.topLevelItemCount() > len(items):
            lst.takeTopLevelItem(lst.topLevelItemCount() - 1)
        for i, h in enumerate(items):
            item = lst.topLevelItem(i) or QTreeWidgetItem(lst)
            state = str(h.state)
            color = STATE_COLORS.get(state, STATE_COLORS["off"])
            item.setText(0, self._parts.get(h.part, h.part))
            item.setIcon(1, _dot(color))
            item.setText(1, self._states.get(state, state))
            item.setForeground(1, QColor(color))
            item.setData(1, Qt.ItemDataRole.UserRole, state)
            item.setText(2, self.code_text(h.code or "", dict(h.params or {})))
        # As tall as its rows: the charts get the rest.
        rows = max(1, lst.topLevelItemCount())
        lst.setFixedHeight(lst.header().sizeHint().height() + rows * max(lst.sizeHintForRow(0), 16)
                           + 2 * lst.frameWidth() + 2)

    def _refresh_summary(self, m: "Metrics") -> None:
        snap = m.snapshot()
        lines = []

        def num(x: Any, fmt: str = "{:.2f}") -> str:
            return "—" if x is None else fmt.format(x)

        for model, s in snap["models"].items():
            lines.append(_format(self._summary_texts["model"], {
                "model": model, "requests": s["requests"],
                "speed": num(s["tokens_per_s_mean"], "{:.1f}"),
                "ttft50": num(s["ttft_s"]["p50"]), "ttft95": num(s["ttft_s"]["p95"]),
                "wait50": num(s["queue_wait_s"]["p50"]), "wait95": num(s["queue_wait_s"]["p95"]),
            }))
        if snap["errors"]:
            lines.append(self._summary_texts["errors"])
            for code, n in sorted(snap["errors"].items(), key=lambda kv: -kv[1]):
                lines.append(f"  {self._errors.get(code, code)}: {n}")
        self.summary.setText("\n".join(lines) if lines else self._summary_texts["none"])

    # ---- export ------------------------------------------------------------------------

    def _choose_export_dialog(self) -> str:
        name = f"sova-diagnostics-{datetime.now():%Y%m%d-%H%M%S}.zip"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export diagnostics"), str(Path.home() / name),
                                              self.tr("Zip archives (*.zip)"))
        return path

    def export(self) -> None:
        path = self.choose_export_path()
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> FunctionWorker:
        """Write the diagnostics zip in the background; the result shows under the button."""
        if path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        self.export_button.setEnabled(False)
        self.export_status.setStyleSheet("")
        self.export_status.setText(self.tr("Writing %1…").replace("%1", path.name))
        worker = FunctionWorker(self.assistant.export_diagnostics, path)
        worker.signals.sig_result.connect(lambda _: self._on_exported(path))
        worker.signals.sig_error.connect(self._on_export_error)
        worker.signals.sig_finished.connect(lambda: self._export_finished(worker))
        self._workers.append(worker)
        start(worker)
        return worker

    def _export_finished(self, worker: FunctionWorker) -> None:
        self.export_button.setEnabled(True)
        if worker in self._workers:
            self._workers.remove(worker)

    def _on_exported(self, path: Path) -> None:
        self.export_status.setText(self.tr("Saved to %1").replace("%1", str(path)))
        self.sig_exported.emit(str(path))

    def _on_export_error(self, exc: BaseException) -> None:
        text = self.tr("Could not export diagnostics: %1").replace("%1", str(exc))
        self.export_status.setText(text)
        self.export_status.setStyleSheet("color: #c62828")
        self.sig_export_failed.emit(str(exc))
