"""Per-day totals of finished days, saved so that a period's figures need not read its events.

A month of a busy bench is ~130,000 scans; summing them at every dashboard
refresh costs half a second. A day's figures stop changing once the day is
over where the station stands plus SCAN_BACK_GRACE (what an order sealed that
day counts was recorded by then: station.supervisor.queries.packed_groups), so
each finished day is summed once, from the raw events by the same queries, and
its sums saved: a period is then its saved days plus a raw read of the days
not finished yet.

The saved totals are derived and rebuildable: never written on the scan path,
never part of the audit chain, dropped and summed again whenever an event
arrives late for a saved day (a station syncing after a day offline, a store
restored): every reader first looks, per station and table, at the events
added since it last looked (their `seq` beyond the mark it keeps) and forgets
each saved day they could change. They live in a derived file beside a
station's store (LocalDays) or in the central database's figure_day tables
(migration c0008, CentralDays), filled by whoever asks for a missing day first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    exc,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

from station.supervisor.queries import SCAN_BACK_GRACE
from station.supervisor.rows import PackedGroup
from station.supervisor.tables import Database, Key, Tables

log = logging.getLogger(__name__)

FILE_NAME = "figure-days.sqlite"  # beside the station's store: derived, safe to delete

metadata = MetaData()
figure_day = Table(
    "figure_day",
    metadata,
    Column("zone", Text, primary_key=True),
    Column("day", Text, primary_key=True),  # YYYY-MM-DD, local to `zone`
    Column("saved_at", DateTime(timezone=True), nullable=False),
)
figure_day_fact = Table(
    "figure_day_fact",
    metadata,
    Column("zone", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("fact", Text, nullable=False),  # one of FACTS
    Column("station", Text, nullable=False),
    Column("packer_id", Text),  # 32 hex digits (a Key), or none
    Column("what", Text, nullable=False),  # the verdict, event kind or reason; "" when packed
    Column("hour", Integer, nullable=False),  # local clock hour of a packed group; 0 otherwise
    Column("orders", Integer, nullable=False),
    Column("orders_with_mistakes", Integer, nullable=False),
    Column("units", Integer, nullable=False),
    Column("packing_seconds", Float, nullable=False),
    Column("count", Integer, nullable=False),
    Index("ix_figure_day_fact_zone_day", "zone", "day"),
)
# How far each reader has looked at each station's events: (table, station) -> seq.
figure_day_mark = Table(
    "figure_day_mark",
    metadata,
    Column("source", Text, primary_key=True),  # "<table> <station>"
    Column("seq", BigInteger, nullable=False),
)

PACKED, SCAN, EVENT, REASON = "packed", "scan", "event", "reason"
FACTS = (PACKED, SCAN, EVENT, REASON)
# (station, packer, verdict | event kind | reason, local day, count)
Counted = tuple[str, Key | None, str, str, int]


@dataclass
class DayFacts:
    """Everything the figures count on some days, every station and packer."""

    groups: list[PackedGroup] = field(default_factory=list)
    scans: list[Counted] = field(default_factory=list)
    events: list[Counted] = field(default_factory=list)
    reasons: list[Counted] = field(default_factory=list)

    def add(self, other: DayFacts) -> None:
        self.groups += other.groups
        self.scans += other.scans
        self.events += other.events
        self.reasons += other.reasons

    def in_order(self) -> DayFacts:
        """Sorted, so sums of the seconds come out the same bit for bit however read."""
        return DayFacts(
            sorted(self.groups, key=lambda g: (g.day, g.hour, g.station, g.packer_id or "")),
            sorted(self.scans, key=_counted_order),
            sorted(self.events, key=_counted_order),
            sorted(self.reasons, key=_counted_order),
        )


def _counted_order(row: Counted) -> tuple[str, str, str, str]:
    station, packer_id, what, day, _count = row
    return day, station, packer_id or "", what


def zone_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)


def finished(day: date, tz: tzinfo, now: datetime | None = None) -> bool:
    """Over where the station stands, and its grace for labels scanned back too."""
    after = day + timedelta(days=1)
    midnight = datetime(after.year, after.month, after.day, tzinfo=tz).astimezone(UTC)
    return (now or datetime.now(UTC)) >= midnight + SCAN_BACK_GRACE


class DayBook(Protocol):
    """Where saved days are kept; every method is called with the events' database open."""

    def forget_changed(self, db: Database, tables: Tables) -> None: ...

    def load(self, zone: str, days: list[str]) -> dict[str, DayFacts]: ...

    def save(self, zone: str, day: str, facts: DayFacts) -> None: ...


# -- reading and writing the saved rows, on either database ---------------------------------


def _load(connection: Connection, zone: str, days: list[str]) -> dict[str, DayFacts]:
    if not days:
        return {}
    saved = connection.execute(
        select(figure_day.c.day).where(figure_day.c.zone == zone, figure_day.c.day.in_(days))
    )
    found = {str(day): DayFacts() for (day,) in saved}
    if not found:
        return found
    f = figure_day_fact.c
    rows = connection.execute(
        select(
            *(f.day, f.fact, f.station, f.packer_id, f.what, f.hour),
            *(f.orders, f.orders_with_mistakes, f.units, f.packing_seconds, f.count),
        ).where(f.zone == zone, f.day.in_(list(found)))
    )
    for day, fact, station, packer, what, hour, orders, wrong, units, seconds, count in rows:
        facts = found[day]
        if fact == PACKED:
            facts.groups.append(
                PackedGroup(station, packer, day, hour, orders, wrong, units, float(seconds))
            )
        else:
            {SCAN: facts.scans, EVENT: facts.events, REASON: facts.reasons}[fact].append(
                (station, packer, what, day, count)
            )
    return found


def _save(connection: Connection, zone: str, day: str, facts: DayFacts) -> None:
    rows = [
        _row(zone, day, PACKED, g.station, g.packer_id, "", hour=g.hour, orders=g.orders,
             orders_with_mistakes=g.orders_with_mistakes, units=g.units,
             packing_seconds=g.packing_seconds)
        for g in facts.groups
    ]  # fmt: skip
    for fact, counted in ((SCAN, facts.scans), (EVENT, facts.events), (REASON, facts.reasons)):
        rows += [_row(zone, day, fact, s, p, what, count=n) for s, p, what, _d, n in counted]
    connection.execute(
        delete(figure_day_fact).where(figure_day_fact.c.zone == zone, figure_day_fact.c.day == day)
    )
    connection.execute(delete(figure_day).where(figure_day.c.zone == zone, figure_day.c.day == day))
    # The day's row first: a reader saving the same day at once waits here for the
    # other's transaction and, finding the day saved, adds no second copy of its facts
    # (the same sums of the same events).
    claimed = connection.execute(
        _insert(connection, figure_day)
        .values(zone=zone, day=day, saved_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["zone", "day"])
    )
    if claimed.rowcount and rows:
        connection.execute(insert(figure_day_fact), rows)


def _insert(connection: Connection, table: Table) -> Any:
    """An INSERT that may say ON CONFLICT, in the book's own dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _row(zone: str, day: str, fact: str, station: str, packer: Key | None, what: str,
         **numbers: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "zone": zone, "day": day, "fact": fact, "station": station, "packer_id": packer,
        "what": what, "hour": 0, "orders": 0, "orders_with_mistakes": 0, "units": 0,
        "packing_seconds": 0.0, "count": 0, **numbers,
    }  # fmt: skip


def _forget_changed(book: Connection, db: Database, tables: Tables) -> None:
    """Drop each saved day that events added since the last look could change.

    Fewer events than last seen (a store restored from a backup, a station's
    rows gone) is another history: every saved day goes.
    """
    marks = {str(source): int(seq) for source, seq in book.execute(select(figure_day_mark))}
    anything_saved = book.execute(select(figure_day.c.day).limit(1)).first() is not None
    earliest: datetime | None = None
    another_history = False
    seen: set[str] = set()
    for name, columns in (("scanevent", tables.scan), ("parcel", tables.parcel),
                          ("orderevent", tables.event)):  # fmt: skip
        for station, top in _tops(db, columns).items():
            source = f"{name} {station}"
            seen.add(source)
            mark = marks.get(source)
            mine = columns["station"] == station
            if top is None or top == mark:  # nothing new: nothing read, nothing written
                continue
            if mark is not None and top < mark:
                another_history = True
            elif anything_saved:  # the new events' earliest time (all of them: a new station)
                newer = [mine] if mark is None else [mine, columns["seq"] > mark]
                first = db.execute(select(func.min(columns["created_at"])).where(*newer)).scalar()
                if first is not None:
                    at = first if first.tzinfo else first.replace(tzinfo=UTC)
                    earliest = at if earliest is None else min(earliest, at)
            # One statement, not delete-then-insert: two readers at once would both
            # insert, and the second's duplicate key cost it its saved days.
            moved = _insert(book, figure_day_mark).values(source=source, seq=int(top))
            book.execute(
                moved.on_conflict_do_update(
                    index_elements=["source"], set_={"seq": moved.excluded.seq}
                )
            )
    if set(marks) - seen:  # a station's events gone
        another_history = True
        book.execute(delete(figure_day_mark).where(figure_day_mark.c.source.not_in(seen)))
    if another_history:
        book.execute(delete(figure_day_fact))
        book.execute(delete(figure_day))
    elif earliest is not None:
        # A day counts scans back up to the grace after it, and a zone may be
        # a day ahead of UTC: forget from two days before the earliest event.
        cut = (earliest - SCAN_BACK_GRACE - timedelta(days=1)).date().isoformat()
        book.execute(delete(figure_day_fact).where(figure_day_fact.c.day >= cut))
        book.execute(delete(figure_day).where(figure_day.c.day >= cut))


def _tops(db: Database, columns: Any) -> dict[str, int | None]:
    """Every station with events in the table and its newest `seq`, from its (station, seq)
    index: one statement, not one per station (a refresh made 60 round trips of them)."""
    table = columns.table.name
    found = db.execute(
        text(
            f"WITH RECURSIVE s(station) AS (SELECT min(station) FROM {table} UNION ALL "
            f"SELECT (SELECT min(station) FROM {table} WHERE station > s.station) FROM s "
            "WHERE s.station IS NOT NULL) "
            f"SELECT station, (SELECT max(seq) FROM {table} t WHERE t.station = s.station) "
            "FROM s WHERE station IS NOT NULL"
        )
    )
    return {str(station): None if top is None else int(top) for station, top in found}


# -- the two places ----------------------------------------------------------------------------


class LocalDays:
    """Saved days in a file of their own beside the station's store.

    Not in the store: the dashboard reads the store read-only and the bench's
    writer never waits for a dashboard. Deleting the file only costs the next
    reader the time to sum the days again.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME
        self.usable = True  # until the file is found damaged while in use
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}", poolclass=NullPool, connect_args={"timeout": 10}
        )
        try:
            metadata.create_all(self.engine)
        # A folder that cannot be written, or a damaged file: no saving (the caller sums).
        except exc.DatabaseError as error:
            log.warning("saved day totals unavailable at %s: %s", self.path, error)
            self.engine.dispose()
            raise

    @contextmanager
    def _book(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def _give_up(self, error: exc.DatabaseError) -> None:
        """The file fails in use (damaged, its folder no longer writable): not used again."""
        self.usable = False
        log.warning(
            "saved day totals not used (%s failed: %s): the figures are summed from the events",
            self.path,
            error,
        )

    def forget_changed(self, db: Database, tables: Tables) -> None:
        if not self.usable:
            return
        try:
            with self._book() as book:
                _forget_changed(book, db, tables)
        except exc.DatabaseError as error:
            # It reads the store's events too: an error there is the store's and goes on
            # up. The file is asked on its own to tell the two apart.
            try:
                with self._book() as book:
                    book.execute(select(figure_day.c.day).limit(1))
            except exc.DatabaseError:
                self._give_up(error)
                return
            raise

    def load(self, zone: str, days: list[str]) -> dict[str, DayFacts]:
        if not self.usable:
            return {}
        try:
            with self._book() as book:
                return _load(book, zone, days)
        except exc.DatabaseError as error:  # only the file was read
            self._give_up(error)
            return {}

    def save(self, zone: str, day: str, facts: DayFacts) -> None:
        if not self.usable:
            return
        try:
            with self._book() as book:
                _save(book, zone, day, facts)
        except exc.DatabaseError as error:  # only the file was written
            self._give_up(error)

    def close(self) -> None:
        self.engine.dispose()


class CentralDays:
    """Saved days in the central database (migration c0008), on the reader's own connection.

    Each write is a savepoint: a reader whose role may not write them (or a
    database not yet migrated) still gets its figures, summed from the events.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.writable = True

    def _write(self, work: Any) -> None:
        if not self.writable:
            return
        try:
            with self.connection.begin_nested():
                work(self.connection)
        except exc.DBAPIError as error:
            self.writable = False
            log.warning("central day totals not saved: %s", str(error.orig).splitlines()[0])

    def forget_changed(self, db: Database, tables: Tables) -> None:
        self._write(lambda book: _forget_changed(book, db, tables))

    def load(self, zone: str, days: list[str]) -> dict[str, DayFacts]:
        if not self.writable:
            return {}
        try:
            with self.connection.begin_nested():
                return _load(self.connection, zone, days)
        except exc.DBAPIError:  # no such table yet: nothing saved
            self.writable = False
            return {}

    def save(self, zone: str, day: str, facts: DayFacts) -> None:
        self._write(lambda book: _save(book, zone, day, facts))
