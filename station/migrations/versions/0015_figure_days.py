"""reserved slot for supervisor per-day figure totals (this session); an empty step until filled

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:40:00
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
