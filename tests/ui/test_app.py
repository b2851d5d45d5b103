"""Starting the GUI: run_gui shows the screen and reports READY; thumbnails load."""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.models import Product
from tests.helpers.factory import Bench
from tests.ui.conftest import PackScreen
from ui.app import READY, build_main_window, run_gui
from ui.crash import install_excepthook
from ui.main_window import MainWindow
from ui.order_table import Column
from ui.sounds import SilentSoundPlayer


def test_run_gui_shows_the_screen_and_prints_ready_once(
    qtbot: QtBot, bench: Bench, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = replace(bench.settings, sounds=False)
    seen: list[MainWindow] = []

    def close_when_ready() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.view is not None:
                seen.append(widget)
                poll.stop()
                widget.close()
                QApplication.quit()

    poll = QTimer()
    poll.timeout.connect(close_when_ready)
    poll.start(10)
    saved_hook = sys.excepthook
    session = bench.session()
    try:
        code = run_gui(session, settings, title_suffix="[demo]", report_ready=True)
    finally:
        sys.excepthook = saved_hook
        poll.stop()
        session.close()
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [READY]
    window = seen[0]
    assert window.windowTitle() == "PackStation — bench-1 [demo]"
    assert window.windowState() & Qt.WindowState.WindowMaximized
    gone: list[bool] = []
    window.destroyed.connect(lambda: gone.append(True))
    window.deleteLater()
    qtbot.waitUntil(lambda: bool(gone))  # gone before the next test shows its window


def test_build_main_window_is_silent_when_sounds_are_off(qtbot: QtBot, bench: Bench) -> None:
    session = bench.session()
    window = build_main_window(session, replace(bench.settings, sounds=False))
    qtbot.addWidget(window)
    assert isinstance(window.sound_player, SilentSoundPlayer)
    window.close()
    session.close()


def test_product_pictures_load_in_the_background(
    screen: PackScreen, window: MainWindow, bench: Bench, tmp_path: Path, qtbot: QtBot
) -> None:
    picture = tmp_path / "mug.png"
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(picture))
    with bench.store.session() as db:
        mug = db.exec(select(Product).where(Product.sku == "MUG-350")).one()
        mug.image = str(picture)
        db.add(mug)
        db.commit()
    screen.scan_all("BADGE-P1", "SO-1")
    model = window.order_table.lines_model

    def thumbnail(row: int) -> QPixmap:
        pixmap = model.data(model.index(row, Column.PICTURE), Qt.ItemDataRole.DecorationRole)
        assert isinstance(pixmap, QPixmap)
        return pixmap

    qtbot.waitUntil(lambda: (thumbnail(0).width(), thumbnail(0).height()) == (96, 48))
    assert (thumbnail(1).width(), thumbnail(1).height()) == (96, 96), "placeholder, no picture"


def test_an_exception_escaping_a_slot_shows_the_crash_box(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    saved_hook = sys.excepthook
    try:
        install_excepthook(window)
        try:
            raise KeyError("slot bug")
        except KeyError as exc:
            sys.excepthook(KeyError, exc, exc.__traceback__)
    finally:
        sys.excepthook = saved_hook
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1 and "KeyError" in boxes[0].detailedText()
    assert any(r.getMessage() == "unhandled exception" for r in caplog.records)
    boxes[0].accept()


def test_an_exception_ending_a_device_thread_shows_the_crash_box(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    def reader() -> None:
        raise OSError("serial read bug")

    saved_hooks = sys.excepthook, threading.excepthook
    try:
        install_excepthook(window)
        thread = threading.Thread(target=reader, name="scanner-reader")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    finally:
        sys.excepthook, threading.excepthook = saved_hooks
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    assert "scanner-reader" in boxes[0].detailedText()
    assert "serial read bug" in boxes[0].detailedText()
    assert any("in thread scanner-reader" in r.getMessage() for r in caplog.records)
    boxes[0].accept()
