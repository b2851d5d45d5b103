"""supervisors: the indexes the supervisor figures read, so no figure reads a table

A period's seals, scans and order events are counted per station and packer
from these indexes alone (station.supervisor.figures), and an order's scans
are summed from its index entries: a month of a busy year's store reads the
month, not the year, and not one table row. The widened indexes keep their
names and first columns, so the bench's reads of them are as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:30:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (table, index, columns before, columns now)
_WIDENED = [
    (
        "scanevent",
        "ix_scanevent_order_line",
        ["order_id", "line_id"],
        ["order_id", "line_id", "verdict", "units_counted", "created_at"],
    ),
    (
        "scanevent",
        "ix_scanevent_created_packer",
        ["created_at", "packer_id", "verdict"],
        ["created_at", "packer_id", "verdict", "station", "units_counted"],
    ),
    (
        "parcel",
        "ix_parcel_created_packer",
        ["created_at", "packer_id"],
        ["created_at", "packer_id", "station", "order_id", "parcel_no", "parcel_count"],
    ),
]


def upgrade() -> None:
    for table, name, _before, now in _WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, now, unique=False)
    op.create_index(
        "ix_orderevent_created_kind",
        "orderevent",
        ["created_at", "kind", "station", "packer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_orderevent_created_kind", table_name="orderevent")
    for table, name, before, _now in _WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
