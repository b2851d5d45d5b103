"""supervisors: the index the supervisor figures read order events by

Exceptions, short shipments, voids and reprints of a period are counted per
station and packer from this index alone (station.supervisor.figures), never
by reading every order event ever stored.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:30:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_orderevent_created_kind",
        "orderevent",
        ["created_at", "kind", "station", "packer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_orderevent_created_kind", table_name="orderevent")
