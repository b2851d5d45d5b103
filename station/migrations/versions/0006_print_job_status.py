"""print job status: what is still to send is read by an index; "sending" before the bytes

Each print job gets the status of its newest attempt, kept by triggers, so
the print queue reads the jobs still to send (or to ask the packer about)
through an index instead of checking every attempt ever made. An attempt
gets the printer's checkpoint (its label counter before the bytes went out)
and the packer who answered "did it print?".

Existing jobs take their old meaning: a job with a delivered, rejected or
cancelled attempt is done; otherwise it has the status of its newest
attempt (failed), or is pending.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# An attempt stored before its job (one flush may write both, in any order)
# still sets the job's status: the second trigger reads it when the job comes.
_TRIGGERS = (
    """
    CREATE TRIGGER printattempt_sets_job_status AFTER INSERT ON printattempt
    BEGIN
        UPDATE printjob SET status = NEW.status WHERE id = NEW.job_id;
    END
    """,
    """
    CREATE TRIGGER printjob_takes_stored_attempt AFTER INSERT ON printjob
    WHEN EXISTS (SELECT 1 FROM printattempt WHERE job_id = NEW.id)
    BEGIN
        UPDATE printjob SET status = (
            SELECT status FROM printattempt WHERE job_id = NEW.id ORDER BY seq DESC LIMIT 1
        ) WHERE id = NEW.id;
    END
    """,
)


def upgrade() -> None:
    op.add_column(
        "printjob",
        sa.Column(
            "status",
            sqlmodel.sql.sqltypes.AutoString(),
            nullable=False,
            server_default="pending",
        ),
    )
    op.add_column(
        "printattempt",
        sa.Column(
            "checkpoint", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
        ),
    )
    op.add_column("printattempt", sa.Column("packer_id", sa.Uuid(), nullable=True))
    op.execute(
        """
        UPDATE printjob SET status = COALESCE(
            (SELECT a.status FROM printattempt a WHERE a.job_id = printjob.id
               AND a.status IN ('delivered', 'rejected', 'cancelled')
             ORDER BY a.seq DESC LIMIT 1),
            (SELECT a.status FROM printattempt a WHERE a.job_id = printjob.id
             ORDER BY a.seq DESC LIMIT 1),
            'pending')
        """
    )
    op.create_index(
        "ix_printjob_station_status", "printjob", ["station", "status", "seq"], unique=False
    )
    for trigger in _TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS printjob_takes_stored_attempt")
    op.execute("DROP TRIGGER IF EXISTS printattempt_sets_job_status")
    op.drop_index("ix_printjob_station_status", table_name="printjob")
    with op.batch_alter_table("printattempt") as batch_op:
        batch_op.drop_column("packer_id")
        batch_op.drop_column("checkpoint")
    with op.batch_alter_table("printjob") as batch_op:
        batch_op.drop_column("status")
