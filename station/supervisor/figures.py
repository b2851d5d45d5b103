"""Accuracy and speed per packer, station or day: the figures of the dashboard and the reports.

What the dashboard (ui/dashboard) and `main.py report` call. Every function
takes an open database (a station's store session, or a connection to the
central database: the same queries run on both, station.supervisor.tables)
and a Period of local days. How each figure is computed is stated once, in
station.supervisor.formulas, and every figure leads to its orders through
station.supervisor.drill (orders_behind, order_trail).

Two kinds of fact make the figures:
- a packed order (its last box sealed in the period): orders, accuracy and
  speed, counted by the packer, station and local day of that seal;
- a scan or an order event in the period: units, mistakes by kind,
  exceptions, short shipments, voids and reprints, counted by their own packer,
  station and local day.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import case, func, literal, select

from station.supervisor.formulas import (
    EXCEPTION_OPENED,
    EXCEPTION_RESOLVED,
    LABEL_REPRINTED,
    LABEL_VOIDED,
    MISTAKE_KINDS,
    SHORT_SHIPPED,
)
from station.supervisor.period import Period
from station.supervisor.tables import Columns, Database, Tables, tables_for
from station.verdicts import COUNTED_VERDICTS

By = Literal["packer", "station", "day"]
BY_CHOICES: tuple[By, ...] = ("packer", "station", "day")
_KIND_OF_VERDICT = {verdict.value: kind for kind, verdict in MISTAKE_KINDS.items()}
_EVENT_FIGURE = {
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
    units_packed: int = 0  # units in the orders packed (units per hour)
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
            "accuracy_pct": _rounded(self.accuracy_pct),
            "mistakes": dict(self.mistakes),
            "mistakes_per_1000_units": {
                kind: _rounded(rate) for kind, rate in self.mistakes_per_1000_units.items()
            },
            "packing_hours": round(self.packing_hours, 4),
            "orders_per_hour": _rounded(self.orders_per_hour),
            "units_per_hour": _rounded(self.units_per_hour),
            "exceptions_opened": self.exceptions_opened,
            "exceptions_resolved": self.exceptions_resolved,
            "short_shipments": self.short_shipments,
            "labels_voided": self.labels_voided,
            "labels_reprinted": self.labels_reprinted,
        }


@dataclass(frozen=True)
class PackedOrder:
    """One order packed in the period: the fact behind orders, accuracy and speed."""

    order_id: uuid.UUID
    station: str
    packer_id: uuid.UUID | None
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


# -- the figures ---------------------------------------------------------------


def figures(db: Database, period: Period, by: By, only: Filter = EVERYONE) -> list[FigureRow]:
    """One row per packer, station or local day with anything in the period, in key order."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}, not {by!r}")
    tables = tables_for(db)
    badges = _Badges(db, tables)
    rows: dict[str, FigureRow] = {}

    def row(station: str, packer_id: uuid.UUID | None, day: str) -> FigureRow:
        badge = badges.badge(packer_id)
        key = {"packer": badge, "station": station, "day": day}[by]
        if key not in rows:
            rows[key] = FigureRow(
                packer=badge if by == "packer" else None,
                station=station if by == "station" else None,
                day=day if by == "day" else None,
                packer_name=badges.name(packer_id) if by == "packer" else None,
            )
        return rows[key]

    for order in packed_orders(db, period, only):
        target = row(order.station, order.packer_id, order.sealed_at.date().isoformat())
        target.orders += 1
        target.orders_with_mistakes += order.mistakes > 0
        target.units_packed += order.units
        target.packing_seconds += order.packing_seconds
    for station, packer_id, verdict, day, count, units in _scan_counts(db, tables, period, only):
        target = row(station, packer_id, day)
        if verdict in _KIND_OF_VERDICT:
            target.mistakes[_KIND_OF_VERDICT[verdict]] += count
        else:
            target.units += units
    for station, packer_id, kind, day, count in _event_counts(db, tables, period, only):
        target = row(station, packer_id, day)
        name = _EVENT_FIGURE[kind]
        setattr(target, name, getattr(target, name) + count)
    return [rows[key] for key in sorted(rows)]


def orders_per_hour_of_day(db: Database, period: Period, only: Filter = EVERYONE) -> list[HourRow]:
    """Orders and units packed in each local clock hour (0-23), over the whole period."""
    orders: Counter[int] = Counter()
    units: Counter[int] = Counter()
    for order in packed_orders(db, period, only):
        orders[order.sealed_at.hour] += 1
        units[order.sealed_at.hour] += order.units
    return [HourRow(hour, orders[hour], units[hour], period.days) for hour in range(24)]


def accuracy_per_day(db: Database, period: Period, only: Filter = EVERYONE) -> list[DayAccuracy]:
    """Every local day of the period, days with nothing packed included (accuracy None)."""
    orders: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for order in packed_orders(db, period, only):
        day = order.sealed_at.date().isoformat()
        orders[day] += 1
        wrong[day] += order.mistakes > 0
    days = [(period.start.toordinal() + n) for n in range(period.days)]
    keys = [datetime.fromordinal(n).date().isoformat() for n in days]
    return [DayAccuracy(day, orders[day], wrong[day]) for day in keys]


def mistake_pareto(db: Database, period: Period, only: Filter = EVERYONE) -> list[ParetoRow]:
    """Mistakes caught in the period by kind, most frequent first (kinds never caught left out)."""
    found: Counter[str] = Counter()
    for _station, _packer, verdict, _day, count, _units in _scan_counts(
        db, tables_for(db), period, only
    ):
        if verdict in _KIND_OF_VERDICT:
            found[_KIND_OF_VERDICT[verdict]] += count
    return pareto(found)


def exception_reasons(db: Database, period: Period, only: Filter = EVERYONE) -> list[ParetoRow]:
    """Exceptions opened in the period by reason, most frequent first."""
    tables = tables_for(db)
    event = tables.event
    query = (
        select(event["reason"], func.count())
        .where(*_window(event, period), event["kind"] == EXCEPTION_OPENED)
        .where(*_only(db, tables, event, only))
        .group_by(event["reason"])
    )
    return pareto(Counter({str(reason): int(count) for reason, count in db.execute(query)}))


def pareto(counts: Counter[str]) -> list[ParetoRow]:
    total = sum(counts.values())
    rows, running = [], 0
    for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count <= 0:
            continue
        running += count
        rows.append(ParetoRow(kind, count, 100.0 * count / total, 100.0 * running / total))
    return rows


def packed_orders(db: Database, period: Period, only: Filter = EVERYONE) -> list[PackedOrder]:
    """Each order whose last box was sealed in the period, with its scans summed up."""
    tables = tables_for(db)
    parcel, scan = tables.parcel, tables.scan
    mistake = case((scan["verdict"].in_(list(_KIND_OF_VERDICT)), 1), else_=0)

    def of_the_order(value: Any) -> Any:
        # Per parcel, not a join and GROUP BY: each is one walk of the scan index by order.
        return (
            select(value)
            .where(scan["order_id"] == parcel["order_id"])
            .correlate(parcel.table)
            .scalar_subquery()
        )

    query = select(
        parcel["order_id"],
        parcel["station"],
        parcel["packer_id"],
        parcel["created_at"],
        of_the_order(func.min(scan["created_at"])),
        of_the_order(func.coalesce(func.sum(scan["units_counted"]), 0)),
        of_the_order(func.coalesce(func.sum(mistake), 0)),
    ).where(
        *_window(parcel, period),
        parcel["parcel_no"] == parcel["parcel_count"],
        *_only(db, tables, parcel, only),
    )
    found: dict[uuid.UUID, PackedOrder] = {}
    rows = db.execute(query).all()
    late = _scan_back_mistakes(db, tables, period) if rows else Counter()
    for order_id, station, packer_id, sealed, first, units, mistakes in rows:
        sealed_at = period.local(sealed)
        order = PackedOrder(
            _uuid(order_id),
            str(station),
            _uuid(packer_id) if packer_id is not None else None,
            sealed_at,
            period.local(first) if first is not None else sealed_at,
            int(units),
            int(mistakes) + late[_uuid(order_id)],
        )
        known = found.get(order.order_id)
        if known is None or known.sealed_at < order.sealed_at:  # sealed again: the last one
            found[order.order_id] = order
    return sorted(found.values(), key=lambda order: order.sealed_at)


# -- the queries ---------------------------------------------------------------

# A label scanned back comes after the seal, when the station holds no open
# order, so its scan is stored without one: it belongs to the order of the
# station's last scan that had one. Scans back may go on past the period's end.
SCAN_BACK_GRACE = timedelta(days=1)


def scan_back_owner(tables: Tables, scan: Columns) -> Any:
    """The order a scan with no order of its own followed (its station's previous order)."""
    earlier = tables.scan_alias("earlier")
    return (
        select(earlier["order_id"])
        .where(
            earlier["station"] == scan["station"],
            earlier["seq"] < scan["seq"],
            earlier["order_id"].is_not(None),
        )
        .order_by(earlier["seq"].desc())
        .limit(1)
        .scalar_subquery()
    )


def _scan_back_mistakes(db: Database, tables: Tables, period: Period) -> Counter[uuid.UUID]:
    """Wrong labels scanned back on each order's boxes."""
    scan = tables.scan
    since, until = period.utc_bounds()
    owner = scan_back_owner(tables, scan)
    query = (
        select(owner, func.count())
        .where(scan["created_at"] >= since, scan["created_at"] < until + SCAN_BACK_GRACE)
        .where(scan["verdict"] == MISTAKE_KINDS["wrong_label"].value, scan["order_id"].is_(None))
        .group_by(owner)
    )
    return Counter(
        {_uuid(order_id): int(count) for order_id, count in db.execute(query) if order_id}
    )


_WANTED_VERDICTS = sorted({v.value for v in COUNTED_VERDICTS} | set(_KIND_OF_VERDICT))
_WANTED_EVENTS = sorted(_EVENT_FIGURE)


def _scan_counts(
    db: Database, tables: Tables, period: Period, only: Filter
) -> Iterable[tuple[str, uuid.UUID | None, str, str, int, int]]:
    """(station, packer, verdict, local day, scans, units) for counted and mistaken scans."""
    scan = tables.scan
    for since, until, offset in period.pieces():
        day = _local_day(tables, scan["created_at"], offset)
        query = (
            select(
                scan["station"],
                scan["packer_id"],
                scan["verdict"],
                day,
                func.count(),
                func.coalesce(func.sum(scan["units_counted"]), 0),
            )
            .where(scan["created_at"] >= since, scan["created_at"] < until)
            .where(scan["verdict"].in_(_WANTED_VERDICTS))
            .where(*_only(db, tables, scan, only))
            .group_by(scan["station"], scan["packer_id"], scan["verdict"], day)
        )
        for station, packer_id, verdict, local_day, count, units in db.execute(query):
            packer = _uuid(packer_id) if packer_id is not None else None
            yield str(station), packer, str(verdict), str(local_day), int(count), int(units)


def _event_counts(
    db: Database, tables: Tables, period: Period, only: Filter
) -> Iterable[tuple[str, uuid.UUID | None, str, str, int]]:
    """(station, packer, kind, local day, events) for the order events that are figures."""
    event = tables.event
    for since, until, offset in period.pieces():
        day = _local_day(tables, event["created_at"], offset)
        query = (
            select(event["station"], event["packer_id"], event["kind"], day, func.count())
            .where(event["created_at"] >= since, event["created_at"] < until)
            .where(event["kind"].in_(_WANTED_EVENTS))
            .where(*_only(db, tables, event, only))
            .group_by(event["station"], event["packer_id"], event["kind"], day)
        )
        for station, packer_id, kind, local_day, count in db.execute(query):
            packer = _uuid(packer_id) if packer_id is not None else None
            yield str(station), packer, str(kind), str(local_day), int(count)


def _local_day(tables: Tables, column: Any, offset: Any) -> Any:
    minutes = int(offset.total_seconds() // 60)
    if tables.central:
        return func.to_char(column.op("AT TIME ZONE")(literal("UTC")) + offset, "YYYY-MM-DD")
    return func.date(column, f"{minutes:+d} minutes")


def _window(columns: Any, period: Period) -> tuple[Any, ...]:
    since, until = period.utc_bounds()
    return (columns["created_at"] >= since, columns["created_at"] < until)


def _only(db: Database, tables: Tables, columns: Any, only: Filter) -> list[Any]:
    conditions = []
    if only.station is not None:
        conditions.append(columns["station"] == only.station)
    if only.packer is not None:
        packer_id = _Badges(db, tables).packer_id(only.packer)
        # An unknown badge packed nothing (not: the rows with no packer).
        conditions.append(columns["packer_id"] == packer_id if packer_id else literal(False))
    return conditions


class _Badges:
    """Packer ids to badges and names, read once per call."""

    def __init__(self, db: Database, tables: Tables) -> None:
        packer = tables.packer
        rows = db.execute(select(packer["id"], packer["badge"], packer["name"])).all()
        self._by_id = {_uuid(pid): (str(badge), str(name)) for pid, badge, name in rows}

    def badge(self, packer_id: uuid.UUID | None) -> str:
        return self._by_id.get(packer_id, ("", ""))[0] if packer_id else ""

    def name(self, packer_id: uuid.UUID | None) -> str:
        return self._by_id.get(packer_id, ("", ""))[1] if packer_id else ""

    def packer_id(self, badge: str) -> uuid.UUID | None:
        return next((pid for pid, (b, _) in self._by_id.items() if b == badge), None)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
