"""parcel items: what went into each box

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parcelitem",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("parcelitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parcelitem_parcel_id"), ["parcel_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("parcelitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcelitem_parcel_id"))
    op.drop_table("parcelitem")
