"""packer chain: the packers (badges, roles, PIN hashes) on the store's audit chain

A packer made a supervisor by plain SQL would sign in as one at every station
of the store; `audit verify` now names that row. The packers a store already
holds are chained here (station.audit.chain.chain_table), on the store's own
chain (station.audit.registry.STORE_CHAIN): a packer belongs to no one station.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:45:00
"""

from alembic import op

from station.audit.chain import chain_table

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    chain_table(op.get_bind(), "packer")


def downgrade() -> None:
    raise NotImplementedError("the audit chain is not downgraded; restore a backup")
