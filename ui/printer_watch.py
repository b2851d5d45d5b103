"""Ask the printers how they are every few seconds, on a worker of their own.

A status query can take up to its timeout (2 s) and a printer that is switched
off takes all of it, so it never runs on the UI thread, nor on the station's
worker (a scan's verdict must not wait for it): a timer on the UI thread
queues the queries on the poller's own `Worker`. Each answer goes to the
status bar, which is where the header reads the label printer too. Printers
without a status query (PDF files in a folder) are shown once as "no
status", never as ready.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QObject, QTimer

from devices import registry
from station.errors import UserError
from station.settings import Devices
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level, no_status, printer_health
from ui.worker import Worker

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


class PrinterPoller(QObject):
    """Polls each printer's `status()` every `interval_s` and reports what it said."""

    def __init__(
        self,
        printers: Sequence[Watched],
        report: Callable[[DeviceHealth], None],
        *,
        interval_s: float = POLL_INTERVAL_S,
        timeout_s: float = STATUS_TIMEOUT_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._printers = list(printers)
        self._report = report
        self._timeout_s = timeout_s
        self._worker = Worker(self, name="printer-status")
        self._timer = QTimer(self)
        self._timer.setInterval(round(interval_s * 1000))
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._on_timer_timeout()
        self._timer.start()

    def close(self) -> None:
        """Stop polling; waits for a query under way (at most its timeout)."""
        self._timer.stop()
        self._worker.shutdown()

    def _on_timer_timeout(self) -> None:
        if self._worker.pending:
            return  # a printer that does not answer: the last round is still asking
        for watched in self._printers:
            self._worker.run(partial(self._ask, watched), self._report)

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
        poller = PrinterPoller(polled, status_bar.report, parent=status_bar)
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
