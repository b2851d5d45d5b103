"""Application-wide wedge capture on the real pack screen: scans vs typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.models import ScanEvent
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.main_window import MainWindow

V = VerdictKind


def test_a_burst_is_a_scan_wherever_the_focus_is(screen: PackScreen, window: MainWindow) -> None:
    window.input_bar.field.setText("12")
    window.input_bar.field.setFocus()
    assert screen.scan("BADGE-P1").kind is V.LOGIN
    assert window.input_bar.text() == "12", "no key of the burst lands in the field"
    window.input_bar.field.clearFocus()
    assert screen.scan("SO-1").kind is V.ORDER_OPENED


def test_a_burst_ended_by_tab_is_a_scan(screen: PackScreen, window: MainWindow) -> None:
    verdict = screen.answer(lambda: (screen.scanner.type("BADGE-P1"), screen.scanner.tab()))
    assert verdict.kind is V.LOGIN
    assert verdict.scan == "BADGE-P1"


def test_slow_typing_without_focus_goes_to_the_input_field(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    shown: list[object] = []
    window.verdict_shown.connect(shown.append)
    window.input_bar.field.clearFocus()
    window.setFocus()
    screen.human.type("SO-1")
    # The last key is held for at most the wedge interval, then delivered.
    qtbot.waitUntil(lambda: window.input_bar.text() == "SO-1")
    assert window.input_bar.field.hasFocus()
    assert shown == [] and window.controller.pending == 0, "typing is not a scan"


def test_typed_text_and_enter_is_one_manual_entry(screen: PackScreen, window: MainWindow) -> None:
    screen.scan("BADGE-P1")
    window.setFocus()
    verdict = screen.answer(lambda: (screen.human.type("SO-1"), screen.human.enter()))
    assert verdict.kind is V.ORDER_OPENED
    assert verdict.scan == "SO-1"


def test_a_short_fast_burst_is_typing(screen: PackScreen, window: MainWindow, bench: Bench) -> None:
    # Below wedge_min_length: the keys go to the field and Enter submits them as typed.
    verdict = screen.answer(lambda: screen.scanner.scan("ab"))
    assert verdict.scan == "ab"
    assert window.input_bar.text() == ""
    with bench.store.session() as db:
        event = db.exec(select(ScanEvent)).one()
    assert (event.source, event.manual) == ("keyboard", True)


def test_typing_then_scanning_keeps_both_apart(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.human.type("12")
    qtbot.waitUntil(lambda: window.input_bar.text() == "12")
    screen.human.clock.advance(1000)  # the person stops typing and picks up the scanner
    assert screen.scan("BADGE-P1").kind is V.LOGIN
    assert window.input_bar.text() == "12"


def test_backspace_edits_what_was_typed(screen: PackScreen, window: MainWindow) -> None:
    window.input_bar.field.setFocus()
    screen.human.type("SO-12")
    QApplication.sendEvent(
        window.input_bar.field,
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
    )
    assert window.input_bar.text() == "SO-1", "held keys are delivered before Backspace"


def test_a_held_down_key_is_typing(window: MainWindow) -> None:
    window.input_bar.field.setFocus()
    for _ in range(6):
        QApplication.sendEvent(
            window.input_bar.field,
            QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier, "1", True
            ),
        )
    assert window.input_bar.text() == "111111"


def test_the_filter_is_removed_when_the_window_closes(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    window.close()
    scanned: list[str] = []
    window.wedge.scanned.connect(scanned.append)
    screen.scanner.window = window
    QApplication.sendEvent(
        window.input_bar.field,
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
    )
    assert window.wedge.detector.held == ""
    assert scanned == []


@pytest.mark.parametrize(
    "barcode", [MUG_UPC, "BADGE-P1", "]C1010003600029145210LOT-7\x1d17270101", "a b~c"]
)
def test_the_scanner_delivers_the_barcode_exactly(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, barcode: str
) -> None:
    with qtbot.waitSignal(window.wedge.scanned, timeout=VERDICT_TIMEOUT_MS) as got:
        screen.scanner.scan(barcode)
    assert got.args == [barcode]


def test_a_gs1_scan_with_fnc1_counts_the_item(screen: PackScreen) -> None:
    screen.scan_all("BADGE-P1", "SO-1")
    verdict = screen.scan("]C10100" + MUG_UPC + "10LOT-7\x1d17270101")
    assert verdict.kind is V.OK
    assert verdict.sku == "MUG-350"


@pytest.mark.parametrize(
    ("modifiers", "taken"),
    [
        (Qt.KeyboardModifier.ShiftModifier, True),
        (Qt.KeyboardModifier.KeypadModifier, True),
        (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier, True),  # AltGr
        (Qt.KeyboardModifier.AltModifier, False),  # a shortcut, not a character
        (Qt.KeyboardModifier.MetaModifier, False),
    ],
)
def test_which_key_combinations_are_characters(
    window: MainWindow, modifiers: Qt.KeyboardModifier, taken: bool
) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Q, modifiers, "@")
    QApplication.sendEvent(window.input_bar.field, event)
    assert (window.wedge.detector.held == "@") is taken
