"""evidence: the stations' evidence rows (each video segment and photo with its SHA-256)
and their deletions by retention or a full disk, append-only, as the other events

The files stay at the station (or in an exported bundle); the central rows let anyone
check a file against the hash the station took when it closed it, and see when and why
a file was deleted.

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-03 11:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None

TABLES = ("evidencefile", "evidencedeletion")

_SCHEMA = """
CREATE TABLE evidencefile (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    order_number text NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE evidencedeletion (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    evidence_id uuid NOT NULL UNIQUE,
    reason text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE INDEX ix_evidencefile_station_seq ON evidencefile (station, seq);
CREATE INDEX ix_evidencefile_order_number ON evidencefile (order_number);
CREATE INDEX ix_evidencedeletion_station_seq ON evidencedeletion (station, seq);
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT, INSERT ON {', '.join(TABLES)} TO {group}")
    mine = "station = (SELECT central_current_station())"
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {group} USING (true)")
        op.execute(
            f"CREATE POLICY {table}_append ON {table} FOR INSERT TO {group} WITH CHECK ({mine})"
        )


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
