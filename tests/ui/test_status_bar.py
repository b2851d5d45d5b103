"""The status bar shows every device's health at a glance, from real (simulated) devices."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState
from station.device_urls import Role, parse_device_url
from station.settings import Devices, Settings
from tests.helpers.zpl_sim import zpl_simulator
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import connect_serial_scanners
from ui.main_window import MainWindow
from ui.printer_watch import PrinterPoller, Watched, watch_printers
from ui.status_bar import DeviceStatusBar, Level


def word_of(status: DeviceStatusBar, key: str) -> str | None:
    health = status.health(key)
    return None if health is None else health.word


def test_a_printer_out_of_paper_shows_as_paper_out_with_what_to_do(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = window.device_status
    with zpl_simulator(SimulatedState.PAPER_OUT) as simulator:
        printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port))
        stops = watch_printers(status, Devices(), printer)
        try:
            qtbot.waitUntil(lambda: word_of(status, "label_printer") == "paper out")
        finally:
            for stop in stops:
                stop()
    entry = status.entry("label_printer")
    assert entry is not None
    assert entry.text() == "● Label printer: paper out"
    assert "load labels" in entry.toolTip()
    health = status.health("label_printer")
    assert health is not None
    assert health.level is Level.FAULT


def test_a_printer_back_in_order_shows_ready_at_the_next_poll(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = window.device_status
    with zpl_simulator(SimulatedState.HEAD_OPEN) as simulator:
        printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port))
        poller = PrinterPoller(
            [Watched("label_printer", "Label printer", printer)], status.report, interval_s=0.2
        )
        poller.start()
        try:
            qtbot.waitUntil(lambda: word_of(status, "label_printer") == "head open")
            simulator.state = SimulatedState.READY
            qtbot.waitUntil(lambda: word_of(status, "label_printer") == "ready")
        finally:
            poller.close()


def test_a_printer_that_cannot_be_reached_is_not_connected(
    qtbot: QtBot, window: MainWindow
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = window.device_status
    stops = watch_printers(status, Devices(), ZplPrinter(TcpTransport("127.0.0.1", port)))
    try:
        qtbot.waitUntil(lambda: word_of(status, "label_printer") == "not connected")
    finally:
        for stop in stops:
            stop()


def test_printers_that_cannot_say_how_they_are_are_never_shown_ready(
    window: MainWindow, tmp_path: Path
) -> None:
    status = window.device_status
    document = parse_device_url(f"pdf+file://{tmp_path}", Role.DOCUMENT_PRINTER)

    for stop in watch_printers(status, Devices(document_printer=document)):
        stop()

    assert word_of(status, "label_printer") == "no status"
    assert word_of(status, "document_printer") == "no status"
    entry = status.entry("label_printer")
    assert entry is not None
    assert "PDF files" in entry.toolTip()


def test_a_system_printer_this_computer_does_not_have_is_not_connected(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = window.device_status
    document = parse_device_url("system://No_Such_Printer_7", Role.DOCUMENT_PRINTER)

    stops = watch_printers(status, Devices(document_printer=document))
    try:
        qtbot.waitUntil(lambda: word_of(status, "document_printer") == "not connected")
    finally:
        for stop in stops:
            stop()
    entry = status.entry("document_printer")
    assert entry is not None
    assert "'No_Such_Printer_7' is not available on this computer" in entry.toolTip()


@pytest.fixture
def scanner() -> Iterator[object]:
    from devices.scanners.simulator import PtyScannerSimulator

    with PtyScannerSimulator() as simulator:
        yield simulator


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_an_unplugged_scanner_shows_as_not_connected(
    qtbot: QtBot,
    window: MainWindow,
    settings: Settings,
    scanner,  # type: ignore[no-untyped-def]
) -> None:
    url = parse_device_url(f"serial://{scanner.port}?name=left", Role.SCANNER)
    stops = connect_serial_scanners(window, replace(settings, devices=Devices(scanners=(url,))))
    status = window.device_status
    try:
        qtbot.waitUntil(lambda: word_of(status, "scanner:left") == "ready")

        scanner.unplug()

        qtbot.waitUntil(
            lambda: word_of(status, "scanner:left") == "not connected",
            timeout=VERDICT_TIMEOUT_MS,
        )
        entry = status.entry("scanner:left")
        assert entry is not None
        assert entry.text() == "● Scanner left: not connected"
        assert "plugged in" in entry.toolTip()
        # The header says the same, from the same state.
        assert window.header.scanners_label.text() == "Scanner left: not connected"
    finally:
        for stop in stops:
            stop()


def test_the_header_and_the_status_bar_say_the_same_of_the_label_printer(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    header, status = window.header, window.device_status
    assert header.printer_label.text() == "Label printer: no status", "nobody asked it yet"

    for stop in watch_printers(status, Devices()):  # PDF files: a printer that cannot report
        stop()
    qtbot.waitUntil(lambda: word_of(status, "label_printer") == "no status")
    assert header.printer_label.text() == "Label printer: no status"
    assert "OK" not in header.printer_label.text() and "ready" not in header.printer_label.text()

    with zpl_simulator(SimulatedState.PAPER_OUT) as simulator:
        printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port))
        stops = watch_printers(status, Devices(), printer)
        try:
            qtbot.waitUntil(lambda: header.printer_label.text() == "Label printer: paper out")
            assert word_of(status, "label_printer") == "paper out"
            assert "#c62828" in header.printer_label.styleSheet()
        finally:
            for stop in stops:
                stop()
