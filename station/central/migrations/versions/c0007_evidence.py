"""evidence: reserved for issue 12

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-03 11:30:00
"""

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
