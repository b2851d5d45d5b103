"""conflicts: an order packed at two stations (during a partition) is a double_packed conflict

`order_conflict` keeps one row per order and kind, from the moment the
central database first holds parcels of the order from two stations; which
stations and parcels are read from the parcels themselves, so nothing is
merged or dropped. Rows are recorded by a trigger on each new parcel, and,
for two stations whose parcels arrive in concurrent transactions (neither
trigger sees the other's uncommitted row), by `central_record_conflicts()`,
which `central status` and the supervisors' query call first.

Stations read conflicts and may call the function; they cannot write the table.
They may now read the quarantine too (they read every event already), so a
supervisor's screen at a bench can list what was refused and why.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-03 11:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None

_SCHEMA = """
CREATE TABLE order_conflict (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    order_id uuid NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, order_id)
);

CREATE FUNCTION central_parcel_conflict() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM parcel p
               WHERE p.order_id = NEW.order_id AND p.station <> NEW.station) THEN
        INSERT INTO order_conflict (kind, order_id) VALUES ('double_packed', NEW.order_id)
        ON CONFLICT (kind, order_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_conflict AFTER INSERT ON parcel
    FOR EACH ROW EXECUTE FUNCTION central_parcel_conflict();

-- Every order with committed parcels from more than one station; how many were new.
CREATE FUNCTION central_record_conflicts() RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH added AS (
        INSERT INTO order_conflict (kind, order_id)
        SELECT 'double_packed', order_id FROM parcel
        GROUP BY order_id HAVING count(DISTINCT station) > 1
        ON CONFLICT (kind, order_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM added
$$;
SELECT central_record_conflicts();
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT ON order_conflict, quarantine TO {group}")
    for function in ("central_record_conflicts()", "central_parcel_conflict()"):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION central_record_conflicts() TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
