"""A station's login may read reference data and append its own events, nothing more."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.central.conftest import Central
from tests.helpers import cli


def _event(station: str, seq: int) -> tuple[uuid.UUID, str, int, Jsonb]:
    return uuid.uuid4(), station, seq, Jsonb({"raw": "x"})


def _insert_scan(db: psycopg.Connection, station: str, seq: int) -> uuid.UUID:
    row = _event(station, seq)
    db.execute(
        "INSERT INTO scanevent (id, station, seq, verdict, created_at, data) "
        "VALUES (%s, %s, %s, 'ok', now(), %s)",
        row,
    )
    db.commit()
    return row[0]


def _refused(db: psycopg.Connection, action: Callable[[], object]) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        action()
    db.rollback()


def test_add_station_prints_config_and_pgpass_and_the_login_works(
    central: Central, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    result = cli.run(
        "central", "add-station", "bench-7", "--url", central.admin_url, "--data-dir", str(data_dir)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    role = f"{central.database}_bench-7"
    assert 'name = "bench-7"' in lines
    assert (
        f'url = "postgresql://{role}@127.0.0.1:{central.cluster.port}/{central.database}'
        '?sslmode=disable"' in lines
    )
    pgpass = next(line for line in lines if line.startswith(f"127.0.0.1:{central.cluster.port}:"))
    password = pgpass.rsplit(":", 1)[1]
    assert len(password) >= 24
    # The password is in the pgpass line only: not in the config lines, nor in any log.
    assert sum(password in line for line in lines) == 1
    logs = "".join(path.read_text() for path in (data_dir / "logs").iterdir())
    assert password not in logs + result.stderr
    central.pgpass.write_text(pgpass + "\n")
    with psycopg.connect(central.cluster.url(central.database, role)) as db:
        assert db.execute("SELECT central_current_station()").fetchone() == ("bench-7",)


def test_a_wrong_password_is_refused(central: Central) -> None:
    url = central.add_station("bench-1")
    central.pgpass.write_text(central.pgpass.read_text().rsplit(":", 1)[0] + ":wrong\n")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(url).close()


def test_a_station_cannot_touch_what_another_station_wrote(central: Central) -> None:
    one, two = central.add_station("bench-1"), central.add_station("bench-2")
    with psycopg.connect(one) as first:
        theirs = _insert_scan(first, "bench-1", 1)
    with psycopg.connect(two) as second:
        _insert_scan(second, "bench-2", 1)
        # It reads every station's events (the dock and claims will need them) ...
        assert second.execute("SELECT count(*) FROM scanevent").fetchone() == (2,)
        # ... but cannot write in another's name, change or delete their rows.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            _insert_scan(second, "bench-1", 2)
        second.rollback()
        for statement in (
            "UPDATE scanevent SET verdict = 'wrong_item' WHERE id = %s",
            "DELETE FROM scanevent WHERE id = %s",
        ):
            _refused(second, lambda s=statement: second.execute(s, (theirs,)))
        updated = second.execute(
            "UPDATE sync_cursor SET position = 0 WHERE station = 'bench-1'"
        ).rowcount
        assert updated == 0
        second.rollback()
    with psycopg.connect(central.admin_url) as admin:
        assert admin.execute(
            "SELECT verdict FROM scanevent WHERE id = %s", (theirs,)
        ).fetchone() == ("ok",)


def test_a_station_cannot_change_orders_or_the_catalog(central: Central) -> None:
    url = central.add_station("bench-1")
    with psycopg.connect(url) as db:
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (0,)
        for statement in (
            "INSERT INTO product (id, sku, name, weight_g, created_at, updated_at) "
            "VALUES (gen_random_uuid(), 'X', 'X', 1, now(), now())",
            "UPDATE orders SET courier = 'x'",
            "DELETE FROM orderline",
            "DELETE FROM packer",
            "UPDATE barcode SET code = 'x'",
            "TRUNCATE scanevent",
            "DROP TABLE orders",
        ):
            with pytest.raises(psycopg.errors.Error):
                db.execute(statement)
            db.rollback()


def test_a_station_cannot_read_any_password(central: Central) -> None:
    url = central.add_station("bench-1")
    central.add_station("bench-2")
    with psycopg.connect(url) as db:
        _refused(db, lambda: db.execute("SELECT rolpassword FROM pg_authid"))
        # What the station registry shows is names only.
        columns = [c.name for c in db.execute("SELECT * FROM central_station").description or []]
        assert columns == ["name", "role_name", "created_at"]


def test_a_station_login_cannot_add_stations(central: Central, tmp_path: Path) -> None:
    url = central.add_station("bench-1")
    result = cli.run(
        "central", "add-station", "bench-9", "--url", url, "--data-dir", str(tmp_path / "d")
    )
    assert result.returncode == 2, result.stderr
    assert "permission denied" in result.stderr
    assert "Traceback" not in result.stderr
