"""conflicts: an order packed at two stations (during a partition) is a double_packed conflict

Packed orders first: a claim finished by packing (`central_finish_order`)
keeps its holder for good, so another station that opens the order later,
online, is refused with the name of the station that packed it, instead of
packing it a second time.

`order_conflict` keeps one row per order and kind, from the moment the
central database first holds parcels of the order from two stations; which
stations and parcels are read from the parcels themselves, so nothing is
merged or dropped. Rows are recorded by a trigger on each new parcel, and,
for two stations whose parcels arrive in concurrent transactions (neither
trigger sees the other's uncommitted row), by `central_record_conflicts()`,
which `central status` and the supervisors' query call first.

Stations read conflicts and may call the function; they cannot write the table.
They may now read the quarantine too (they read every event already) and the
schema's version, so a supervisor's screen at a bench can show the whole
`central status`, with what was refused and why.

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
ALTER TABLE order_claim ADD COLUMN packed_at timestamptz;
-- Every sync reads the live claims and the newest fence: one row per order ever
-- claimed would otherwise be scanned each time.
CREATE INDEX ix_order_claim_live ON order_claim (expires_at) WHERE released_at IS NULL;
CREATE INDEX ix_order_claim_fence ON order_claim (fence);

-- As in c0002, except that a packed order is never taken over.
CREATE OR REPLACE FUNCTION central_claim_order(p_order uuid, p_lease_s integer)
    RETURNS TABLE (station text, fence bigint, expires_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    me text := central_current_station();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'this login is not a station''s' USING ERRCODE = '42501';
    END IF;
    IF p_lease_s IS NULL OR p_lease_s < 0 OR p_lease_s > 600 THEN
        RAISE EXCEPTION 'a lease is 0 to 600 seconds, not %', p_lease_s
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO order_claim AS c (order_id, station, fence, claimed_at, expires_at)
    VALUES (p_order, me, nextval('order_claim_fence'), now(),
            now() + make_interval(secs => p_lease_s))
    ON CONFLICT (order_id) DO UPDATE SET
        station = me,
        fence = CASE WHEN c.station = me AND c.released_at IS NULL AND c.expires_at >= now()
                     THEN c.fence ELSE nextval('order_claim_fence') END,
        claimed_at = CASE WHEN c.station = me AND c.released_at IS NULL
                          AND c.expires_at >= now() THEN c.claimed_at ELSE now() END,
        expires_at = now() + make_interval(secs => p_lease_s),
        released_at = NULL
    WHERE c.packed_at IS NULL
      AND (c.station = me OR c.released_at IS NOT NULL OR c.expires_at < now());
    RETURN QUERY SELECT c.station, c.fence, c.expires_at
        FROM order_claim c WHERE c.order_id = p_order;
END $$;

-- The holder packed the order: released, and held by it for good.
CREATE FUNCTION central_finish_order(p_order uuid, p_fence bigint) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    UPDATE order_claim SET released_at = now(), packed_at = now()
    WHERE order_id = p_order AND station = central_current_station() AND fence = p_fence
      AND packed_at IS NULL
    RETURNING true
$$;

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
    # The schema version too, so `central_status` runs under a station's login as well.
    op.execute(f"GRANT SELECT ON order_conflict, quarantine, central_alembic_version TO {group}")
    for function in (
        "central_record_conflicts()",
        "central_parcel_conflict()",
        "central_finish_order(uuid, bigint)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    for function in ("central_record_conflicts()", "central_finish_order(uuid, bigint)"):
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
