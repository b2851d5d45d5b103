"""order figures: each order's scans summed as they arrive, and each seal with them

The dashboard's "today" over every station used to sum each sealed order's
scans out of their JSON at every refresh (~60,000 orders, seconds). Now:
- order_figure: one row per order with its scans' sums (first scan, scans,
  units, mistakes), kept by a statement trigger on scanevent: the rows one
  INSERT ... SELECT of a push adds are summed per order and added in that
  statement's transaction (a batch delivered again adds nothing: ON CONFLICT
  DO NOTHING leaves no new rows);
- order_seal: one row per sealing parcel (its last box) with the order's
  sums beside it, written by statement triggers on parcel (a box the sync
  refreshes is taken anew) and brought up to date by the scan trigger when
  more scans of a sealed order arrive, so a day's figures are one range of
  one index (station.supervisor.queries).

Derived, like figure_day (c0008): not events, not on the audit chain;
rebuildable from the events (the backfill below). The mistakes counted are the
verdicts of station.supervisor.rows.KIND_OF_VERDICT (scans with an order only;
labels scanned back after the seal carry none and are read apart).

Revision ID: c0011
Revises: c0010
Create Date: 2026-12-03 15:40:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0011"
down_revision = "c0010"
branch_labels = None
depends_on = None

# The mistake verdicts as of this revision (a new kind needs a new revision and a rebuild).
MISTAKE_VERDICTS = ("over_scan", "unknown_barcode", "weight_mismatch", "wrong_item", "wrong_label")
_MISTAKE = "CASE WHEN s.verdict IN ({}) THEN 1 ELSE 0 END".format(
    ", ".join(f"'{verdict}'" for verdict in MISTAKE_VERDICTS)
)
_SUMS = f"""
    SELECT s.order_id, min(s.created_at), count(*),
           coalesce(sum((s.data->>'units_counted')::integer), 0), sum({_MISTAKE})
    FROM {{rows}} s WHERE s.order_id IS NOT NULL
    GROUP BY s.order_id ORDER BY s.order_id
"""

_SEALS = """
    SELECT p.id, p.order_id, p.station, (p.data->>'packer_id')::uuid, p.created_at,
           f.first_scan_at, coalesce(f.units, 0), coalesce(f.mistakes, 0)
    FROM {rows} p LEFT JOIN order_figure f ON f.order_id = p.order_id
    WHERE (p.data->>'parcel_no')::integer = (p.data->>'parcel_count')::integer
"""

_SCHEMA = f"""
CREATE TABLE order_figure (
    order_id uuid PRIMARY KEY,
    first_scan_at timestamptz NOT NULL,
    scans bigint NOT NULL,
    units bigint NOT NULL,
    mistakes bigint NOT NULL
);
CREATE TABLE order_seal (
    parcel_id uuid PRIMARY KEY,
    order_id uuid,
    station text NOT NULL,
    packer_id uuid,
    sealed_at timestamptz NOT NULL,
    first_scan_at timestamptz,
    units bigint NOT NULL,
    mistakes bigint NOT NULL
);
-- A day's seals with everything its figures read, in one range of one index.
CREATE INDEX ix_order_seal_sealed ON order_seal (sealed_at)
    INCLUDE (station, packer_id, order_id, first_scan_at, units, mistakes);
CREATE INDEX ix_order_seal_order ON order_seal (order_id);

CREATE FUNCTION central_add_order_figures() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    -- In order of the key: two pushes adding to the same orders lock them alike.
    INSERT INTO order_figure AS f (order_id, first_scan_at, scans, units, mistakes)
    {_SUMS.format(rows="added")}
    ON CONFLICT (order_id) DO UPDATE SET
        first_scan_at = least(f.first_scan_at, excluded.first_scan_at),
        scans = f.scans + excluded.scans,
        units = f.units + excluded.units,
        mistakes = f.mistakes + excluded.mistakes;
    -- Scans of an order already sealed (pushed after its box): its seals follow.
    UPDATE order_seal s SET first_scan_at = f.first_scan_at, units = f.units,
        mistakes = f.mistakes
    FROM order_figure f
    WHERE f.order_id = s.order_id AND s.order_id IN (SELECT order_id FROM added);
    RETURN NULL;
END $$;

CREATE FUNCTION central_add_order_seals() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO order_seal {_SEALS.format(rows="added")}
    ON CONFLICT (parcel_id) DO NOTHING;
    RETURN NULL;
END $$;

-- A box the sync refreshes (its data changed at the station): its seal taken anew.
CREATE FUNCTION central_renew_order_seals() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    DELETE FROM order_seal WHERE parcel_id IN (SELECT id FROM changed);
    INSERT INTO order_seal {_SEALS.format(rows="changed")};
    RETURN NULL;
END $$;

CREATE TRIGGER parcel_order_seals_renewed AFTER UPDATE ON parcel
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION central_renew_order_seals();
CREATE TRIGGER scanevent_order_figures AFTER INSERT ON scanevent
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION central_add_order_figures();
CREATE TRIGGER parcel_order_seals AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION central_add_order_seals();

INSERT INTO order_figure (order_id, first_scan_at, scans, units, mistakes)
{_SUMS.format(rows="scanevent")};
INSERT INTO order_seal {_SEALS.format(rows="parcel")};
ANALYZE order_figure, order_seal;
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    # No scan nor box slips in between the backfill and the triggers.
    op.execute("LOCK TABLE scanevent, parcel IN SHARE MODE")
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT ON order_figure, order_seal TO {group}")
    functions = (
        "central_add_order_figures",
        "central_add_order_seals",
        "central_renew_order_seals",
    )
    for function in functions:
        op.execute(f"REVOKE ALL ON FUNCTION {function}() FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
