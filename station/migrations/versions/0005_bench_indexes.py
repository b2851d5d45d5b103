"""bench indexes and station state: every bench and supervisor read uses an index

A station resumes from its one `stationstate` row instead of replaying its
history; a scale weight gets its own column on the scan event. The composite
indexes replace single-column ones they start with (a prefix serves the same
reads), and indexes nothing reads are dropped so that a scan writes fewer.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (table, index name, columns, unique)
_NEW_INDEXES = [
    ("scanevent", "ix_scanevent_station_seq", ["station", "seq"], False),
    ("scanevent", "ix_scanevent_order_line", ["order_id", "line_id"], False),
    ("scanevent", "ix_scanevent_created_packer", ["created_at", "packer_id", "verdict"], False),
    ("orderevent", "ix_orderevent_station_seq", ["station", "seq"], False),
    ("orderevent", "ix_orderevent_order_kind", ["order_id", "kind", "seq"], False),
    ("parcel", "ix_parcel_station_seq", ["station", "seq"], False),
    ("parcel", "ix_parcel_order_no", ["order_id", "parcel_no"], False),
    ("parcel", "ix_parcel_created_packer", ["created_at", "packer_id"], False),
    ("parcel", "ix_parcel_tracking", ["tracking"], False),
    ("printjob", "ix_printjob_station_seq", ["station", "seq"], False),
    ("printjob", "ix_printjob_station_created", ["station", "created_at", "seq"], False),
    ("printjob", "ix_printjob_parcel_seq", ["parcel_id", "seq"], False),
    ("printattempt", "ix_printattempt_station_seq", ["station", "seq"], False),
]
_OLD_INDEXES = [
    ("scanevent", "ix_scanevent_station", ["station"]),
    ("scanevent", "ix_scanevent_seq", ["seq"]),
    ("scanevent", "ix_scanevent_order_id", ["order_id"]),
    ("scanevent", "ix_scanevent_verdict", ["verdict"]),
    ("orderevent", "ix_orderevent_station", ["station"]),
    ("orderevent", "ix_orderevent_order_id", ["order_id"]),
    ("parcel", "ix_parcel_station", ["station"]),
    ("parcel", "ix_parcel_order_id", ["order_id"]),
    ("printjob", "ix_printjob_station", ["station"]),
    ("printjob", "ix_printjob_parcel_id", ["parcel_id"]),
]


def upgrade() -> None:
    op.create_table(
        "stationstate",
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("packer_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("awaiting", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("short_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=True),
        sa.Column("closing_box", sa.Boolean(), nullable=False),
        sa.Column("pending_labels", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scan", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("order_number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("station"),
    )
    op.add_column("scanevent", sa.Column("weight_g", sa.Integer(), nullable=True))
    # Weights used to be stored as the scan text "weight:1234 g".
    op.execute(
        "UPDATE scanevent SET weight_g = CAST(substr(raw, 8, length(raw) - 9) AS INTEGER) "
        "WHERE raw LIKE 'weight:% g'"
    )
    for table, name, columns, unique in _NEW_INDEXES:
        op.create_index(name, table, columns, unique=unique)
    for table, name, _columns in _OLD_INDEXES:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in _OLD_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns, _unique in _NEW_INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("scanevent") as batch_op:
        batch_op.drop_column("weight_g")
    op.drop_table("stationstate")
