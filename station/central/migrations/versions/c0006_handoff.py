"""handoff: the stations' loads, dock scans and closes; a parcel on two loads is a conflict

The three event tables take a station's handoff rows as sync pushes them
(append-only, its own rows only, like the other events). A parcel scanned
onto loads at two docks while they could not reach each other is recorded in
`handoff_conflict` (kind `double_loaded`) when the second `loaded` scan
arrives, by a trigger, or by `central_record_load_conflicts()` for two scans
that arrive in concurrent transactions (neither trigger sees the other's
uncommitted row). Both scans are kept: nothing is merged or dropped.

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-03 11:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None

TABLES = ("handoff_load", "handoff_scan", "handoff_close")

_SCHEMA = """
CREATE TABLE handoff_load (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    courier_id text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE handoff_scan (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    load_id uuid,
    parcel_id uuid,
    verdict text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE handoff_close (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    load_id uuid NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE INDEX ix_handoff_load_station_seq ON handoff_load (station, seq);
CREATE INDEX ix_handoff_scan_station_seq ON handoff_scan (station, seq);
CREATE INDEX ix_handoff_scan_parcel_loaded ON handoff_scan (parcel_id) WHERE verdict = 'loaded';
CREATE INDEX ix_handoff_close_station_seq ON handoff_close (station, seq);

CREATE TABLE handoff_conflict (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    parcel_id uuid NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, parcel_id)
);

CREATE FUNCTION central_handoff_conflict() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.verdict = 'loaded' AND NEW.parcel_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM handoff_scan s
        WHERE s.parcel_id = NEW.parcel_id AND s.verdict = 'loaded' AND s.id <> NEW.id
          AND s.load_id IS DISTINCT FROM NEW.load_id) THEN
        INSERT INTO handoff_conflict (kind, parcel_id) VALUES ('double_loaded', NEW.parcel_id)
        ON CONFLICT (kind, parcel_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER handoff_scan_conflict AFTER INSERT ON handoff_scan
    FOR EACH ROW EXECUTE FUNCTION central_handoff_conflict();

-- Every parcel loaded on more than one load; how many were new.
CREATE FUNCTION central_record_load_conflicts() RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH added AS (
        INSERT INTO handoff_conflict (kind, parcel_id)
        SELECT 'double_loaded', parcel_id FROM handoff_scan
        WHERE verdict = 'loaded' AND parcel_id IS NOT NULL
        GROUP BY parcel_id HAVING count(DISTINCT load_id) > 1
        ON CONFLICT (kind, parcel_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM added
$$;
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT, INSERT ON {', '.join(TABLES)} TO {group}")
    op.execute(f"GRANT SELECT ON handoff_conflict TO {group}")
    mine = "station = (SELECT central_current_station())"
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {group} USING (true)")
        op.execute(
            f"CREATE POLICY {table}_append ON {table} FOR INSERT TO {group} WITH CHECK ({mine})"
        )
    op.execute("REVOKE ALL ON FUNCTION central_handoff_conflict() FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION central_record_load_conflicts() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION central_record_load_conflicts() TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
