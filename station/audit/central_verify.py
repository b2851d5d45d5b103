"""`main.py audit verify --central`: each station's chain walked in the central database.

Sync sends every station's links after its events (station.sync.audit_links).
Here, per station, in PostgreSQL's copy:
- the links number 1, 2, 3… with no gap and each hash recomputes over its
  fields and the hash before it (a link edited, deleted or put out of place);
- the chain reaches the position sync recorded for it, and the station's
  newest central anchor is on it (a tail cut off centrally);
- every central row of a table sync copies whole has a link, its newest
  link's content digest recomputes from the central row (its `data`, the
  station row as sent, turned back into the values SQLite held and the
  station hashed), and every link's row is there: a row edited, deleted or
  inserted centrally is named; a row the central server quarantined (refused
  for good at sync, station.audit.central_quarantine) is listed as such, with
  the reason, and is no problem of the chain.

Settings saves and supervisor sign-ins stay in the station's store, and a
handoff's close keeps its drawn signature there: their links are walked
here, their rows checked by the station's own `audit verify`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, text

from station import models
from station.audit.central import central_anchors
from station.audit.central_marks import (
    QUARANTINE,
    Mark,
    Since,
    counts,
    ids_to_check,
    inserted_since,
    newest_links_of,
    old_links_changed,
    quarantine_changed,
    read_marks,
    record_outcome,
    rows_of,
    snapshot_horizon,
)
from station.audit.central_packers import check_packers
from station.audit.central_quarantine import SetAside, kept_rows
from station.audit.central_rows import RowChecks, check_rows, column_kinds
from station.audit.chain import link_hash
from station.audit.registry import CENTRAL_PACKER_CHAIN
from station.audit.report import AuditReport, Problem
from station.central.connect import connected
from station.central.schema import metadata
from station.sync.audit_links import STREAM as LINK_STREAM
from station.sync.streams import LOCAL_ONLY, STREAMS, local_table

# Central tables whose rows carry every column the station hashed: local table, central name.
_CHECKED: dict[str, Table] = {
    stream.name: stream.local for stream in STREAMS if stream.name not in LOCAL_ONLY
}
_CHECKED["printjob"] = local_table(models.PrintJob)  # its hidden status is not hashed
_CHECKED["parcelitem"] = local_table(models.ParcelItem)
_EVENT_STREAMS = frozenset(stream.name for stream in STREAMS)
_YIELD = 5000


def verify_central(
    central: Engine, stations: Sequence[str] = (), *, full: bool = False, mark: bool = False
) -> AuditReport:
    """Walk the chains of `stations` (every station with links or a sync, for none).

    Each station from its verified mark (station.audit.central_marks), or from
    its first link with `full` or without a mark; `mark` leaves a new mark for
    each station found whole (the database owner's login only), and a finding for
    each found broken (any login).
    """
    report = AuditReport()
    found: list[Mark] = []
    with connected(central) as connection:
        # One snapshot for every read: a mark's counts and horizon are of the rows walked.
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        # Rows and links are read through cursors in id order, whole: a plan for the first
        # rows (the default) walked a table's every station by its key, 20 times the rows.
        connection.execute(text("SET LOCAL cursor_tuple_fraction = 1"))
        connection.execute(text("SET LOCAL work_mem = '64MB'"))
        connection.execute(text("SET LOCAL TimeZone = 'UTC'"))  # the packers' digests
        horizon = snapshot_horizon(connection)
        read_at = connection.execute(text("SELECT now()")).scalar_one()  # the snapshot's time
        names = list(dict.fromkeys(stations)) or _stations(connection)  # each one once
        if (
            stations
            and CENTRAL_PACKER_CHAIN not in names
            and _has_links(connection, CENTRAL_PACKER_CHAIN)
        ):
            names.append(CENTRAL_PACKER_CHAIN)  # every station's supervisors come from there
        marks = {} if full else read_marks(connection, names)
        for station in names:
            whole = _verify_station(connection, station, report, marks.get(station))
            if mark and whole and not any(p.station == station for p in report.problems):
                found += _new_mark(connection, station, horizon, report)
    for station in names:
        report.anchors += central_anchors(central, station)
    _check_anchors(central, report)
    if mark:  # the anchors are checked last: a station they found broken gets no mark either
        report.notes += record_outcome(central, report, found, read_at)
    return report


def _new_mark(
    connection: Connection, station: str, horizon: int, report: AuditReport
) -> list[Mark]:
    head = report.heads.get(station, 0)
    digest = connection.execute(
        text("SELECT hash FROM audit_link WHERE station = :s AND seq = :q"),
        {"s": station, "q": head},
    ).scalar_one_or_none()
    if digest is None:
        return []
    found = counts(connection, station, [*_CHECKED, QUARANTINE])
    return [Mark(station, head, str(digest), horizon, found)]


def _has_links(connection: Connection, chain: str) -> bool:
    found = connection.execute(
        text("SELECT 1 FROM audit_link WHERE station = :s LIMIT 1"), {"s": chain}
    ).first()
    return found is not None


def central_stations(central: Engine) -> list[str]:
    """The stations the central database holds links or a sync of, by name."""
    with connected(central) as connection:
        return _stations(connection)


def unknown_stations(central: Engine, stations: Sequence[str]) -> list[str]:
    """Those of `stations` the central database holds neither links nor a sync of
    (looked up by key: listing every station groups every link)."""
    with connected(central) as connection:
        return [
            station
            for station in dict.fromkeys(stations)
            if not _has_links(connection, station)
            and connection.execute(
                text("SELECT 1 FROM sync_cursor WHERE station = :s LIMIT 1"), {"s": station}
            ).first()
            is None
        ]


def _stations(connection: Connection) -> list[str]:
    rows = connection.execute(
        text(
            "SELECT station FROM audit_link GROUP BY station "
            "UNION SELECT station FROM sync_cursor ORDER BY 1"
        )
    )
    return [str(row[0]) for row in rows]


def _verify_station(
    connection: Connection, station: str, report: AuditReport, mark: Mark | None
) -> bool:
    """Check one station's chain and rows (after `mark`, with one); False when some of
    its events still wait for their links (no mark may cover them yet)."""
    cursors = {
        str(stream): (int(position), updated)
        for stream, position, updated in connection.execute(
            text("SELECT stream, position, updated_at FROM sync_cursor WHERE station = :s"),
            {"s": station},
        )
    }
    since = mark.since(connection) if mark else Since(0, -1)
    if mark is not None:
        report.since[station] = mark.seq
        _check_old_links(connection, mark, since, report)
        head = _walk_links(connection, station, report, after=mark.seq, prev=mark.hash)
    else:
        head = _walk_links(connection, station, report)
    synced = cursors.get(LINK_STREAM, (0, None))[0]
    if head < synced:
        report.problems.append(
            Problem(
                station,
                head + 1,
                "truncated",
                f"the central chain of station {station!r} ends at link {head}, but sync "
                f"delivered up to link {synced}: links {head + 1} to {synced} were deleted "
                "centrally.",
            )
        )
    # Events delivered after the station's last link pass (a sync cut in between) have
    # their links still to come: not inserted behind anyone's back.
    link_time = cursors.get(LINK_STREAM, (0, None))[1]
    event_times = [when for name, (_, when) in cursors.items() if name in _EVENT_STREAMS]
    links_behind = bool(event_times) and (link_time is None or link_time < max(event_times))
    if station == CENTRAL_PACKER_CHAIN:  # its rows are the central packers, no station's
        check_packers(connection, report)
        return True
    schemas = _schemas(connection, station)
    tables = frozenset(_CHECKED)
    aside = SetAside(connection, station, kept_rows(connection, station, tables))
    whole = tables if mark is None else quarantine_changed(connection, mark, since, tables)
    for table, local in _CHECKED.items():
        checks = RowChecks(station, table, column_kinds(local), schemas, aside, report)
        if (
            mark is None
            or table in whole
            or not _rows_since(connection, checks, mark, since, links_behind)
        ):
            check_rows(
                checks,
                _central_rows(connection, station, table),
                _newest_links(connection, station, table),
                links_behind=links_behind,
            )
    return not links_behind


def _check_old_links(connection: Connection, mark: Mark, since: Since, report: AuditReport) -> None:
    station = mark.station
    words = {
        "truncated": f"central link {mark.seq} of station {station!r}, verified whole before, "
        "is missing: the chain was cut back.",
        "rewritten": f"central link {mark.seq} of station {station!r} is not the one verified "
        "before: the chain was rewritten.",
        "link_edited": "central link {seq} of station "
        f"{station!r} was written again after it was verified: edited.",
        "link_missing": f"central links up to {mark.seq} of station {station!r}, verified "
        "whole before, are not all there: deleted.",
    }
    for kind, seq in old_links_changed(connection, mark, since):
        report.problems.append(Problem(station, seq, kind, words[kind].format(seq=seq)))


def _rows_since(
    connection: Connection, checks: RowChecks, mark: Mark, since: Since, links_behind: bool
) -> bool:
    """Check the rows written since the mark and those linked after it; False when the
    table lost rows since (the full merge then names them), or when most of its rows
    are to be checked anyway (the full merge reads them quicker)."""
    station, table = checks.station, checks.table
    expected = mark.counts.get(table, 0) + inserted_since(connection, mark, table, since)
    if counts(connection, station, [table])[table] != expected:
        return False
    keys = _keys(table)
    ids = ids_to_check(connection, mark, table, since)
    if len(ids) > expected // 2:  # most rows written anew (a restored dump): one merge is quicker
        return False
    for start in range(0, len(ids), _YIELD):
        chunk = ids[start : start + _YIELD]
        check_rows(
            checks,
            iter(rows_of(connection, station, table, keys, chunk)),
            iter(newest_links_of(connection, station, table, chunk)),
            links_behind=links_behind,
        )
    return True


def _walk_links(
    connection: Connection, station: str, report: AuditReport, *, after: int = 0, prev: str = ""
) -> int:
    """The chain checks of one station after link `after` (whose hash is `prev`); its
    newest link's number (`after` when there is none beyond)."""
    expected, prev_hash, head = after + 1, prev, after
    if after:
        report.heads[station] = after
    rows = connection.execution_options(yield_per=_YIELD).execute(
        text(
            "SELECT seq, table_name, row_id, schema_id, content, hash FROM audit_link "
            "WHERE station = :s AND seq > :after ORDER BY seq"
        ),
        {"s": station, "after": after},
    )
    for seq, table, row_id, schema_id, content, stored in rows:
        report.links += 1
        head = report.heads[station] = int(seq)
        where = f"central link {seq} of station {station!r} ({table} {row_id})"
        if seq != expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            report.problems.append(
                Problem(
                    station,
                    expected,
                    "link_missing",
                    f"central link(s) {missing} of station {station!r} are missing: deleted.",
                    table,
                    row_id,
                )
            )
        elif link_hash(prev_hash, station, seq, table, row_id, schema_id, content) != stored:
            report.problems.append(
                Problem(
                    station,
                    seq,
                    "link_edited",
                    f"{where} was edited, or does not follow link {seq - 1}.",
                    table,
                    row_id,
                )
            )
        expected, prev_hash = int(seq) + 1, str(stored)
    return head


def _schemas(connection: Connection, station: str) -> dict[int, tuple[str, ...]]:
    rows = connection.execute(
        text("SELECT id, columns FROM audit_schema WHERE station = :s"), {"s": station}
    )
    found: dict[int, tuple[str, ...]] = {}
    for schema_id, columns in rows:
        try:
            found[int(schema_id)] = tuple(str(name) for name in json.loads(columns))
        except (TypeError, ValueError):  # every row hashed over it mismatches, and says so
            found[int(schema_id)] = ()
    return found


def _newest_links(
    connection: Connection, station: str, table: str
) -> Iterator[tuple[str, int, int, str]]:
    """Each row's newest link (row id, seq, schema, content), by row id."""
    yield from connection.execution_options(yield_per=_YIELD).execute(
        text(
            'SELECT DISTINCT ON (row_id) row_id COLLATE "C", seq, schema_id, content '
            "FROM audit_link WHERE station = :s AND table_name = :t "
            'ORDER BY row_id COLLATE "C", seq DESC'
        ),
        {"s": station, "t": table},
    )


def _keys(table: str) -> list[str]:
    """The central table's columns beside `data` (what central queries read)."""
    return [column.name for column in metadata.tables[table].columns if column.name != "data"]


def _central_rows(
    connection: Connection, station: str, table: str
) -> Iterator[tuple[str, Mapping[str, Any], dict[str, Any]]]:
    """The table's central rows of `station` by id: the row id as the station keeps it,
    its data, and the columns central queries read beside it."""
    keys = _keys(table)
    rows = connection.execution_options(yield_per=_YIELD).execute(
        text(
            f"SELECT replace(id::text, '-', '') AS key, data, {', '.join(keys)} FROM {table} "
            # A uuid sorts by its bytes: the order of its hex digits, as the links sort.
            "WHERE station = :s ORDER BY id"
        ),
        {"s": station},
    )
    for key, data, *values in rows:
        yield str(key), data, dict(zip(keys, values, strict=True))


def _check_anchors(central: Engine, report: AuditReport) -> None:
    """The newest central anchor of each station must be on its central chain."""
    with connected(central) as connection:
        for anchor in report.anchors:
            synced = connection.execute(
                text("SELECT position FROM sync_cursor WHERE station = :s AND stream = :t"),
                {"s": anchor.station, "t": LINK_STREAM},
            ).scalar_one_or_none()
            if synced is None or anchor.seq > synced:
                continue  # anchored ahead of the links synced so far: the next sync brings them
            stored = connection.execute(
                text("SELECT hash FROM audit_link WHERE station = :s AND seq = :q"),
                {"s": anchor.station, "q": anchor.seq},
            ).scalar_one_or_none()
            if stored is None:
                report.problems.append(
                    Problem(
                        anchor.station,
                        anchor.seq,
                        "truncated",
                        f"central link {anchor.seq} of station {anchor.station!r}, anchored at "
                        f"{anchor.at}, is missing: the chain was cut back.",
                    )
                )
            elif stored != anchor.hash:
                report.problems.append(
                    Problem(
                        anchor.station,
                        anchor.seq,
                        "rewritten",
                        f"central link {anchor.seq} of station {anchor.station!r} is not the "
                        f"one anchored at {anchor.at}: the chain was rewritten.",
                    )
                )
