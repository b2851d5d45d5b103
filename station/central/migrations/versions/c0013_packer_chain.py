"""reserved slot for the packer table on the central audit chain (this session); an empty step until filled

Revision ID: c0013
Revises: c0012
Create Date: 2026-12-03 17:45:00
"""

revision = "c0013"
down_revision = "c0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
