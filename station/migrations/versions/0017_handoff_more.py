"""handoff: the dock's mirror of other stations' sealed parcels, voided labels and loads; the
station's warehouse

Local bookkeeping filled at each sync (station/handoff/remote.py), so a dock
decides `loaded`, `not_ready` and `wrong_courier` for parcels sealed at other
stations, online or not.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _text() -> sa.types.TypeEngine[str]:
    return sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    op.create_table(
        "handoff_remote_parcel",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station", _text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("order_number", _text(), nullable=False),
        sa.Column("tracking", _text(), nullable=False),
        sa.Column("courier", _text(), nullable=False),
        sa.Column("service", _text(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("warehouse", _text(), nullable=False),
        sa.Column("cancelled", _text(), nullable=True),
        sa.Column("in_exception", sa.Boolean(), nullable=False),
        sa.Column("scanned_back", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_remote_parcel_tracking", "handoff_remote_parcel", ["tracking"])
    op.create_index("ix_handoff_remote_parcel_created_at", "handoff_remote_parcel", ["created_at"])
    op.create_table(
        "handoff_remote_void",
        sa.Column("tracking", _text(), nullable=False),
        sa.Column("replaced_by", _text(), nullable=False),
        sa.PrimaryKeyConstraint("tracking"),
    )
    op.create_table(
        "handoff_remote_loaded",
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("station", _text(), nullable=False),
        sa.Column("load_id", sa.Uuid(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("parcel_id"),
    )

    op.create_table(
        "station_warehouse",
        sa.Column("station", _text(), nullable=False),
        sa.Column("warehouse", _text(), nullable=False),
        sa.PrimaryKeyConstraint("station"),
    )


def downgrade() -> None:
    op.drop_table("station_warehouse")
    op.drop_table("handoff_remote_loaded")
    op.drop_table("handoff_remote_void")
    op.drop_table("handoff_remote_parcel")
