"""Ask the printers how they are every few seconds, on a thread of their own.

A status query can take up to its timeout (2 s) and a printer that is switched
off takes all of it, so it never runs on the UI thread. Each answer goes to the
status bar through `DeviceStatusBar.report`. Printers without a status query
(PDF files in a folder) are shown once as "no status", never as ready.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from devices import registry
from station.errors import UserError
from station.settings import Devices
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level, no_status, printer_health

if TYPE_CHECKING:
    from devices.printers.status import PrinterStatus
    from station.device_urls import DeviceUrl
    from station.ports import LabelPrinter

log = logging.getLogger(__name__)

Closer = Callable[[], None]
LABEL_PRINTER = ("label_printer", "Label printer")
DOCUMENT_PRINTER = ("document_printer", "Document printer")
POLL_INTERVAL_S = 5.0
STATUS_TIMEOUT_S = 2.0
# Printers are only asked here, never given a job: no folder is ever written.
UNUSED_FOLDER = Path(tempfile.gettempdir())


@runtime_checkable
class StatusReporter(Protocol):
    """A printer that can be asked how it is (ZPL, ESC/POS, a system printer)."""

    def status(self, timeout: float = 2.0) -> PrinterStatus: ...


@dataclass(frozen=True)
class Watched:
    """A printer to poll, where it shows, and what to tell the user about a state."""

    key: str
    title: str
    printer: StatusReporter
    advice: Callable[[PrinterStatus], str] | None = None  # default: the label printer's words


class PrinterPoller:
    """Polls each printer's `status()` every `interval_s` and reports what it said."""

    def __init__(
        self,
        printers: Sequence[Watched],
        report: Callable[[DeviceHealth], None],
        *,
        interval_s: float = POLL_INTERVAL_S,
        timeout_s: float = STATUS_TIMEOUT_S,
    ) -> None:
        self._printers = list(printers)
        self._report = report
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="printer status", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop polling; waits for a query under way (at most its timeout)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self._timeout_s + 1.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            for watched in self._printers:
                self._report(self._ask(watched))
            self._stop.wait(self._interval_s)

    def _ask(self, watched: Watched) -> DeviceHealth:
        key, title = watched.key, watched.title
        try:
            status = watched.printer.status(self._timeout_s)
            advice = None if watched.advice is None else watched.advice(status)
        except Exception as exc:  # a bug in a driver must not end the polling of the others
            log.exception("%s: status query failed", title)
            return DeviceHealth(
                key, title, "unknown", Level.NONE, f"{title}: asking it failed ({exc})."
            )
        if status.detail:
            log.debug("%s: %s (%s)", title, status.state.value, status.detail)
        return printer_health(key, title, status, advice)


def watch_printers(
    status_bar: DeviceStatusBar, devices: Devices, label_printer: LabelPrinter | None = None
) -> list[Closer]:
    """Show the printers in the status bar, polling those that can say how they are.

    `label_printer` is the station's own printer; without it one is made from
    `devices.label_printer` just to ask it (a separate connection, or for
    `sim://zpl` a separate simulator in the state its URL names).
    """
    closers: list[Closer] = []
    polled: list[Watched] = []
    if label_printer is None:
        try:
            label_printer, stop = registry.label_printer(devices.label_printer, UNUSED_FOLDER)
        except (UserError, OSError) as exc:
            status_bar.report(_broken(*LABEL_PRINTER, exc))
        else:
            closers.append(stop)
    if isinstance(label_printer, StatusReporter):
        polled.append(Watched(*LABEL_PRINTER, label_printer))
    elif label_printer is not None:
        status_bar.report(
            no_status(*LABEL_PRINTER, "Labels are saved as PDF files; there is no printer to ask.")
        )
    if devices.document_printer is not None:
        found = _document_printer(devices.document_printer)
        if isinstance(found, Watched):
            polled.append(found)
        else:
            status_bar.report(found)
    for watched in polled:
        status_bar.report(
            DeviceHealth(watched.key, watched.title, "unknown", Level.NONE, "Asking the printer…")
        )
    if polled:
        poller = PrinterPoller(polled, status_bar.report)
        poller.start()
        closers.insert(0, poller.close)  # stop asking before the printer goes away
    return closers


def _document_printer(url: DeviceUrl) -> Watched | DeviceHealth:
    """The configured document printer to poll, or what to show for it at once."""
    from ui.document_printers import document_printer

    try:
        printer = document_printer(url, UNUSED_FOLDER)
    except UserError as exc:
        return _broken(*DOCUMENT_PRINTER, exc)
    if not isinstance(printer, StatusReporter):
        return no_status(*DOCUMENT_PRINTER, "Packing slips are saved as PDF files.")
    from ui.system_printer import SystemDocumentPrinter, status_message

    if isinstance(printer, SystemDocumentPrinter):
        name = printer.printer_name
        return Watched(*DOCUMENT_PRINTER, printer, lambda status: status_message(name, status))
    return Watched(*DOCUMENT_PRINTER, printer)


def _broken(key: str, title: str, exc: Exception) -> DeviceHealth:
    return DeviceHealth(key, title, "error", Level.FAULT, f"{title}: {exc}")
