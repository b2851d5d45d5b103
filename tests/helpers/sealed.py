"""Sealed parcels written straight into a store, as a day of packing leaves them.

Each parcel gets the rows a seal leaves behind: its order, the parcel, its
label job (kind "label") with a realistic label, and a "delivered" attempt,
since that label printed when the order was sealed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from station import queries
from station.couriers.plan import CourierPlan
from station.event_sequence import SeqCounter
from station.labels import Address
from station.models import Order, Packer, Parcel, PrintAttempt, PrintJob, utc_now
from station.parcels import label_for
from station.settings import Sender
from station.store import Store

SHIP_TO = (
    Address("Zoë Müller", "Hauptstraße 5", "Berlin", "10115", "DE", "+49 30 1234567"),
    Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL", "+31 20 1234"),
    Address("Amélie Lefèvre", "12 rue de la Paix", "Paris", "75002", "FR"),
    Address("Seán Ó Briain", "4 Grafton Street", "Dublin", "D02 X285", "IE"),
    Address("Jorge Peña Núñez", "Calle de Alcalá 48", "Madrid", "28014", "ES", "+34 91 123"),
)
COURIERS = (("DHL Express", "Express Worldwide"), ("PostNL", "Standard"), ("UPS", "Saver"))


@dataclass(frozen=True)
class Sealed:
    packer_id: uuid.UUID  # who may ask for a bulk print
    parcel_ids: list[uuid.UUID]  # in the order they were sealed
    orders: list[str]


def add_requester(store: Store, badge: str = "BADGE-S9", name: str = "Sam") -> uuid.UUID:
    with store.session() as db:
        packer = Packer(badge=badge, name=name, role="supervisor")
        db.add(packer)
        db.commit()
        return packer.id


def seal_orders(
    store: Store,
    station: str,
    count: int,
    *,
    boxes: int = 1,
    prefix: str = "SO",
    sealed_at: datetime | None = None,
) -> Sealed:
    """`count` orders of `boxes` parcels each, sealed at `station` one second apart."""
    packer_id = add_requester(store, badge=f"BADGE-{prefix}-{station}")
    start = sealed_at or utc_now()
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, station))
        parcel_ids: list[uuid.UUID] = []
        orders: list[str] = []
        for n in range(count):
            order = _order(f"{prefix}-{n + 1:06d}", n)
            db.add(order)
            orders.append(order.number)
            moment = start + timedelta(seconds=n)
            for box in range(1, boxes + 1):
                tracking = f"JJD{prefix}{n + 1:08d}{box:02d}"
                parcel_ids.append(_seal_box(db, station, seq, order, tracking, box, boxes, moment))
        db.commit()
    return Sealed(packer_id, parcel_ids, orders)


def _order(number: str, n: int) -> Order:
    ship_to = SHIP_TO[n % len(SHIP_TO)]
    courier, service = COURIERS[n % len(COURIERS)]
    return Order(
        number=number,
        courier=courier,
        service=service,
        ship_to_name=ship_to.name,
        ship_to_street=ship_to.street,
        ship_to_city=ship_to.city,
        ship_to_postcode=ship_to.postcode,
        ship_to_country=ship_to.country,
        ship_to_phone=ship_to.phone,
    )


def _seal_box(
    db: Session,
    station: str,
    seq: SeqCounter,
    order: Order,
    tracking: str,
    box: int,
    boxes: int,
    at: datetime,
) -> uuid.UUID:
    parcel = Parcel(
        station=station,
        seq=seq(),
        order_id=order.id,
        parcel_no=box,
        parcel_count=boxes,
        tracking=tracking,
        courier=order.courier,
        service=order.service,
        weight_g=850 + 10 * box,
        created_at=at,
    )
    # The label the station itself would have printed for this box.
    plan = CourierPlan(order.courier, order.service, "", None)
    label = replace(
        label_for(order, plan, Sender(), tracking, parcel.weight_g),
        parcel_no=box,
        parcel_count=boxes,
    )
    job = PrintJob(
        station=station,
        seq=seq(),
        parcel_id=parcel.id,
        content_json=label.to_json(),
        created_at=at,
    )
    done = PrintAttempt(
        station=station, seq=seq(), job_id=job.id, status="delivered", location="seeded"
    )
    for row in (parcel, job, done):
        db.add(row)
    return parcel.id
