"""The supervisor figures' SQL, one statement per kind of fact, the same on either database.

Every statement reads an index alone (migration 0013) over the period asked,
through the column expressions of station.supervisor.tables, so it runs on a
station's store and on the central database alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select, text

from station.supervisor.formulas import EXCEPTION_OPENED, MISTAKE_KINDS
from station.supervisor.order_figures import SEALS, kept_groups
from station.supervisor.period import Period
from station.supervisor.rows import (
    EVENT_FIGURE,
    KIND_OF_VERDICT,
    Filter,
    PackedGroup,
)
from station.supervisor.tables import (
    Columns,
    Database,
    Key,
    Tables,
    id_params,
    key,
    maybe_key,
    raw,
)

# A label scanned back comes after the seal, when the station holds no open
# order, so its scan is stored without one: it belongs to the order of the
# station's last scan that had one. Scans back may go on past the period's end.
SCAN_BACK_GRACE = timedelta(days=1)


def without_order(scan: Columns) -> Any:
    """A scan stored with no order, tested row by row: asked of the order index, "no
    order" would be every login and label scan-back of the year, not the period's."""
    return case((scan["order_id"].is_(None), 1), else_=0) == 1


def scan_back_owner(tables: Tables, scan: Columns) -> Any:
    """The order a scan with no order of its own followed (its station's previous order)."""
    earlier = tables.scan_alias("earlier")
    return (
        select(earlier["order_id"])
        .where(
            earlier["station"] == scan["station"],
            earlier["seq"] < scan["seq"],
            earlier["order_id"].is_not(None),
        )
        .order_by(earlier["seq"].desc())
        .limit(1)
        .scalar_subquery()
    )


def scan_back_mistakes(db: Database, tables: Tables, period: Period) -> list[tuple[Key, datetime]]:
    """Wrong labels scanned back on each order's boxes: (order, when), UTC."""
    scan = tables.scan
    since, until = period.utc_bounds()
    owner = scan_back_owner(tables, scan)
    query = (
        select(raw(owner), scan["created_at"])
        .where(scan["created_at"] >= since, scan["created_at"] < until + SCAN_BACK_GRACE)
        .where(scan["verdict"] == MISTAKE_KINDS["wrong_label"].value, without_order(scan))
    )
    return [(key(order_id), _utc(at)) for order_id, at in db.execute(query) if order_id]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


WANTED_VERDICTS = sorted(KIND_OF_VERDICT)
WANTED_EVENTS = sorted(EVENT_FIGURE)


def scan_counts(
    db: Database, tables: Tables, period: Period, only: Filter
) -> Iterable[tuple[str, Key | None, str, str, int]]:
    """(station, packer, verdict, local day, scans) for the scans that caught a mistake."""
    scan = tables.scan
    for since, until, offset in period.pieces():
        day = local_day_of(tables, scan["created_at"], offset)
        query = (
            select(
                scan["station"],
                raw(scan["packer_id"]),
                scan["verdict"],
                day,
                func.count(),
            )
            .where(scan["created_at"] >= since, scan["created_at"] < until)
            .where(scan["verdict"].in_(WANTED_VERDICTS))
            .where(*only_where(db, tables, scan, only))
            .group_by(scan["station"], scan["packer_id"], scan["verdict"], day)
        )
        for station, packer_id, verdict, local_day, count in db.execute(query):
            packer = maybe_key(packer_id)
            yield str(station), packer, str(verdict), str(local_day), int(count)


def event_counts(
    db: Database, tables: Tables, period: Period, only: Filter
) -> Iterable[tuple[str, Key | None, str, str, int]]:
    """(station, packer, kind, local day, events) for the order events that are figures."""
    event = tables.event
    return _event_day_counts(db, tables, period, only, "kind", event["kind"].in_(WANTED_EVENTS))


def reason_counts(
    db: Database, tables: Tables, period: Period, only: Filter
) -> Iterable[tuple[str, Key | None, str, str, int]]:
    """(station, packer, reason, local day, exceptions opened) for the exception Pareto."""
    event = tables.event
    return _event_day_counts(db, tables, period, only, "reason", event["kind"] == EXCEPTION_OPENED)


def _event_day_counts(
    db: Database, tables: Tables, period: Period, only: Filter, column: str, which: Any
) -> Iterator[tuple[str, Key | None, str, str, int]]:
    """(station, packer, the event's `column`, local day, count) of the events `which` picks."""
    event = tables.event
    for since, until, offset in period.pieces():
        day = local_day_of(tables, event["created_at"], offset)
        query = (
            select(event["station"], raw(event["packer_id"]), event[column], day, func.count())
            .where(event["created_at"] >= since, event["created_at"] < until)
            .where(which)
            .where(*only_where(db, tables, event, only))
            .group_by(event["station"], event["packer_id"], event[column], day)
        )
        for station, packer_id, value, local_day, count in db.execute(query):
            yield str(station), maybe_key(packer_id), str(value), str(local_day), int(count)


def local_day_of(tables: Tables, column: Any, offset: timedelta) -> Any:
    return _local_text(tables, column, offset, "%Y-%m-%d", "YYYY-MM-DD")


def local_hour_of(tables: Tables, column: Any, offset: timedelta) -> Any:
    return _local_text(tables, column, offset, "%H", "HH24")


def _local_text(tables: Tables, column: Any, offset: timedelta, sqlite: str, postgres: str) -> Any:
    """A stored UTC time on the local clock of `offset`, formatted in SQL."""
    if tables.central:
        return func.to_char(column.op("AT TIME ZONE")(literal("UTC")) + offset, postgres)
    minutes = int(offset.total_seconds() // 60)
    return func.strftime(sqlite, column, f"{minutes:+d} minutes")


def summed_seconds(tables: Tables, later: Any, earlier: Any) -> Any:
    """The sum over a group of the seconds from `earlier` to `later` (0 for no row)."""
    if tables.central:
        # The intervals summed, then made seconds once per group: EXTRACT gives a
        # numeric, and summing 60,000 numerics (a day of every station's seals) was
        # two thirds of the figures' hardest query. The same exact sum either way.
        return func.coalesce(func.extract("epoch", func.sum(later - earlier)), 0)
    return func.coalesce(func.sum((func.julianday(later) - func.julianday(earlier)) * 86400.0), 0)


def window(columns: Any, period: Period) -> tuple[Any, ...]:
    since, until = period.utc_bounds()
    return (columns["created_at"] >= since, columns["created_at"] < until)


def only_where(db: Database, tables: Tables, columns: Any, only: Filter) -> list[Any]:
    conditions = []
    if only.station is not None:
        conditions.append(columns["station"] == only.station)
    if only.packer is not None:
        packer_id = Badges(db, tables).packer_id(only.packer)
        # An unknown badge packed nothing (not: the rows with no packer).
        conditions.append(
            raw(columns["packer_id"]) == id_params(tables, [packer_id])[0]
            if packer_id
            else literal(False)
        )
    return conditions


class Badges:
    """Packer ids to badges and names, read once per call."""

    def __init__(self, db: Database, tables: Tables) -> None:
        packer = tables.packer
        rows = db.execute(select(raw(packer["id"]), packer["badge"], packer["name"])).all()
        self._by_id = {key(pid): (str(badge), str(name)) for pid, badge, name in rows}

    def badge(self, packer_id: Key | None) -> str:
        return self._by_id.get(packer_id, ("", ""))[0] if packer_id else ""

    def name(self, packer_id: Key | None) -> str:
        return self._by_id.get(packer_id, ("", ""))[1] if packer_id else ""

    def packer_id(self, badge: str) -> Key | None:
        return next((pid for pid, (b, _) in self._by_id.items() if b == badge), None)


def packed_groups(
    db: Database, tables: Tables, period: Period, only: Filter, now: datetime | None = None
) -> list[PackedGroup]:
    """Orders sealed in the period, summed per station, packer and local hour, in SQL.

    The same facts as packed_order_list, without a row per order leaving the
    database: a month of a busy bench is a few hundred groups. Read one local
    day at a time: what an order sealed on a day counts (its scans, the labels
    scanned back on its boxes) is what was recorded before that day ended plus
    SCAN_BACK_GRACE, so a day's figures are the same whichever period asks, and
    once the grace is over they never change (station.supervisor.saved_days).

    Centrally, a day whose grace is not over yet (as of `now`) counts every
    scan stored so far: its orders' sums are read from order_figure (one row
    per order, kept as scans arrive, migration c0011) rather than summed again
    out of the scans' JSON at each refresh. The same numbers, for a station's
    clock never a day ahead of the central one.
    """
    found = []
    at = now or datetime.now(UTC)
    if tables.central:
        # A day of every station's seals (~60,000) is grouped in memory: with the default
        # 4 MB PostgreSQL sorts them on disk (90 ms), with 32 MB it hashes them (40 ms).
        # For the rest of the reader's transaction only.
        db.execute(text("SET LOCAL work_mem = '32MB'"))
    for day in period.each_day():
        day_since, day_until = day.utc_bounds()
        counted_until = day_until + SCAN_BACK_GRACE
        kept = tables.central and at < counted_until
        for since, until, offset in day.pieces():
            found.extend(
                _packed_groups_of(
                    db, tables, only, (since, until, offset), day_since, counted_until, kept
                )
            )
    return found


def _packed_groups_of(
    db: Database,
    tables: Tables,
    only: Filter,
    piece: tuple[datetime, datetime, timedelta],
    day_since: datetime,
    counted_until: datetime,
    kept: bool = False,
) -> list[PackedGroup]:
    since, until, offset = piece
    late = _late_labels(tables, day_since, counted_until)
    if kept:  # the seals with their orders' sums beside them (order_seal)
        where = (SEALS["created_at"] >= since, SEALS["created_at"] < until)
        return kept_groups(db, (*where, *only_where(db, tables, SEALS, only)), late, offset)
    sealed = _seals(db, tables, only, since, until)
    sums = _scan_sums(tables, sealed, counted_until)
    joined = sealed.outerjoin(sums, sums.c.order_id == sealed.c.order_id).outerjoin(
        late, late.c.order_id == sealed.c.order_id
    )
    if tables.central:  # grouped by the local hour as a time, named once per group
        local_hour = func.date_trunc("hour", sealed.c.created_at.op("AT TIME ZONE")("UTC") + offset)
        keys: tuple[Any, ...] = (local_hour,)
        day, hour = func.to_char(local_hour, "YYYY-MM-DD"), func.to_char(local_hour, "HH24")
    else:
        day = local_day_of(tables, sealed.c.created_at, offset)
        hour = local_hour_of(tables, sealed.c.created_at, offset)
        keys = (day, hour)
    caught = func.coalesce(sums.c.mistakes, 0) + func.coalesce(late.c.wrong, 0)
    query = (
        select(
            sealed.c.station,
            raw(sealed.c.packer_id),
            day,
            hour,
            func.count(),
            func.sum(case((caught > 0, 1), else_=0)),
            func.coalesce(func.sum(sums.c.units), 0),
            summed_seconds(tables, sealed.c.created_at, sums.c.first),
        )
        .select_from(joined)
        .group_by(sealed.c.station, sealed.c.packer_id, *keys)
    )
    return [
        PackedGroup(
            str(station),
            maybe_key(packer_id),
            str(local_day),
            int(local_hour),
            int(orders),
            int(wrong or 0),
            int(units),
            max(0.0, float(seconds)),
        )
        for station, packer_id, local_day, local_hour, orders, wrong, units, seconds in db.execute(
            query
        )
    ]


def _seals(db: Database, tables: Tables, only: Filter, since: datetime, until: datetime) -> Any:
    """The boxes that sealed an order (its last) in [since, until)."""
    parcel = tables.parcel
    return (
        select(
            parcel["order_id"].label("order_id"),
            parcel["station"].label("station"),
            parcel["packer_id"].label("packer_id"),
            parcel["created_at"].label("created_at"),
        )
        .where(parcel["created_at"] >= since, parcel["created_at"] < until)
        .where(parcel["parcel_no"] == parcel["parcel_count"])
        .where(*only_where(db, tables, parcel, only))
        .cte("sealed")
    )


def _scan_sums(tables: Tables, sealed: Any, counted_until: datetime) -> Any:
    """Each sealed order's scans recorded before `counted_until`, summed."""
    scan = tables.scan
    mistake = case((scan["verdict"].in_(list(KIND_OF_VERDICT)), 1), else_=0)
    return (
        select(
            scan["order_id"].label("order_id"),
            func.min(scan["created_at"]).label("first"),
            func.sum(scan["units_counted"]).label("units"),
            func.sum(mistake).label("mistakes"),
        )
        .where(scan["order_id"].in_(select(sealed.c.order_id)))
        .where(scan["created_at"] < counted_until)
        .group_by(scan["order_id"])
        .cte("sums")
    )


def _late_labels(tables: Tables, day_since: datetime, counted_until: datetime) -> Any:
    """Wrong labels scanned back (no order of their own) per order they followed."""
    scan = tables.scan
    owner = scan_back_owner(tables, scan)
    return (
        select(owner.label("order_id"), func.count().label("wrong"))
        .where(scan["created_at"] >= day_since, scan["created_at"] < counted_until)
        .where(scan["verdict"] == MISTAKE_KINDS["wrong_label"].value)
        .where(without_order(scan))
        .group_by(owner)
        .cte("late")
    )
