"""The background sync: online, offline with events waiting, online again; never an error."""

from __future__ import annotations

import queue
from pathlib import Path

from station.store import Store
from station.sync.runner import LinkStatus, SyncRunner
from tests.central.bench_events import local_ids, packed_bench
from tests.central.conftest import Central
from tests.central.test_import_and_pull import station_config
from tests.central.test_push import assert_exactly_once
from tests.helpers import cli

STATION = "bench-1"
HOUR = 3600.0  # the interval never fires in a test: sync_now drives it


def next_status(statuses: queue.Queue[LinkStatus]) -> LinkStatus:
    return statuses.get(timeout=60)


def test_the_link_goes_offline_and_back_with_what_is_waiting(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    total = sum(len(ids) for ids in local_ids(bench, STATION).values())
    statuses: queue.Queue[LinkStatus] = queue.Queue()
    runner = SyncRunner(url, bench.store, STATION, HOUR, statuses.put)
    runner.start()
    try:
        assert next_status(statuses) == LinkStatus(online=True, waiting=0)
        central.cluster.stop("fast")
        try:
            session = bench.session(STATION)
            session.handle_scan("BADGE-P2")  # packing goes on offline
            session.close()
            runner.sync_now()
            offline = next_status(statuses)
        finally:
            central.cluster.start()
        assert (offline.online, offline.waiting) == (False, 1)
        assert offline.text().startswith("Central: offline since ")
        assert offline.text().endswith(", 1 waiting")
        runner.sync_now()
        assert next_status(statuses) == LinkStatus(online=True, waiting=0)
    finally:
        runner.stop()
    local = local_ids(bench, STATION)
    assert sum(len(ids) for ids in local.values()) == total + 1
    assert_exactly_once(central, local)


def test_a_wrong_login_is_a_status_to_fix_not_a_crash(central: Central, tmp_path: Path) -> None:
    url = central.add_station("bench-2")  # this store's station is bench-1
    store = Store.open(tmp_path / "d")
    statuses: queue.Queue[LinkStatus] = queue.Queue()
    runner = SyncRunner(url, store, STATION, HOUR, statuses.put)
    runner.start()
    try:
        status = next_status(statuses)
    finally:
        runner.stop()
        store.close()
    assert not status.online
    assert "belongs to station 'bench-2'" in status.text()


def test_one_sync_process_per_data_dir_and_it_ends_with_its_input(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    config = station_config(tmp_path, STATION, url)
    where = ("--data-dir", str(tmp_path / "data"), "--config", str(config))
    watcher = cli.start("sync", "--watch", *where)
    try:
        assert watcher.stdout is not None
        assert LinkStatus.from_json(watcher.stdout.readline()) == LinkStatus(True, 0)
        second = cli.run("sync", "--watch", *where)
        assert second.returncode == 2
        assert "Another sync already runs" in second.stderr
    finally:
        _, errors = watcher.communicate(timeout=60)  # its input ends: so does it
    assert watcher.returncode == 0, errors
