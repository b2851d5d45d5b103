"""What is known of each station's chain without walking it: one statement, cheap enough
for every dashboard refresh (each station's newest link and anchor by their keys).

At a station: its store's chains, with the verifications recorded beside the store
(station.audit.verified_here). Centrally: every station that syncs, with its verified
mark (station.audit.central_marks), which only a clean `audit verify --central` leaves;
a verification that found a problem leaves none there, so centrally a problem shows as
links not yet verified, never as intact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

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
    """Each station that syncs to the central database, by name."""
    marks = connection.execute(text("SELECT to_regclass('audit_verified')")).scalar() is not None
    mark_columns = "v.seq, v.verified_at" if marks else "NULL, NULL"
    mark_join = "LEFT JOIN audit_verified v ON v.station = s.station" if marks else ""
    rows = connection.execute(
        text(
            "SELECT s.station, (SELECT max(seq) FROM audit_link l WHERE l.station = s.station), "
            f"{mark_columns}, a.seq, a.anchored_at "
            "FROM (SELECT DISTINCT station FROM sync_cursor) s "
            f"{mark_join} "
            "LEFT JOIN LATERAL (SELECT seq, anchored_at FROM audit_anchor n "
            "WHERE n.station = s.station ORDER BY seq DESC LIMIT 1) a ON true "
            "ORDER BY s.station"
        )
    ).all()
    return [
        Known(
            station=str(station),
            head=int(head or 0),
            verified=None if mark_seq is None else Verification(_utc(marked_at), int(mark_seq)),
            anchor=None if anchor_seq is None else (int(anchor_seq), _utc(anchored_at)),
            how_to_verify=VERIFY_CENTRAL,
        )
        for station, head, mark_seq, marked_at, anchor_seq, anchored_at in rows
        if station not in SHARED_CHAINS
    ]


def _utc(value: object) -> datetime:
    """A time as the database gives it: PostgreSQL's aware, SQLite's naive UTC text."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
