"""The training tab's loss chart (QtCharts): the supervised and preference losses per step.

The preference phase counts its steps from 1 again; the chart draws it after the
supervised steps, so the two series follow each other on one step axis. Points are
merged by (phase, step): a resumed run adds its steps to the ones already drawn.
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCharts import QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QWidget

from app.ui.settings_pages.feedback_charts import Chart, colors

PHASES = ("sft", "pref")


class LossChart(Chart):
    """Loss per training step, one line per phase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("trainingLoss", parent)
        self.setMinimumHeight(220)
        c = self.chart_
        self.x_axis = QValueAxis()
        self.x_axis.setLabelFormat("%d")
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%.2f")
        c.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        c.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series = {phase: QLineSeries() for phase in PHASES}
        for s in self.series.values():
            c.addSeries(s)
            s.attachAxis(self.x_axis)
            s.attachAxis(self.y_axis)
        self._points: dict[tuple[str, int], float] = {}
        self._sft_total = 0
        self._pref_total = 0
        self.clear()
        self.apply_palette()

    def set_texts(self, title: str, sft: str, pref: str, x_axis: str, y_axis: str) -> None:
        self.chart_.setTitle(title)
        self.series["sft"].setName(sft)
        self.series["pref"].setName(pref)
        self.x_axis.setTitleText(x_axis)
        self.y_axis.setTitleText(y_axis)

    def restyle_series(self) -> None:
        col = colors(self.palette())
        self.series["sft"].setPen(QPen(QColor(col.average), 2.2))
        self.series["pref"].setPen(QPen(QColor(col.satisfied), 2.2))
        for s in self.series.values():
            s.setColor(s.pen().color())

    def clear(self) -> None:
        """Forget every point (a new run starts)."""
        self._points.clear()
        self._sft_total = self._pref_total = 0
        self._redraw()

    def set_totals(self, sft: int, pref: int) -> None:
        """The steps the run will take, so the axis spans the whole run from its start."""
        self._sft_total, self._pref_total = max(0, sft), max(0, pref)
        self._redraw()

    def add(self, losses: Iterable[tuple[str, int, float]]) -> None:
        """Merge (phase, step, loss) points; phases other than sft and pref are ignored."""
        before = len(self._points)
        for phase, step, loss in losses:
            if phase in PHASES:
                self._points[(phase, int(step))] = float(loss)
        if len(self._points) != before:
            self._redraw()

    def point_count(self, phase: str | None = None) -> int:
        return sum(self.series[p].count() for p in PHASES if phase in (None, p))

    def _redraw(self) -> None:
        sft_steps = [s for (p, s) in self._points if p == "sft"]
        offset = max([self._sft_total, *sft_steps])  # preference steps follow the supervised ones
        for phase in PHASES:
            shift = offset if phase == "pref" else 0
            pts = sorted((s, v) for (p, s), v in self._points.items() if p == phase)
            self.series[phase].replace([QPointF(shift + s, v) for s, v in pts])
        self.series["pref"].setVisible(self._pref_total > 0 or any(p == "pref" for p, _ in self._points))
        last = max([offset + self._pref_total, *(offset + s for (p, s) in self._points if p == "pref"), 1])
        # Ticks on whole, round step numbers (0, 20, 40, ...): evenly spaced ticks over
        # 116 steps fell between steps and "%d" labelled 11.6 as 11.
        step = tick_step(last)
        self.x_axis.setRange(0, step * -(-last // step))
        self.x_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.x_axis.setTickAnchor(0)
        self.x_axis.setTickInterval(step)
        values = list(self._points.values())
        top = max(values) if values else 1.0
        bottom = min(values) if values else 0.0
        # Start at zero unless the losses sit far above it: the fall is what the eye looks for.
        lo = 0.0 if bottom < 0.5 * top else bottom - 0.1 * (top - bottom)
        self.y_axis.setRange(lo, top + 0.08 * max(top - lo, 0.1))
        self.y_axis.applyNiceNumbers()


def tick_step(last: int, most: int = 10) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that splits 0..last into at most ``most`` parts."""
    scale = 1
    while True:
        for base in (1, 2, 5):
            if base * scale * most >= last:
                return base * scale
        scale *= 10
