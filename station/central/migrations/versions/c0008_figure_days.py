"""figure days: the supervisor figures' saved per-day totals (station.supervisor.saved_days)

Also the indexes the figures read the events by (time, a scan's verdict) and an
order's trail reads its labels by (print jobs by box, attempts by job).

Derived from the stations' events and rebuildable at any time (delete the rows):
not events, not on the audit chain. Whoever reads the figures of a finished day
first sums it and saves it here, so every station's login may read, add and drop
these rows; a wrong row is dropped as soon as any event of its day arrives.

Revision ID: c0008
Revises: c0007
Create Date: 2026-12-03 14:40:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0008"
down_revision = "c0007"
branch_labels = None
depends_on = None

TABLES = ("figure_day", "figure_day_fact", "figure_day_mark")

_SCHEMA = """
CREATE TABLE figure_day (
    zone text NOT NULL,
    day text NOT NULL,
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (zone, day)
);
CREATE TABLE figure_day_fact (
    zone text NOT NULL,
    day text NOT NULL,
    fact text NOT NULL,
    station text NOT NULL,
    packer_id text,
    what text NOT NULL,
    hour integer NOT NULL,
    orders integer NOT NULL,
    orders_with_mistakes integer NOT NULL,
    units integer NOT NULL,
    packing_seconds double precision NOT NULL,
    count integer NOT NULL
);
CREATE INDEX ix_figure_day_fact_zone_day ON figure_day_fact (zone, day);
-- What the figures read by time (the events' own indexes are by station and order).
CREATE INDEX ix_scanevent_verdict_created ON scanevent (verdict, created_at);
CREATE INDEX ix_parcel_created ON parcel (created_at);
CREATE INDEX ix_orderevent_kind_created ON orderevent (kind, created_at);
-- An order's trail: its boxes' print jobs and their attempts (else a walk of every job).
CREATE INDEX ix_printjob_parcel ON printjob (parcel_id);
CREATE INDEX ix_printattempt_job ON printattempt (job_id);
CREATE TABLE figure_day_mark (
    source text PRIMARY KEY,
    seq bigint NOT NULL
);
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT, INSERT, DELETE ON {', '.join(TABLES)} TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
