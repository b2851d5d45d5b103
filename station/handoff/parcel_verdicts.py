"""What the dock answers one parcel's label: the step a scan becomes, before it is stored.

Pure decisions on the store as it is now (station.handoff.engine stores the
step with its scan and applies it): is the label a sealed parcel's, this
load's courier's, on no load yet, and ready to go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from station.couriers.profiles import CourierProfile
from station.couriers.rules import find_profile
from station.handoff import loads, remote
from station.handoff.dock_state import DockAwaiting
from station.handoff.readiness import courier_key, not_ready_reason, parcel_and_order, voided_into
from station.handoff.tables import HandoffLoad
from station.models import Parcel
from station.verdicts import VerdictKind

V = VerdictKind


@dataclass(frozen=True)
class Step:
    """One input decided: its verdict, what the dock waits for next, and what it changes."""

    kind: VerdictKind
    message: str
    awaiting: DockAwaiting = DockAwaiting.NOTHING
    opens: HandoffLoad | None = None
    parcel: Parcel | None = None
    order: str | None = None
    driver: str = ""
    left_reason: str = ""


@dataclass(frozen=True)
class Found:
    parcel: Parcel
    number: str | None  # the order's
    not_ready: Callable[[], str]  # read only once courier and loads are checked


def find_sealed(db: Session, tracking: str, scan_back_required: bool) -> Found | None:
    """The sealed parcel with this label: this station's own, or one the mirror knows."""
    found = parcel_and_order(db, tracking)
    if found is not None:
        parcel, order = found
        return Found(
            parcel,
            order.number if order else None,
            lambda: not_ready_reason(db, parcel, order, scan_back_required),
        )
    mirrored = remote.find(db, tracking, scan_back_required)
    if mirrored is None:
        return None
    return Found(mirrored.parcel, mirrored.order_number or None, lambda: mirrored.not_ready)


def courier_load(
    db: Session, text: str, profiles: Mapping[str, CourierProfile], station: str
) -> HandoffLoad | None:
    """A new load for the courier `text` names (a profile, or a courier on a sealed parcel)."""
    profile = find_profile(profiles, text)
    if profile is not None:
        courier_id, name = profile.id, profile.name
    else:
        wanted = text.strip().casefold()
        name_found = next(
            (
                name
                for query in (Parcel.courier, remote.RemoteParcel.courier)
                for name in db.exec(select(query).distinct())
                if name.casefold() == wanted
            ),
            None,
        )
        if not wanted or name_found is None:
            return None
        courier_id, name = wanted, name_found
    return HandoffLoad(station=station, seq=0, courier_id=courier_id, courier=name)


def parcel_step(
    db: Session,
    load: HandoffLoad,
    tracking: str,
    profiles: Mapping[str, CourierProfile],
    *,
    count: int,
    scan_back_required: bool,
) -> Step:
    """The verdict on a label scanned onto the open `load` (holding `count` parcels)."""
    stop = DockAwaiting.ACKNOWLEDGEMENT
    found = find_sealed(db, tracking, scan_back_required)
    if found is None:
        replaced = voided_into(db, tracking) or remote.voided(db, tracking)
        if replaced is not None:
            why = f"label {tracking} was voided (its parcel now has label {replaced})"
        else:
            why = f"{tracking!r} is the label of no sealed parcel"
        return Step(V.NOT_READY, f"NOT READY: {sentence(why)}. Not loaded.", stop)
    parcel, number = found.parcel, found.number
    if courier_key(profiles, parcel.courier) != load.courier_id:
        return Step(
            V.WRONG_COURIER,
            f"WRONG COURIER: Parcel {tracking} goes with {parcel.courier}, this load is "
            f"{load.courier}. Put it in the {parcel.courier} cage. Not loaded.",
            stop,
            parcel=parcel,
            order=number,
        )
    on, where = loads.where_loaded(db, parcel.id)
    if on is not None and on.id == load.id:
        return Step(
            V.ALREADY_LOADED,
            f"Parcel {tracking} is already on this load: counted once.",
            parcel=parcel,
            order=number,
        )
    if on is not None:
        closed = "closed" if loads.closing_of(db, on.id) else "still open"
        where = f"{loads.describe(on)}, {closed}"
    if where is not None:
        return Step(
            V.ALREADY_LOADED,
            f"ALREADY LOADED: Parcel {tracking} is on {where}. Not added here.",
            stop,
            parcel=parcel,
            order=number,
        )
    why = found.not_ready()
    if why:
        return Step(V.NOT_READY, f"NOT READY: {sentence(why)} Not loaded.", stop, order=number)
    return Step(
        V.LOADED,
        f"Parcel {tracking} loaded: {count + 1} on this {load.courier} load.",
        parcel=parcel,
        order=number,
    )


def sentence(text: str) -> str:
    """A reason shown after its headline starts as a sentence does (the banner drops the
    headline: 'Label … was voided', not 'label … was voided')."""
    return text[:1].upper() + text[1:]
