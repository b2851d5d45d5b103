"""conflicts: reserved for issue 11 (double_packed)

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-03 11:30:00
"""

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
