"""Migration 0016's step: the chain's links kept slim, and a store's events chained at once.

Links as 0009 first kept them held the row id, content digest, previous hash
and own hash as hex text and the table by name, in a rowid table with a
separate index on its key. Here they become raw bytes, the table named by
the link's schema and the previous hash read from the previous link
(station.audit.records): same hashes, same checks, a fraction of the bytes.

A store upgraded from before the chain has no links yet: its events are
chained here, in one pass per table (station.audit.chain.chain_existing).
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection

from station.audit.chain import chain_existing

log = logging.getLogger("packstation.audit")
_SLIM = """
CREATE TABLE auditlink_slim (
    station VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    row_id BLOB NOT NULL,
    schema_id INTEGER NOT NULL,
    content BLOB NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (station, seq)
)
"""


# The two fields the slim form drops are checked here, as the verifier checked them: a
# link whose table is not its schema's, or whose copy of the previous hash is not that
# link's hash, was edited; its row id is spoilt on the way, so the verifier names it.
_CONVERT = """
INSERT INTO auditlink_slim (station, seq, row_id, schema_id, content, hash)
SELECT station, seq, audit_unhex(CASE WHEN agrees THEN row_id ELSE '!' || row_id END),
       schema_id, audit_unhex(content), audit_unhex(hash)
FROM (
    SELECT l.station, l.seq, l.row_id, l.schema_id, l.content, l.hash,
           coalesce(l.table_name = s.table_name, 0)
           AND l.prev = coalesce(lag(l.hash) OVER (PARTITION BY l.station ORDER BY l.seq), '')
           AS agrees
    FROM auditlink l LEFT JOIN auditschema s ON s.id = l.schema_id
)
ORDER BY station, seq
"""


def _unhex(text: object) -> bytes:
    """Hex text as bytes; anything else (a link edited by hand) kept recognisably, so the
    verifier still names that link instead of the upgrade failing."""
    try:
        return bytes.fromhex(str(text))
    except ValueError:
        return b"!" + str(text).encode()


def slim_links(connection: Connection) -> int:
    """Convert hex-text links to the slim table, or chain a store that has none; how many
    links the store holds then."""
    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(auditlink)")}
    if "prev" in columns:
        log.info("audit chain: converting its links to the slim form (migration 0016)")
        driver = connection.connection.dbapi_connection
        driver.create_function("audit_unhex", 1, _unhex, deterministic=True)  # type: ignore[union-attr]
        connection.exec_driver_sql(_SLIM)
        connection.exec_driver_sql(_CONVERT)
        connection.exec_driver_sql("DROP TABLE auditlink")
        connection.exec_driver_sql("ALTER TABLE auditlink_slim RENAME TO auditlink")
    count = int(connection.exec_driver_sql("SELECT count(*) FROM auditlink").scalar_one())
    if count == 0:
        count = chain_existing(connection)
    return count
