"""figure readers: each login of the group may move a reader's mark on the saved days

Two dashboards reading the central figures at once both note how far they have
looked at each station's events (figure_day_mark). That was a DELETE then an
INSERT, and the second of two readers at once failed on the duplicate key and
summed every finished day from the events from then on. It is now one
INSERT ... ON CONFLICT DO UPDATE (station.supervisor.saved_days), which needs
UPDATE on the table as well.

Revision ID: c0012
Revises: c0011
Create Date: 2026-12-03 17:45:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0012"
down_revision = "c0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    op.execute(f"GRANT UPDATE ON figure_day_mark TO {quote(group_role(database))}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
