"""Unplug a serial scanner and plug it back: the pack screen says so, and scans count again.

The scanner is a real pseudo-terminal (PtyScannerSimulator) read by the real
SerialScanner thread; the window is the real main window.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from station.device_urls import Role, parse_device_url
from station.settings import Devices
from station.verdicts import Verdict, VerdictKind
from tests.helpers.factory import Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import build_main_window, connect_serial_scanners
from ui.main_window import MainWindow
from ui.serial_scanner_bridge import ScannerBridge
from ui.status_bar import ScannerHealthTap

if TYPE_CHECKING:
    from devices.scanners.simulator import PtyScannerSimulator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

ALL_OK = "Scanners OK"


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[PtyScannerSimulator]:
    from devices.scanners.simulator import PtyScannerSimulator

    # Each plug gets a new name (ttySIM0, ttySIM1, ...) as a USB scanner that comes back
    # as ttyACM1 does.
    links = tmp_path / "ports"
    links.mkdir()
    with PtyScannerSimulator(link_dir=links) as sim:
        yield sim


@pytest.fixture
def window(qtbot: QtBot, bench: Bench) -> Iterator[MainWindow]:
    session = bench.session()
    window = build_main_window(session, bench.settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    yield window
    window.close()
    session.close()


def scanners_text(window: MainWindow) -> str:
    return window.header.scanners_label.text()


def wait_for_header(qtbot: QtBot, window: MainWindow, shown: Callable[[str], bool]) -> None:
    qtbot.waitUntil(lambda: shown(scanners_text(window)), timeout=VERDICT_TIMEOUT_MS)


def scan(qtbot: QtBot, window: MainWindow, simulator: PtyScannerSimulator, text: str) -> Verdict:
    with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        simulator.send(text)
    verdict = got.args[0]
    assert isinstance(verdict, Verdict)
    return verdict


def unplug_and_see_it(qtbot: QtBot, window: MainWindow, simulator: PtyScannerSimulator) -> None:
    simulator.unplug()
    wait_for_header(qtbot, window, lambda text: "Scanner scanner-1: not connected" in text)
    assert "color: #c62828" in window.header.scanners_label.styleSheet(), "shown in red"


def test_a_scanner_found_by_a_stable_link_comes_back_after_a_replug(
    qtbot: QtBot, window: MainWindow, bench: Bench, simulator: PtyScannerSimulator, tmp_path: Path
) -> None:
    # What udev's /dev/serial/by-id/... link does: one name, pointed at the device now there.
    by_id = tmp_path / "usb-Scanner_PS-SIM-0001-if00"
    by_id.symlink_to(simulator.port)
    url = parse_device_url(f"serial://{by_id}", Role.SCANNER)
    stops = connect_serial_scanners(window, replace(bench.settings, devices=Devices((url,))))
    try:
        wait_for_header(qtbot, window, lambda text: text == ALL_OK)
        assert scan(qtbot, window, simulator, "BADGE-P1").kind is VerdictKind.LOGIN

        unplug_and_see_it(qtbot, window, simulator)
        by_id.unlink()
        by_id.symlink_to(simulator.replug())
        wait_for_header(qtbot, window, lambda text: text == ALL_OK)

        assert scan(qtbot, window, simulator, "SO-1").kind is VerdictKind.ORDER_OPENED
        assert window.header.scanners_label.styleSheet() == ""
    finally:
        for stop in stops:
            stop()


def test_a_scanner_that_comes_back_under_another_name_is_found_by_its_usb_identity(
    qtbot: QtBot, window: MainWindow, simulator: PtyScannerSimulator
) -> None:
    from devices.scanners import SerialScanner

    # As connect_serial_scanners wires it, with the simulator answering for the USB
    # identity (a pty has none) where the system's port list would.
    bridge = ScannerBridge(window)
    bridge.scanned.connect(
        lambda text, scanner_id, duplicate: window.controller.scan(
            text, source=f"serial:{scanner_id}", duplicate=duplicate
        )
    )
    first_port = simulator.port
    scanner = SerialScanner(
        first_port,
        scanner_id="scanner-1",
        listener=ScannerHealthTap(bridge, window.device_status),
        port_finder=simulator,
    )
    scanner.start()
    try:
        wait_for_header(qtbot, window, lambda text: text == ALL_OK)
        unplug_and_see_it(qtbot, window, simulator)

        new_port = simulator.replug()
        assert new_port != first_port
        wait_for_header(qtbot, window, lambda text: text == ALL_OK)
        assert scanner.port == new_port

        assert scan(qtbot, window, simulator, "BADGE-P1").kind is VerdictKind.LOGIN
        assert scan(qtbot, window, simulator, "SO-1").kind is VerdictKind.ORDER_OPENED
    finally:
        scanner.close()
