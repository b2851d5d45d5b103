"""packer chain: the packers (badges, roles, PIN hashes) on the store's audit chain

A packer made a supervisor by plain SQL would sign in as one at every station
of the store; `audit verify` now names that row. The packers a store already
holds are chained here, in rowid order, on the store's own chain (named "":
station.audit.registry.STORE_CHAIN), a packer belonging to no one station. A
store chained already on the way (one from before the chain, whose every
table 0016 chained) is left be.

Frozen: this upgrade must do the same forever, so the chain's format as it is
here (a row's digest, a link's hash, the slim `auditlink` row) is written out
below rather than taken from station.audit.chain, which may move on.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:45:00
"""

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

CHAIN = ""  # the store's own chain
TABLE = "packer"


def _json_value(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def _content_digest(values: Mapping[str, object], columns: Sequence[str]) -> str:
    """SHA-256 of the row's canonical JSON: {column: value as SQLite holds it}, keys sorted."""
    canonical = json.dumps(
        {column: values.get(column) for column in columns},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_value,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _link_hash(prev: str, seq: int, row_id: str, schema_id: int, content: str) -> str:
    fields = json.dumps([prev, CHAIN, seq, TABLE, row_id, schema_id, content])
    return hashlib.sha256(fields.encode()).hexdigest()


def upgrade() -> None:
    db = op.get_bind()
    # By the chain's key: a year's links are not read for this.
    chained = db.exec_driver_sql(
        "SELECT 1 FROM auditlink WHERE station = ? AND schema_id IN "
        "(SELECT id FROM auditschema WHERE table_name = ?) LIMIT 1",
        (CHAIN, TABLE),
    ).first()
    if chained is not None:
        return
    # Every column of the packer table is hashed (none is derived bookkeeping).
    columns = tuple(str(row[1]) for row in db.exec_driver_sql(f"PRAGMA table_info({TABLE})"))
    names = ", ".join(f'"{column}"' for column in columns)
    rows = db.exec_driver_sql(f"SELECT {names} FROM {TABLE} ORDER BY rowid").all()
    if not rows:
        return  # nothing to chain: the first packer written gets the table's schema
    latest = db.exec_driver_sql(
        "SELECT id, columns FROM auditschema WHERE table_name = ? ORDER BY id DESC LIMIT 1",
        (TABLE,),
    ).first()
    if latest is not None and tuple(json.loads(latest[1])) == columns:
        schema_id = int(latest[0])
    else:
        inserted = db.exec_driver_sql(
            "INSERT INTO auditschema (table_name, columns) VALUES (?, ?)",
            (TABLE, json.dumps(list(columns))),
        )
        schema_id = int(inserted.lastrowid)
    head = db.exec_driver_sql(
        "SELECT seq, hash FROM auditlink WHERE station = ? ORDER BY seq DESC LIMIT 1", (CHAIN,)
    ).first()
    seq, prev = (int(head[0]), bytes(head[1]).hex()) if head else (0, "")
    links: list[tuple[object, ...]] = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        try:
            row_id = uuid.UUID(str(values["id"])).hex  # as SQLite stores a UUID: 32 hex digits
        except ValueError:
            continue  # a row put in by hand with no UUID: left unlinked, verify names it
        if row_id != values["id"]:
            continue  # the chain's writer looked rows up by that key, and passed this one by
        content = _content_digest(values, columns)
        seq += 1
        prev = _link_hash(prev, seq, row_id, schema_id, content)
        digests = (bytes.fromhex(row_id), schema_id, bytes.fromhex(content), bytes.fromhex(prev))
        links.append((CHAIN, seq, *digests))
    if links:
        db.exec_driver_sql(
            "INSERT INTO auditlink (station, seq, row_id, schema_id, content, hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            links,
        )


def downgrade() -> None:
    raise NotImplementedError("the audit chain is not downgraded; restore a backup")
