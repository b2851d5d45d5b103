"""evidence: each closed video segment and photo of an order with its SHA-256, append-only

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidencefile",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_evidencefile_order_number"), "evidencefile", ["order_number"], unique=False
    )
    # Append-only: a recorded hash is never changed or taken back.
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER evidencefile_no_{action.lower()} BEFORE {action} ON evidencefile "
            "BEGIN SELECT RAISE(ABORT, 'evidence rows are append-only'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER evidencefile_no_update")
    op.execute("DROP TRIGGER evidencefile_no_delete")
    op.drop_index(op.f("ix_evidencefile_order_number"), table_name="evidencefile")
    op.drop_table("evidencefile")
