"""Devices… in a test: the dialog on a config file, shown, and gone only once every
check it started has answered; and a click that first says a button is disabled."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from station.settings import Devices, load_settings
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.devices_dialog import DevicesDialog


@contextmanager
def shown_dialog(
    qtbot: QtBot, config: Path, devices: Devices | None = None, cameras_note: str = ""
) -> Iterator[DevicesDialog]:
    """The dialog on `config`, showing `devices` (what `config` says unless given)."""
    dialog = DevicesDialog(
        config,
        devices if devices is not None else load_settings(config).devices,
        cameras_note=cameras_note,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    # Every check has answered before the dialog goes: none outlives its test. On a
    # loaded machine (the suite on both cores) a check took over a verdict's wait.
    qtbot.waitUntil(lambda: dialog.checks.running == 0, timeout=3 * VERDICT_TIMEOUT_MS)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.text()!r} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
