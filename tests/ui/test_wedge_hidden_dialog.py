"""A wedge scan reaches what the packer sees: never a dialog that is hidden."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station.verdicts import VerdictKind
from tests.helpers.factory import Bench
from tests.helpers.wedge import SCANNER_KEY_MS, FakeClock, key_of
from tests.ui.conftest import PackScreen
from ui.main_window import MainWindow
from ui.supervisor_gate import BadgeAsk

V = VerdictKind
BADGE = "BADGE-P1"  # the packer's badge: at the bench it logs them in


def badge_ask(qtbot: QtBot, window: MainWindow, bench: Bench, given: list[str]) -> BadgeAsk:
    """The supervisor's badge question (it takes any scan as the badge), shown and active."""
    ask = BadgeAsk("A supervisor scans their badge.", bench.settings.commands, window)
    ask.badge_given.connect(lambda badge, _how: given.append(badge))
    ask.open()
    qtbot.waitExposed(ask)
    ask.activateWindow()
    qtbot.waitUntil(ask.isActiveWindow)
    return ask


def press(target: object, char: str, clock: FakeClock) -> None:
    """One key of a scanner, sent to `target` as the platform would deliver it there."""
    clock.advance(SCANNER_KEY_MS)
    key = Qt.Key.Key_Return if char == "\r" else key_of(char)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def test_a_dialog_closed_before_the_scan_ends_does_not_take_it(
    qtbot: QtBot, screen: PackScreen, window: MainWindow, bench: Bench, clock: FakeClock
) -> None:
    given: list[str] = []
    ask = badge_ask(qtbot, window, bench, given)
    screen.scanner.type(BADGE)  # every key of the burst aimed at the question
    ask.reject()  # closed (hidden, not deleted) before the scanner's Enter comes
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    verdict = screen.answer(screen.scanner.enter)

    assert verdict.kind is V.LOGIN and verdict.scan == BADGE  # the bench took it, as seen
    assert given == [], "the hidden question acted on a scan nobody saw it take"


def test_a_scan_closing_a_dialog_halfway_reaches_the_bench_whole(
    qtbot: QtBot, screen: PackScreen, window: MainWindow, bench: Bench, clock: FakeClock
) -> None:
    given: list[str] = []
    ask = badge_ask(qtbot, window, bench, given)
    screen.scanner.type(BADGE[:4])
    ask.reject()  # the question goes away under the burst
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    verdict = screen.answer(lambda: screen.scanner.scan(BADGE[4:]))

    assert verdict.kind is V.LOGIN and verdict.scan == BADGE
    assert window.input_bar.text() == "", "no key of the burst is left as typing"
    assert given == []


def test_keys_delivered_to_a_dialog_not_shown_yet_go_to_the_bench(
    qtbot: QtBot, screen: PackScreen, window: MainWindow, bench: Bench, clock: FakeClock
) -> None:
    given: list[str] = []
    ask = BadgeAsk("A supervisor scans their badge.", bench.settings.commands, window)
    ask.badge_given.connect(lambda badge, _how: given.append(badge))
    assert not ask.isVisible()  # built, not shown: the packer sees the pack screen

    def scan_into_the_hidden_dialog() -> None:
        for char in BADGE + "\r":
            press(ask.badge, char, clock)

    verdict = screen.answer(scan_into_the_hidden_dialog)

    assert verdict.kind is V.LOGIN and verdict.scan == BADGE
    assert given == []
