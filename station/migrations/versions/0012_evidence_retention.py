"""evidence retention: a row for each recorded file deleted on purpose, append-only

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidencedeletion",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_evidencedeletion_evidence_id"), "evidencedeletion", ["evidence_id"], unique=True
    )
    # Append-only, as the evidence rows: a deletion is never taken back or changed.
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER evidencedeletion_no_{action.lower()} BEFORE {action} "
            "ON evidencedeletion BEGIN SELECT RAISE(ABORT, 'evidence rows are append-only'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER evidencedeletion_no_update")
    op.execute("DROP TRIGGER evidencedeletion_no_delete")
    op.drop_index(op.f("ix_evidencedeletion_evidence_id"), table_name="evidencedeletion")
    op.drop_table("evidencedeletion")
