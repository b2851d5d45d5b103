"""From a figure to the orders behind it, and from an order to its whole trail.

Every number on the dashboard and in a report is counted from packed orders,
scans or order events (station.supervisor.figures); `orders_behind` lists the
same facts the number counted, so clicking it shows exactly the orders it is
made of. `order_trail` is everything the station recorded about one order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

from sqlalchemy import and_, case, select

from station.supervisor.figures import packed_orders
from station.supervisor.formulas import MISTAKE_KINDS
from station.supervisor.period import Period
from station.supervisor.queries import Badges, only_where, scan_back_owner, window
from station.supervisor.rows import EVENT_FIGURE, EVERYONE, KIND_OF_VERDICT, Filter
from station.supervisor.tables import Database, Key, id_params, key, maybe_key, raw, tables_for
from station.verdicts import VerdictKind

DrillBy = Literal["packer", "station", "day", "hour"]
# Figures counted from packed orders (their seal), and which of those orders count.
_SCANNED_BACK = (VerdictKind.WRONG_LABEL.value, VerdictKind.LABEL_VERIFIED.value)
# How many of a station's inputs after an order are searched for its labels scanned back.
_SCAN_BACK_LOOKAHEAD = 50
_FROM_PACKED = {
    "orders",
    "units",
    "accuracy_pct",
    "orders_per_hour",
    "units_per_hour",
    "orders_by_hour",
}


@dataclass(frozen=True)
class OrderRef:
    """One order behind a figure, with the fact that counted it."""

    number: str  # "" for a scan made with no order open
    station: str
    packer: str  # badge ("" when nobody was logged in)
    at: datetime  # local: the seal, scan or event that counted
    what: str  # e.g. "sealed", "wrong_item", "exception_flagged: damaged"


@dataclass(frozen=True)
class TrailScan:
    at: datetime
    station: str
    seq: int
    packer: str
    raw: str
    verdict: str
    units: int
    weight_g: int | None
    message: str


@dataclass(frozen=True)
class TrailLabel:
    at: datetime
    kind: str  # label, reprint, replacement, supplied
    status: str  # the newest attempt's status


@dataclass(frozen=True)
class TrailParcel:
    at: datetime
    station: str
    packer: str
    parcel_no: int
    parcel_count: int
    tracking: str
    courier: str
    service: str
    weight_g: int | None
    short: bool
    labels: tuple[TrailLabel, ...]


@dataclass(frozen=True)
class TrailEvent:
    at: datetime
    station: str
    packer: str
    supervisor: str
    kind: str
    reason: str
    note: str


@dataclass(frozen=True)
class Trail:
    """Everything recorded about one order, oldest first, times local to `tz`."""

    number: str
    order_id: uuid.UUID
    scans: tuple[TrailScan, ...]
    parcels: tuple[TrailParcel, ...]
    events: tuple[TrailEvent, ...]


def orders_behind(
    db: Database,
    period: Period,
    figure: str,
    by: DrillBy | None = None,
    key: str | None = None,
    only: Filter = EVERYONE,
) -> list[OrderRef]:
    """The facts a figure counted (one per order, scan or event), oldest first.

    `figure` is a FIGURES name, or "mistakes.<kind>" for one kind of mistake;
    `by` and `key` pick one row or bar ("packer"/"BADGE-P1", "day"/"2026-12-01",
    "hour"/"14"); without them, the whole period.

    Raises:
        ValueError: for a figure this does not know.
    """
    period, only = _narrowed(period, only, by, key)
    if figure in _FROM_PACKED or figure == "orders_with_mistakes":
        facts = _packed_facts(db, period, only, wrong_only=figure == "orders_with_mistakes")
    elif figure == "mistakes" or figure.startswith("mistakes."):
        facts = _scan_facts(db, period, figure, only)
    elif figure in EVENT_FIGURE.values():
        facts = _event_facts(db, period, figure, only)
    else:
        raise ValueError(f"no figure named {figure!r}")
    refs = _refs(db, facts)
    if by is not None and key is not None:
        refs = [ref for ref in refs if _key_of(ref, by) == key]
    return sorted(refs, key=lambda ref: (ref.at, ref.number))


def order_trail(db: Database, number: str, tz: tzinfo = UTC) -> Trail | None:
    """Every scan, parcel with its labels, and order event of one order; None if unknown."""
    tables = tables_for(db)
    order = tables.order
    found = db.execute(select(order["id"]).where(order["number"] == number)).first()
    if found is None:
        return None
    order_id = found[0] if isinstance(found[0], uuid.UUID) else uuid.UUID(str(found[0]))
    badges = Badges(db, tables)
    scan, parcel, event, job = tables.scan, tables.parcel, tables.event, tables.job

    def at(value: datetime) -> datetime:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(tz)

    own = db.execute(
        select(*_named(scan, _TRAIL_SCAN))
        .where(scan["order_id"] == order_id)
        .order_by(scan["created_at"], scan["seq"])
    ).all()
    scans = tuple(
        TrailScan(
            at(row.created_at),
            row.station,
            int(row.seq),
            badges.badge(maybe_key(row.packer_id)),
            row.raw,
            row.verdict,
            int(row.units_counted or 0),
            row.weight_g,
            row.message,
        )
        for row in sorted([*own, *_scanned_back(db, own)], key=_when)
    )
    parcels = []
    for row in db.execute(
        select(*_named(parcel, _TRAIL_PARCEL))
        .where(parcel["order_id"] == order_id)
        .order_by(parcel["parcel_no"], parcel["created_at"])
    ):
        labels = tuple(
            TrailLabel(at(label.created_at), label.kind, label.status)
            for label in db.execute(
                select(*_named(job, ("created_at", "kind", "status", "seq")))
                .where(job["parcel_id"] == row.id)
                .order_by(job["seq"])
            )
        )
        parcels.append(
            TrailParcel(
                at(row.created_at),
                row.station,
                badges.badge(maybe_key(row.packer_id)),
                int(row.parcel_no),
                int(row.parcel_count),
                row.tracking,
                row.courier,
                row.service,
                row.weight_g,
                bool(row.short),
                labels,
            )
        )
    events = tuple(
        TrailEvent(
            at(row.created_at),
            row.station,
            badges.badge(maybe_key(row.packer_id)),
            badges.badge(maybe_key(row.supervisor_id)),
            row.kind,
            row.reason,
            row.note,
        )
        for row in db.execute(
            select(*_named(event, _TRAIL_EVENT))
            .where(event["order_id"] == order_id)
            .order_by(event["created_at"], event["seq"])
        )
    )
    return Trail(number, order_id, scans, tuple(parcels), events)


_TRAIL_SCAN = (
    "created_at",
    "station",
    "seq",
    "packer_id",
    "raw",
    "verdict",
    "units_counted",
    "weight_g",
    "message",
)
_TRAIL_PARCEL = (
    "id",
    "created_at",
    "station",
    "packer_id",
    "parcel_no",
    "parcel_count",
    "tracking",
    "courier",
    "service",
    "weight_g",
    "short",
)
_TRAIL_EVENT = (
    "created_at",
    "station",
    "seq",
    "packer_id",
    "supervisor_id",
    "kind",
    "reason",
    "note",
)


def _scanned_back(db: Database, own: Sequence[Any]) -> list[Any]:
    """The labels scanned back on the order's boxes: stored with no order, right after it."""
    scan = tables_for(db).scan
    found: list[Any] = []
    last_seq: dict[str, int] = {}
    for row in own:
        last_seq[row.station] = max(last_seq.get(row.station, 0), int(row.seq))
    for station, seq in last_seq.items():
        following = db.execute(
            select(*_named(scan, _TRAIL_SCAN), scan["order_id"].label("order_id"))
            .where(scan["station"] == station, scan["seq"] > seq)
            .order_by(scan["seq"])
            .limit(_SCAN_BACK_LOOKAHEAD)
        ).all()
        for row in following:
            if row.order_id is not None:
                break  # the station's next order: nothing after it is this one's
            if row.verdict in _SCANNED_BACK:
                found.append(row)
    return found


def _when(row: Any) -> tuple[datetime, int]:
    return row.created_at, int(row.seq)


def _named(columns: Any, names: tuple[str, ...]) -> list[Any]:
    return [columns[name].label(name) for name in names]


@dataclass(frozen=True)
class _Fact:
    order_id: Key | None
    station: str
    packer_id: Key | None
    at: datetime
    what: str


def _refs(db: Database, facts: list[_Fact]) -> list[OrderRef]:
    """The facts with their orders' numbers and packers' badges."""
    tables = tables_for(db)
    badges = Badges(db, tables)
    ids = sorted({fact.order_id for fact in facts if fact.order_id is not None})
    numbers: dict[Key, str] = {}
    order = tables.order
    for start in range(0, len(ids), 500):  # below any database's limit on parameters
        chunk = ids[start : start + 500]
        for order_id, number in db.execute(
            select(raw(order["id"]), order["number"]).where(
                raw(order["id"]).in_(id_params(tables, chunk))
            )
        ):
            numbers[key(order_id)] = str(number)
    return [
        OrderRef(
            numbers.get(fact.order_id, "") if fact.order_id else "",
            fact.station,
            badges.badge(fact.packer_id),
            fact.at,
            fact.what,
        )
        for fact in facts
    ]


def _packed_facts(db: Database, period: Period, only: Filter, wrong_only: bool) -> list[_Fact]:
    return [
        _Fact(order.order_id, order.station, order.packer_id, order.sealed_at, "sealed")
        for order in packed_orders(db, period, only)
        if not wrong_only or order.mistakes > 0
    ]


def _scan_facts(db: Database, period: Period, figure: str, only: Filter) -> list[_Fact]:
    tables = tables_for(db)
    scan = tables.scan
    if figure == "mistakes":
        verdicts = sorted(KIND_OF_VERDICT)
    else:
        kind = figure.removeprefix("mistakes.")
        if kind not in MISTAKE_KINDS:
            raise ValueError(f"no kind of mistake named {kind!r}")
        verdicts = [MISTAKE_KINDS[kind].value]
    # A label scanned back has no order of its own: the order it was scanned back on.
    order_id = case(
        (
            and_(scan["order_id"].is_(None), scan["verdict"].in_(_SCANNED_BACK)),
            scan_back_owner(tables, scan),
        ),
        else_=scan["order_id"],
    )
    query = (
        select(raw(order_id), scan["station"], raw(scan["packer_id"]), scan["created_at"])
        .add_columns(scan["verdict"])
        .where(*window(scan, period), scan["verdict"].in_(verdicts))
        .where(*only_where(db, tables, scan, only))
    )
    return [
        _Fact(
            maybe_key(order_id),
            str(station),
            maybe_key(packer_id),
            period.local(created),
            KIND_OF_VERDICT.get(str(verdict), str(verdict)),
        )
        for order_id, station, packer_id, created, verdict in db.execute(query)
    ]


def _event_facts(db: Database, period: Period, figure: str, only: Filter) -> list[_Fact]:
    tables = tables_for(db)
    event = tables.event
    kinds = sorted(kind for kind, name in EVENT_FIGURE.items() if name == figure)
    query = (
        select(
            raw(event["order_id"]), event["station"], raw(event["packer_id"]), event["created_at"]
        )
        .add_columns(event["kind"], event["reason"])
        .where(*window(event, period), event["kind"].in_(kinds))
        .where(*only_where(db, tables, event, only))
    )
    return [
        _Fact(
            maybe_key(order_id),
            str(station),
            maybe_key(packer_id),
            period.local(created),
            f"{kind}: {reason}" if reason else str(kind),
        )
        for order_id, station, packer_id, created, kind, reason in db.execute(query)
    ]


def _narrowed(
    period: Period, only: Filter, by: DrillBy | None, key: str | None
) -> tuple[Period, Filter]:
    """The row or bar asked for as a filter of the queries, so only its facts are read.

    The refs are still matched against `key` after (`_key_of`): this only reads less.
    """
    if not key:  # "" is the row of no packer: matched after, not a filter
        return period, only
    if by == "packer" and only.packer is None:
        return period, Filter(packer=key, station=only.station)
    if by == "station" and only.station is None:
        return period, Filter(packer=only.packer, station=key)
    if by == "day":
        try:
            day = date.fromisoformat(key)
        except ValueError:
            return period, only
        if period.start <= day <= period.end:
            return Period(day, day, period.tz), only
    return period, only


def _key_of(ref: OrderRef, by: DrillBy) -> str:
    if by == "packer":
        return ref.packer
    if by == "station":
        return ref.station
    if by == "day":
        return ref.at.date().isoformat()
    return str(ref.at.hour)
