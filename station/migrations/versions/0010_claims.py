"""claims: the bench's mirror of central order claims, and the fence on order events

`orderclaim` holds, per order, the latest claim the station knows of (its
own, taken by the claim worker, and other stations' live ones, pulled at each
sync), so opening an order is decided at once, without the network.
`orderevent.fence` keeps the fencing number of `claim_taken` and
`claimed_elsewhere` events, which are pushed with the rest.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orderclaim",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=False),
        sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("packed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.add_column("orderevent", sa.Column("fence", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("orderevent", "fence")
    op.drop_table("orderclaim")
