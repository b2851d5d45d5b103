"""handoff: reserved for issue 14 (loads)

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-03 11:30:00
"""

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
