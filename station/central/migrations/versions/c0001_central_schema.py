"""central schema: reference data, every station's events, cursors, station roles' rights

Reference tables (product, barcode, packer, orders, orderline,
orderlabeldocument) have the station's names and columns, so the station's
importers run on them unchanged; each row carries `change_txid`, the
transaction that last wrote it, which is what a station pulls by.

Event tables (scanevent, orderevent, parcel, parcelitem, printjob,
printattempt) keep the columns central logic reads (station, seq, order,
parcel, job) and the station's whole row in `data` (JSON), so a column a
station adds later is delivered too, before the central schema names it.

Stations log in as members of the group role `<db>_stations`: they read
reference data and every event, append their own events, move their own
cursors and update their own parcels; row-level security keys every write on
the station the login role was created for (`central_station`).

Revision ID: c0001
Revises:
Create Date: 2026-12-03 08:30:00
"""

from alembic import op
from sqlalchemy import text

from station.central.roles import group_role, quote

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

REFERENCE = ("product", "barcode", "packer", "orders", "orderline", "orderlabeldocument")
EVENTS = ("scanevent", "orderevent", "parcel", "parcelitem", "printjob", "printattempt")

_TABLES = """
CREATE TABLE central_station (
    name text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product (
    id uuid PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    weight_g integer NOT NULL,
    image text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    change_txid bigint NOT NULL
);
CREATE TABLE barcode (
    id uuid PRIMARY KEY,
    product_id uuid NOT NULL REFERENCES product (id),
    code text NOT NULL UNIQUE,
    raw text NOT NULL,
    units integer NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_barcode_product_id ON barcode (product_id);
CREATE TABLE packer (
    id uuid PRIMARY KEY,
    badge text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL,
    pin_hash text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    change_txid bigint NOT NULL
);
CREATE TABLE orders (
    id uuid PRIMARY KEY,
    number text NOT NULL UNIQUE,
    courier text NOT NULL,
    service text NOT NULL,
    tracking text,
    ship_to_name text NOT NULL,
    ship_to_street text NOT NULL,
    ship_to_city text NOT NULL,
    ship_to_postcode text NOT NULL,
    ship_to_country text NOT NULL,
    ship_to_phone text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    change_txid bigint NOT NULL
);
CREATE TABLE orderline (
    id uuid PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES orders (id),
    line_no integer NOT NULL,
    sku text NOT NULL,
    qty integer NOT NULL
);
CREATE INDEX ix_orderline_order_id ON orderline (order_id);
CREATE TABLE orderlabeldocument (
    id uuid PRIMARY KEY,
    order_id uuid NOT NULL UNIQUE REFERENCES orders (id),
    format text NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_product_change ON product (change_txid);
CREATE INDEX ix_packer_change ON packer (change_txid);
CREATE INDEX ix_orders_change ON orders (change_txid);

CREATE TABLE scanevent (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    order_id uuid,
    verdict text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE orderevent (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    order_id uuid NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE parcel (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    order_id uuid NOT NULL,
    tracking text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE parcelitem (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    parcel_id uuid NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE printjob (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    parcel_id uuid,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE TABLE printattempt (
    id uuid PRIMARY KEY,
    station text NOT NULL,
    seq bigint NOT NULL,
    job_id uuid NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL
);
CREATE INDEX ix_scanevent_station_seq ON scanevent (station, seq);
CREATE INDEX ix_scanevent_order ON scanevent (order_id);
CREATE INDEX ix_orderevent_station_seq ON orderevent (station, seq);
CREATE INDEX ix_orderevent_order ON orderevent (order_id);
CREATE INDEX ix_parcel_station_seq ON parcel (station, seq);
CREATE INDEX ix_parcel_order ON parcel (order_id);
CREATE INDEX ix_parcelitem_parcel ON parcelitem (parcel_id);
CREATE INDEX ix_printjob_station_seq ON printjob (station, seq);
CREATE INDEX ix_printattempt_station_seq ON printattempt (station, seq);

-- How far each station's streams were delivered: written in the same
-- transaction as the batch it covers, so a lost acknowledgement cannot move it.
CREATE TABLE sync_cursor (
    station text NOT NULL,
    stream text NOT NULL,
    position bigint NOT NULL,
    delivered bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station, stream)
);
-- Events the server refused for a reason a retry cannot fix, set aside with
-- their rows so they never block the queue and nothing is lost.
CREATE TABLE quarantine (
    id bigserial PRIMARY KEY,
    station text NOT NULL,
    stream text NOT NULL,
    first_seq bigint NOT NULL,
    last_seq bigint NOT NULL,
    reason text NOT NULL,
    rows text NOT NULL,  -- JSON as text: what was refused may be what jsonb refuses
    created_at timestamptz NOT NULL DEFAULT now()
);
"""

_FUNCTIONS = """
CREATE FUNCTION central_current_station() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT name FROM public.central_station WHERE role_name = session_user $$;

-- The transaction that wrote a row, as a number a station can compare with the
-- oldest transaction still running when it last pulled.
CREATE FUNCTION central_stamp_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_txid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END $$;
CREATE TRIGGER product_change BEFORE INSERT OR UPDATE ON product
    FOR EACH ROW EXECUTE FUNCTION central_stamp_change();
CREATE TRIGGER packer_change BEFORE INSERT OR UPDATE ON packer
    FOR EACH ROW EXECUTE FUNCTION central_stamp_change();
CREATE TRIGGER orders_change BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION central_stamp_change();
"""


def _rights(group: str) -> list[str]:
    g = quote(group)
    statements = [
        f"DO $$ BEGIN CREATE ROLE {g} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        f"GRANT USAGE ON SCHEMA public TO {g}",
        f"GRANT SELECT ON central_station, {', '.join(REFERENCE)} TO {g}",
        f"GRANT SELECT, INSERT ON {', '.join(EVENTS)} TO {g}",
        f"GRANT UPDATE (data, tracking) ON parcel TO {g}",
        f"GRANT SELECT, INSERT, UPDATE ON sync_cursor TO {g}",
        f"GRANT INSERT ON quarantine TO {g}",
        f"GRANT USAGE ON SEQUENCE quarantine_id_seq TO {g}",
        f"GRANT EXECUTE ON FUNCTION central_current_station() TO {g}",
    ]
    # A scalar subquery: the station is looked up once per statement, not per row.
    mine = "station = (SELECT central_current_station())"
    for table in (*EVENTS, "sync_cursor", "quarantine"):
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {g} USING (true)",
            f"CREATE POLICY {table}_append ON {table} FOR INSERT TO {g} WITH CHECK ({mine})",
        ]
    for table in ("parcel", "sync_cursor"):
        statements.append(
            f"CREATE POLICY {table}_own ON {table} FOR UPDATE TO {g} "
            f"USING ({mine}) WITH CHECK ({mine})"
        )
    return statements


def upgrade() -> None:
    bind = op.get_bind()
    database = bind.execute(text("SELECT current_database()")).scalar_one()
    op.execute(_TABLES)
    op.execute(_FUNCTIONS)
    for statement in _rights(group_role(database)):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
