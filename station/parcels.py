"""Closing boxes and sealing orders: parcel rows and label jobs, in the caller's transaction.

An order may go out in several boxes. Each box becomes a parcel, with its
contents and its tracking number, when the packer closes it; the labels of
all of them print when the order is sealed, since only then is "2/3" known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlmodel import Session, col, select

from station import queries
from station.couriers.plan import CourierPlan, styled
from station.couriers.ranges import allocate_tracking
from station.labels import Address, LabelContent
from station.line_counts import LineCount
from station.models import Order, Packer, Parcel, ParcelItem, PrintJob
from station.settings import Sender
from station.slips import slip_for

BoxItems = Sequence[tuple[LineCount, int]]  # each line with the units in this box
Sealed = list[tuple[PrintJob, LabelContent]]


def label_for(
    order: Order, plan: CourierPlan, sender: Sender, tracking: str, weight_g: int | None
) -> LabelContent:
    """The label of one parcel; parcel numbers (1/2, 2/2) are set when the order is sealed."""
    profile = plan.profile
    label = LabelContent(
        sender=Address(sender.name, sender.street, sender.city, sender.postcode, sender.country),
        ship_to=Address(
            order.ship_to_name,
            order.ship_to_street,
            order.ship_to_city,
            order.ship_to_postcode,
            order.ship_to_country,
            order.ship_to_phone,
        ),
        order_number=order.number,
        courier=plan.courier,
        service=plan.service,
        tracking=tracking,
        weight_g=weight_g,
        sort_code=profile.sort_code(order.ship_to_country, order.ship_to_postcode)
        if profile
        else None,
    )
    return styled(label, plan)


def close_box(
    db: Session,
    order: Order,
    packer: Packer | None,
    *,
    station: str,
    plan: CourierPlan,
    weight_g: int | None,
    items: BoxItems,
    short: bool = False,
    take_seq: Callable[[], int],
) -> Parcel:
    """Add one box as a parcel with its contents and tracking number; no label yet.

    The tracking number is the order's for its first box, or the next of the
    station's range for the courier, taken in this same transaction so that a
    crash can neither lose nor reuse it.
    """
    parcel_no = queries.parcel_count(db, order.id) + 1
    if order.tracking and parcel_no == 1:
        tracking = order.tracking
    else:
        assert plan.profile is not None, "a courier plan with a problem cannot seal"
        tracking = allocate_tracking(db, station, plan.profile)
    parcel = Parcel(
        station=station,
        seq=take_seq(),
        order_id=order.id,
        packer_id=packer.id if packer else None,
        parcel_no=parcel_no,
        parcel_count=parcel_no,
        tracking=tracking,
        courier=plan.courier,
        service=plan.service,
        weight_g=weight_g,
        short=short,
    )
    db.add(parcel)
    for line, units in items:
        if units > 0:
            db.add(ParcelItem(parcel_id=parcel.id, line_id=line.line_id, sku=line.sku, units=units))
    return parcel


def seal_order(
    db: Session,
    order: Order,
    packer: Packer | None,
    *,
    station: str,
    plan: CourierPlan,
    sender: Sender,
    weight_g: int | None,
    items: BoxItems,
    short: bool,
    take_seq: Callable[[], int],
    lines: Sequence[LineCount] = (),
    slip: bool = False,
) -> tuple[Sealed, PrintJob | None]:
    """Close the last box and add a label job for every box of the order, "n/N".

    A box whose tracking number came with the order prints the courier's own
    label document when the order brought one. With `slip`, a packing slip
    job for the document printer is added too.
    """
    close_box(
        db,
        order,
        packer,
        station=station,
        plan=plan,
        weight_g=weight_g,
        items=items,
        short=short,
        take_seq=take_seq,
    )
    db.flush()
    parcels = db.exec(
        select(Parcel).where(Parcel.order_id == order.id).order_by(col(Parcel.parcel_no))
    ).all()
    sealed: Sealed = []
    supplied = order.tracking is not None and queries.has_supplied_label(db, order.id)
    for parcel in parcels:
        parcel.parcel_count = len(parcels)
        parcel.short = short
        db.add(parcel)
        label = replace(
            label_for(order, plan, sender, parcel.tracking, parcel.weight_g),
            parcel_no=parcel.parcel_no,
            parcel_count=len(parcels),
        )
        own = supplied and parcel.tracking == order.tracking
        job = PrintJob(
            station=station,
            seq=take_seq(),
            parcel_id=parcel.id,
            kind="supplied" if own else "label",
            content_json=label.to_json(),
        )
        db.add(job)
        sealed.append((job, label))
    slip_print = None
    if slip:
        slip_print = slip_job(order, lines, packer, station, sender, len(parcels), take_seq)
        db.add(slip_print)
    return sealed, slip_print


def slip_job(
    order: Order,
    lines: Sequence[LineCount],
    packer: Packer | None,
    station: str,
    sender: Sender,
    parcel_count: int,
    take_seq: Callable[[], int],
) -> PrintJob:
    """A stored packing slip job for the document printer; the caller adds and commits it."""
    probe = label_for(order, _NO_PLAN, sender, "", None)
    slip = slip_for(
        order.number,
        probe.ship_to,
        probe.sender,
        [(line.sku, line.name, line.expected, line.scanned) for line in lines],
        station=station,
        packer=packer.name if packer else None,
        parcel_count=parcel_count,
    )
    return PrintJob(station=station, seq=take_seq(), kind="slip", content_json=slip.to_json())


_NO_PLAN = CourierPlan("", "", "", None)
