"""reserved slot for central audit links (this session); an empty step until filled

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-03 14:40:00
"""

revision = "c0009"
down_revision = "c0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
