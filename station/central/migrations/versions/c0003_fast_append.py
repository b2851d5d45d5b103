"""store identity: which store a station name's events come from

A station's events are numbered by its own sequence; the first store that
delivers events under a station name is recorded here (its random id, made
with the store), and the push refuses any other store under that name, so two
stores' events never mix and neither is skipped as "already delivered".
Stations may read it and add their own row, never change one.

(The slot was reserved for the catch-up; the catch-up needed no schema.)

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-03 11:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    database = bind.execute(text("SELECT current_database()")).scalar_one()
    g = quote(group_role(database))
    op.execute(
        "CREATE TABLE station_store ("
        " station text PRIMARY KEY,"
        " store_id uuid NOT NULL,"
        " bound_at timestamptz NOT NULL DEFAULT now())"
    )
    op.execute(f"GRANT SELECT, INSERT ON station_store TO {g}")
    op.execute("ALTER TABLE station_store ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY station_store_read ON station_store FOR SELECT TO {g} USING (true)")
    op.execute(
        f"CREATE POLICY station_store_append ON station_store FOR INSERT TO {g} "
        "WITH CHECK (station = (SELECT central_current_station()))"
    )


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
