"""Tracking numbers out of the ranges a courier gives each station.

A number is taken inside the caller's transaction, the one that stores the
parcel it goes on, with a single ``UPDATE … RETURNING``: SQLite runs that
statement under its one write lock, so two threads (or processes) can never
read the same `next_serial`. If the transaction commits, the number is spent
for good, across restarts; if it rolls back, or the process dies first, the
number was never printed and is handed out again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from station.couriers.models import TrackingRange
from station.couriers.profiles import CourierProfile
from station.errors import UserError
from station.models import utc_now

# A range counts as low when this few numbers are left, or this share of the
# open ranges: 100 is under a busy bench's day, 10% warns early on big ranges.
LOW_COUNT = 100
LOW_SHARE = 0.10


class RangeError(UserError):
    """A tracking number range cannot be added or used."""


class RangeExhaustedError(RangeError):
    """No tracking number is left for a courier at this station."""


@dataclass(frozen=True)
class RangeStatus:
    remaining: int
    low: bool
    message: str = ""  # empty while plenty of numbers are left

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0


def allocate_tracking(session: Session, station: str, profile: CourierProfile) -> str:
    """Take the next tracking number for `profile` at `station`; the caller commits.

    Ranges are used lowest first. Call it in the transaction that adds the
    parcel, and commit both together.

    Raises:
        RangeExhaustedError: every range is used up, or there is none.
        RangeError: the range does not fit the profile's numbers.
    """
    open_range = (
        select(TrackingRange.id)
        .where(
            TrackingRange.station == station,
            TrackingRange.profile_id == profile.id,
            col(TrackingRange.next_serial) <= col(TrackingRange.last_serial),
        )
        .order_by(col(TrackingRange.first_serial))
        .limit(1)
        .scalar_subquery()
    )
    taken = session.execute(
        update(TrackingRange)
        .where(col(TrackingRange.id) == open_range)
        .values(next_serial=col(TrackingRange.next_serial) + 1, updated_at=utc_now())
        .returning(col(TrackingRange.next_serial))
        # Objects already loaded in the session are not ours to refresh.
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if taken is None:
        raise RangeExhaustedError(_exhausted_message(station, profile))
    serial = taken - 1
    if serial > profile.tracking.max_serial:
        raise RangeError(
            f"The tracking number range for {profile.name} at station {station} goes past "
            f"{profile.tracking.max_serial}, the largest serial its numbers hold: ask IT to "
            "fix the range."
        )
    return profile.format_tracking(serial)


def range_status(session: Session, station: str, profile: CourierProfile) -> RangeStatus:
    """How many numbers are left for `profile` at `station`, and whether to warn."""
    rows = session.exec(
        select(
            TrackingRange.first_serial, TrackingRange.last_serial, TrackingRange.next_serial
        ).where(TrackingRange.station == station, TrackingRange.profile_id == profile.id)
    ).all()
    open_rows = [(first, last, nxt) for first, last, nxt in rows if nxt <= last]
    remaining = sum(last - nxt + 1 for _, last, nxt in open_rows)
    if remaining == 0:
        return RangeStatus(0, True, _exhausted_message(station, profile))
    size = sum(last - first + 1 for first, last, _ in open_rows)
    if remaining > max(LOW_COUNT, math.ceil(size * LOW_SHARE)):
        return RangeStatus(remaining, False)
    return RangeStatus(
        remaining,
        True,
        f"Only {remaining} tracking numbers left for {profile.name} at station {station}: "
        "ask IT to add a range.",
    )


def add_range(
    session: Session, station: str, profile: CourierProfile, first: int, last: int
) -> TrackingRange:
    """Give `station` the serials `first`..`last` of `profile`; the caller commits.

    The range may not overlap any range of the same courier, at any station
    this store knows, since the courier would see the same number twice.

    Raises:
        RangeError: the bounds are wrong for the profile, or overlap a range.
    """
    if not station.strip():
        raise RangeError("A tracking number range needs a station name.")
    top = profile.tracking.max_serial
    if not 0 <= first <= last <= top:
        raise RangeError(
            f"A {profile.name} range must run from a first to a last serial between 0 and "
            f"{top}, got {first}..{last}."
        )
    clash = session.exec(
        select(TrackingRange).where(
            TrackingRange.profile_id == profile.id,
            TrackingRange.first_serial <= last,
            TrackingRange.last_serial >= first,
        )
    ).first()
    if clash is not None:
        raise RangeError(
            f"The {profile.name} range {first}..{last} overlaps the range "
            f"{clash.first_serial}..{clash.last_serial} of station {clash.station}: "
            "choose numbers outside it."
        )
    added = TrackingRange(
        station=station,
        profile_id=profile.id,
        first_serial=first,
        last_serial=last,
        next_serial=first,
    )
    session.add(added)
    return added


def _exhausted_message(station: str, profile: CourierProfile) -> str:
    return (
        f"No tracking numbers left for {profile.name} at station {station}: ask IT to add a range."
    )
