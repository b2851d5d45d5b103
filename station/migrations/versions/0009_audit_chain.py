"""audit chain: a hash chain over every stored event, anchors, and supervisor PIN attempts

The events already stored are chained here, table by table, so an upgraded
store verifies like a new one (station.audit).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from station.audit.chain import append_links, row_key
from station.audit.registry import AUDITED

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditlink",
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("schema_id", sa.Integer(), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("station", "seq"),
    )
    op.create_table(
        "auditschema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("columns", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "auditanchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("anchored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "supervisorauth",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("packer_id", sa.Uuid(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("how", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_supervisorauth_packer_created", "supervisorauth", ["packer_id", "created_at"]
    )
    _chain_existing(op.get_bind())


def _chain_existing(connection: sa.Connection) -> None:
    present = set(sa.inspect(connection).get_table_names())
    for entry in AUDITED:
        if entry.table not in present:
            continue  # a table a later migration creates: chained as it is written
        ids = [
            row_key(row[0])
            for row in connection.exec_driver_sql(f"SELECT id FROM {entry.table} ORDER BY rowid")
        ]
        for start in range(0, len(ids), 500):
            append_links(connection, {entry.table: ids[start : start + 500]}, cache={})


def downgrade() -> None:
    op.drop_index("ix_supervisorauth_packer_created", table_name="supervisorauth")
    op.drop_table("supervisorauth")
    op.drop_table("auditanchor")
    op.drop_table("auditschema")
    op.drop_table("auditlink")
