"""The audit chain's own tables: one link per chained row version, and anchors."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from station.models import utc_now


class AuditLink(SQLModel, table=True):
    """One version of one chained row, linked to the station's link before it.

    `content` is the SHA-256 of the row's canonical JSON (station.audit.chain),
    over the columns of `schema_id`, which also names the row's table; `hash`
    covers the link's every field (the table by name, the ids and digests as
    hex) and the hash of link `seq - 1` of the same station ("" for the first),
    which the verifier reads from that link. Kept slim (migration 0016): a
    year of a busy bench is millions of links, so the ids and digests are raw
    bytes and the table is the schema's.
    """

    # No index beyond the key: each scan's commit writes a link, and an index on
    # random row ids would cost every one of them; the verifier sorts instead.
    # A rowid table (not WITHOUT ROWID, which would save about 15% more): the store's
    # quick check at start (station.integrity) reads every table's ends by rowid.
    __tablename__ = "auditlink"

    station: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    row_id: bytes  # the row's id, 16 bytes (SQLite keeps it as 32 hex digits)
    schema_id: int
    content: bytes  # 32 bytes
    hash: bytes  # 32 bytes


class AuditSchema(SQLModel, table=True):
    """The columns a table had when rows were chained (a later column is not in old links)."""

    __tablename__ = "auditschema"

    id: int | None = Field(default=None, primary_key=True)
    table_name: str
    columns: str  # JSON list of the hashed column names, in order


class AuditAnchor(SQLModel, table=True):
    """A chain head as it was written to the log (and the central database)."""

    __tablename__ = "auditanchor"

    id: int | None = Field(default=None, primary_key=True)
    station: str
    seq: int
    hash: str
    anchored_at: datetime = Field(default_factory=utc_now)


# The stations on the chain, by a skip over the key's index (one lookup per station):
# SELECT DISTINCT would read every link (0.75 s on a year's store). A CTE to build on.
CHAINED_STATIONS = (
    "WITH RECURSIVE chained(station) AS ("
    " SELECT min(station) FROM auditlink"
    " UNION ALL"
    " SELECT (SELECT min(station) FROM auditlink WHERE station > chained.station)"
    " FROM chained WHERE chained.station IS NOT NULL"
    ")"
)
