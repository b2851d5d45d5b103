"""handoff: reserved for issue 14 (loads and manifests)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:30:00
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
