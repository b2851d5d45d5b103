"""The central tables sync and status write and read (SQLAlchemy Core).

The migrations (station/central/migrations) create them; this module only
names the columns code uses. Reference tables share the station's models
(station.models), whose names and columns the central schema repeats.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()


def _event(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("station", Text, nullable=False),
        Column("seq", BigInteger, nullable=False),
        *columns,
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("data", JSONB, nullable=False),
    )


scanevent = _event("scanevent", Column("order_id", Uuid), Column("verdict", Text))
orderevent = _event("orderevent", Column("order_id", Uuid), Column("kind", Text))
parcel = _event("parcel", Column("order_id", Uuid), Column("tracking", Text))
printjob = _event("printjob", Column("parcel_id", Uuid), Column("kind", Text))
printattempt = _event("printattempt", Column("job_id", Uuid), Column("status", Text))
# Evidence of packing (station.evidence, migration c0007): hashes and deletions, no files.
evidencefile = _event("evidencefile", Column("order_number", Text), Column("kind", Text))
evidencedeletion = _event("evidencedeletion", Column("evidence_id", Uuid), Column("reason", Text))
# The handoff to the courier (station.handoff, migration c0006).
handoff_load = _event("handoff_load", Column("courier_id", Text))
handoff_scan = _event(
    "handoff_scan", Column("load_id", Uuid), Column("parcel_id", Uuid), Column("verdict", Text)
)
handoff_close = _event("handoff_close", Column("load_id", Uuid))
handoff_conflict = Table(
    "handoff_conflict",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("parcel_id", Uuid, nullable=False),
    Column("detected_at", DateTime(timezone=True), nullable=False),
)
parcelitem = Table(
    "parcelitem",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("station", Text, nullable=False),
    Column("parcel_id", Uuid, nullable=False),
    Column("data", JSONB, nullable=False),
)

sync_cursor = Table(
    "sync_cursor",
    metadata,
    Column("station", Text, primary_key=True),
    Column("stream", Text, primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("delivered", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("station", Text, nullable=False),
    Column("stream", Text, nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("rows", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    implicit_returning=False,  # stations may add rows here, not read them back
)
