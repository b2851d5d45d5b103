"""The days a supervisor asks about, in the station's local time zone.

The store keeps UTC; a day is the station's day (midnight to midnight where the
station stands), so a period turns into UTC bounds here, and into pieces of
constant UTC offset for the queries that group by local day or hour in SQL (a
daylight-saving change mid-period splits it in two).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from station.errors import UserError


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: date
    end: date
    tz: tzinfo

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(
                f"The period ends ({self.end}) before it starts ({self.start}): "
                "give the earlier date first."
            )

    @classmethod
    def today(cls, tz: tzinfo, now: datetime | None = None) -> Period:
        day = (now or datetime.now(UTC)).astimezone(tz).date()
        return cls(day, day, tz)

    @classmethod
    def this_week(cls, tz: tzinfo, now: datetime | None = None) -> Period:
        """Monday to today."""
        day = (now or datetime.now(UTC)).astimezone(tz).date()
        return cls(day - timedelta(days=day.weekday()), day, tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> list[Period]:
        return [Period(day, day, self.tz) for day in self.dates()]

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first local midnight, the midnight after the last day) in UTC."""
        return self._midnight(self.start), self._midnight(self.end + timedelta(days=1))

    def local(self, at: datetime) -> datetime:
        """A stored UTC time (aware or naive) on the station's clock."""
        aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        return aware.astimezone(self.tz)

    def pieces(self) -> list[tuple[datetime, datetime, timedelta]]:
        """The period in UTC as runs of one UTC offset: (from, until, offset)."""
        found: list[tuple[datetime, datetime, timedelta]] = []
        day = self.start
        while day <= self.end:
            since, until = self._midnight(day), self._midnight(day + timedelta(days=1))
            offsets = {self._offset(since), self._offset(until - timedelta(microseconds=1))}
            if len(offsets) == 1:
                self._append(found, since, until, offsets.pop())
            else:  # the day of a change: split it at the hour the clock moves
                cut = since
                while cut < until:
                    step = min(cut + timedelta(hours=1), until)
                    self._append(found, cut, step, self._offset(cut))
                    cut = step
            day += timedelta(days=1)
        return found

    def _midnight(self, day: date) -> datetime:
        local = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        return local.astimezone(UTC)

    def _offset(self, at: datetime) -> timedelta:
        return at.astimezone(self.tz).utcoffset() or timedelta(0)

    @staticmethod
    def _append(
        found: list[tuple[datetime, datetime, timedelta]],
        since: datetime,
        until: datetime,
        offset: timedelta,
    ) -> None:
        if found and found[-1][2] == offset and found[-1][1] == since:
            found[-1] = (found[-1][0], until, offset)
        else:
            found.append((since, until, offset))


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD date, or a UserError saying which one is wrong."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{what} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01."
        ) from None


def station_zone(name: str | None = None) -> tzinfo:
    """The named IANA zone, else the machine's (TZ, then /etc/localtime), else UTC."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(
                f"Unknown time zone {name!r}: give an IANA name such as Europe/Berlin."
            ) from None
    for key in (os.environ.get("TZ", "").lstrip(":"), _localtime_key()):
        if key:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return UTC


def _localtime_key() -> str:
    """The zone /etc/localtime links to (…/zoneinfo/Europe/Berlin -> Europe/Berlin)."""
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    _, found, key = target.partition("zoneinfo/")
    return key if found else ""
