"""verified marks, and the central packers on a chain of their own

The packers' badges, roles and PIN hashes every station pulls are chained
here (station.audit.central_packers): the rows the database holds now, and
from then on those each `central import packers` writes, in its transaction.
A role changed centrally by plain SQL is named by `audit verify --central`.

A year of 20 busy stations is some 72 million links and rows, an hour or more
of hashing. Each clean verification now leaves a mark per station (its newest
link, that link's hash, the transaction horizon it read at, and how many rows
of each table it found), and the next one walks only what came after the
mark, and checks the rows written since then (a row's xmin says so), with
counts and the links' own xmin for what lay before (station.audit.central_marks).
`--full` walks everything, as before. The index finds a row's links by id.

Only the database owner writes marks: a station's login reads them.

Frozen: this upgrade must do the same forever, so what chaining the packers
takes (their columns, the digest PostgreSQL computes, a link's hash) is written
out below rather than taken from station.audit.central_packers, which may move
on. The index is built in the upgrade's one transaction (not CONCURRENTLY:
`central init` holds every migration in one transaction under its advisory
lock, where PostgreSQL refuses a concurrent build); it holds back the stations'
link pushes while it builds, some minutes for a year of 20 stations.

Revision ID: c0013
Revises: c0012
Create Date: 2026-12-03 17:45:00
"""

import hashlib
import json

from alembic import op
from sqlalchemy import Connection, text

from station.central.roles import group_role, quote

revision = "c0013"
down_revision = "c0012"
branch_labels = None
depends_on = None

CHAIN = "~packers"  # no station can be named so (station.central.roles)
TABLE = "packer"
SCHEMA_ID = 1
COLUMNS = ("id", "badge", "name", "role", "pin_hash", "created_at", "updated_at")
# The row's digest, by PostgreSQL (in UTC): the row as jsonb, only the chain's columns.
DIGEST = (
    "encode(sha256(convert_to((SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(p)) "
    "WHERE key = ANY(CAST(:columns AS text[])))::text, 'UTF8')), 'hex')"
)


def upgrade() -> None:
    db = op.get_bind()
    database = db.execute(text("SELECT current_database()")).scalar_one()
    op.execute(
        """
        CREATE TABLE audit_verified (
            station text PRIMARY KEY,
            seq bigint NOT NULL,
            hash text NOT NULL,
            horizon bigint NOT NULL,
            counts jsonb NOT NULL,
            verified_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    # In the verifier's order (bytes: COLLATE "C"), as it merges links with rows by id.
    op.execute('CREATE INDEX ix_audit_link_row ON audit_link (station, row_id COLLATE "C", seq)')
    op.execute(f"GRANT SELECT ON audit_verified TO {quote(group_role(database))}")
    # The central packers on their chain, from here on chained by every `central import
    # packers` (station.audit.central_packers, which hashes them the same way).
    _chain_packers(db)


def _link_hash(prev: str, seq: int, row_id: str, content: str) -> str:
    fields = json.dumps([prev, CHAIN, seq, TABLE, row_id, SCHEMA_ID, content])
    return hashlib.sha256(fields.encode()).hexdigest()


def _chain_packers(db: Connection) -> None:
    """Link every central packer row, by id, after the chain's head (none, but for a
    chain begun before this upgrade ran)."""
    zone = db.execute(text("SELECT current_setting('TimeZone')")).scalar_one()
    db.execute(text("SELECT set_config('TimeZone', 'UTC', true)"))  # the digests' times
    db.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit ~packers'))"))
    db.execute(
        text(
            "INSERT INTO audit_schema (station, id, table_name, columns) "
            "VALUES (:s, :id, :t, :c) ON CONFLICT DO NOTHING"
        ),
        {"s": CHAIN, "id": SCHEMA_ID, "t": TABLE, "c": json.dumps(list(COLUMNS))},
    )
    rows = db.execute(
        text(f"SELECT replace(p.id::text, '-', ''), {DIGEST} FROM packer p ORDER BY p.id"),
        {"columns": list(COLUMNS)},
    ).all()
    # Later migrations of this transaction see the session's own time zone again.
    db.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": zone})
    head = db.execute(
        text("SELECT seq, hash FROM audit_link WHERE station = :s ORDER BY seq DESC LIMIT 1"),
        {"s": CHAIN},
    ).first()
    seq, prev = (int(head[0]), str(head[1])) if head else (0, "")
    links = []
    for row_id, content in rows:
        seq += 1
        prev = _link_hash(prev, seq, str(row_id), str(content))
        links.append({"seq": seq, "row_id": str(row_id), "content": str(content), "hash": prev})
    if links:
        db.execute(
            text(
                "INSERT INTO audit_link (station, seq, table_name, row_id, schema_id, content, "
                "hash) VALUES (:station, :seq, :table_name, :row_id, :schema_id, :content, :hash)"
            ),
            [
                {"station": CHAIN, "table_name": TABLE, "schema_id": SCHEMA_ID, **link}
                for link in links
            ],
        )


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
