"""order figures: each order's scans summed as they arrive (station.supervisor.queries)

The dashboard's "today" over every station used to sum each sealed order's
scans out of their JSON at every refresh (~60,000 orders, seconds). A row per
order here holds the same sums, kept by a statement trigger on scanevent: the
rows a push's one INSERT ... SELECT adds are summed per order and added in
that statement's transaction, so the sums always match the scans stored (a
push repeated adds nothing: ON CONFLICT DO NOTHING leaves no new rows).

Derived, like figure_day (c0008): not events, not on the audit chain;
rebuildable from scanevent (the backfill below). The mistakes counted are the
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

_SCHEMA = f"""
CREATE TABLE order_figure (
    order_id uuid PRIMARY KEY,
    first_scan_at timestamptz NOT NULL,
    scans bigint NOT NULL,
    units bigint NOT NULL,
    mistakes bigint NOT NULL
);

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
    RETURN NULL;
END $$;

CREATE TRIGGER scanevent_order_figures AFTER INSERT ON scanevent
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION central_add_order_figures();

INSERT INTO order_figure (order_id, first_scan_at, scans, units, mistakes)
{_SUMS.format(rows="scanevent")};
"""


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    group = quote(group_role(database))
    op.execute("LOCK TABLE scanevent IN SHARE MODE")  # no scan slips between backfill and trigger
    op.execute(_SCHEMA)
    op.execute(f"GRANT SELECT ON order_figure TO {group}")
    op.execute("REVOKE ALL ON FUNCTION central_add_order_figures() FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
