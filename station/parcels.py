"""Sealing a parcel: the parcel row and its label's print job, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlmodel import Session

from station import queries
from station.couriers.plan import CourierPlan, label_style
from station.couriers.ranges import allocate_tracking
from station.labels import Address, LabelContent
from station.models import Order, Packer, Parcel, PrintJob
from station.settings import Sender


def label_for(
    order: Order, plan: CourierPlan, sender: Sender, tracking: str, weight_g: int | None
) -> LabelContent:
    """The label of one parcel; parcel numbers (1/2, 2/2) are set when the order is sealed."""
    profile = plan.profile
    style = label_style(plan, tracking)
    return LabelContent(
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
        **style,  # type: ignore[arg-type]
    )


def seal_parcel(
    db: Session,
    order: Order,
    packer: Packer | None,
    *,
    station: str,
    plan: CourierPlan,
    sender: Sender,
    weight_g: int | None,
    short: bool,
    take_seq: Callable[[], int],
) -> tuple[PrintJob, LabelContent]:
    """Add the parcel and its label job to `db`; the caller commits both with the scan.

    The tracking number is the order's, or the next of the station's range for
    the courier, taken in this same transaction so that a crash can neither
    lose nor reuse it.
    """
    parcel_no = queries.parcel_count(db, order.id) + 1
    if order.tracking:
        tracking = order.tracking
    else:
        assert plan.profile is not None, "a courier plan with a problem cannot seal"
        tracking = allocate_tracking(db, station, plan.profile)
    label = replace(
        label_for(order, plan, sender, tracking, weight_g),
        parcel_no=parcel_no,
        parcel_count=parcel_no,
    )
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
    job = PrintJob(
        station=station, seq=take_seq(), parcel_id=parcel.id, content_json=label.to_json()
    )
    db.add(parcel)
    db.add(job)
    return job, label
