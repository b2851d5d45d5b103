"""What `main.py ranges` does: list and add a station's tracking number ranges."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from station.couriers.models import TrackingRange
from station.couriers.plan import CourierBook
from station.couriers.profiles import CourierProfile
from station.couriers.ranges import RangeError, add_range, range_status
from station.couriers.rules import find_profile

DEMO_RANGE_SIZE = 100_000


def describe_ranges(db: Session, station: str, book: CourierBook) -> list[str]:
    """One line per courier: numbers left at `station`, and a warning when low."""
    lines = []
    for profile in sorted(book.profiles.values(), key=lambda p: p.id):
        status = range_status(db, station, profile)
        state = status.message or "ok"
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
