"""handoff: the central database decides which load a parcel goes on, while docks are online

`central_decide_load(parcel, load)` records the first load a parcel was put
on (or the load a dock already pushed it on, when one did while offline) and
answers with the load that has it: two docks scanning one parcel at the same
moment both ask, one insert wins, both hear the same answer, and the other
dock takes the parcel off its load (a `loaded_elsewhere` scan, pushed like the
rest). A parcel taken off a load that way is no longer a `double_loaded`
conflict: the conflict functions of c0006 now count only the loads that still
hold it. Each station's warehouse (`station_warehouse`) is set by the station
itself at each pull (`central_set_warehouse`).

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-03 14:40:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0010"
down_revision = "c0009"
branch_labels = None
depends_on = None

# The loaded scans of a parcel that their dock did not take off again.
_HOLDING = """
    SELECT s.load_id FROM handoff_scan s
    WHERE s.parcel_id = {parcel} AND s.verdict = 'loaded' AND s.load_id IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM handoff_scan t WHERE t.parcel_id = s.parcel_id
          AND t.load_id = s.load_id AND t.verdict = 'loaded_elsewhere')
"""

_SCHEMA = f"""
CREATE TABLE handoff_decision (
    parcel_id uuid PRIMARY KEY,
    load_id uuid NOT NULL,
    station text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION central_decide_load(p_parcel uuid, p_load uuid)
    RETURNS TABLE (station text, load_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    me text := central_current_station();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'only a station decides a load' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A load another dock already pushed the parcel on (loaded offline) comes first.
    INSERT INTO handoff_decision (parcel_id, load_id, station)
    SELECT p_parcel, coalesce(pushed.load_id, p_load), coalesce(pushed.station, me)
    FROM (SELECT 1) AS one LEFT JOIN LATERAL (
        SELECT s.load_id, s.station FROM handoff_scan s
        WHERE s.parcel_id = p_parcel AND s.verdict = 'loaded' AND s.load_id IS NOT NULL
          AND s.load_id IN ({_HOLDING.format(parcel="p_parcel")})
        ORDER BY s.created_at, s.station LIMIT 1) AS pushed ON true
    ON CONFLICT (parcel_id) DO NOTHING;
    -- A new statement, a new snapshot: the winner's row is seen once it committed.
    RETURN QUERY SELECT d.station, d.load_id FROM handoff_decision d WHERE d.parcel_id = p_parcel;
END $$;

-- Each station's warehouse, as it says at each pull: a dock lists its warehouse's parcels.
CREATE TABLE station_warehouse (
    station text PRIMARY KEY,
    warehouse text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION central_set_warehouse(p_warehouse text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me text := central_current_station();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'only a station has a warehouse' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO station_warehouse AS w (station, warehouse) VALUES (me, p_warehouse)
    ON CONFLICT (station) DO UPDATE SET warehouse = EXCLUDED.warehouse, updated_at = now()
    WHERE w.warehouse IS DISTINCT FROM EXCLUDED.warehouse;
END $$;

CREATE OR REPLACE FUNCTION central_handoff_conflict() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    holding integer;
BEGIN
    IF NEW.parcel_id IS NULL OR NEW.verdict NOT IN ('loaded', 'loaded_elsewhere') THEN
        RETURN NULL;
    END IF;
    SELECT count(DISTINCT h.load_id) INTO holding
    FROM ({_HOLDING.format(parcel="NEW.parcel_id")}) AS h;
    IF holding > 1 THEN
        INSERT INTO handoff_conflict (kind, parcel_id) VALUES ('double_loaded', NEW.parcel_id)
        ON CONFLICT (kind, parcel_id) DO NOTHING;
    ELSIF NEW.verdict = 'loaded_elsewhere' THEN
        -- Taken off as the central decision said: one load holds it, no conflict left.
        DELETE FROM handoff_conflict WHERE kind = 'double_loaded' AND parcel_id = NEW.parcel_id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION central_record_load_conflicts() RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH added AS (
        INSERT INTO handoff_conflict (kind, parcel_id)
        SELECT 'double_loaded', s.parcel_id FROM handoff_scan s
        WHERE s.verdict = 'loaded' AND s.parcel_id IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM handoff_scan t WHERE t.parcel_id = s.parcel_id
              AND t.load_id = s.load_id AND t.verdict = 'loaded_elsewhere')
        GROUP BY s.parcel_id HAVING count(DISTINCT s.load_id) > 1
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
    op.execute(f"GRANT SELECT ON handoff_decision, station_warehouse TO {group}")
    op.execute("REVOKE ALL ON FUNCTION central_decide_load(uuid, uuid) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION central_decide_load(uuid, uuid) TO {group}")
    op.execute("REVOKE ALL ON FUNCTION central_set_warehouse(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION central_set_warehouse(text) TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
