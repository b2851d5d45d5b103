"""reserved slot for the packer table on the audit chain (this session); an empty step until filled

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:45:00
"""

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
