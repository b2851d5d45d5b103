"""Every device's health at a glance, in the main window's status bar.

One entry per configured device (each scanner, the label printer, the
document printer, the scale): a coloured word (ready, not connected, paper
out, no status...) and a tooltip saying what is wrong and what to do. Devices
report from their own threads through `DeviceStatusBar.report`, a signal
queued to the UI thread: no device thread ever touches a widget.

A device that cannot say how it is never shows "ready": a printer without a
status query is "no status", one that did not answer is "unknown".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from devices.state import DeviceState

if TYPE_CHECKING:  # printers and scanners load only on stations that have them
    from devices.printers.status import PrinterStatus
    from devices.scanners import ScannerListener, ScanRead
    from station.sync.link import LinkStatus

log = logging.getLogger(__name__)


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"  # works, but someone should act soon (paper low)
    FAULT = "fault"  # does not work now
    NONE = "none"  # nothing known (connecting, no status, unknown)


COLOURS = {
    Level.OK: "#2e7d32",
    Level.WARNING: "#ef6c00",
    Level.FAULT: "#c62828",
    Level.NONE: "#616161",
}


@dataclass(frozen=True)
class DeviceHealth:
    """One device's state as the status bar shows it.

    Attributes:
        key: which entry: "scanner:<id>", "label_printer", "document_printer" or "scale".
        title: the device's name on screen ("Scanner left", "Label printer").
        word: the state in a word or two ("ready", "not connected", "paper out").
        tooltip: the details and what to do.
    """

    key: str
    title: str
    word: str
    level: Level
    tooltip: str


_STATE_WORDS: dict[DeviceState, tuple[str, Level, str]] = {
    DeviceState.READY: ("ready", Level.OK, "Working."),
    DeviceState.CONNECTING: ("connecting", Level.NONE, "Opening its port."),
    DeviceState.DISCONNECTED: (
        "not connected",
        Level.FAULT,
        "Check that it is plugged in and switched on; it reconnects by itself.",
    ),
    DeviceState.ERROR: (
        "error",
        Level.FAULT,
        "Fix what it says (Devices… shows the settings); it retries by itself.",
    ),
    DeviceState.UNKNOWN: ("unknown", Level.NONE, "It has not said anything yet."),
    DeviceState.CLOSED: ("closed", Level.NONE, "Stopped; restart PackStation to use it again."),
}


def device_health(key: str, title: str, state: DeviceState, detail: str) -> DeviceHealth:
    """A scanner's or a scale's connection state."""
    word, level, hint = _STATE_WORDS[state]
    return DeviceHealth(key, title, word, level, f"{title}: {word}.\n{detail}\n{hint}")


def printer_health(
    key: str, title: str, status: PrinterStatus, advice: str | None = None
) -> DeviceHealth:
    """What a printer answered to its status query; `advice` replaces the label printer's words."""
    from devices.printers.status import PrinterState

    words = {PrinterState.UNREACHABLE: "not connected", PrinterState.BUFFER_FULL: "busy"}
    word = words.get(status.state, status.state.value.replace("_", " "))
    if status.state is PrinterState.READY:
        level = Level.OK
    elif status.state is PrinterState.PAPER_LOW:
        level = Level.WARNING
    elif status.blocks_printing:
        level = Level.FAULT
    else:
        level = Level.NONE
    return DeviceHealth(key, title, word, level, f"{title}: {word}.\n{advice or status.message}")


CENTRAL = "central"


def central_health(status: LinkStatus | None) -> DeviceHealth:
    """The link to the central database: offline is a warning (the bench packs on), never
    an error; only a setting or login to fix is a fault. None: the first exchange is on."""
    title = "Central"
    if status is None:
        return DeviceHealth(CENTRAL, title, "connecting", Level.NONE, "Central: connecting.")
    if status.problem:
        return DeviceHealth(
            CENTRAL, title, status.words(), Level.FAULT, f"Central: {status.problem}"
        )
    if status.online:
        hint = "Every event is delivered." if not status.waiting else "Sending what is waiting."
        conflicts = (
            f"\n{status.conflicts} conflict(s): see main.py central status."
            if status.conflicts
            else ""
        )
        return DeviceHealth(CENTRAL, title, status.words(), Level.OK, f"{hint}{conflicts}")
    return DeviceHealth(
        CENTRAL,
        title,
        status.words(),
        Level.WARNING,
        "The central database cannot be reached. Packing and labels go on; what is waiting "
        "is kept here and sent when it is back (tried every sync interval).",
    )


def no_status(key: str, title: str, why: str) -> DeviceHealth:
    """A device that cannot report how it is: never claimed to be ready."""
    return DeviceHealth(key, title, "no status", Level.NONE, f"{title}: no status.\n{why}")


class DeviceStatusBar(QStatusBar):
    """The status bar: device entries, and the Devices… button for the IT person."""

    health_reported = Signal(object)  # DeviceHealth; emitted from any thread
    health_changed = Signal(object)  # DeviceHealth, on the UI thread, once it is shown
    devices_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[str, QLabel] = {}
        self._shown: dict[str, DeviceHealth] = {}
        self.devices_button = QPushButton("Devices…")
        # The packer's scans go to the input field; a click here must not take its focus.
        self.devices_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.devices_button.clicked.connect(self.devices_requested)
        self.addPermanentWidget(self.devices_button)
        self.health_reported.connect(self._on_health_reported)

    def report(self, health: DeviceHealth) -> None:
        """Show `health` (from any thread: it is queued to the UI thread)."""
        try:
            self.health_reported.emit(health)
        except RuntimeError:  # the window is gone (a device thread outlived it)
            log.debug("status bar gone; %s dropped", health)

    def health(self, key: str) -> DeviceHealth | None:
        """What the entry `key` shows now."""
        return self._shown.get(key)

    def entry(self, key: str) -> QLabel | None:
        return self._entries.get(key)

    def _on_health_reported(self, health: DeviceHealth) -> None:
        if self._shown.get(health.key) == health:
            return
        self._shown[health.key] = health
        label = self._entries.get(health.key)
        if label is None:
            label = QLabel()
            label.setObjectName(f"device:{health.key}")
            self._entries[health.key] = label
            self.addWidget(label)
        label.setText(f"● {health.title}: {health.word}")
        label.setToolTip(health.tooltip)
        bold = "font-weight: bold;" if health.level is Level.FAULT else ""
        label.setStyleSheet(f"color: {COLOURS[health.level]}; {bold}")
        self.health_changed.emit(health)


def scanner_key(scanner_id: str) -> str:
    return f"scanner:{scanner_id}"


class ScannerHealthTap:
    """A ScannerListener that passes everything on, and shows each state in the status bar.

    It runs on the scanner's thread and must never raise (that would end the thread).
    """

    def __init__(self, inner: ScannerListener, status_bar: DeviceStatusBar) -> None:
        self._inner = inner
        self._status_bar = status_bar

    def on_scan(self, event: ScanRead) -> None:
        self._inner.on_scan(event)

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        self._inner.on_state(scanner_id, state, detail)
        health = device_health(scanner_key(scanner_id), f"Scanner {scanner_id}", state, detail)
        self._status_bar.report(health)

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        self._inner.on_rejected(scanner_id, reason, raw)
