"""audit links: each station's audit chain, link by link, append-only, its own rows only

A station's sync sends its audit links (and the column lists they were
hashed over) after its events (station.sync.audit_links), so `main.py audit
verify --central` can walk each station's chain here and check every central
event row against its link (station.audit.central_verify). Links are kept as
hex text, as the verifier hashes them. Stations may only add links for
themselves and never change or delete one.

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-03 14:40:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0009"
down_revision = "c0008"
branch_labels = None
depends_on = None

TABLES = ("audit_link", "audit_schema")

_SCHEMA = """
CREATE TABLE audit_link (
    station text NOT NULL,
    seq bigint NOT NULL,
    table_name text NOT NULL,
    row_id text NOT NULL,
    schema_id integer NOT NULL,
    content text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (station, seq)
);
CREATE TABLE audit_schema (
    station text NOT NULL,
    id integer NOT NULL,
    table_name text NOT NULL,
    columns text NOT NULL,
    PRIMARY KEY (station, id)
);
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    mine = "station = (SELECT central_current_station())"
    for table in TABLES:
        op.execute(f"GRANT SELECT, INSERT ON {table} TO {group}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {group} USING (true)")
        op.execute(
            f"CREATE POLICY {table}_append ON {table} FOR INSERT TO {group} WITH CHECK ({mine})"
        )


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
