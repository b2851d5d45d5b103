"""The chain as sync sends it: links and the column lists they were hashed over, as text.

Sync (station.sync.audit_links) reads them here, so how the store keeps its
links is this package's business: the central copy always holds hex text,
the form the verifier hashes (station.audit.chain.link_hash).
"""

from __future__ import annotations

from sqlalchemy import Connection

from station.audit.verify import as_hex

# station, seq, table_name, row_id, schema_id, content, hash: the central row's columns.
LinkRow = tuple[str, int, str, str, int, str, str]
LINK_COLUMNS = ("station", "seq", "table_name", "row_id", "schema_id", "content", "hash")
SCHEMA_COLUMNS = ("station", "id", "table_name", "columns")


def links_after(connection: Connection, station: str, after: int, limit: int) -> list[LinkRow]:
    """Up to `limit` links of `station` after link `after`, in order."""
    rows = connection.exec_driver_sql(
        "SELECT l.station, l.seq, coalesce(s.table_name, '?'), l.row_id, l.schema_id, "
        "l.content, l.hash FROM auditlink l LEFT JOIN auditschema s ON s.id = l.schema_id "
        "WHERE l.station = ? AND l.seq > ? ORDER BY l.seq LIMIT ?",
        (station, after, limit),
    )
    return [
        (str(s), int(seq), str(t), as_hex(r), int(schema), as_hex(content), as_hex(digest))
        for s, seq, t, r, schema, content, digest in rows
    ]


def schemas(connection: Connection, station: str) -> list[tuple[str, int, str, str]]:
    """Every column list the store's links refer to, for `station`'s copy."""
    rows = connection.exec_driver_sql("SELECT id, table_name, columns FROM auditschema")
    return [(station, int(id_), str(table), str(columns)) for id_, table, columns in rows]
