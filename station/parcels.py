"""Sealing a parcel: the parcel row and its label's print job, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from station import queries
from station.labels import Address, LabelContent
from station.models import Order, Packer, Parcel, PrintJob
from station.settings import Sender


def station_tracking(parcel: Parcel) -> str:
    """A tracking number for orders that bring none: unique by construction.

    Courier number ranges replace this; until then the parcel's own UUID
    guarantees no two parcels anywhere share a number, even across a crash.
    """
    return "PS" + parcel.id.hex[:14].upper()


def label_for(order: Order, parcel: Parcel, sender: Sender) -> LabelContent:
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
        courier=order.courier,
        service=order.service,
        tracking=parcel.tracking,
        parcel_no=parcel.parcel_no,
        parcel_count=parcel.parcel_count,
        weight_g=parcel.weight_g,
    )


def seal_parcel(
    db: Session,
    order: Order,
    packer: Packer | None,
    *,
    station: str,
    sender: Sender,
    short: bool,
    take_seq: Callable[[], int],
) -> tuple[PrintJob, LabelContent]:
    """Add the parcel and its label job to `db`; the caller commits both with the scan."""
    parcel_no = queries.parcel_count(db, order.id) + 1
    parcel = Parcel(
        station=station,
        seq=take_seq(),
        order_id=order.id,
        packer_id=packer.id if packer else None,
        parcel_no=parcel_no,
        parcel_count=parcel_no,
        tracking="",
        courier=order.courier,
        service=order.service,
        short=short,
    )
    parcel.tracking = order.tracking or station_tracking(parcel)
    label = label_for(order, parcel, sender)
    job = PrintJob(
        station=station, seq=take_seq(), parcel_id=parcel.id, content_json=label.to_json()
    )
    db.add(parcel)
    db.add(job)
    return job, label
