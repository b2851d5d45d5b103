"""audit chain: a hash chain over every stored event, anchors, and supervisor PIN attempts

The events already stored are chained by 0016 (station.audit.slim), in one
pass per table and straight into the links' slim form, so an upgraded store
verifies like a new one (station.audit). This step used to chain them, by id,
into the hex-text form: minutes on a year's store.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

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


def downgrade() -> None:
    op.drop_index("ix_supervisorauth_packer_created", table_name="supervisorauth")
    op.drop_table("supervisorauth")
    op.drop_table("auditanchor")
    op.drop_table("auditschema")
    op.drop_table("auditlink")
