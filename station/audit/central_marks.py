"""Verified marks: `audit verify --central` walks only what came after the last clean one.

Walking a year of 20 busy stations link by link, and hashing every central
row, takes an hour or more (bench/central_audit.py). Each clean verification
of a station leaves a mark (table `audit_verified`, central migration c0013):
its newest link and that link's hash, the transaction horizon of the snapshot
it read (the oldest transaction still running), and how many rows of each
table it found. The next verification, unless `--full`:
- requires link `seq` to still have the mark's hash, the links up to it to
  number `seq`, and none of them written since the horizon (a row's xmin is
  the transaction that wrote it, and no SQL can set it back): an old link
  edited, deleted or replaced is named;
- walks the links after the mark from the mark's hash;
- checks, as a full run does, every row written since the horizon (an edit
  or an insertion in SQL writes the row anew) and every row with a link after
  the mark;
- counts each table's rows: fewer than the mark's plus those inserted since
  means rows were deleted, and that table is merged in full to name them;
- merges in full the tables of the quarantine batches written since the horizon
  (a quarantined row has no central row, and its link may lie before the mark),
  and every table when the station's quarantine holds fewer batches than then.
Only the database owner writes marks; `--full` ignores them. A station whose
verification found a problem, or whose newest events wait for their links,
gets no new mark: one found broken gets a finding instead (table
`audit_finding`, c0014, append-only, any login of the database may add one),
which the dashboards show as a PROBLEM until a newer clean verification's mark.
A mark and a finding carry the time of the snapshot their verification read,
so a long clean walk that ends after a finding does not hide it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from station.audit.report import AuditReport
from station.audit.state import station_states
from station.central.connect import CentralError, connected

log = logging.getLogger("packstation.audit")


@dataclass(frozen=True)
class Mark:
    station: str
    seq: int
    hash: str
    horizon: int  # the oldest transaction running when the verification read
    counts: Mapping[str, int]  # rows of each checked table then

    def since(self, connection: Connection) -> Since:
        """Which rows this transaction sees were written at or after the mark's horizon."""
        following = int(
            connection.execute(
                text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
            ).scalar_one()
        )
        return Since(following, following - self.horizon)


class Since(NamedTuple):
    """A row's xmin (32 bits) is `ref` less its distance below `ref` (wrapping): the row
    was written since the horizon when that distance is at most `dist`. The snapshot's
    own `ref`, not the one of PostgreSQL's age(), which moves on while a transaction reads."""

    ref: int
    dist: int

    def params(self) -> dict[str, int]:
        return {"ref": self.ref, "dist": self.dist}


def written_since(column: str = "xmin") -> str:
    """The SQL test of Since on a row's `column` (its xmin)."""
    return f"((:ref - {column}::text::bigint) % 4294967296 + 4294967296) % 4294967296 <= :dist"


def snapshot_horizon(connection: Connection) -> int:
    """The oldest transaction still running in this transaction's snapshot."""
    return int(
        connection.execute(
            text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        ).scalar_one()
    )


def read_marks(connection: Connection, stations: Iterable[str]) -> dict[str, Mark]:
    """The stations' marks (none for a database before c0013)."""
    exists = connection.execute(text("SELECT to_regclass('audit_verified')")).scalar()
    if exists is None:
        return {}
    rows = connection.execute(
        text(
            "SELECT station, seq, hash, horizon, counts FROM audit_verified "
            "WHERE station = ANY(:stations)"
        ),
        {"stations": list(stations)},
    )
    return {
        str(station): Mark(str(station), int(seq), str(digest), int(horizon), dict(counts))
        for station, seq, digest, horizon, counts in rows
    }


@dataclass(frozen=True)
class Finding:
    """A station a central verification found broken."""

    station: str
    seq: int  # the head walked
    first_problem: str
    problems: int


def record_outcome(
    central: Engine, report: AuditReport, found: Sequence[Mark], at: datetime
) -> list[str]:
    """Leave what a verification read at `at` found: a mark for each station found
    whole, a finding for each found broken; notes of what could not be written."""
    states = station_states(report)
    broken = {station for station, state in states.items() if not state.ok}
    broken |= {problem.station for problem in report.problems}
    findings = [
        Finding(station, report.heads.get(station, 0), state.first_problem, state.problems)
        for station, state in states.items()
        if not state.ok and state.first_problem is not None
    ]
    notes = [
        write_marks(central, [mark for mark in found if mark.station not in broken], at),
        write_findings(central, findings, at),
    ]
    return [note for note in notes if note]


def write_findings(central: Engine, findings: Sequence[Finding], at: datetime) -> str:
    """Add the findings (append-only: they stay); a note when they could not be."""
    if not findings:
        return ""
    try:
        with connected(central) as connection:
            if connection.execute(text("SELECT to_regclass('audit_finding')")).scalar() is None:
                return (
                    "The problems were not recorded centrally (the central database is before "
                    "c0014): the dashboards cannot show them. Run `main.py central init`."
                )
            connection.execute(
                text(
                    "INSERT INTO audit_finding (station, seq, problems, first_problem, found_at) "
                    "VALUES (:station, :seq, :problems, :first_problem, :at)"
                ),
                [
                    {
                        "station": finding.station,
                        "seq": finding.seq,
                        "problems": finding.problems,
                        "first_problem": finding.first_problem,
                        "at": at,
                    }
                    for finding in findings
                ],
            )
    except (DBAPIError, CentralError) as exc:  # a login that may not, a server gone meanwhile
        reason = _first_line(exc)
        log.warning("audit findings not recorded centrally: %s", reason)
        return (
            f"The problems were not recorded centrally ({reason}): the dashboards cannot "
            "show them; this report is the record."
        )
    return ""


def write_marks(central: Engine, marks: Sequence[Mark], at: datetime) -> str:
    """Store the marks, verified at `at` (when the verification's snapshot was read); a
    note when they could not be (a login that may not, or an old schema): the next
    verification then walks everything again."""
    if not marks:
        return ""
    try:
        with connected(central) as connection:
            allowed = connection.execute(
                text("SELECT has_table_privilege('audit_verified', 'INSERT')")
            ).scalar()
            if not allowed:
                return (
                    "No verified mark was written (this login may not): the next verification "
                    "walks every link again. Marks are written with the database owner's URL."
                )
            for mark in marks:
                connection.execute(
                    text(
                        "INSERT INTO audit_verified (station, seq, hash, horizon, counts, "
                        "verified_at) VALUES (:station, :seq, :hash, :horizon, "
                        "CAST(:counts AS jsonb), :at) "
                        "ON CONFLICT (station) DO UPDATE SET seq = excluded.seq, "
                        "hash = excluded.hash, horizon = excluded.horizon, "
                        "counts = excluded.counts, verified_at = excluded.verified_at"
                    ),
                    {
                        "station": mark.station,
                        "seq": mark.seq,
                        "hash": mark.hash,
                        "horizon": mark.horizon,
                        "counts": json.dumps(dict(mark.counts)),
                        "at": at,
                    },
                )
    except (DBAPIError, CentralError) as exc:  # an old schema, a server gone meanwhile
        reason = _first_line(exc)
        log.warning("audit verified marks not written: %s", reason)
        return (
            f"No verified mark was written ({reason}): the next verification walks every "
            "link again. Marks are written with the database owner's URL."
        )
    return ""


def _first_line(exc: Exception) -> str:
    """The database's own first line of a failure (the driver's, not SQLAlchemy's wrap)."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def counts(connection: Connection, station: str, tables: Iterable[str]) -> dict[str, int]:
    """How many central rows of `station` each table holds."""
    return {
        table: int(
            connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE station = :s"), {"s": station}
            ).scalar_one()
        )
        for table in tables
    }


def old_links_changed(connection: Connection, mark: Mark, since: Since) -> list[tuple[str, int]]:
    """What happened to the links up to the mark: (kind, link) for each finding."""
    found: list[tuple[str, int]] = []
    stored = connection.execute(
        text("SELECT hash FROM audit_link WHERE station = :s AND seq = :q"),
        {"s": mark.station, "q": mark.seq},
    ).scalar_one_or_none()
    if stored is None:
        found.append(("truncated", mark.seq))
    elif stored != mark.hash:
        found.append(("rewritten", mark.seq))
    kept, rewritten = connection.execute(
        text(
            f"SELECT count(*), min(seq) FILTER (WHERE {written_since()}) FROM audit_link "
            "WHERE station = :s AND seq <= :q"
        ),
        {"s": mark.station, "q": mark.seq, **since.params()},
    ).one()
    if rewritten is not None:
        found.append(("link_edited", int(rewritten)))
    if int(kept) != mark.seq:
        found.append(("link_missing", mark.seq))
    return found


QUARANTINE = "quarantine"  # a mark's count of the station's quarantined batches


def quarantine_changed(
    connection: Connection, mark: Mark, since: Since, tables: frozenset[str]
) -> frozenset[str]:
    """The tables to merge whole because the station's quarantine changed since the mark:
    those of the batches written since its horizon (an edit there writes the batch anew;
    its rows' links may all lie before the mark), every table when a batch is gone (or
    names no checked table: its stream was edited too). A parcel's items go with it."""
    streams = {
        str(row[0])
        for row in connection.execute(
            text(
                f"SELECT DISTINCT stream FROM quarantine WHERE station = :s AND {written_since()}"
            ),
            {"s": mark.station, **since.params()},
        )
    }
    kept = counts(connection, mark.station, [QUARANTINE])[QUARANTINE]
    if kept < mark.counts.get(QUARANTINE, 0) or not streams <= tables:
        return tables
    if "parcel" in streams:
        streams.add("parcelitem")
    return frozenset(streams)


def ids_to_check(connection: Connection, mark: Mark, table: str, since: Since) -> list[str]:
    """Row ids (as the links name them) of the rows written since the mark's horizon and
    of the rows with a link after the mark, in the links' order."""
    rows = connection.execute(
        text(
            f"SELECT replace(id::text, '-', '') FROM {table} "
            f"WHERE station = :s AND {written_since()} "
            "UNION SELECT row_id FROM audit_link WHERE station = :s AND seq > :q "
            "AND table_name = :t"
        ),
        {"s": mark.station, "q": mark.seq, "t": table, **since.params()},
    )
    return sorted(str(row[0]) for row in rows)


def inserted_since(connection: Connection, mark: Mark, table: str, since: Since) -> int:
    """Rows written since the horizon that no link up to the mark records: new rows."""
    return int(
        connection.execute(
            text(
                f"SELECT count(*) FROM {table} t WHERE t.station = :s AND "
                f"{written_since('t.xmin')} "
                "AND NOT EXISTS (SELECT 1 FROM audit_link l WHERE l.station = :s "
                "AND l.row_id COLLATE \"C\" = replace(t.id::text, '-', '') AND l.seq <= :q)"
            ),
            {"s": mark.station, "q": mark.seq, **since.params()},
        ).scalar_one()
    )


def newest_links_of(
    connection: Connection, station: str, table: str, ids: Sequence[str]
) -> list[tuple[str, int, int, str]]:
    """Each of `ids`' newest link (row id, seq, schema, content), by row id."""
    rows = connection.execute(
        text(
            'SELECT DISTINCT ON (row_id) row_id COLLATE "C", seq, schema_id, content '
            'FROM audit_link WHERE station = :s AND row_id COLLATE "C" = ANY(:ids) '
            "AND table_name = :t "
            'ORDER BY row_id COLLATE "C", seq DESC'
        ),
        {"s": station, "ids": list(ids), "t": table},
    )
    return [(str(a), int(b), int(c), str(d)) for a, b, c, d in rows]


def rows_of(
    connection: Connection, station: str, table: str, keys: Sequence[str], ids: Sequence[str]
) -> list[tuple[str, Mapping[str, Any], dict[str, Any]]]:
    """`ids`' central rows as the full check reads them, by id."""
    rows = connection.execute(
        text(
            f"SELECT replace(id::text, '-', '') AS key, data, {', '.join(keys)} FROM {table} "
            "WHERE station = :s AND id = ANY(CAST(:ids AS uuid[])) ORDER BY id"
        ),
        {"s": station, "ids": list(ids)},
    )
    return [(str(key), data, dict(zip(keys, values, strict=True))) for key, data, *values in rows]
