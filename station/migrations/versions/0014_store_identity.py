"""store identity: a random id for this store, made once, so the central database can
tell this store's events from another store's under the same station name

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:00:00
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "storeidentity",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": uuid.uuid4()}])


def downgrade() -> None:
    op.drop_table("storeidentity")
