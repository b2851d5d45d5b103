"""The dock's mirror of other stations' sealed parcels, as the central database last told it.

A dock PC seals nothing itself: the parcels it loads were packed at the
benches. At each sync (station/handoff/mirror_pull.py) it copies, for every
other station's parcel of the last weeks, what loading decides with: the
label's number and courier, whether the order was cancelled or is in
exception, whether the label was scanned back; the numbers of voided labels;
and which parcels another dock already put on a load. The scan then decides
from this mirror at once, online or not (like the claims mirror,
station/claims.py).

The mirror is as fresh as the last sync: a parcel voided or cancelled at its
bench after the dock's last pull is still `loaded` here, and the dock learns
of it at the next sync (the central database keeps both facts: README
"Handoff to the courier"). Rows are local bookkeeping, replaced at each pull,
never pushed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from station import queries
from station.couriers.profiles import CourierProfile
from station.handoff.readiness import courier_key
from station.handoff.tables import LOADED, TAKEN_OFF, HandoffClose, HandoffScan
from station.models import Parcel, utc_now


class RemoteParcel(SQLModel, table=True):
    """Another station's sealed parcel, with the facts its loading is decided on."""

    __tablename__ = "handoff_remote_parcel"

    id: uuid.UUID = Field(primary_key=True)  # the parcel's own id
    station: str
    seq: int
    order_id: uuid.UUID
    order_number: str = ""  # "" when the order was imported at its bench only
    tracking: str = Field(index=True)
    courier: str
    service: str
    weight_g: int | None = None
    created_at: datetime = Field(index=True)  # sealed at
    warehouse: str = "main"  # its station's ([station] warehouse, as the central database has it)
    cancelled: str | None = None  # the cancel's reason: the order does not ship
    in_exception: bool = False
    scanned_back: bool = False
    updated_at: datetime = Field(default_factory=utc_now)


class RemoteVoid(SQLModel, table=True):
    """A label voided at another station, and the number that replaced it."""

    __tablename__ = "handoff_remote_void"

    tracking: str = Field(primary_key=True)
    replaced_by: str


class RemoteLoaded(SQLModel, table=True):
    """A parcel (of any station) another dock put on one of its loads."""

    __tablename__ = "handoff_remote_loaded"

    parcel_id: uuid.UUID = Field(primary_key=True)
    station: str
    load_id: uuid.UUID
    closed: bool = False


@dataclass(frozen=True)
class Mirrored:
    """A parcel found in the mirror: the parcel as loading reads it, and its facts."""

    parcel: Parcel  # built from the mirror row, never added to a session
    order_number: str
    not_ready: str  # "" when it may leave


def as_parcel(row: RemoteParcel) -> Parcel:
    return Parcel(
        id=row.id,
        station=row.station,
        seq=row.seq,
        order_id=row.order_id,
        tracking=row.tracking,
        courier=row.courier,
        service=row.service,
        weight_g=row.weight_g,
        created_at=row.created_at,
    )


def find(db: Session, tracking: str, scan_back_required: bool) -> Mirrored | None:
    """Another station's parcel with this label, as the last sync told it; None if unknown."""
    row = queries.first(db, select(RemoteParcel).where(RemoteParcel.tracking == tracking))
    if row is None:
        return None
    number = row.order_number or str(row.order_id)[:8]
    why = ""
    if row.cancelled is not None:
        why = f"order {number} was cancelled ({row.cancelled}): it does not ship."
    elif row.in_exception:
        why = f"order {number} is in exception: a supervisor must release it first."
    elif scan_back_required and not row.scanned_back:
        why = (
            f"label {tracking} was never scanned back at {row.station} (required here): "
            "take it back to a bench to check the label."
        )
    return Mirrored(as_parcel(row), row.order_number, why)


def voided(db: Session, tracking: str) -> str | None:
    """The number that replaced a label voided at another station; None if not known voided."""
    row = db.get(RemoteVoid, tracking)
    return row.replaced_by if row is not None else None


def loaded_elsewhere(db: Session, parcel_id: uuid.UUID) -> RemoteLoaded | None:
    return db.get(RemoteLoaded, parcel_id)


def parcels(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Parcel]:
    """Mirrored parcels by id (those of a load that are not this station's own)."""
    found: dict[uuid.UUID, Parcel] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.exec(select(RemoteParcel).where(col(RemoteParcel.id).in_(chunk))):
            found[row.id] = as_parcel(row)
    return found


def not_loaded(
    db: Session,
    since: datetime,
    courier_id: str,
    profiles: Mapping[str, CourierProfile],
    warehouse: str,
) -> list[Parcel]:
    """Other stations' parcels of this courier and warehouse sealed since `since`, on no load
    known here."""
    names = [
        name
        for name in db.exec(
            select(RemoteParcel.courier)
            .where(col(RemoteParcel.created_at) >= since, RemoteParcel.warehouse == warehouse)
            .distinct()
        )
        if courier_key(profiles, name) == courier_id
    ]
    if not names:
        return []
    rows = db.exec(
        select(RemoteParcel).where(
            col(RemoteParcel.created_at) >= since,
            RemoteParcel.warehouse == warehouse,
            col(RemoteParcel.courier).in_(names),
            col(RemoteParcel.id).not_in(
                select(HandoffScan.parcel_id).where(HandoffScan.verdict == LOADED)
            ),
            col(RemoteParcel.id).not_in(select(RemoteLoaded.parcel_id)),
        )
    )
    return [as_parcel(row) for row in rows]


def order_number(db: Session, parcel_id: uuid.UUID) -> str | None:
    """The order number the mirror has for another station's parcel."""
    row = db.get(RemoteParcel, parcel_id)
    return row.order_number or None if row is not None else None


def on_closed_loads() -> SelectOfScalar[uuid.UUID]:
    """The parcels other docks put on loads they closed."""
    return select(RemoteLoaded.parcel_id).where(col(RemoteLoaded.closed))


def closed_here() -> SelectOfScalar[uuid.UUID | None]:
    """The parcels on loads this station closed: less those the central database took off
    for another dock's load (they are on that one, closed or not)."""
    taken_off = select(HandoffScan.parcel_id).where(
        HandoffScan.verdict == TAKEN_OFF, col(HandoffScan.parcel_id).is_not(None)
    )
    return (
        select(col(HandoffScan.parcel_id))
        .join(HandoffClose, col(HandoffClose.load_id) == col(HandoffScan.load_id))
        .where(
            HandoffScan.verdict == LOADED,
            col(HandoffScan.parcel_id).is_not(None),
            col(HandoffScan.parcel_id).not_in(taken_off),
        )
    )


def never_collected(
    db: Session, since: datetime, until: datetime, warehouse: str | None
) -> list[Parcel]:
    """Other stations' parcels sealed in [since, until] on no closed load known here (of one
    warehouse, or of every one)."""
    query = select(RemoteParcel).where(
        col(RemoteParcel.created_at) >= since,
        col(RemoteParcel.created_at) <= until,
        col(RemoteParcel.id).not_in(closed_here()),
        col(RemoteParcel.id).not_in(on_closed_loads()),
    )
    if warehouse is not None:
        query = query.where(RemoteParcel.warehouse == warehouse)
    return [as_parcel(row) for row in db.exec(query)]
