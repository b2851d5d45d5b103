"""Finding an order's evidence by what the person asking has: its number or a tracking
number from one of its parcels (what a customer or a marketplace quotes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from station import evidence
from station.errors import UserError
from station.models import Order, Parcel
from station.store import Store


@dataclass(frozen=True)
class OrderEvidence:
    """An order's recorded files, oldest first, and its scans placed in its video."""

    order: str
    videos: list[Path]  # the segments, in the order they were recorded
    photos: list[Path]
    trail: list[evidence.TrailScan]
    files: list[evidence.EvidenceFile]


def order_number_for(store: Store, text: str) -> str | None:
    """The order `text` names: an order number, or a tracking number of its parcels."""
    wanted = text.strip()
    if not wanted:
        return None
    with store.session() as db:
        if db.exec(select(Order.id).where(Order.number == wanted)).first() is not None:
            return wanted
        number = db.exec(select(Order.number).where(Order.tracking == wanted)).first()
        if number is not None:
            return number  # the courier's own tracking number, imported with the order
        number = db.exec(
            select(Order.number)  # a label this station printed for one of its parcels
            .join(Parcel, col(Parcel.order_id) == col(Order.id))
            .where(Parcel.tracking == wanted)
        ).first()
    if number is None and evidence.files_of(store, wanted):
        return wanted  # evidence of an order no longer in this store (imported elsewhere)
    return number


def load_order_evidence(store: Store, data_dir: Path, text: str) -> OrderEvidence:
    """An order's evidence, by order or tracking number.

    Raises:
        UserError: no such order, or it has no video or photos.
    """
    order = order_number_for(store, text)
    if order is None:
        raise UserError(f"No order or tracking number {text.strip()!r} at this station.")
    files = evidence.files_of(store, order)
    if not files:
        raise UserError(f"Order {order} has no video or photos (no camera filmed it).")
    return OrderEvidence(
        order=order,
        videos=[data_dir / row.path for row in files if row.kind == "video"],
        photos=[data_dir / row.path for row in files if row.kind == "photo"],
        trail=evidence.scan_trail(store, order, files),
        files=files,
    )
