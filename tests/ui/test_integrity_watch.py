"""Damage found by the check after the start reaches the screen, on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station.store import DB_NAME, Store
from ui import integrity_watch
from ui.integrity_watch import IntegrityWatch


def test_damage_found_after_the_start_is_shown(qtbot: QtBot, tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    data = bytearray((tmp_path / DB_NAME).read_bytes())
    data[3 * 4096 : 3 * 4096 + 100] = b"\xff" * 100  # a table page's header and cells
    (tmp_path / DB_NAME).write_bytes(bytes(data))
    shown: list[tuple[str, bool]] = []
    watch = IntegrityWatch(
        lambda text: shown.append((text, threading.current_thread() is threading.main_thread()))
    )
    with qtbot.waitSignal(watch.damage_found, timeout=10_000):
        watch.start(tmp_path / DB_NAME)
    qtbot.waitUntil(lambda: bool(shown))
    ((text, on_ui_thread),) = shown
    assert "is damaged" in text and "Nothing was moved or deleted" in text
    assert on_ui_thread


def test_a_whole_store_shows_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    watch = IntegrityWatch(lambda text: None)
    with qtbot.assertNotEmitted(watch.damage_found, wait=500):
        watch.start(tmp_path / DB_NAME)


def test_damage_found_after_the_window_closed_ends_the_check_quietly(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[Callable[[str], None]] = []
    monkeypatch.setattr(
        integrity_watch, "check_in_background", lambda _path, on_damage: told.append(on_damage)
    )
    raised: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    watch = IntegrityWatch(lambda text: None)
    watch.start(tmp_path / DB_NAME)
    del watch  # the window closed while the check ran

    # The check's thread finds damage and says so: nobody to tell, and no crash report.
    thread = threading.Thread(target=told[0], args=("damaged",), name="integrity-check")
    thread.start()
    thread.join()

    assert raised == []
