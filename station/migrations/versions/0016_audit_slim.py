"""audit slim: the chain's links as raw bytes, no copy of the previous hash; events chained here

A year's links shrink to about a third (station.audit.slim); a store
upgraded from before 0009 has its stored events chained here, in one pass per
table, instead of by 0009 (faster, and straight into the slim form).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:40:00
"""

from alembic import op

from station.audit.slim import slim_links

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    slim_links(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("the audit chain is not downgraded; restore a backup")
