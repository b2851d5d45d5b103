"""What is known of each station's chain without walking it: one statement, cheap enough
for every dashboard refresh (each station's newest link and anchor by their keys).

At a station: its store's chains, with the verifications recorded beside the store
(station.audit.verified_here). Centrally: every station that syncs, with its verified
mark (station.audit.central_marks), which only a clean `audit verify --central` leaves,
or its newest finding of a problem when that is newer (a verification that found one
records it, append-only): a PROBLEM until a later clean verification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from station.audit.records import CHAINED_STATIONS
from station.audit.registry import SHARED_CHAINS
from station.audit.state import Known, Verification

VERIFY_CENTRAL = "run `main.py audit verify --central`"

# The stations on the chain (records.CHAINED_STATIONS), each one's head and newest anchor.
_LOCAL = text(
    CHAINED_STATIONS + " SELECT c.station,"
    " (SELECT max(seq) FROM auditlink l WHERE l.station = c.station),"
    " a.seq, a.anchored_at"
    " FROM chained c LEFT JOIN auditanchor a ON a.id = (SELECT id FROM auditanchor n"
    # Newest first by rowid, stopping at the station's first: no index on station.
    " WHERE n.station = c.station ORDER BY id DESC LIMIT 1)"
    " WHERE c.station IS NOT NULL ORDER BY c.station"
)


def local_known(
    connection: Connection, verified: Mapping[str, Verification], how_to_verify: str
) -> list[Known]:
    """Each station of a store (not its packers' chain: its problems count against
    every station, and the verification records them so)."""
    rows = connection.execute(_LOCAL).all()
    return [
        Known(
            station=str(station),
            head=int(head or 0),
            verified=verified.get(str(station)),
            anchor=None if anchor_seq is None else (int(anchor_seq), _utc(anchored_at)),
            how_to_verify=how_to_verify,
        )
        for station, head, anchor_seq, anchored_at in rows
        if station not in SHARED_CHAINS
    ]


def central_known(connection: Connection) -> list[Known]:
    """Each station that syncs to the central database, by name: its newest clean
    verification (mark) or, when newer, its newest finding of a problem."""
    marks, findings = connection.execute(
        text("SELECT to_regclass('audit_verified'), to_regclass('audit_finding')")
    ).one()
    mark_columns = "v.seq, v.verified_at" if marks else "NULL, NULL"
    mark_join = "LEFT JOIN audit_verified v ON v.station = s.station" if marks else ""
    # The newest finding by its index (station, found_at DESC): one probe per station.
    found_columns = (
        "f.seq, f.found_at, f.first_problem, f.problems, f.found_by"
        if findings
        else "NULL, NULL, NULL, NULL, NULL"
    )
    found_join = (
        "LEFT JOIN LATERAL (SELECT seq, found_at, first_problem, problems, found_by "
        "FROM audit_finding n WHERE n.station = s.station ORDER BY found_at DESC LIMIT 1) f "
        "ON true"
        if findings
        else ""
    )
    rows = connection.execute(
        text(
            "SELECT s.station, (SELECT max(seq) FROM audit_link l WHERE l.station = s.station), "
            f"{mark_columns}, {found_columns}, a.seq, a.anchored_at "
            "FROM (SELECT DISTINCT station FROM sync_cursor) s "
            f"{mark_join} {found_join} "
            "LEFT JOIN LATERAL (SELECT seq, anchored_at FROM audit_anchor n "
            "WHERE n.station = s.station ORDER BY seq DESC LIMIT 1) a ON true "
            "ORDER BY s.station"
        )
    ).all()
    return [
        Known(
            station=str(row[0]),
            head=int(row[1] or 0),
            verified=_newest_verification(row[2:4], row[4:9]),
            anchor=None if row[9] is None else (int(row[9]), _utc(row[10])),
            how_to_verify=VERIFY_CENTRAL,
        )
        for row in rows
        if row[0] not in SHARED_CHAINS
    ]


def _newest_verification(mark: Sequence[Any], finding: Sequence[Any]) -> Verification | None:
    """A finding stands until a clean verification that read a newer snapshot."""
    mark_seq, marked_at = mark
    found_seq, found_at, first_problem, problems, found_by = finding
    if found_at is not None and (marked_at is None or _utc(found_at) > _utc(marked_at)):
        return Verification(
            _utc(found_at), int(found_seq), str(first_problem), int(problems), str(found_by)
        )
    return None if mark_seq is None else Verification(_utc(marked_at), int(mark_seq))


def _utc(value: object) -> datetime:
    """A time as the database gives it: PostgreSQL's aware, SQLite's naive UTC text."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
