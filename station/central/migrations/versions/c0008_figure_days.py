"""reserved slot for central per-day figure totals (this session); an empty step until filled

Revision ID: c0008
Revises: c0007
Create Date: 2026-12-03 14:40:00
"""

revision = "c0008"
down_revision = "c0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
