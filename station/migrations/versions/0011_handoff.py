"""handoff: loads, the scans at the dock and each load's close, append-only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TABLES = ("handoff_load", "handoff_scan", "handoff_close")


def _text() -> sa.types.TypeEngine[str]:
    return sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    op.create_table(
        "handoff_load",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station", _text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("courier_id", _text(), nullable=False),
        sa.Column("courier", _text(), nullable=False),
        sa.Column("packer_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_load_station_seq", "handoff_load", ["station", "seq"])
    op.create_table(
        "handoff_scan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station", _text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("load_id", sa.Uuid(), nullable=True),
        sa.Column("raw", _text(), nullable=False),
        sa.Column("source", _text(), nullable=False),
        sa.Column("verdict", _text(), nullable=False),
        sa.Column("message", _text(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=True),
        sa.Column("tracking", _text(), nullable=True),
        sa.Column("awaiting", _text(), nullable=False),
        sa.Column("left_reason", _text(), nullable=False),
        sa.Column("driver", _text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_scan_station_seq", "handoff_scan", ["station", "seq"])
    op.create_index("ix_handoff_scan_load_verdict", "handoff_scan", ["load_id", "verdict"])
    op.create_index("ix_handoff_scan_parcel_verdict", "handoff_scan", ["parcel_id", "verdict"])
    # A parcel is loaded once: the database refuses a second `loaded` scan of it.
    op.create_index(
        "ux_handoff_scan_parcel_loaded",
        "handoff_scan",
        ["parcel_id"],
        unique=True,
        sqlite_where=sa.text("verdict = 'loaded'"),
    )
    op.create_table(
        "handoff_close",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station", _text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("load_id", sa.Uuid(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("driver_name", _text(), nullable=False),
        sa.Column("vehicle", _text(), nullable=False),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.Column("signature_note", _text(), nullable=False),
        sa.Column("photo_path", _text(), nullable=True),
        sa.Column("parcel_count", sa.Integer(), nullable=False),
        sa.Column("total_weight_g", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", _text(), nullable=False),
        sa.Column("manifest_path", _text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("load_id"),
    )
    op.create_index("ix_handoff_close_station_seq", "handoff_close", ["station", "seq"])
    # Append-only: a closed load, its scans and its manifest's hash never change.
    for table in _TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


def downgrade() -> None:
    for table in _TABLES:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{action}")
    op.drop_table("handoff_close")
    op.drop_table("handoff_scan")
    op.drop_table("handoff_load")
