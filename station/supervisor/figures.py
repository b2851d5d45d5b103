"""Accuracy and speed per packer, station or day: the figures of the dashboard and the reports.

What the dashboard (ui/dashboard) and `main.py report` call. Every function
takes an open database (a station's store session, or a connection to the
central database: the same queries run on both, station.supervisor.tables)
and a Period of local days. How each figure is computed is stated once, in
station.supervisor.formulas, and every figure leads to its orders through
station.supervisor.drill (orders_behind, order_trail).

Two kinds of fact make the figures:
- a packed order (its last box sealed in the period): orders, accuracy and
  speed, counted by the packer, station and local day of that seal;
- a scan or an order event in the period: units, mistakes by kind,
  exceptions, short shipments, voids and reprints, counted by their own packer,
  station and local day.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from station.supervisor.packed_orders import packed_order_list
from station.supervisor.period import Period
from station.supervisor.queries import (
    Badges,
    event_counts,
    packed_groups,
    reason_counts,
    scan_counts,
)
from station.supervisor.rows import (
    BY_CHOICES,
    EVENT_FIGURE,
    EVERYONE,
    KIND_OF_VERDICT,
    By,
    DayAccuracy,
    FigureRow,
    Filter,
    HourRow,
    PackedGroup,
    PackedOrder,
    ParetoRow,
)
from station.supervisor.saved_days import DayBook, DayFacts, finished, zone_name
from station.supervisor.tables import Database, Key, Tables, tables_for

__all__ = [
    "BY_CHOICES",
    "EVERYONE",
    "By",
    "Dashboard",
    "DayAccuracy",
    "Facts",
    "FigureRow",
    "Filter",
    "HourRow",
    "PackedOrder",
    "ParetoRow",
    "accuracy_per_day",
    "dashboard",
    "exception_reasons",
    "figures",
    "mistake_pareto",
    "orders_per_hour_of_day",
    "packed_orders",
]


# -- the figures ---------------------------------------------------------------


class Facts:
    """What the figures of one period are counted from, each part read once when first asked.

    A dashboard refresh or a report asks several figures of one period: through
    one Facts each query runs once (see `dashboard`). With a DayBook the
    finished days come from their saved totals (station.supervisor.saved_days)
    and only the rest from the events; the figures are the same either way.
    """

    def __init__(
        self,
        db: Database,
        period: Period,
        only: Filter = EVERYONE,
        book: DayBook | None = None,
        now: datetime | None = None,
    ) -> None:
        self.db, self.period, self.only = db, period, only
        self.book, self.now = book, now
        self.tables = tables_for(db)

    @functools.cached_property
    def badges(self) -> Badges:
        return Badges(self.db, self.tables)

    @functools.cached_property
    def packed(self) -> list[PackedOrder]:
        return packed_order_list(self.db, self.tables, self.period, self.only, self.now)

    @functools.cached_property
    def counted(self) -> DayFacts:
        if self.book is None:
            return raw_facts(self.db, self.tables, self.period, self.only, self.now).in_order()
        return self._with_saved_days(self.book)

    @property
    def groups(self) -> list[PackedGroup]:
        return self.counted.groups

    @property
    def scans(self) -> list[tuple[str, Key | None, str, str, int]]:
        return self.counted.scans

    @property
    def events(self) -> list[tuple[str, Key | None, str, str, int]]:
        return self.counted.events

    @property
    def reasons(self) -> list[tuple[str, Key | None, str, str, int]]:
        return self.counted.reasons

    def _with_saved_days(self, book: DayBook) -> DayFacts:
        """Finished days saved (summed now and saved when missing), the rest from the events."""
        tz, zone = self.period.tz, zone_name(self.period.tz)
        book.forget_changed(self.db, self.tables)
        done = [day for day in self.period.dates() if finished(day, tz, self.now)]
        saved = book.load(zone, [day.isoformat() for day in done])
        found = DayFacts()
        for day in done:
            facts = saved.get(day.isoformat())
            if facts is None:
                facts = raw_facts(self.db, self.tables, Period(day, day, tz), EVERYONE)
                book.save(zone, day.isoformat(), facts)
            found.add(self._only_wanted(facts))
        if len(done) < self.period.days:  # the days not finished: always the last ones
            rest = Period(self.period.start + timedelta(days=len(done)), self.period.end, tz)
            found.add(raw_facts(self.db, self.tables, rest, self.only, self.now))
        return found.in_order()

    def _only_wanted(self, facts: DayFacts) -> DayFacts:
        if self.only == EVERYONE:
            return facts
        station = self.only.station
        packer = self.badges.packer_id(self.only.packer) if self.only.packer is not None else None

        def wanted(row_station: str, row_packer: Key | None) -> bool:
            if station is not None and row_station != station:
                return False
            # An unknown badge packed nothing (not: the rows with no packer).
            return self.only.packer is None or (packer is not None and row_packer == packer)

        return DayFacts(
            [g for g in facts.groups if wanted(g.station, g.packer_id)],
            [row for row in facts.scans if wanted(row[0], row[1])],
            [row for row in facts.events if wanted(row[0], row[1])],
            [row for row in facts.reasons if wanted(row[0], row[1])],
        )


def raw_facts(
    db: Database, tables: Tables, period: Period, only: Filter, now: datetime | None = None
) -> DayFacts:
    """The period's facts summed from its events (centrally, as of `now`: packed_groups)."""
    return DayFacts(
        packed_groups(db, tables, period, only, now),
        list(scan_counts(db, tables, period, only)),
        list(event_counts(db, tables, period, only)),
        list(reason_counts(db, tables, period, only)),
    )


@dataclass(frozen=True)
class Dashboard:
    """Every figure and chart of one period, read with one query of each kind."""

    by_packer: list[FigureRow]
    by_station: list[FigureRow]
    by_day: list[FigureRow]
    hours: list[HourRow]
    days: list[DayAccuracy]
    mistakes: list[ParetoRow]
    reasons: list[ParetoRow]


def dashboard(
    db: Database,
    period: Period,
    only: Filter = EVERYONE,
    book: DayBook | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Every figure and chart of the period; with a DayBook, finished days (as of `now`) saved."""
    facts = Facts(db, period, only, book, now)
    return Dashboard(
        by_packer=rows_of(facts, "packer"),
        by_station=rows_of(facts, "station"),
        by_day=rows_of(facts, "day"),
        hours=hours_of(facts),
        days=days_of(facts),
        mistakes=mistakes_of(facts),
        reasons=reasons_of(facts),
    )


def figures(
    db: Database,
    period: Period,
    by: By,
    only: Filter = EVERYONE,
    book: DayBook | None = None,
) -> list[FigureRow]:
    """One row per packer, station or local day with anything in the period, in key order."""
    return rows_of(Facts(db, period, only, book), by)


def orders_per_hour_of_day(db: Database, period: Period, only: Filter = EVERYONE) -> list[HourRow]:
    """Orders and units packed in each local clock hour (0-23), over the whole period."""
    return hours_of(Facts(db, period, only))


def accuracy_per_day(db: Database, period: Period, only: Filter = EVERYONE) -> list[DayAccuracy]:
    """Every local day of the period, days with nothing packed included (accuracy None)."""
    return days_of(Facts(db, period, only))


def mistake_pareto(db: Database, period: Period, only: Filter = EVERYONE) -> list[ParetoRow]:
    """Mistakes caught in the period by kind, most frequent first (kinds never caught left out)."""
    return mistakes_of(Facts(db, period, only))


def packed_orders(db: Database, period: Period, only: Filter = EVERYONE) -> list[PackedOrder]:
    """Each order whose last box was sealed in the period, with its scans summed up."""
    return Facts(db, period, only).packed


def exception_reasons(db: Database, period: Period, only: Filter = EVERYONE) -> list[ParetoRow]:
    """Exceptions opened in the period by reason, most frequent first."""
    return reasons_of(Facts(db, period, only))


def reasons_of(facts: Facts) -> list[ParetoRow]:
    found: Counter[str] = Counter()
    for _station, _packer, reason, _day, count in facts.reasons:
        found[reason] += count
    return pareto(found)


def rows_of(facts: Facts, by: By) -> list[FigureRow]:
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}, not {by!r}")
    badges = facts.badges
    rows: dict[str, FigureRow] = {}

    def row(station: str, packer_id: Key | None, day: str) -> FigureRow:
        badge = badges.badge(packer_id)
        key = {"packer": badge, "station": station, "day": day}[by]
        if key not in rows:
            rows[key] = FigureRow(
                packer=badge if by == "packer" else None,
                station=station if by == "station" else None,
                day=day if by == "day" else None,
                packer_name=badges.name(packer_id) if by == "packer" else None,
            )
        return rows[key]

    for group in facts.groups:
        target = row(group.station, group.packer_id, group.day)
        target.orders += group.orders
        target.orders_with_mistakes += group.orders_with_mistakes
        target.units += group.units
        target.units_packed += group.units
        target.packing_seconds += group.packing_seconds
    for station, packer_id, verdict, day, count in facts.scans:
        row(station, packer_id, day).mistakes[KIND_OF_VERDICT[verdict]] += count
    for station, packer_id, kind, day, count in facts.events:
        target = row(station, packer_id, day)
        name = EVENT_FIGURE[kind]
        setattr(target, name, getattr(target, name) + count)
    return [rows[key] for key in sorted(rows)]


def hours_of(facts: Facts) -> list[HourRow]:
    orders: Counter[int] = Counter()
    units: Counter[int] = Counter()
    for group in facts.groups:
        orders[group.hour] += group.orders
        units[group.hour] += group.units
    days = facts.period.days
    return [HourRow(hour, orders[hour], units[hour], days) for hour in range(24)]


def days_of(facts: Facts) -> list[DayAccuracy]:
    orders: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for group in facts.groups:
        orders[group.day] += group.orders
        wrong[group.day] += group.orders_with_mistakes
    first = facts.period.start
    keys = [(first + timedelta(days=n)).isoformat() for n in range(facts.period.days)]
    return [DayAccuracy(day, orders[day], wrong[day]) for day in keys]


def mistakes_of(facts: Facts) -> list[ParetoRow]:
    found: Counter[str] = Counter()
    for _station, _packer, verdict, _day, count in facts.scans:
        found[KIND_OF_VERDICT[verdict]] += count
    return pareto(found)


def pareto(counts: Counter[str]) -> list[ParetoRow]:
    total = sum(counts.values())
    rows, running = [], 0
    for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count <= 0:
            continue
        running += count
        rows.append(ParetoRow(kind, count, 100.0 * count / total, 100.0 * running / total))
    return rows
