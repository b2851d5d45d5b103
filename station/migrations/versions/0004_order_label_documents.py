"""order label documents: a courier's own label imported with its order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 13:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orderlabeldocument",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("orderlabeldocument", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orderlabeldocument_order_id"), ["order_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("orderlabeldocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orderlabeldocument_order_id"))
    op.drop_table("orderlabeldocument")
