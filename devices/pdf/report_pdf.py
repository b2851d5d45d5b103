"""A supervisor's report as a PDF: the table, the charts and how each figure is computed.

The charts are reportlab's own graphics (no second charting library for a
printed page): orders per hour through the day, accuracy per day, and Pareto
charts of mistake kinds and exception reasons (bars most frequent first, with
the running share as a line on a 0-100 % scale).
"""

from __future__ import annotations

import io
import math
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from devices.pdf.fonts import label_fonts
from station.supervisor.figures import ParetoRow
from station.supervisor.formulas import MISTAKE_WORDS
from station.supervisor.report import Report

CHART_W, CHART_H = 120 * mm, 55 * mm
BAR = colors.HexColor("#3b6ea8")
LINE = colors.HexColor("#c0392b")
# Short column headings: the formulas under the table say what each one is.
HEADINGS = {
    "packer": "Packer",
    "packer_name": "Name",
    "station": "Station",
    "day": "Day",
    "orders": "Orders",
    "units": "Units",
    "orders_with_mistakes": "Orders w/ mistake",
    "accuracy_pct": "Accuracy %",
    "packing_hours": "Packing h",
    "orders_per_hour": "Orders/h",
    "units_per_hour": "Units/h",
    "exceptions_opened": "Exc. opened",
    "exceptions_resolved": "Exc. resolved",
    "short_shipments": "Short",
    "labels_voided": "Voided",
    "labels_reprinted": "Reprinted",
    **{f"mistakes_{kind}": words.capitalize() for kind, words in MISTAKE_WORDS.items()},
    **{f"per_1000_units_{kind}": f"{words} /1k" for kind, words in MISTAKE_WORDS.items()},
}


def report_pdf(report: Report) -> bytes:
    regular, bold = label_fonts()
    styles = _styles(regular, bold)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
    )
    period = report.period
    story: list[Any] = [
        Paragraph(report.title, styles["title"]),
        Paragraph(
            f"{period.start.isoformat()} to {period.end.isoformat()} ({period.tz}), "
            f"by {report.by}, from the {report.source}",
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        _table(report, regular, bold),
        Spacer(1, 6 * mm),
        Paragraph("How each figure is computed", styles["heading"]),
    ]
    story += [
        Paragraph(f"<b>{label}</b>: {formula}", styles["small"])
        for label, formula in report.formulas()
    ]
    story.append(Spacer(1, 6 * mm))
    for title, drawing in _charts(report, regular):
        story.append(KeepTogether([Paragraph(title, styles["heading"]), drawing]))
    document.build(story)
    return out.getvalue()


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", base["Title"], fontName=bold, alignment=0),
        "heading": ParagraphStyle("heading", base["Heading3"], fontName=bold),
        "body": ParagraphStyle("body", base["BodyText"], fontName=regular),
        "small": ParagraphStyle("small", base["BodyText"], fontName=regular, fontSize=8),
    }


def _table(report: Report, regular: str, bold: str) -> Table:
    columns = [c for c in report.columns if c not in ("packer_name",) or report.by == "packer"]
    shown = [c for c in columns if c not in ("packer", "station", "day") or c == report.by]
    head = [HEADINGS.get(column, column) for column in shown]
    body = [[_cell(row[column]) for column in shown] for row in report.table()]
    body[-1][0] = "All"
    table = Table([head, *body], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 7),
                ("FONT", (0, 0), (-1, 0), bold, 7),
                ("FONT", (0, -1), (-1, -1), bold, 7),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _charts(report: Report, font: str) -> list[tuple[str, Drawing]]:
    charts = [
        (
            "Orders per hour through the day (orders packed in each hour / days)",
            _bars(
                [f"{h.hour:02d}" for h in report.hours],
                [h.orders_per_day for h in report.hours],
                font,
            ),
        ),
        (
            "Accuracy per day (% of orders packed with no mistake caught)",
            _accuracy(report, font),
        ),
    ]
    if report.kind != "exceptions":
        charts.append(("Pareto of mistake kinds", _pareto(report.mistakes, font, MISTAKE_WORDS)))
    if report.kind != "accuracy":
        charts.append(("Pareto of exception reasons", _pareto(report.reasons, font, {})))
    return charts


def _bars(names: list[str], values: list[float], font: str, top: float | None = None) -> Drawing:
    drawing = Drawing(CHART_W, CHART_H)
    chart = VerticalBarChart()
    _place(chart)
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    if top is not None:
        chart.valueAxis.valueMax = top
    chart.bars[0].fillColor = BAR
    drawing.add(chart)
    return drawing


def _accuracy(report: Report, font: str) -> Drawing:
    days = [d for d in report.days if d.accuracy_pct is not None]
    if not days:
        return _empty("No order packed in the period.", font)
    drawing = Drawing(CHART_W, CHART_H)
    chart = HorizontalLineChart()
    _place(chart)
    chart.data = [[d.accuracy_pct or 0.0 for d in days]]
    chart.categoryAxis.categoryNames = [d.day[5:] for d in days]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6
    # From 90 % (best in class is above 99.9 %), lower when a day was worse.
    lowest = min(d.accuracy_pct or 0.0 for d in days)
    chart.valueAxis.valueMin = min(90.0, math.floor(lowest / 10) * 10)
    chart.valueAxis.valueMax = 100.0
    chart.lines[0].strokeColor = LINE
    drawing.add(chart)
    return drawing


def _pareto(rows: list[ParetoRow], font: str, words: dict[str, str]) -> Drawing:
    if not rows:
        return _empty("None in the period.", font)
    top = float(max(row.count for row in rows))
    names = [words.get(row.kind, row.kind.replace("_", " ")) for row in rows]
    drawing = _bars(names, [float(row.count) for row in rows], font, top)
    running = HorizontalLineChart()
    _place(running)
    # The running share on the bars' scale: 100 % at the tallest bar's axis top.
    running.data = [[row.cumulative_pct * top / 100.0 for row in rows]]
    running.valueAxis.valueMin, running.valueAxis.valueMax = 0, top
    running.valueAxis.visible = False
    running.categoryAxis.visible = False
    running.lines[0].strokeColor = LINE
    drawing.add(running)
    for index, row in enumerate(rows):
        x = 12 * mm + (index + 0.5) * (CHART_W - 16 * mm) / len(rows)
        share = f"{row.cumulative_pct:.0f}%"
        drawing.add(
            String(x, CHART_H - 3 * mm, share, fontName=font, fontSize=6, textAnchor="middle")
        )
    return drawing


def _place(chart: Any) -> None:
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = CHART_W - 16 * mm, CHART_H - 14 * mm


def _empty(text: str, font: str) -> Drawing:
    drawing = Drawing(CHART_W, 12 * mm)
    drawing.add(String(0, 4 * mm, text, fontName=font, fontSize=8))
    return drawing
