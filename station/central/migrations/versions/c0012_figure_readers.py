"""reserved slot for central saved-day readers (this session); an empty step until filled

Revision ID: c0012
Revises: c0011
Create Date: 2026-12-03 17:45:00
"""

revision = "c0012"
down_revision = "c0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
