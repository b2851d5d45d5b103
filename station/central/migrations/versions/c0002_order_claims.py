"""order claims: a lease per order with a fencing number, taken and released by functions

A station claims an order when it opens it online: it holds it until the
lease expires (by the server's clock, never a station's), renewing it while
the order is open, and releases it when packed or parked. Each new holder
gets a higher fencing number, so anything stamped with an older number is
known to come from a holder that lost the order. Stations cannot write the
table: they go through `central_claim_order` and `central_release_order`,
which act only for the station the login belongs to.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None

_SCHEMA = """
CREATE SEQUENCE order_claim_fence;
CREATE TABLE order_claim (
    order_id uuid PRIMARY KEY REFERENCES orders (id),
    station text NOT NULL,
    fence bigint NOT NULL,
    claimed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    released_at timestamptz
);
CREATE INDEX ix_order_claim_station ON order_claim (station);

-- Take the order, or renew it (same fence), unless another station holds a
-- live lease; returns the holder either way.
CREATE FUNCTION central_claim_order(p_order uuid, p_lease_s integer)
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
    WHERE c.station = me OR c.released_at IS NOT NULL OR c.expires_at < now();
    RETURN QUERY SELECT c.station, c.fence, c.expires_at
        FROM order_claim c WHERE c.order_id = p_order;
END $$;

-- Let the order go (packed or parked); only its holder, with its fence, can.
CREATE FUNCTION central_release_order(p_order uuid, p_fence bigint) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    UPDATE order_claim SET released_at = now()
    WHERE order_id = p_order AND station = central_current_station() AND fence = p_fence
      AND released_at IS NULL
    RETURNING true
$$;
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT ON order_claim TO {group}")
    for function in (
        "central_claim_order(uuid, integer)",
        "central_release_order(uuid, bigint)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {group}")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
