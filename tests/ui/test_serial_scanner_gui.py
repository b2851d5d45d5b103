"""A serial scanner on a real pseudo-terminal drives the pack screen like the wedge does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.device_urls import Role, parse_device_url
from station.models import ScanEvent
from station.settings import Devices
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import build_main_window, connect_serial_scanners
from ui.main_window import MainWindow

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@pytest.fixture
def simulator() -> Iterator[object]:
    from devices.scanners.simulator import PtyScannerSimulator

    with PtyScannerSimulator() as sim:
        yield sim


@pytest.fixture
def serial_window(qtbot: QtBot, bench: Bench, simulator) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    # A long double-read window makes "read twice at once" certain on a slow machine.
    url = parse_device_url(f"serial://{simulator.port}?duplicate_ms=60000", Role.SCANNER)
    settings = replace(bench.settings, devices=Devices(scanners=(url,)))
    session = bench.session()
    window = build_main_window(session, settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    stops = connect_serial_scanners(window, settings)
    qtbot.waitUntil(
        lambda: window.header.scanners_label.text() == "Scanners OK", timeout=VERDICT_TIMEOUT_MS
    )
    yield window
    for stop in stops:
        stop()
    session.close()


def scan(qtbot: QtBot, window: MainWindow, simulator, text: str) -> object:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        simulator.send(text)
    return got.args[0]


def test_a_serial_scan_reaches_its_verdict_and_a_double_read_counts_once(
    qtbot: QtBot,
    serial_window: MainWindow,
    simulator,
    bench: Bench,  # type: ignore[no-untyped-def]
) -> None:
    assert scan(qtbot, serial_window, simulator, "BADGE-P1").kind is VerdictKind.LOGIN
    assert scan(qtbot, serial_window, simulator, "SO-1").kind is VerdictKind.ORDER_OPENED
    first = scan(qtbot, serial_window, simulator, MUG_UPC)
    assert (first.kind, first.scanned) == (VerdictKind.OK, 1)
    again = scan(qtbot, serial_window, simulator, MUG_UPC)
    assert again.kind is VerdictKind.DUPLICATE_READ
    assert serial_window.banner.headline() == "OK", "the packer still sees the counted scan"
    assert serial_window.header.totals_label.text() == "1 / 3 items"
    with bench.store.session() as db:
        sources = set(db.exec(select(ScanEvent.source)).all())
    assert sources == {"serial:scanner-1"}


def test_an_unplugged_scanner_shows_in_the_header(
    qtbot: QtBot,
    serial_window: MainWindow,
    simulator,  # type: ignore[no-untyped-def]
) -> None:
    simulator.unplug()
    qtbot.waitUntil(
        lambda: "not connected" in serial_window.header.scanners_label.text(),
        timeout=VERDICT_TIMEOUT_MS,
    )
