"""Whether a scanned label may go on a load: which parcel it is, its courier, why not.

Plain reads of the store; the loading engine decides with them and commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlmodel import Session, col, select

from station import queries
from station.couriers.profiles import CourierProfile
from station.couriers.rules import find_profile
from station.models import Order, OrderEvent, Parcel, ScanEvent
from station.verdicts import VerdictKind

# The event the exception queue writes for an order that will not ship (station.exception_queue).
ORDER_CANCELLED = "order_cancelled"
EXCEPTION_FLAGGED = "exception_flagged"
_ORDER_STATES = [ORDER_CANCELLED, EXCEPTION_FLAGGED, "exception_released"]


def courier_key(profiles: Mapping[str, CourierProfile], name: str) -> str:
    """One key per courier, whether a parcel names it by profile name or an order by id."""
    profile = find_profile(profiles, name)
    return profile.id if profile is not None else name.strip().casefold()


def tracking_of(text: str) -> str:
    """The tracking number a label scan holds (a GS1-128 SSCC loses its AI 00)."""
    text = text.strip()
    if len(text) == 20 and text.isdigit() and text.startswith("00"):
        return text[2:]
    return text


def voided_into(db: Session, tracking: str) -> str | None:
    """The number that replaced `tracking` when its label was voided; None if never voided."""
    event = queries.first(
        db,
        select(OrderEvent.note).where(
            OrderEvent.kind == "label_voided", col(OrderEvent.note).startswith(f"{tracking} -> ")
        ),
    )
    return event.split(" -> ", 1)[1] if event else None


def not_ready_reason(
    db: Session, parcel: Parcel, order: Order | None, scan_back_required: bool
) -> str:
    """Why this sealed parcel may not leave yet ("" when it may)."""
    if order is None:
        return f"its order is no longer in the station's data: parcel {parcel.tracking} stays."
    # One read of the order's deciding events, newest first: a cancel is final, else the
    # newest of flagged / released says whether it is in exception.
    events = db.exec(
        select(OrderEvent.kind, OrderEvent.reason)
        .where(OrderEvent.order_id == order.id, col(OrderEvent.kind).in_(_ORDER_STATES))
        .order_by(col(OrderEvent.created_at).desc(), col(OrderEvent.seq).desc())
    ).all()
    cancelled = next((reason for kind, reason in events if kind == ORDER_CANCELLED), None)
    if cancelled is not None:
        return f"order {order.number} was cancelled ({cancelled}): it does not ship."
    if events and events[0][0] == EXCEPTION_FLAGGED:
        return f"order {order.number} is in exception: a supervisor must release it first."
    if scan_back_required and not label_scanned_back(db, parcel):
        return (
            f"label {parcel.tracking} was never scanned back at the bench (required here): "
            "take it back to a bench to check the label."
        )
    return ""


def label_scanned_back(db: Session, parcel: Parcel) -> bool:
    """Its label was scanned back at its bench: read among that bench's scans since the seal
    (the (station, seq) index), never the whole scan history."""
    found = queries.first(
        db,
        select(ScanEvent.id).where(
            ScanEvent.station == parcel.station,
            ScanEvent.seq > parcel.seq,
            ScanEvent.code == parcel.tracking,
            ScanEvent.verdict == VerdictKind.LABEL_VERIFIED,
        ),
    )
    return found is not None


def parcel_and_order(db: Session, tracking: str) -> tuple[Parcel, Order | None] | None:
    parcel = queries.parcel_by_tracking(db, tracking)
    if parcel is None:
        return None
    return parcel, db.get(Order, parcel.order_id)


def short_id(load_id: uuid.UUID) -> str:
    """The load's id as people read it and the manifest's barcode holds it."""
    return f"L-{load_id.hex[:10].upper()}"
