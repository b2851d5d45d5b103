"""Devices…: URLs checked as typed, saved into the config file, and tested on real devices.

The printer is the TCP ZPL simulator, the scale and the scanner are simulators
on real pseudo-terminals: every Test button goes through the same code as a
real device would.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from devices.printers.zpl_simulator import SimulatedState
from station.settings import Settings, load_settings
from tests.helpers.devices_dialog import click, shown_dialog
from tests.helpers.wedge import FakeClock, WedgeScanner
from tests.helpers.zpl_sim import fields, zpl_simulator
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import connect_devices
from ui.device_checks import FoundDevice
from ui.devices_dialog import DevicesDialog
from ui.main_window import MainWindow
from ui.sign_in import SupervisorSignIn

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="simulators need a POSIX pty")

CONFIG = """\
# Bench 7 by the loading dock: ask Kim before changing anything.
[station]
name = "bench-07"

[devices]
label_printer = "zpl+tcp://192.0.2.10:9100"   # the Zebra on the left
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot: QtBot, config: Path) -> Iterator[DevicesDialog]:
    with shown_dialog(qtbot, config) as dialog:
        yield dialog


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_a_bad_url_says_what_is_wrong_next_to_its_field_and_blocks_save(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    retype(qtbot, dialog.label_printer.edit, "zpl://192.0.2.10")

    message = dialog.label_printer.message
    assert message.isVisible()
    assert "'zpl://192.0.2.10'" in message.text()
    assert "A valid example: zpl+tcp://192.0.2.10:9100" in message.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.label_test.button.isEnabled()

    retype(qtbot, dialog.label_printer.edit, "zpl+tcp://192.0.2.10:9100")

    assert not message.isVisible()
    assert dialog.save_button.isEnabled()


def test_a_bad_scanner_url_blocks_save_until_its_row_is_removed(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    click(qtbot, dialog.add_scanner_button)
    row = dialog.scanner_rows[-1]
    qtbot.keyClicks(row.field.edit, "usb://scanner")
    assert "use one of serial, sim" in row.field.message.text()
    assert not dialog.save_button.isEnabled()

    click(qtbot, row.remove_button)

    assert dialog.scanner_rows == []
    assert dialog.save_button.isEnabled()


def test_save_writes_the_devices_keeps_the_comments_and_says_a_restart_applies_them(
    qtbot: QtBot, dialog: DevicesDialog, config: Path
) -> None:
    click(qtbot, dialog.add_scanner_button)
    qtbot.keyClicks(dialog.scanner_rows[-1].field.edit, "serial:///dev/ttyACM0?name=left")
    qtbot.keyClicks(dialog.scale.edit, "scale+serial:///dev/ttyUSB0?protocol=cas")

    click(qtbot, dialog.save_button)

    assert dialog.message.text().startswith(f"Saved to {config}.")
    assert "Restart PackStation" in dialog.message.text()
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# Bench 7 by the loading dock: ask Kim before changing anything.\n")
    assert 'label_printer = "zpl+tcp://192.0.2.10:9100"   # the Zebra on the left' in text
    devices = load_settings(config).devices
    assert [url.text for url in devices.scanners] == ["serial:///dev/ttyACM0?name=left"]
    assert devices.scale is not None
    assert devices.scale.text == "scale+serial:///dev/ttyUSB0?protocol=cas"


def test_test_label_prints_the_sample_label_on_the_printer(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    with zpl_simulator() as printer:
        retype(qtbot, dialog.label_printer.edit, f"zpl+{printer.url}")

        click(qtbot, dialog.label_test.button)

        result = dialog.label_test.result
        qtbot.waitUntil(lambda: result.text().startswith("Test label sent"), timeout=10_000)
        assert printer.wait_for_jobs(1, timeout=10)
        assert "TEST0123456789" in [field.text for field in fields(printer.jobs[0])]


def test_test_label_on_a_printer_out_of_paper_says_what_to_do(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    with zpl_simulator(SimulatedState.PAPER_OUT) as printer:
        retype(qtbot, dialog.label_printer.edit, f"zpl+{printer.url}")

        click(qtbot, dialog.label_test.button)

        result = dialog.label_test.result
        qtbot.waitUntil(lambda: result.text().startswith("The test label"), timeout=10_000)
        assert "out of paper: load labels" in result.text()
        assert printer.jobs == []


@posix_only
def test_read_weight_shows_the_stable_weight_on_the_scale(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    from devices.scales.simulator import ScaleSimulator

    with ScaleSimulator("mt-sics") as scale:
        scale.set_weight(1234)
        qtbot.keyClicks(dialog.scale.edit, f"scale+serial://{scale.port}?protocol=mt-sics")

        click(qtbot, dialog.weight_test.button)

        result = dialog.weight_test.result
        qtbot.waitUntil(lambda: result.text() == "Stable weight: 1234 g", timeout=10_000)


def test_read_weight_of_a_scale_that_is_not_there_says_so(
    qtbot: QtBot, dialog: DevicesDialog, tmp_path: Path
) -> None:
    qtbot.keyClicks(dialog.scale.edit, f"scale+serial://{tmp_path / 'ttyGONE'}?protocol=nci")

    click(qtbot, dialog.weight_test.button)

    result = dialog.weight_test.result
    qtbot.waitUntil(lambda: "cannot be opened" in result.text(), timeout=10_000)
    assert "ttyGONE" in result.text()


@posix_only
def test_test_scan_shows_the_next_value_scanned(qtbot: QtBot, dialog: DevicesDialog) -> None:
    from devices.scanners.simulator import PtyScannerSimulator

    with PtyScannerSimulator() as scanner:
        row = dialog.add_scanner(f"serial://{scanner.port}")

        click(qtbot, row.test.button)

        result = row.test.result
        qtbot.waitUntil(lambda: result.text() == "Scan a barcode with it now…", timeout=10_000)
        assert row.test.button.text() == "Cancel"
        scanner.send("4006381333931")
        qtbot.waitUntil(lambda: result.text() == "Scanned: 4006381333931", timeout=10_000)
        assert row.test.button.text() == "Test scan"


@posix_only
def test_a_scan_test_can_be_cancelled(qtbot: QtBot, dialog: DevicesDialog) -> None:
    from devices.scanners.simulator import PtyScannerSimulator

    with PtyScannerSimulator() as scanner:
        row = dialog.add_scanner(f"serial://{scanner.port}")
        click(qtbot, row.test.button)
        result = row.test.result
        qtbot.waitUntil(lambda: result.text() == "Scan a barcode with it now…", timeout=10_000)

        click(qtbot, row.test.button)

        qtbot.waitUntil(lambda: result.text() == "Test cancelled.", timeout=10_000)


def test_picking_a_found_port_fills_the_url_for_that_device(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    qtbot.waitUntil(lambda: dialog.refresh_button.isEnabled(), timeout=10_000)  # first look done
    dialog.show_found(
        [
            FoundDevice("serial:///dev/ttyUSB7", "FT232R, USB 0403:6001, serial number A1B2"),
            FoundDevice("system://Office_Laser", "HP LaserJet (default)"),
        ]
    )
    dialog.found.setCurrentRow(0)
    assert "USB 0403:6001, serial number A1B2" in dialog.found.item(0).text()
    assert not dialog.use_buttons[dialog.document_printer.role].isEnabled()

    click(qtbot, dialog.use_buttons[dialog.scale.role])
    click(qtbot, dialog.use_buttons[dialog.label_printer.role])

    assert dialog.scale.text() == "scale+serial:///dev/ttyUSB7?protocol=mt-sics"
    assert dialog.label_printer.text() == "zpl+serial:///dev/ttyUSB7"

    dialog.found.setCurrentRow(1)
    click(qtbot, dialog.use_buttons[dialog.document_printer.role])

    assert dialog.document_printer.text() == "system://Office_Laser"
    assert dialog.save_button.isEnabled()


def test_the_devices_button_opens_the_dialog_on_the_config_file(
    qtbot: QtBot, window: MainWindow, settings: Settings, config: Path, clock: FakeClock
) -> None:
    stops = connect_devices(window, settings, config_path=config)
    try:
        click(qtbot, window.device_status.devices_button)
        sign_in = QApplication.activeModalWidget()
        assert isinstance(sign_in, SupervisorSignIn), "Devices… asks for a supervisor first"
        qtbot.waitUntil(sign_in.isActiveWindow)
        WedgeScanner(window, clock).scan("BADGE-S1")

        qtbot.waitUntil(lambda: open_dialog() is not None)
        opened = open_dialog()
        assert opened is not None
        assert opened.label_printer.text() == "zpl+tcp://192.0.2.10:9100"
        assert opened.config_path == config
        gone: list[bool] = []
        opened.destroyed.connect(lambda: gone.append(True))
        opened.reject()
        qtbot.waitUntil(lambda: bool(gone), timeout=VERDICT_TIMEOUT_MS)
    finally:
        for stop in stops:
            stop()


def open_dialog() -> DevicesDialog | None:
    active = QApplication.activeModalWidget()
    return active if isinstance(active, DevicesDialog) and active.isVisible() else None


@posix_only
def test_removing_a_scanner_while_its_test_runs_ends_the_test(
    qtbot: QtBot, dialog: DevicesDialog
) -> None:
    from devices.scanners.simulator import PtyScannerSimulator

    with PtyScannerSimulator() as scanner:
        row = dialog.add_scanner(f"serial://{scanner.port}")
        click(qtbot, row.test.button)
        result = row.test.result
        qtbot.waitUntil(lambda: result.text() == "Scan a barcode with it now…", timeout=10_000)

        click(qtbot, row.remove_button)

        assert dialog.scanner_rows == []
        qtbot.waitUntil(lambda: dialog.checks.running == 0, timeout=10_000)
