"""The audit trail in the central database: anchors (c0005) and the chains themselves (c0009)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, Column, DateTime, Engine, Integer, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import insert

from station.audit.registry import STORE_CHAIN
from station.audit.report import Anchor
from station.central.connect import connected

_metadata = MetaData()
audit_anchor = Table(
    "audit_anchor",
    _metadata,
    Column("station", Text, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("hash", Text, nullable=False),
    Column("anchored_at", DateTime(timezone=True), nullable=False),
)


def send_anchors(central: Engine, anchors: Sequence[Anchor]) -> None:
    """Store the anchors centrally (again is harmless); raises CentralUnreachable.

    Not the store's own chain (the packers): every store has one under the same
    name, so centrally one store's anchor would stand for another's chain.
    """
    rows = [
        {"station": anchor.station, "seq": anchor.seq, "hash": anchor.hash}
        for anchor in anchors
        if anchor.station != STORE_CHAIN
    ]
    if not rows:
        return
    with connected(central) as connection:
        connection.execute(
            insert(audit_anchor).values(rows).on_conflict_do_nothing(),
        )


def central_anchors(central: Engine, station: str) -> list[Anchor]:
    """The station's newest central anchor (a list: none before the first)."""
    with connected(central) as connection:
        row = connection.execute(
            select(audit_anchor)
            .where(audit_anchor.c.station == station)
            .order_by(audit_anchor.c.seq.desc())
            .limit(1)
        ).first()
    if row is None:
        return []
    return [Anchor(row.station, int(row.seq), row.hash, row.anchored_at.isoformat(), "central")]


# The chains themselves (migration c0009), sent by sync (station.sync.audit_links).
audit_link = Table(
    "audit_link",
    _metadata,
    Column("station", Text, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("table_name", Text, nullable=False),
    Column("row_id", Text, nullable=False),
    Column("schema_id", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("hash", Text, nullable=False),
)
audit_schema = Table(
    "audit_schema",
    _metadata,
    Column("station", Text, primary_key=True),
    Column("id", Integer, primary_key=True),
    Column("table_name", Text, nullable=False),
    Column("columns", Text, nullable=False),
)
