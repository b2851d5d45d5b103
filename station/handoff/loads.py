"""Reads of the handoff tables: the open load, what is on a load, what is still at the dock."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from station import queries
from station.couriers.profiles import CourierProfile
from station.handoff import remote
from station.handoff.readiness import courier_key, short_id
from station.handoff.tables import LOADED, TAKEN_OFF, HandoffClose, HandoffLoad, HandoffScan
from station.models import Order, Parcel


def open_load(db: Session, station: str) -> HandoffLoad | None:
    """The station's newest load while it has no close."""
    load = queries.first(
        db,
        select(HandoffLoad)
        .where(HandoffLoad.station == station)
        .order_by(col(HandoffLoad.seq).desc()),
    )
    if load is None or closing_of(db, load.id) is not None:
        return None
    return load


def closing_of(db: Session, load_id: uuid.UUID) -> HandoffClose | None:
    return queries.first(db, select(HandoffClose).where(HandoffClose.load_id == load_id))


def last_scan(db: Session, station: str) -> HandoffScan | None:
    return queries.first(
        db,
        select(HandoffScan)
        .where(HandoffScan.station == station)
        .order_by(col(HandoffScan.seq).desc()),
    )


def _count(db: Session, load_id: uuid.UUID, verdict: str) -> int:
    return int(
        db.exec(
            select(func.count())
            .select_from(HandoffScan)
            .where(HandoffScan.load_id == load_id, HandoffScan.verdict == verdict)
        ).one()
    )


def loaded_count(db: Session, load_id: uuid.UUID) -> int:
    """Parcels on the load: loaded, less those taken off for another dock's load."""
    return _count(db, load_id, LOADED) - _count(db, load_id, TAKEN_OFF)


def _scan_of(db: Session, parcel_id: uuid.UUID, verdict: str) -> HandoffScan | None:
    return queries.first(
        db,
        select(HandoffScan).where(
            HandoffScan.parcel_id == parcel_id, HandoffScan.verdict == verdict
        ),
    )


def load_of_parcel(db: Session, parcel_id: uuid.UUID) -> HandoffLoad | None:
    """The load a parcel was scanned onto here (at most one: a unique index says so), unless
    it was taken off it because the central database put it on another dock's."""
    scan = _scan_of(db, parcel_id, LOADED)
    if scan is None or scan.load_id is None or _scan_of(db, parcel_id, TAKEN_OFF) is not None:
        return None
    return db.get(HandoffLoad, scan.load_id)


def parcel_on(db: Session, parcel_id: uuid.UUID) -> Parcel | None:
    """A loaded parcel, this station's own or one of the mirror's."""
    return db.get(Parcel, parcel_id) or remote.parcels(db, [parcel_id]).get(parcel_id)


def where_loaded(db: Session, parcel_id: uuid.UUID) -> tuple[HandoffLoad | None, str | None]:
    """The load of this station the parcel is on; else where another dock loaded it, as the
    central database or the last sync told it (None, None: nowhere known). Few reads: a
    parcel never loaded here costs one indexed read and one by primary key."""
    scan = _scan_of(db, parcel_id, LOADED)
    if scan is not None and scan.load_id is not None:
        taken = _scan_of(db, parcel_id, TAKEN_OFF)
        if taken is None:
            return db.get(HandoffLoad, scan.load_id), None
        # Its raw is the central answer: "central: <station> <load>".
        station, _, load = taken.raw.removeprefix("central: ").rpartition(" ")
        return None, f"load {load} at {station} (the central database decided)"
    other = remote.loaded_elsewhere(db, parcel_id)
    if other is None:
        return None, None
    closed = "closed" if other.closed else "still open"
    return None, f"load {short_id(other.load_id)} at {other.station}, {closed}"


def loaded_parcels(db: Session, load_id: uuid.UUID) -> list[Parcel]:
    """The parcels on a load, in the order they were scanned (other stations' from the mirror)."""
    ids = list(
        db.exec(
            select(HandoffScan.parcel_id)
            .where(HandoffScan.load_id == load_id, HandoffScan.verdict == LOADED)
            .order_by(col(HandoffScan.seq))
        )
    )
    taken_off = set(
        db.exec(
            select(HandoffScan.parcel_id).where(
                HandoffScan.load_id == load_id, HandoffScan.verdict == TAKEN_OFF
            )
        )
    )
    wanted = [pid for pid in ids if pid is not None and pid not in taken_off]
    found: dict[uuid.UUID, Parcel] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update((p.id, p) for p in db.exec(select(Parcel).where(col(Parcel.id).in_(chunk))))
    missing = [pid for pid in wanted if pid not in found]
    if missing:
        found.update(remote.parcels(db, missing))
    return [found[pid] for pid in wanted if pid in found]


def day_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def not_loaded(
    db: Session,
    load: HandoffLoad,
    profiles: Mapping[str, CourierProfile],
    warehouse: str = "main",
) -> list[Parcel]:
    """The courier's parcels sealed on the load's day that are on no load, oldest first: this
    station's own, and other stations' of its `warehouse` (the mirror)."""
    start = day_start(load.created_at)
    names = [  # this station's own parcels; other stations' are in the mirror
        name
        for name in db.exec(
            select(Parcel.courier).where(col(Parcel.created_at) >= start).distinct()
        )
        if courier_key(profiles, name) == load.courier_id
    ]
    on_a_load = select(HandoffScan.parcel_id).where(
        HandoffScan.verdict == LOADED, col(HandoffScan.parcel_id).is_not(None)
    )
    own = (
        list(
            db.exec(
                select(Parcel)
                .where(
                    col(Parcel.created_at) >= start,
                    col(Parcel.courier).in_(names),
                    col(Parcel.id).not_in(on_a_load),
                    col(Parcel.id).not_in(select(remote.RemoteLoaded.parcel_id)),
                )
                .order_by(col(Parcel.created_at), col(Parcel.seq))
            )
        )
        if names
        else []
    )
    others = remote.not_loaded(db, start, load.courier_id, profiles, warehouse)
    if not others:
        return own
    return sorted(own + others, key=lambda parcel: (parcel.created_at, parcel.station, parcel.seq))


# How far back "never collected" looks by default: a store from before loading began
# would otherwise list every parcel it ever sealed.
LOOKBACK = timedelta(days=14)


def never_collected(
    db: Session,
    older_than: timedelta,
    now: datetime,
    lookback: timedelta = LOOKBACK,
    warehouse: str | None = None,
) -> list[Parcel]:
    """Parcels sealed in the `lookback` before `now - older_than` that are on no closed load,
    oldest first: this station's own, and other stations' (of `warehouse`, or of every one)."""
    on_a_closed_load = remote.closed_here()
    own = list(
        db.exec(
            select(Parcel)
            .where(
                col(Parcel.created_at) <= now - older_than,
                col(Parcel.created_at) >= now - older_than - lookback,
                col(Parcel.id).not_in(on_a_closed_load),
                col(Parcel.id).not_in(remote.on_closed_loads()),
            )
            .order_by(col(Parcel.created_at), col(Parcel.seq))
        )
    )
    others = remote.never_collected(db, now - older_than - lookback, now - older_than, warehouse)
    if not others:
        return own
    return sorted(own + others, key=lambda parcel: (parcel.created_at, parcel.station, parcel.seq))


def find_load(db: Session, key: str) -> HandoffLoad | None:
    """A load by its short id (L-…) or its full UUID."""
    wanted = key.strip()
    try:
        return db.get(HandoffLoad, uuid.UUID(wanted))
    except ValueError:
        pass
    for load in db.exec(select(HandoffLoad)):
        if short_id(load.id).casefold() == wanted.casefold():
            return load
    return None


def describe(load: HandoffLoad) -> str:
    return f"load {short_id(load.id)} ({load.courier}, opened {load.created_at:%Y-%m-%d %H:%M} UTC)"


@dataclass(frozen=True)
class Uncollected:
    """A parcel sealed but on no closed load, as the supervisor's list shows it."""

    tracking: str
    order: str
    courier: str
    sealed_at: datetime
    hours: float  # since it was sealed


def uncollected(
    db: Session,
    older_than: timedelta,
    now: datetime,
    lookback: timedelta = LOOKBACK,
    warehouse: str | None = None,
) -> list[Uncollected]:
    """`never_collected`, with each parcel's order and age, oldest first."""
    found = []
    for parcel in never_collected(db, older_than, now, lookback, warehouse):
        order = db.get(Order, parcel.order_id)
        number = order.number if order else remote.order_number(db, parcel.id)
        found.append(
            Uncollected(
                parcel.tracking,
                number or "?",
                parcel.courier,
                parcel.created_at,
                (now - parcel.created_at).total_seconds() / 3600,
            )
        )
    return found
