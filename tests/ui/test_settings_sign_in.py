"""Devices… needs a supervisor: badge or PIN, refused for a packer, every attempt stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from station.importers.packers import hash_pin
from station.models import Packer
from station.settings import Settings
from station.settings_access import SettingsEvent, SignIn
from tests.helpers.factory import Bench
from tests.helpers.wedge import FakeClock, Human, WedgeScanner
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import connect_devices
from ui.devices_dialog import DevicesDialog
from ui.main_window import MainWindow
from ui.sign_in import SupervisorSignIn


@pytest.fixture
def sign_in(
    qtbot: QtBot, window: MainWindow, settings: Settings, tmp_path: Path, bench: Bench
) -> Iterator[SupervisorSignIn]:
    with bench.store.session() as db:
        supervisor = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        supervisor.pin_hash = hash_pin("4711")
        db.add(supervisor)
        db.commit()
    stops = connect_devices(window, settings, config_path=tmp_path / "station.toml")
    qtbot.mouseClick(window.device_status.devices_button, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SupervisorSignIn)
    qtbot.waitUntil(dialog.isActiveWindow)
    yield dialog
    devices = open_devices()
    if devices is not None:
        gone: list[bool] = []
        devices.destroyed.connect(lambda: gone.append(True))
        devices.reject()  # it goes once its checks have answered
        qtbot.waitUntil(lambda: bool(gone), timeout=VERDICT_TIMEOUT_MS)
    for stop in stops:
        stop()


def open_devices() -> DevicesDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, DevicesDialog) and widget.isVisible():
            return widget
    return None


def answer_to(qtbot: QtBot, dialog: SupervisorSignIn, action: object) -> SignIn:
    with qtbot.waitSignal(dialog.answered, timeout=VERDICT_TIMEOUT_MS) as got:
        assert callable(action)
        action()
    answer = got.args[0]
    assert isinstance(answer, SignIn)
    return answer


def events(bench: Bench) -> list[tuple[str, str, str | None]]:
    with bench.store.session() as db:
        rows = db.exec(select(SettingsEvent).order_by(col(SettingsEvent.created_at))).all()
        names = {p.id: p.name for p in db.exec(select(Packer)).all()}
    return [
        (row.kind, row.how, names.get(row.packer_id) if row.packer_id else None) for row in rows
    ]


def test_a_packer_badge_is_refused_with_what_to_do(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    scanner = WedgeScanner(window, clock)

    refused = answer_to(qtbot, sign_in, lambda: scanner.scan("BADGE-P1"))

    assert not refused.allowed
    assert "Ana is a packer" in sign_in.message.text()
    assert "supervisor" in sign_in.message.text()
    assert sign_in.isVisible() and open_devices() is None
    assert events(bench) == [("settings_refused", "badge", "Ana")]


def test_a_supervisor_badge_opens_devices_and_is_recorded(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    allowed = answer_to(qtbot, sign_in, lambda: WedgeScanner(window, clock).scan("BADGE-S1"))

    assert allowed.allowed and allowed.name == "Sam"
    qtbot.waitUntil(lambda: open_devices() is not None)
    assert events(bench) == [("settings_opened", "badge", "Sam")]


def test_a_supervisor_pin_typed_opens_devices_and_a_wrong_one_does_not(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    human = Human(window, clock)
    assert sign_in.pin.hasFocus(), "the PIN field waits for typing"

    wrong = answer_to(qtbot, sign_in, lambda: (human.type("1234"), human.enter()))
    assert not wrong.allowed and "Wrong PIN" in sign_in.message.text()
    assert open_devices() is None

    right = answer_to(qtbot, sign_in, lambda: (human.type("4711"), human.enter()))
    assert right.allowed
    qtbot.waitUntil(lambda: open_devices() is not None)
    assert events(bench) == [("settings_refused", "pin", None), ("settings_opened", "pin", "Sam")]
    with bench.store.session() as db:
        notes = " ".join(row.note for row in db.exec(select(SettingsEvent)).all())
    assert "4711" not in notes and "1234" not in notes, "a PIN is never stored"


def test_an_item_scanned_during_the_sign_in_goes_to_the_bench(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn
) -> None:
    scanner = WedgeScanner(window, clock)
    with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as shown:
        scanner.scan("CMD-ACK")
    assert shown.args[0].scan == "CMD-ACK"
    assert sign_in.isVisible()


def test_saved_devices_are_recorded_with_the_supervisor_who_signed_in(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    answer_to(qtbot, sign_in, lambda: WedgeScanner(window, clock).scan("BADGE-S1"))
    qtbot.waitUntil(lambda: open_devices() is not None)
    devices = open_devices()
    assert devices is not None

    qtbot.mouseClick(devices.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(events(bench)) == 2, timeout=VERDICT_TIMEOUT_MS)
    assert events(bench)[-1] == ("settings_saved", "saved", "Sam")
