"""reserved slot for audit chain storage (this session); an empty step until filled

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:40:00
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
