"""Devices… needs a supervisor: badge then PIN, refused for a packer, locked after 5 wrong."""

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
from station.supervisor_auth import Action, SupervisorAuth
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


def attempts(bench: Bench) -> list[tuple[str, str, str]]:
    """The supervisor gate's records: who, outcome, how."""
    with bench.store.session() as db:
        rows = db.exec(select(SupervisorAuth).order_by(col(SupervisorAuth.created_at))).all()
        names = {p.id: p.name for p in db.exec(select(Packer)).all()}
    assert {row.action for row in rows} <= {Action.OPEN_SETTINGS.value}
    return [(names[row.packer_id] if row.packer_id else "?", row.outcome, row.how) for row in rows]


def saved_events(bench: Bench) -> list[tuple[str, str | None]]:
    with bench.store.session() as db:
        rows = db.exec(select(SettingsEvent).order_by(col(SettingsEvent.created_at))).all()
        names = {p.id: p.name for p in db.exec(select(Packer)).all()}
    return [(row.kind, names.get(row.packer_id) if row.packer_id else None) for row in rows]


def test_a_packer_badge_is_refused_with_what_to_do(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    scanner = WedgeScanner(window, clock)

    refused = answer_to(qtbot, sign_in, lambda: scanner.scan("BADGE-P1"))

    assert not refused.allowed
    assert "Ana is a packer" in sign_in.message.text()
    assert "supervisor" in sign_in.message.text()
    assert not sign_in.asking_pin, "a packer's badge is asked no PIN"
    assert sign_in.isVisible() and open_devices() is None
    assert attempts(bench) == [("Ana", "not_supervisor", "scanner")]


def test_a_supervisor_badge_then_its_pin_opens_devices_and_is_recorded(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    asked = answer_to(qtbot, sign_in, lambda: WedgeScanner(window, clock).scan("BADGE-S1"))
    assert not asked.allowed and asked.needs_pin
    assert sign_in.asking_pin and sign_in.pin.isVisible() and sign_in.pin.hasFocus()
    assert "Sam: type your PIN" in sign_in.message.text()
    assert open_devices() is None

    human = Human(window, clock)
    allowed = answer_to(qtbot, sign_in, lambda: (human.type("4711"), human.enter()))

    assert allowed.allowed and allowed.name == "Sam"
    qtbot.waitUntil(lambda: open_devices() is not None)
    assert attempts(bench) == [("Sam", "allowed", "keyboard")]


def test_a_pin_typed_as_fast_as_a_scanner_is_the_pin_never_a_badge_shown(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    fast = WedgeScanner(window, clock)
    answer_to(qtbot, sign_in, lambda: fast.scan("BADGE-S1"))

    wrong = answer_to(qtbot, sign_in, lambda: (fast.scan("4712"), sign_in.sign_in_button.click()))
    allowed = answer_to(qtbot, sign_in, lambda: (fast.scan("4711"), sign_in.sign_in_button.click()))

    assert "Wrong PIN" in wrong.message and "4712" not in wrong.message
    assert allowed.allowed
    assert [outcome for _, outcome, _ in attempts(bench)] == ["wrong_pin", "allowed"]


def test_a_badge_typed_and_a_wrong_pin_is_refused_five_lock_it(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, sign_in: SupervisorSignIn, bench: Bench
) -> None:
    human = Human(window, clock)
    assert sign_in.badge.hasFocus(), "the badge field waits for typing"
    answer_to(qtbot, sign_in, lambda: (human.type("BADGE-S1"), human.enter()))
    assert sign_in.asking_pin

    for _ in range(4):
        wrong = answer_to(qtbot, sign_in, lambda: (human.type("1234"), human.enter()))
        assert not wrong.allowed and wrong.needs_pin and "Wrong PIN" in sign_in.message.text()
    locked = answer_to(qtbot, sign_in, lambda: (human.type("1234"), human.enter()))
    assert not locked.allowed and "locked until" in sign_in.message.text()
    assert not sign_in.asking_pin, "a locked badge is asked no more PINs"
    # The badge given again is not even asked its PIN: it is locked for 15 minutes.
    answer_to(qtbot, sign_in, lambda: (human.type("BADGE-S1"), human.enter()))
    assert "badge is locked" in sign_in.message.text() and not sign_in.asking_pin
    assert open_devices() is None
    assert [outcome for _, outcome, _ in attempts(bench)] == ["wrong_pin"] * 5 + ["locked"]
    assert saved_events(bench) == [], "a PIN is never stored"


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
    human = Human(window, clock)
    answer_to(qtbot, sign_in, lambda: (human.type("4711"), human.enter()))
    qtbot.waitUntil(lambda: open_devices() is not None)
    devices = open_devices()
    assert devices is not None

    qtbot.mouseClick(devices.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(saved_events(bench)), timeout=VERDICT_TIMEOUT_MS)
    assert saved_events(bench) == [("settings_saved", "Sam")]
