"""reserved slot for aged-store scan speed (this session); an empty step until filled

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 17:45:00
"""

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
