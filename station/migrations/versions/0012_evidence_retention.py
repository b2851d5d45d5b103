"""evidence retention and sync: a row for each recorded file deleted on purpose, append-only;
a station's own numbering of both tables' rows, for the central push

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

_NO_CHANGE = (
    "CREATE TRIGGER {table}_no_{name} BEFORE {action} ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'evidence rows are append-only'); END"
)


def upgrade() -> None:
    # The rows recorded before: numbered in the order they were written, per station.
    op.execute("ALTER TABLE evidencefile ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
    op.execute("DROP TRIGGER evidencefile_no_update")
    op.execute(
        "UPDATE evidencefile SET seq = (SELECT count(*) FROM evidencefile AS earlier "
        "WHERE earlier.station = evidencefile.station AND (earlier.created_at < "
        "evidencefile.created_at OR (earlier.created_at = evidencefile.created_at "
        "AND earlier.rowid <= evidencefile.rowid)))"
    )
    op.execute(_NO_CHANGE.format(table="evidencefile", name="update", action="UPDATE"))
    op.create_index("ix_evidencefile_station_seq", "evidencefile", ["station", "seq"])
    op.create_table(
        "evidencedeletion",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_evidencedeletion_evidence_id"), "evidencedeletion", ["evidence_id"], unique=True
    )
    op.create_index("ix_evidencedeletion_station_seq", "evidencedeletion", ["station", "seq"])
    # Append-only, as the evidence rows: a deletion is never taken back or changed.
    for action in ("UPDATE", "DELETE"):
        op.execute(_NO_CHANGE.format(table="evidencedeletion", name=action.lower(), action=action))


def downgrade() -> None:
    op.execute("DROP TRIGGER evidencedeletion_no_update")
    op.execute("DROP TRIGGER evidencedeletion_no_delete")
    op.drop_index("ix_evidencedeletion_station_seq", table_name="evidencedeletion")
    op.drop_index(op.f("ix_evidencedeletion_evidence_id"), table_name="evidencedeletion")
    op.drop_table("evidencedeletion")
    op.drop_index("ix_evidencefile_station_seq", table_name="evidencefile")
    op.execute("DROP TRIGGER evidencefile_no_update")
    op.execute("ALTER TABLE evidencefile DROP COLUMN seq")
    op.execute(_NO_CHANGE.format(table="evidencefile", name="update", action="UPDATE"))
