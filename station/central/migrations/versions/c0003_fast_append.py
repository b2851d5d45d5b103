"""fast append: reserved for issue 11 (catch-up)

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-03 11:30:00
"""

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
