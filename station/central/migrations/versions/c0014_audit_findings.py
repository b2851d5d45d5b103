"""audit findings: a central verification that finds a problem leaves a record of it

`audit verify --central` left a mark (audit_verified, c0013) only for a station
found clean; a station found broken left nothing, so the dashboards could say
"not yet verified" of a tampered station but never "PROBLEM". Each verification
that finds a problem now adds a row here per station: when (the time of the
snapshot it read), by whom (the login, set by the database, not by the caller),
the head it walked, the first problem in words and how many it found.

Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, whoever asks (a
supervisor holding a station's login, or the owner's, cannot clear a finding
with plain SQL; only by dropping the trigger, which the owner's rights allow, as
they allow rebuilding the chains' copies). A finding is superseded only by a
newer clean verification's mark, and stays in the table after that.

The stations' group may read and add findings (a station's login running the
verification records what it found, though it may not write marks); a time
ahead of the database's clock is brought back to it, so no finding can outlive
every later verification. The dashboards read each station's newest finding by
the index, in the same one statement as its mark (station.audit.known).

Revision ID: c0014
Revises: c0013
Create Date: 2026-12-04 10:00:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0014"
down_revision = "c0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    op.execute(
        """
        CREATE TABLE audit_finding (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            station text NOT NULL,
            seq bigint NOT NULL,
            problems integer NOT NULL CHECK (problems > 0),
            first_problem text NOT NULL,
            found_by text NOT NULL DEFAULT current_user,
            found_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX ix_audit_finding_newest ON audit_finding (station, found_at DESC)")
    op.execute(
        """
        CREATE FUNCTION audit_finding_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                NEW.found_by := current_user;
                NEW.found_at := least(NEW.found_at, now());
                RETURN NEW;
            END IF;
            RAISE EXCEPTION USING MESSAGE = 'audit_finding is append-only: a finding stays, '
                || 'superseded by a newer clean verification';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_finding_rows BEFORE INSERT OR UPDATE OR DELETE ON audit_finding "
        "FOR EACH ROW EXECUTE FUNCTION audit_finding_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_finding_truncate BEFORE TRUNCATE ON audit_finding "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_finding_append_only()"
    )
    op.execute(f"GRANT SELECT, INSERT ON audit_finding TO {quote(group_role(database))}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
