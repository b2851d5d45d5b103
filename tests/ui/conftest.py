"""The real pack screen on a real PackSession, with a fake clock and recorded sounds."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from station.session import PackSession
from station.settings import Settings
from station.verdicts import Verdict
from tests.helpers.factory import Bench, standard_bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.helpers.wedge import FakeClock, Human, WedgeScanner
from ui.app import build_main_window
from ui.main_window import MainWindow

VERDICT_TIMEOUT_MS = 10_000
# The offscreen platform has no window manager to pass size hints to and says so
# as a warning: noise about the test platform, not about our widgets.
OFFSCREEN_NOISE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def settings() -> Settings:
    return Settings(station="bench-1")


@pytest.fixture
def bench(tmp_path: Path, settings: Settings) -> Iterator[Bench]:
    bench = standard_bench(tmp_path, settings)
    yield bench
    bench.close()  # the sessions it opened first, then the store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sounds() -> RecordingSoundPlayer:
    return RecordingSoundPlayer()


@pytest.fixture
def session(bench: Bench) -> Iterator[PackSession]:
    session = bench.session()
    yield session
    session.close()  # its print thread


@pytest.fixture
def window(
    qtbot: QtBot,
    bench: Bench,
    session: PackSession,
    clock: FakeClock,
    sounds: RecordingSoundPlayer,
) -> MainWindow:
    window = build_main_window(session, bench.settings, sounds, clock=clock)
    qtbot.addWidget(window)  # closed after the test: that stops the worker
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    return window


class PackScreen:
    """Drives the pack screen like the people at the bench do, and waits for answers."""

    def __init__(self, qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
        self.qtbot = qtbot
        self.window = window
        self.scanner = WedgeScanner(window, clock)
        self.human = Human(window, clock)

    def scan(self, barcode: str) -> Verdict:
        """Scan with the wedge scanner and wait until the verdict is on screen."""
        with self.qtbot.waitSignal(self.window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
            self.scanner.scan(barcode)
        verdict = got.args[0]
        assert isinstance(verdict, Verdict)
        return verdict

    def scan_all(self, *barcodes: str) -> list[Verdict]:
        return [self.scan(barcode) for barcode in barcodes]

    def answer(self, action: Callable[[], object]) -> Verdict:
        """Do something (click, key) and wait until its verdict is on screen."""
        with self.qtbot.waitSignal(self.window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
            action()
        verdict = got.args[0]
        assert isinstance(verdict, Verdict)
        return verdict

    def click(self, button: QAbstractButton) -> None:
        assert button.isEnabled(), f"{button.text()!r} is disabled"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def screen(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> PackScreen:
    return PackScreen(qtbot, window, clock)
