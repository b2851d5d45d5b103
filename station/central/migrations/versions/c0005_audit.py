"""audit: reserved for issue 13 (chain anchors)

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-03 11:30:00
"""

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
