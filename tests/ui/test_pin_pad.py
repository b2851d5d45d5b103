"""The bench's PIN pad: a supervisor's badge that needs its PIN opens it; digits by touch,
never shown; OK gives the badge again with the PIN, and the approval is on screen."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.importers.packers import hash_pin
from station.models import Packer, ScanEvent
from station.supervisor_auth import SupervisorAuth
from station.verdicts import VerdictKind as V
from tests.helpers.factory import MUG_UPC, Bench
from tests.helpers.wedge import FakeClock, WedgeScanner
from tests.ui.conftest import PackScreen
from ui.main_window import MainWindow
from ui.pin_pad import ERASE, PinPad

PIN = "2468"


@pytest.fixture
def bench(bench: Bench) -> Bench:
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin(PIN)
        db.add(sam)
        db.commit()
    return bench


def type_on_pad(screen: PackScreen, pad: PinPad, digits: str) -> None:
    for digit in digits:
        screen.click(pad.keys[digit])


def test_a_ship_short_is_approved_with_the_pin_typed_on_the_pad(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    screen.answer(lambda: window.controller.request_short_ship("mug out of stock"))

    asked = screen.scan("BADGE-S1")

    assert asked.kind is V.SUPERVISOR_REQUIRED and asked.needs_pin
    pad = window.dialog
    assert isinstance(pad, PinPad)
    qtbot.waitExposed(pad)
    assert not pad.ok_button.isEnabled()
    type_on_pad(screen, pad, "24689")
    screen.click(pad.keys[ERASE])
    assert pad.pin.text() == PIN and pad.pin.echoMode() is pad.pin.EchoMode.Password
    approved = screen.answer(lambda: screen.click(pad.ok_button))
    assert approved.kind is V.OVERRIDE and approved.scan == "BADGE-S1"
    assert "approved by Sam" in window.banner.headline() + approved.message
    assert window.dialog is None


def test_a_pin_typed_as_fast_as_a_scanner_fills_the_pin_and_is_never_a_scan(
    screen: PackScreen, window: MainWindow, clock: FakeClock, bench: Bench
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    screen.answer(lambda: window.controller.request_short_ship("mug out of stock"))
    screen.scan("BADGE-S1")
    pad = window.dialog
    assert isinstance(pad, PinPad)

    WedgeScanner(window, clock).scan(PIN)
    assert pad.pin.text() == PIN and window.dialog is pad  # waits for OK
    approved = screen.answer(lambda: screen.click(pad.ok_button))

    assert approved.kind is V.OVERRIDE and approved.scan == "BADGE-S1"
    with bench.store.session() as db:
        assert db.exec(select(ScanEvent).where(ScanEvent.raw == PIN)).all() == []


def test_an_item_scanned_while_the_pin_is_asked_is_no_wrong_pin(
    screen: PackScreen, window: MainWindow, clock: FakeClock, bench: Bench
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    screen.answer(lambda: window.controller.request_short_ship("mug out of stock"))
    screen.scan("BADGE-S1")
    pad = window.dialog
    assert isinstance(pad, PinPad)

    for _ in range(5):  # five would lock the supervisor's badge as wrong PINs
        WedgeScanner(window, clock).scan(MUG_UPC)

    assert window.dialog is pad and pad.pin.text() == MUG_UPC
    with bench.store.session() as db:
        outcomes = [row.outcome for row in db.exec(select(SupervisorAuth)).all()]
    assert "wrong_pin" not in outcomes


def test_a_wrong_pin_asks_again_and_cancel_leaves_the_station_waiting(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    screen.answer(lambda: window.controller.request_short_ship("mug out of stock"))
    screen.scan("BADGE-S1")
    pad = window.dialog
    assert isinstance(pad, PinPad)
    type_on_pad(screen, pad, "1111")

    wrong = screen.answer(lambda: screen.click(pad.ok_button))

    assert wrong.kind is V.SUPERVISOR_REQUIRED and "Wrong PIN" in wrong.message
    again = window.dialog
    assert isinstance(again, PinPad) and again is not pad and again.pin.text() == ""
    screen.click(again.cancel_button)
    qtbot.waitUntil(lambda: window.dialog is None)
    assert window.banner.action() == "Supervisor: scan your badge to approve"
