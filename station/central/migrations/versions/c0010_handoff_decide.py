"""reserved slot for central load decisions (this session); an empty step until filled

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-03 14:40:00
"""

revision = "c0010"
down_revision = "c0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
