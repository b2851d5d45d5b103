"""supervisors: reserved for issue 13 (PIN lockouts, exception resolution)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:30:00
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
