"""The quality dashboard's charts (QtCharts), drawn in the window's palette.

``TrendChart``: average stars (left axis, 1–5) with the satisfied and negative shares
(right axis, %) per day, week or month. ``VersionsChart``: the average per model and
adapter version, with how many answers each has. ``SharesChart``: satisfied, neutral and
negative ratings as a ring. Each takes plain numbers (``set_data``), so the tab decides
what to show and the charts only draw; each restyles itself when the theme changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.ui.theme import is_dark

DAY_S = 86400.0
BUCKET_S = {"day": DAY_S, "week": 7 * DAY_S, "month": 30 * DAY_S}


@dataclass(frozen=True)
class Colors:
    average: str
    satisfied: str
    neutral: str
    negative: str


LIGHT = Colors(average="#1565c0", satisfied="#2e7d32", neutral="#b0a16a", negative="#c62828")
DARK = Colors(average="#6cb4ff", satisfied="#7ee787", neutral="#c9b978", negative="#ff7b72")


def colors(palette: QPalette) -> Colors:
    return DARK if is_dark(palette) else LIGHT


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() * (1 - t) + b.red() * t), round(a.green() * (1 - t) + b.green() * t),
                  round(a.blue() * (1 - t) + b.blue() * t))


@dataclass(frozen=True)
class TrendPoint:
    """One bucket: its start (epoch seconds), mean stars and shares 0..1 (None: no score)."""

    start: float
    average: float | None
    satisfied: float | None
    negative: float | None


@dataclass(frozen=True)
class VersionBar:
    label: str  # "model" or "model + adapter"
    average: float | None
    count: int
    satisfied: float | None


class Chart(QChartView):
    """A chart view that follows the palette (light or dark) and never animates."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setObjectName(object_name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        title = QFont(self.font())
        title.setBold(True)
        self.chart_.setTitleFont(title)

    def apply_palette(self) -> None:
        """Colours from the palette: a chart on a dark window must not stay white."""
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        key = (base.name(), text.name())
        if key == getattr(self, "_styled", None):
            return
        self._styled = key
        c = self.chart_
        c.setBackgroundBrush(QBrush(base))
        c.setBackgroundPen(QPen(_mix(base, text, 0.15)))
        c.setBackgroundRoundness(8)
        c.setTitleBrush(QBrush(text))
        c.legend().setLabelColor(text)
        self.setBackgroundBrush(pal.color(QPalette.ColorRole.Window))
        for axis in c.axes():
            axis.setLabelsColor(text)
            axis.setTitleBrush(QBrush(_mix(base, text, 0.7)))
            axis.setLinePenColor(_mix(base, text, 0.35))
            axis.setGridLineColor(_mix(base, text, 0.12))
        self.restyle_series()

    def restyle_series(self) -> None:
        """Series colours for the palette (subclasses)."""

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
        super().changeEvent(e)


class TrendChart(Chart):
    """Average stars and the satisfied / negative shares over time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("qualityTrend", parent)
        c = self.chart_
        self.x_axis = QDateTimeAxis()
        self.stars_axis = QValueAxis()
        self.stars_axis.setRange(1, 5)
        self.stars_axis.setTickCount(5)
        self.stars_axis.setLabelFormat("%d")
        self.share_axis = QValueAxis()
        self.share_axis.setRange(0, 100)
        self.share_axis.setTickCount(5)
        self.share_axis.setLabelFormat("%d%%")
        c.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        c.addAxis(self.stars_axis, Qt.AlignmentFlag.AlignLeft)
        c.addAxis(self.share_axis, Qt.AlignmentFlag.AlignRight)
        self.average = QLineSeries()
        self.satisfied = QLineSeries()
        self.negative = QLineSeries()
        for s, axis in ((self.average, self.stars_axis), (self.satisfied, self.share_axis),
                        (self.negative, self.share_axis)):
            s.setPointsVisible(True)
            c.addSeries(s)
            s.attachAxis(self.x_axis)
            s.attachAxis(axis)
        self.apply_palette()

    def set_texts(self, title: str, average: str, satisfied: str, negative: str, stars_axis: str) -> None:
        self.chart_.setTitle(title)
        self.average.setName(average)
        self.satisfied.setName(satisfied)
        self.negative.setName(negative)
        self.stars_axis.setTitleText(stars_axis)

    def restyle_series(self) -> None:
        col = colors(self.palette())
        self.average.setPen(QPen(QColor(col.average), 2.6))
        self.satisfied.setPen(QPen(QColor(col.satisfied), 2.0))
        self.negative.setPen(QPen(QColor(col.negative), 2.0, Qt.PenStyle.DashLine))
        for s in (self.average, self.satisfied, self.negative):
            s.setColor(s.pen().color())

    def set_data(self, points: list[TrendPoint], bucket: str) -> None:
        """Draw the buckets (oldest first); the x axis spans them with half a bucket around."""
        def ms(t: float) -> float:
            return t * 1000.0

        self.average.replace([QPointF(ms(p.start), p.average) for p in points if p.average is not None])
        self.satisfied.replace([QPointF(ms(p.start), 100 * p.satisfied) for p in points if p.satisfied is not None])
        self.negative.replace([QPointF(ms(p.start), 100 * p.negative) for p in points if p.negative is not None])
        step = BUCKET_S.get(bucket, DAY_S)
        if points:
            lo, hi = points[0].start - step / 2, points[-1].start + step / 2
        else:
            now = datetime.now().timestamp()
            lo, hi = now - step, now
        self.x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(lo * 1000)), QDateTime.fromMSecsSinceEpoch(int(hi * 1000)))
        self.x_axis.setFormat("MMM yyyy" if bucket == "month" else "d MMM")
        self.x_axis.setTickCount(max(2, min(7, len(points) + 1)))

    def point_count(self) -> int:
        return self.average.count()


class VersionsChart(Chart):
    """Average stars per model and adapter version (a bar each, its count in the label)."""

    MAX_LABEL = 30  # characters of a version's name on the axis

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("qualityVersions", parent)
        c = self.chart_
        self.series = QHorizontalBarSeries()
        self.series.setLabelsVisible(True)
        self.series.setLabelsFormat("@value")
        self.series.setLabelsPrecision(3)
        self.set = QBarSet("")
        self.series.append(self.set)
        c.addSeries(self.series)
        self.categories = QBarCategoryAxis()
        self.value_axis = QValueAxis()
        # Room after 5 for the label of a bar at 5; ticks stay on whole stars.
        self.value_axis.setRange(0, 5.7)
        self.value_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.value_axis.setTickAnchor(0)
        self.value_axis.setTickInterval(1)
        self.value_axis.setLabelFormat("%d")
        c.addAxis(self.categories, Qt.AlignmentFlag.AlignLeft)
        c.addAxis(self.value_axis, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.value_axis)
        c.legend().hide()
        self.bars: list[VersionBar] = []
        self._hover_text = "%1"
        self.set.hovered.connect(self._on_hovered)
        self.apply_palette()

    def set_texts(self, title: str, axis: str, hover: str) -> None:
        """``hover``: the tooltip of a bar, %1 the version, %2 the average, %3 the count."""
        self.chart_.setTitle(title)
        self.value_axis.setTitleText(axis)
        self._hover_text = hover

    def restyle_series(self) -> None:
        col = colors(self.palette())
        self.set.setColor(QColor(col.average))
        self.set.setBorderColor(QColor(col.average))
        self.set.setLabelColor(self.palette().color(QPalette.ColorRole.Text))
        self.series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)

    def set_data(self, bars: list[VersionBar], label: Callable[[str, int], str]) -> None:
        """One bar per version, in the order given (horizontal bars start at the bottom).
        ``label(name, count)`` is a bar's category text; long names are shortened in the
        middle, so both the model and the adapter stay readable."""
        self.bars = bars
        self.set.remove(0, self.set.count())
        self.categories.clear()
        names: list[str] = []
        for bar in bars:
            name = bar.label
            if len(name) > self.MAX_LABEL:
                half = (self.MAX_LABEL - 1) // 2
                name = name[:half] + "…" + name[-half:]
            text = label(name, bar.count)
            while text in names:  # categories must differ
                text += " "
            names.append(text)
            self.set.append(round(bar.average, 2) if bar.average is not None else 0.0)
        self.categories.append(names)
        self.series.setBarWidth(0.55 if len(bars) > 1 else 0.35)

    def _on_hovered(self, on: bool, index: int) -> None:
        if on and 0 <= index < len(self.bars):
            bar = self.bars[index]
            average = f"{bar.average:.2f}" if bar.average is not None else "—"
            QToolTip.showText(QCursor.pos(), self._hover_text.replace("%1", bar.label).replace("%2", average)
                              .replace("%3", str(bar.count)), self)
        else:
            QToolTip.hideText()

    def values(self) -> list[float]:
        return [self.set.at(i) for i in range(self.set.count())]


class SharesChart(Chart):
    """Satisfied, neutral and negative ratings as a ring (the negative slice set apart)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("qualityShares", parent)
        self.series = QPieSeries()
        self.series.setHoleSize(0.45)
        self.series.setPieSize(0.72)
        self.slices = {key: QPieSlice("", 0.0) for key in ("satisfied", "neutral", "negative")}
        for s in self.slices.values():
            self.series.append(s)
        self.chart_.addSeries(self.series)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self._names = {key: key for key in self.slices}
        self.apply_palette()

    def set_texts(self, title: str, satisfied: str, neutral: str, negative: str) -> None:
        self.chart_.setTitle(title)
        self._names = {"satisfied": satisfied, "neutral": neutral, "negative": negative}
        self._label()

    def restyle_series(self) -> None:
        col = colors(self.palette())
        base = self.palette().color(QPalette.ColorRole.Base)
        for key, color in (("satisfied", col.satisfied), ("neutral", col.neutral), ("negative", col.negative)):
            s = self.slices[key]
            s.setColor(QColor(color))
            s.setBorderColor(base)  # a thin gap between slices
            s.setLabelColor(self.palette().color(QPalette.ColorRole.Text))

    def set_data(self, satisfied: int, neutral: int, negative: int) -> None:
        for key, n in (("satisfied", satisfied), ("neutral", neutral), ("negative", negative)):
            self.slices[key].setValue(float(n))
        self.slices["negative"].setExploded(negative > 0)
        self._label()

    def _label(self) -> None:
        total = sum(s.value() for s in self.slices.values())
        for key, s in self.slices.items():
            share = round(100 * s.value() / total) if total else 0
            s.setLabel(f"{self._names[key]}: {share}%")
            s.setLabelVisible(False)  # the legend carries the names and shares: labels around a small ring clip

    def shares(self) -> dict[str, float]:
        total = sum(s.value() for s in self.slices.values())
        return {k: (s.value() / total if total else 0.0) for k, s in self.slices.items()}
