"""audit: each station's audit chain heads (anchors), append-only, its own rows only

A station writes its chain head here (station.audit.central); the verifier
then knows how long the chain was, so a station's store cut back to an older
state no longer verifies. Stations may only add anchors for themselves and
never change or delete one.

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-03 11:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None

_SCHEMA = """
CREATE TABLE audit_anchor (
    station text NOT NULL,
    seq bigint NOT NULL,
    hash text NOT NULL,
    anchored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station, seq)
);
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT, INSERT ON audit_anchor TO {group}")
    op.execute("ALTER TABLE audit_anchor ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY audit_anchor_read ON audit_anchor FOR SELECT TO {group} USING (true)"
    )
    op.execute(
        f"CREATE POLICY audit_anchor_append ON audit_anchor FOR INSERT TO {group} "
        "WITH CHECK (station = (SELECT central_current_station()))"
    )


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
