"""The dashboard's three charts, drawn with Qt Charts; a click on a bar or point drills down.

Why Qt Charts: it ships in PySide6-Addons (already a dependency), draws in
plain widgets (software-rendered, so it runs offscreen in tests and on an
office PC without a GPU) and reports clicks per bar. Qt Graphs, its successor,
draws 2D charts only in QML through the GPU (RHI): in a QQuickWidget it failed
to create a context offscreen and under Xvfb. pyqtgraph would be a new
dependency for three small charts. Qt Charts is deprecated from Qt 6.10, not
removed: every use is in this one file, so moving later is one file's work.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from station.supervisor.figures import DayAccuracy, HourRow, ParetoRow

BAR = QColor("#1257a6")
LINE = QColor("#c0392b")
GOOD = QColor("#1b7f37")


class DrillChart(QChartView):
    """A chart whose bars (or points) each lead to the orders behind them."""

    bar_clicked = Signal(int)  # the index of the bar or point

    def __init__(self, title: str) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setTitleFont(QFont(chart.titleFont().family(), 11, QFont.Weight.Bold))
        chart.legend().setVisible(False)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart)
        self.title = title
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.categories: list[str] = []
        self.values: list[float] = []

    def _reset(self) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _bars(self, chart: QChart, name: str, values: Sequence[float], colour: QColor) -> QBarSet:
        bars = QBarSet(name)
        bars.append([float(v) for v in values])
        bars.setColor(colour)
        bars.setBorderColor(colour)
        bars.clicked.connect(self._on_bars_clicked)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(self.categories)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        top = max([*values, 1.0])
        if top <= 5:  # small counts: a tick per whole number
            axis_y.setRange(0, int(top) + 1)
            axis_y.setTickCount(int(top) + 2)
        else:
            axis_y.setRange(0, top * 1.15)
            axis_y.applyNiceNumbers()  # round ticks: 0, 5, 10, not 0, 3.4, 6.8
        axis_y.setLabelFormat("%.0f")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        return bars

    def _on_bars_clicked(self, index: int) -> None:
        self.bar_clicked.emit(index)


class HourChart(DrillChart):
    """Orders packed in each hour of the day (those with any, and the hours between)."""

    def __init__(self) -> None:
        super().__init__("Orders packed per hour of the day")
        self.hours: list[int] = []

    def show_hours(self, rows: Sequence[HourRow]) -> None:
        chart = self._reset()
        busy = [row.hour for row in rows if row.orders]
        first, last = (min(busy), max(busy)) if busy else (8, 17)
        shown = [row for row in rows if first <= row.hour <= last]
        self.hours = [row.hour for row in shown]
        self.categories = [f"{row.hour:02d}" for row in shown]
        self.values = [float(row.orders) for row in shown]
        self._bars(chart, "orders", self.values, BAR)


class AccuracyChart(DrillChart):
    """Order accuracy of each day in the period; a day with nothing packed has no bar."""

    def __init__(self) -> None:
        super().__init__("Order accuracy per day (%)")
        self.days: list[str] = []

    def show_days(self, rows: Sequence[DayAccuracy]) -> None:
        chart = self._reset()
        self.days = [row.day for row in rows]
        self.categories = [row.day[5:] for row in rows]  # MM-DD
        self.values = [row.accuracy_pct or 0.0 for row in rows]
        # A bar per day: a day with no packing stays empty instead of joining a line.
        bars = self._bars(chart, "accuracy", self.values, GOOD)
        bars.setLabelColor(QColor("white"))
        lowest = min((v for v in self.values if v > 0), default=100.0)
        axis_y = chart.axes(Qt.Orientation.Vertical)[0]
        assert isinstance(axis_y, QValueAxis)
        # From a round floor under the worst day, so 99.2 and 99.9 look different.
        floor = 90.0 if lowest >= 92.0 else 0.0
        axis_y.setRange(floor, 100.0)
        axis_y.setTickCount(6)
        axis_y.setLabelFormat("%.0f")
        for series in chart.series():
            if isinstance(series, QBarSeries):
                series.setLabelsFormat("@value%")
                series.setLabelsPrecision(4)
                # Inside the bar's top: a 100 % day's label is not cut off by the frame.
                series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)


class ParetoChart(DrillChart):
    """Kinds most frequent first, bars of counts with the cumulative share as a line."""

    def __init__(self, title: str, words: dict[str, str] | None = None) -> None:
        super().__init__(title)
        self.kinds: list[str] = []
        self._words = words or {}

    def show_rows(self, rows: Sequence[ParetoRow]) -> None:
        chart = self._reset()
        self.kinds = [row.kind for row in rows]
        self.categories = [self._words.get(row.kind, row.kind.replace("_", " ")) for row in rows]
        self.values = [float(row.count) for row in rows]
        if not rows:
            chart.setTitle(f"{self.title}: none in this period")
            return
        chart.setTitle(self.title)
        self._bars(chart, "count", self.values, BAR)
        axis_x = chart.axes(Qt.Orientation.Horizontal)[0]
        line = QLineSeries()
        line.setPointsVisible(True)
        line.setPen(QPen(LINE, 2))
        for index, row in enumerate(rows):
            line.append(QPointF(index, row.cumulative_pct))
        chart.addSeries(line)
        share = QValueAxis()
        share.setRange(0, 100)
        share.setLabelFormat("%.0f%%")
        share.setTitleText("cumulative")
        chart.addAxis(share, Qt.AlignmentFlag.AlignRight)
        line.attachAxis(axis_x)
        line.attachAxis(share)
