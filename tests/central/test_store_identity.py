"""One station name, one store: another store under a name already synced is refused,
and the login problems a user must fix are exit 2 with what to fix."""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any

import psycopg
import pytest

from station.central.claim_worker import bench_claims
from station.central.connect import CentralError
from station.sync import deliver as sync_deliver
from station.sync.exchange import sync_once
from station.sync.runner import LinkStatus, SyncRunner
from tests.central.bench_events import local_ids, packed_bench
from tests.central.conftest import Central
from tests.central.test_bench_claims import warehouse
from tests.central.test_claims import order_id
from tests.central.test_import_and_pull import station_config
from tests.central.test_push import assert_exactly_once, central_ids
from tests.helpers import cli

STATION = "bench-1"
REFUSED = "is already used by another store"


def test_a_fresh_store_under_a_synced_name_is_refused_and_the_first_store_goes_on(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    first = packed_bench(tmp_path / "a", STATION)
    assert sync_once(url, first.store, STATION).pending == 0
    synced = central_ids(central)
    # A new store, same name, with more events than the first delivered: numbers alone
    # would take its first events for the first store's.
    second = packed_bench(tmp_path / "b", STATION, extra_scans=40)
    result = cli.run(
        "sync",
        "--data-dir",
        str(second.data_dir),
        "--config",
        str(station_config(tmp_path, STATION, url)),
    )
    assert result.returncode == 2, result.stderr
    assert REFUSED in result.stderr
    assert "add-station" in result.stderr and "put the original store" in result.stderr
    assert "Traceback" not in result.stderr
    assert central_ids(central) == synced  # nothing of the second store arrived
    # The window's sync shows it as a problem to fix, not as offline.
    statuses: queue.Queue[LinkStatus] = queue.Queue()
    runner = SyncRunner(url, second.store, STATION, 3600.0, statuses.put)
    runner.start()
    try:
        status = statuses.get(timeout=60)
    finally:
        runner.stop()
    assert status.words() == "not connected"
    assert REFUSED in status.text()
    # Nor does it claim orders in the station's name.
    warehouse(central, tmp_path)
    session = second.session(STATION)
    try:
        with bench_claims(session, url) as claims:
            claims.take(order_id(central, "SO-1"))
            assert claims.settle() and not claims.online()
    finally:
        session.close()
    with psycopg.connect(central.admin_url) as db:
        assert db.execute("SELECT count(*) FROM order_claim").fetchone() == (0,)
    # The first store is still the station's.
    session = first.session(STATION)
    session.handle_scan("BADGE-P2")
    session.close()
    assert sync_once(url, first.store, STATION).pending == 0
    assert_exactly_once(central, local_ids(first, STATION))


def test_a_store_synced_before_stores_had_ids_adopts_its_own_on_its_next_sync(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    first = packed_bench(tmp_path / "a", STATION)
    sync_once(url, first.store, STATION)
    with psycopg.connect(central.admin_url) as db:  # as a database from before c0003 had it
        db.execute("DELETE FROM station_store")
    assert sync_once(url, first.store, STATION).pending == 0  # binds this store again
    other = packed_bench(tmp_path / "b", STATION, extra_scans=40)
    with pytest.raises(CentralError, match=REFUSED):
        sync_once(url, other.store, STATION)
    assert_exactly_once(central, local_ids(first, STATION))
    # A station's login cannot move its name to another store, nor take another's name.
    central.add_station("bench-2")
    with psycopg.connect(url, autocommit=True) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE station_store SET store_id = gen_random_uuid()")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("DELETE FROM station_store")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            db.execute("INSERT INTO station_store VALUES ('bench-2', gen_random_uuid())")


def test_a_wrong_password_is_exit_2_naming_what_to_fix(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = central.add_station(STATION)
    wrong = "not-the-Password-42"
    monkeypatch.setenv("PGPASSWORD", wrong)  # libpq prefers it to the right pgpass line
    data_dir = tmp_path / "d"
    result = cli.run(
        "sync", "--data-dir", str(data_dir), "--config", str(station_config(tmp_path, STATION, url))
    )
    assert result.returncode == 2, result.stderr
    assert "the password was refused" in result.stderr
    assert "pgpass" in result.stderr
    assert wrong not in result.stderr + result.stdout
    monkeypatch.delenv("PGPASSWORD")
    result = cli.run("central", "status", "--url", central.cluster.url("no_such_db"))
    assert result.returncode == 2, result.stderr
    assert "does not exist" in result.stderr


def test_a_sync_cut_part_way_reports_what_it_delivered_before(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    local = local_ids(bench, STATION)
    deliver = sync_deliver.deliver_copy

    def then_stop_the_server(*args: Any) -> int:
        added = deliver(*args)
        central.cluster.stop("immediate")  # after the first batch (the scans) committed
        return added

    monkeypatch.setattr(sync_deliver, "deliver_copy", then_stop_the_server)
    try:
        cut = sync_once(url, bench.store, STATION)
    finally:
        central.cluster.start()
    monkeypatch.setattr(sync_deliver, "deliver_copy", deliver)
    total, scans = sum(len(ids) for ids in local.values()), len(local["scanevent"])
    assert (cut.reached, cut.pushed, cut.pending) == (False, scans, total - scans)
    rest = sync_once(url, bench.store, STATION)
    assert (rest.reached, rest.pushed, rest.pending) == (True, total - scans, 0)
    assert_exactly_once(central, local)
