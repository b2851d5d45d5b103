"""A wedge scanner set to another keyboard layout than the computer's, on the real pack screen."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.models import ScanEvent
from station.settings import Settings
from station.verdicts import Tone, VerdictKind
from tests.helpers.factory import MUG_UPC, Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.main_window import MainWindow

FRENCH_DIGITS = "&é\"'(-è_çà"  # the digit keys 1..0 without Shift on AZERTY


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> Settings:
    return Settings(station="bench-1", wedge_keyboard_layout=getattr(request, "param", "us"))


def refused(qtbot: QtBot, screen: PackScreen, burst: str) -> str:
    with qtbot.waitSignal(screen.window.error_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        screen.scanner.scan(burst)
    message = got.args[0]
    assert isinstance(message, str)
    return message


def stored_scans(bench: Bench) -> list[str]:
    with bench.store.session() as db:
        return list(db.exec(select(ScanEvent.raw)).all())


def typed_like_a_us_scanner_on_azerty(digits: str) -> str:
    return "".join(FRENCH_DIGITS[(int(d) - 1) % 10] for d in digits)


@pytest.mark.parametrize("settings", ["fr"], indirect=True)
def test_a_us_scanner_on_an_azerty_station_is_refused_loudly_and_not_stored(
    qtbot: QtBot,
    screen: PackScreen,
    window: MainWindow,
    bench: Bench,
    sounds: RecordingSoundPlayer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    screen.scan_all("BADGE-P1", "SO-1")
    before = stored_scans(bench)
    burst = typed_like_a_us_scanner_on_azerty(MUG_UPC)
    with caplog.at_level(logging.WARNING, logger="ui.wedge"):
        message = refused(qtbot, screen, burst)
    assert f'looks like "{MUG_UPC}"' in message
    assert "set the scanner to French (AZERTY)" in message
    assert window.banner.headline() == "SCAN NOT COUNTED"
    assert window.banner.tone is Tone.ERROR and window.banner.detail() == message
    assert sounds.played[-1] is Tone.ERROR
    assert window.controller.pending == 0, "nothing went to the engine"
    assert stored_scans(bench) == before
    assert window.input_bar.text() == "", "no key of it was typed either"
    assert window.header.totals_label.text() == "0 / 3 items"
    assert any(burst in record.getMessage() for record in caplog.records), "IT finds it in the log"
    # Once the scanner is set right, the same barcode counts.
    assert screen.scan(MUG_UPC).kind is VerdictKind.OK


@pytest.mark.parametrize("settings", ["fr"], indirect=True)
def test_digit_row_symbols_alone_are_refused_though_they_are_ascii(
    qtbot: QtBot, screen: PackScreen, bench: Bench
) -> None:
    screen.scan("BADGE-P1")
    message = refused(qtbot, screen, "\"'(-")
    assert 'looks like "3456"' in message
    assert stored_scans(bench) == ["BADGE-P1"]


def test_a_station_left_on_us_names_the_layout_the_burst_came_from(
    qtbot: QtBot, screen: PackScreen, bench: Bench
) -> None:
    message = refused(qtbot, screen, "BADGEßP1")  # a US scanner on a German computer
    assert 'looks like "BADGE-P1"' in message
    assert 'the setting to "de"' in message
    assert stored_scans(bench) == []


def test_a_good_scan_after_a_refused_one_counts(
    qtbot: QtBot, screen: PackScreen, window: MainWindow
) -> None:
    refused(qtbot, screen, "BADGEßP1")
    assert screen.scan("BADGE-P1").kind is VerdictKind.LOGIN
    assert window.banner.headline() == "LOGGED IN"


def test_a_dead_key_inside_a_burst_does_not_break_it_into_typing(
    qtbot: QtBot, screen: PackScreen, window: MainWindow, bench: Bench
) -> None:
    # A US scanner's "[" is the circumflex dead key on AZERTY: the next key comes composed.
    def burst_with_dead_key() -> None:
        scanner = screen.scanner
        scanner.type("SO")
        dead = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Dead_Circumflex, Qt.KeyboardModifier.NoModifier, ""
        )
        QApplication.sendEvent(scanner.target(), dead)
        scanner.type("ê12")
        scanner.enter()

    with qtbot.waitSignal(window.error_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        burst_with_dead_key()
    assert '"SOê12"' in got.args[0]
    assert window.input_bar.text() == ""
    assert stored_scans(bench) == []
