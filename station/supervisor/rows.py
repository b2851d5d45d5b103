"""What the supervisor figures are made of and handed out as: rows, bars and packed orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from station.supervisor.formulas import (
    EXCEPTION_OPENED,
    EXCEPTION_RESOLVED,
    LABEL_REPRINTED,
    LABEL_VOIDED,
    MISTAKE_KINDS,
    SHORT_SHIPPED,
)
from station.supervisor.tables import Key

By = Literal["packer", "station", "day"]
BY_CHOICES: tuple[By, ...] = ("packer", "station", "day")
KIND_OF_VERDICT = {verdict.value: kind for kind, verdict in MISTAKE_KINDS.items()}
EVENT_FIGURE = {
    EXCEPTION_OPENED: "exceptions_opened",
    **dict.fromkeys(EXCEPTION_RESOLVED, "exceptions_resolved"),
    SHORT_SHIPPED: "short_shipments",
    LABEL_VOIDED: "labels_voided",
    LABEL_REPRINTED: "labels_reprinted",
}


@dataclass(frozen=True)
class Filter:
    """Narrows any figure to one packer (badge) and/or one station."""

    packer: str | None = None
    station: str | None = None


EVERYONE = Filter()


@dataclass
class FigureRow:
    """The figures of one packer, station or day (the other keys are None: all of them)."""

    packer: str | None  # badge
    station: str | None
    day: str | None  # YYYY-MM-DD, local
    packer_name: str | None = None
    orders: int = 0
    orders_with_mistakes: int = 0
    units: int = 0
    # Equal to `units` since units are counted in the orders packed; kept for the
    # dashboard's totals, which add it up (ui/dashboard/totals.py).
    units_packed: int = 0
    packing_seconds: float = 0.0
    mistakes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MISTAKE_KINDS, 0))
    exceptions_opened: int = 0
    exceptions_resolved: int = 0
    short_shipments: int = 0
    labels_voided: int = 0
    labels_reprinted: int = 0

    @property
    def key(self) -> str:
        return self.packer or self.station or self.day or ""

    @property
    def accuracy_pct(self) -> float | None:
        """None with no order packed: no accuracy to speak of."""
        if not self.orders:
            return None
        return 100.0 * (self.orders - self.orders_with_mistakes) / self.orders

    @property
    def mistakes_per_1000_units(self) -> dict[str, float | None]:
        return {
            kind: (1000.0 * count / self.units if self.units else None)
            for kind, count in self.mistakes.items()
        }

    @property
    def packing_hours(self) -> float:
        return self.packing_seconds / 3600.0

    @property
    def orders_per_hour(self) -> float | None:
        return self.orders / self.packing_hours if self.packing_seconds > 0 else None

    @property
    def units_per_hour(self) -> float | None:
        return self.units_packed / self.packing_hours if self.packing_seconds > 0 else None

    def as_json(self) -> dict[str, Any]:
        """The report's row: counts exact, rates rounded to 2 decimals (None: no basis)."""
        return {
            "packer": self.packer,
            "packer_name": self.packer_name,
            "station": self.station,
            "day": self.day,
            "orders": self.orders,
            "units": self.units,
            "orders_with_mistakes": self.orders_with_mistakes,
            "accuracy_pct": rounded(self.accuracy_pct),
            "mistakes": dict(self.mistakes),
            "mistakes_per_1000_units": {
                kind: rounded(rate) for kind, rate in self.mistakes_per_1000_units.items()
            },
            "packing_hours": round(self.packing_hours, 4),
            "orders_per_hour": rounded(self.orders_per_hour),
            "units_per_hour": rounded(self.units_per_hour),
            "exceptions_opened": self.exceptions_opened,
            "exceptions_resolved": self.exceptions_resolved,
            "short_shipments": self.short_shipments,
            "labels_voided": self.labels_voided,
            "labels_reprinted": self.labels_reprinted,
        }


@dataclass(frozen=True)
class PackedGroup:
    """The orders one packer sealed at one station in one local clock hour, summed up."""

    station: str
    packer_id: Key | None
    day: str  # YYYY-MM-DD, local
    hour: int  # 0-23, local
    orders: int
    orders_with_mistakes: int
    units: int  # in those orders
    packing_seconds: float  # sum over them of first scan to seal


@dataclass(frozen=True)
class PackedOrder:
    """One order packed in the period: the fact behind orders, accuracy and speed."""

    order_id: Key
    station: str
    packer_id: Key | None
    sealed_at: datetime  # local
    first_scan_at: datetime  # local
    units: int
    mistakes: int

    @property
    def packing_seconds(self) -> float:
        return max(0.0, (self.sealed_at - self.first_scan_at).total_seconds())


@dataclass(frozen=True)
class HourRow:
    hour: int  # 0-23, local
    orders: int
    units: int
    days: int

    @property
    def orders_per_day(self) -> float:
        """Orders packed in this hour of an average day of the period."""
        return self.orders / self.days


@dataclass(frozen=True)
class DayAccuracy:
    day: str  # YYYY-MM-DD, local
    orders: int
    orders_with_mistakes: int

    @property
    def accuracy_pct(self) -> float | None:
        if not self.orders:
            return None
        return 100.0 * (self.orders - self.orders_with_mistakes) / self.orders


@dataclass(frozen=True)
class ParetoRow:
    """One bar of a Pareto chart: most frequent first, with the running share."""

    kind: str
    count: int
    share_pct: float
    cumulative_pct: float


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
