"""The central link in the status bar: a real sync process, a real PostgreSQL stopped and
started again; offline is a warning with what waits, never a dialog, and scans go on."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from station.settings import Settings, load_settings
from tests.central.bench_events import local_ids

# The throwaway PostgreSQL of tests/central, started for this module too.
from tests.central.conftest import Central, central, cluster, database  # noqa: F401
from tests.central.test_push import assert_exactly_once
from tests.helpers.factory import Bench
from tests.ui.conftest import PackScreen
from ui.central_link import connect_central_link
from ui.main_window import MainWindow
from ui.status_bar import CENTRAL, DeviceStatusBar, Level

LINK_TIMEOUT_MS = 60_000  # a process to start and a first exchange, on a busy machine


def shown(status: DeviceStatusBar) -> str:
    entry = status.entry(CENTRAL)
    return "" if entry is None else entry.text()


def events_at(bench: Bench) -> int:
    return sum(len(ids) for ids in local_ids(bench, "bench-1").values())


def test_the_link_goes_offline_with_what_waits_and_back_online(
    qtbot: QtBot,
    central: Central,  # noqa: F811
    bench: Bench,
    window: MainWindow,
    screen: PackScreen,
    tmp_path: Path,
) -> None:
    url = central.add_station("bench-1")
    config = tmp_path / "station.toml"
    config.write_text(
        f'[station]\nname = "bench-1"\n[central]\nurl = "{url}"\nsync_interval_s = 1\n'
    )
    status = window.device_status
    stops = connect_central_link(status, load_settings(config), bench.store.path.parent, config)
    try:
        qtbot.waitUntil(lambda: shown(status) == "● Central: online", timeout=LINK_TIMEOUT_MS)
        delivered = events_at(bench)
        central.cluster.stop("fast")
        try:
            screen.scan("BADGE-P1")  # the verdict does not wait for the network
            waiting = events_at(bench) - delivered
            qtbot.waitUntil(
                lambda: shown(status).endswith(f", {waiting} waiting"), timeout=LINK_TIMEOUT_MS
            )
            assert shown(status).startswith("● Central: offline since ")
            health = status.health(CENTRAL)
            assert health is not None and health.level is Level.WARNING
        finally:
            central.cluster.start()
        qtbot.waitUntil(lambda: shown(status) == "● Central: online", timeout=LINK_TIMEOUT_MS)
    finally:
        for stop in stops:
            stop()
    assert waiting >= 1
    assert_exactly_once(central, local_ids(bench, "bench-1"))


def test_without_a_central_url_there_is_no_link(window: MainWindow, tmp_path: Path) -> None:
    stops = connect_central_link(
        window.device_status, Settings(station="bench-1"), tmp_path, tmp_path / "x.toml"
    )
    assert stops == []
    assert window.device_status.entry(CENTRAL) is None
