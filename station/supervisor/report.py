"""A supervisor's report: the dashboard's figures for a period, as CSV, JSON or a PDF's content.

`build_report` reads everything once; the renderers only lay it out, so the
CSV, the JSON and the PDF (devices/pdf/report_pdf.py) always agree.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Literal

from station.supervisor.figures import (
    By,
    DayAccuracy,
    Facts,
    FigureRow,
    HourRow,
    ParetoRow,
    days_of,
    hours_of,
    mistakes_of,
    reasons_of,
    rows_of,
)
from station.supervisor.formulas import FIGURES, MISTAKE_KINDS
from station.supervisor.period import Period
from station.supervisor.saved_days import DayBook
from station.supervisor.tables import Database

ReportKind = Literal["accuracy", "speed", "exceptions"]
REPORT_KINDS: tuple[ReportKind, ...] = ("accuracy", "speed", "exceptions")
TITLES = {
    "accuracy": "Accuracy report",
    "speed": "Speed report",
    "exceptions": "Exceptions report",
}
_KEYS = ["packer", "packer_name", "station", "day", "orders", "units"]
# The columns of each report's table (CSV and PDF), after the keys.
COLUMNS: dict[ReportKind, list[str]] = {
    "accuracy": [
        "orders_with_mistakes",
        "accuracy_pct",
        *[f"mistakes_{kind}" for kind in MISTAKE_KINDS],
        *[f"per_1000_units_{kind}" for kind in MISTAKE_KINDS],
        "orders_per_hour",
    ],
    "speed": [
        "packing_hours",
        "orders_per_hour",
        "units_per_hour",
        "orders_with_mistakes",
        "accuracy_pct",
    ],
    "exceptions": [
        "exceptions_opened",
        "exceptions_resolved",
        "short_shipments",
        "labels_voided",
        "labels_reprinted",
        "orders_with_mistakes",
        "accuracy_pct",
    ],
}
# Which figures' formulas each report prints.
_FORMULAS: dict[ReportKind, tuple[str, ...]] = {
    "accuracy": ("orders", "units", "orders_with_mistakes", "accuracy_pct", "mistakes"),
    "speed": ("orders", "units", "orders_per_hour", "units_per_hour", "orders_by_hour"),
    "exceptions": (
        "exceptions_opened",
        "exceptions_resolved",
        "short_shipments",
        "labels_voided",
        "labels_reprinted",
        "accuracy_pct",
    ),
}


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    period: Period
    by: By
    source: str  # "station NAME" or "central database"
    rows: list[FigureRow]
    total: FigureRow
    hours: list[HourRow]
    days: list[DayAccuracy]
    mistakes: list[ParetoRow]
    reasons: list[ParetoRow]

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def columns(self) -> list[str]:
        return [*_KEYS, *COLUMNS[self.kind]]

    def formulas(self) -> list[tuple[str, str]]:
        """(label, how it is computed) of each figure the report shows."""
        wanted = _FORMULAS[self.kind]
        return [(figure.label, figure.formula) for figure in FIGURES if figure.name in wanted]

    def table(self) -> list[dict[str, Any]]:
        """The rows flattened to the report's columns, the total last."""
        return [_flat(row, self.columns) for row in [*self.rows, self.total]]


def build_report(
    db: Database,
    kind: ReportKind,
    period: Period,
    by: By,
    source: str,
    book: DayBook | None = None,
) -> Report:
    """Every figure of the period, each kind of fact read once (figures.Facts).

    With a DayBook its finished days come from their saved totals (the same figures).
    """
    facts = Facts(db, period, book=book)
    rows = rows_of(facts, by)
    return Report(
        kind=kind,
        period=period,
        by=by,
        source=source,
        rows=rows,
        total=total_of(rows),
        hours=hours_of(facts),
        days=days_of(facts),
        mistakes=mistakes_of(facts),
        reasons=reasons_of(facts),
    )


def total_of(rows: list[FigureRow]) -> FigureRow:
    """Everything together: every figure is a sum, or a ratio of sums."""
    total = FigureRow(packer=None, station=None, day=None, packer_name="all")
    for row in rows:
        for name in (
            "orders",
            "orders_with_mistakes",
            "units",
            "units_packed",
            "packing_seconds",
            "exceptions_opened",
            "exceptions_resolved",
            "short_shipments",
            "labels_voided",
            "labels_reprinted",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for kind, count in row.mistakes.items():
            total.mistakes[kind] += count
    return total


def as_json(report: Report) -> str:
    document = {
        "report": report.kind,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "time_zone": str(report.period.tz),
        "by": report.by,
        "source": report.source,
        "rows": [row.as_json() for row in report.rows],
        "total": report.total.as_json(),
        "charts": {
            "orders_per_hour_of_day": [
                {
                    "hour": h.hour,
                    "orders": h.orders,
                    "units": h.units,
                    "orders_per_day": round(h.orders_per_day, 2),
                }
                for h in report.hours
            ],
            "accuracy_per_day": [
                {
                    "day": d.day,
                    "orders": d.orders,
                    "orders_with_mistakes": d.orders_with_mistakes,
                    "accuracy_pct": None if d.accuracy_pct is None else round(d.accuracy_pct, 2),
                }
                for d in report.days
            ],
            "mistake_pareto": [_pareto(row) for row in report.mistakes],
            "exception_reasons": [_pareto(row) for row in report.reasons],
        },
        "formulas": {figure.name: figure.formula for figure in FIGURES},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=report.columns, lineterminator="\n")
    writer.writeheader()
    for row in report.table():
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()


def _flat(row: FigureRow, columns: list[str]) -> dict[str, Any]:
    data = row.as_json()
    for kind in MISTAKE_KINDS:
        data[f"mistakes_{kind}"] = data["mistakes"][kind]
        data[f"per_1000_units_{kind}"] = data["mistakes_per_1000_units"][kind]
    return {column: data[column] for column in columns}


def _pareto(row: ParetoRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "count": row.count,
        "share_pct": round(row.share_pct, 2),
        "cumulative_pct": round(row.cumulative_pct, 2),
    }
