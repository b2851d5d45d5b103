"""What `main.py ranges` does: list and add a station's tracking number ranges."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from station.couriers.models import TrackingRange
from station.couriers.plan import CourierBook, plan_courier
from station.couriers.profiles import CourierProfile
from station.couriers.ranges import RangeError, add_range, range_status
from station.couriers.rules import find_profile
from station.models import Order, OrderLine, Parcel, Product
from station.weighing import expected_parcel_weight

DEMO_RANGE_SIZE = 100_000
_IN_LIST = 500


def describe_ranges(db: Session, station: str, book: CourierBook) -> list[str]:
    """One line per courier: numbers left at `station`, and a warning when low.

    The reader is IT, at the command line: a courier with no numbers left says
    how to add some (a new station has none, and its first order would stop at
    NO LABEL).
    """
    lines = []
    for profile in sorted(book.profiles.values(), key=lambda p: p.id):
        status = range_status(db, station, profile)
        state = status.message or "ok"
        if status.exhausted:
            state = (
                f"add a range: main.py ranges add {profile.id} FIRST LAST "
                "(numbers from the courier)"
            )
        lines.append(f"{profile.id:<14} {status.remaining:>10} left   {state}")
    return lines


def add_station_range(
    db: Session, station: str, book: CourierBook, courier: str, first: int, last: int
) -> str:
    """Add a range and say what it holds; the caller commits.

    Raises:
        RangeError: an unknown courier, bounds that do not fit, or an overlap.
    """
    profile = _profile(book, courier)
    add_range(db, station, profile, first, last)
    return (
        f"Station {station} now has {profile.name} serials {first}..{last} "
        f"({profile.format_tracking(first)} to {profile.format_tracking(last)})."
    )


def missing_range_hints(db: Session, station: str, book: CourierBook, box_tare_g: int) -> list[str]:
    """What to do for each courier that orders waiting to be packed need and `station` lacks.

    An order without its own tracking number takes one from the station's range
    for its courier (chosen as at the bench, on the catalog weight); with none
    left, its label is blocked (NO LABEL) at the seal. A new station has no
    ranges at all, so this is what a first import of orders tells IT.
    """
    needs: Counter[str] = Counter()
    for order, weight in _unsealed_orders_without_tracking(db, box_tare_g):
        plan = plan_courier(book, order, weight)
        if plan.profile is not None and not plan.problem:
            needs[plan.profile.id] += 1
    hints = []
    for profile_id, orders in sorted(needs.items()):
        profile = book.profiles[profile_id]
        if range_status(db, station, profile).exhausted:
            hints.append(
                f"Station {station} has no {profile.name} tracking numbers left, and {orders} "
                f"order(s) waiting to be packed need them: their labels are blocked (NO LABEL) "
                f"until IT runs: main.py ranges add {profile.id} FIRST LAST "
                "(numbers from the courier)."
            )
    return hints


def _unsealed_orders_without_tracking(db: Session, box_tare_g: int) -> list[tuple[Order, int]]:
    """Orders not sealed yet that take their numbers from a range, with their catalog weight."""
    sealed = exists().where(col(Parcel.order_id) == col(Order.id))
    orders = db.exec(select(Order).where(col(Order.tracking).is_(None), ~sealed)).all()
    items: defaultdict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    ids = [order.id for order in orders]
    for start in range(0, len(ids), _IN_LIST):  # SQLite caps the parameters of a statement
        rows = db.exec(
            select(OrderLine.order_id, OrderLine.qty, Product.weight_g)
            .join(Product, col(Product.sku) == col(OrderLine.sku))
            .where(col(OrderLine.order_id).in_(ids[start : start + _IN_LIST]))
        )
        for order_id, qty, weight_g in rows:
            items[order_id].append((weight_g, qty))
    return [(o, expected_parcel_weight(items[o.id], box_tare_g)) for o in orders]


def ensure_demo_ranges(db: Session, station: str, book: CourierBook) -> list[str]:
    """Give `station` a range for every courier it has none for (the demo only); caller commits."""
    added = []
    for profile in book.profiles.values():
        has_range = db.exec(
            select(TrackingRange.id).where(
                TrackingRange.station == station, TrackingRange.profile_id == profile.id
            )
        ).first()
        if has_range is not None:
            continue
        top = db.exec(
            select(func.max(TrackingRange.last_serial)).where(
                TrackingRange.profile_id == profile.id
            )
        ).one()
        first = int(top or 0) + 1
        last = min(first + DEMO_RANGE_SIZE - 1, profile.tracking.max_serial)
        add_range(db, station, profile, first, last)
        added.append(profile.id)
    return added


def _profile(book: CourierBook, courier: str) -> CourierProfile:
    profile = find_profile(book.profiles, courier)
    if profile is None:
        known = ", ".join(sorted(book.profiles))
        raise RangeError(f"No courier profile {courier!r}. Known couriers: {known}.")
    return profile
