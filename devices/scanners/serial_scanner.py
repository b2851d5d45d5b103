"""A barcode scanner on a serial port: USB-CDC (virtual COM) or RS-232.

One thread per scanner owns the port for its whole life: open, read, and after
an unplug, look for the device again until it is back. pyserial's
`serial.threaded.ReaderThread` reads the same way (`read(in_waiting or 1)`),
but it ends on the first read error, and a scanner must outlive its cable
being pulled; one long-lived loop keeps "one thread per device" true.

The port is opened with `serial.serial_for_url`, so a port name may also be a
pyserial URL such as ``socket://10.0.0.5:4001`` (a network serial server) or
``loop://``.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from typing import Any

import serial

from devices import pty_claim
from devices.device_thread import DeviceThread
from devices.scanners.events import ScannerListener, ScanRead
from devices.scanners.framing import DuplicateFilter, Line, LineFramer, Terminator
from devices.scanners.usb_identity import ListPortsFinder, PortFinder, UsbIdentity
from devices.state import FAULTED, DeviceState

logger = logging.getLogger(__name__)

# How long one read may block: bounds how late close() is noticed, on any transport.
READ_TIMEOUT_S = 0.1
# Errors that mean the port is not there (unplugged), rather than there and unusable.
_ABSENT_ERRNOS = frozenset({errno.ENOENT, errno.ENODEV, errno.ENXIO})
_HINTS = {
    errno.EACCES: "this user may not open it (on Linux: add the user to the dialout group)",
    errno.EPERM: "this user may not open it (on Linux: add the user to the dialout group)",
    errno.EBUSY: "another program is using it",
    errno.EAGAIN: "another program is using it",
}


class SerialScanner(DeviceThread):
    """Reads barcodes from one serial port and reports them to a listener.

    Every listener call comes from this scanner's own thread. Call `start()`
    once, and `close()` when done (or use it as a context manager).
    """

    def __init__(
        self,
        port: str,
        *,
        scanner_id: str,
        listener: ScannerListener,
        baudrate: int = 9600,
        terminator: Terminator | str = Terminator.AUTO,
        duplicate_window_s: float = 0.3,
        max_length: int = 128,
        clock: Callable[[], float] = time.monotonic,
        port_finder: PortFinder | None = None,
        reconnect_interval_s: float = 0.25,
    ) -> None:
        """Set the scanner up; nothing is opened until `start()`.

        Args:
            port: device name (/dev/ttyACM0, COM3, a pty path) or pyserial URL.
            scanner_id: carried by every event, to tell the bench's scanners apart.
            listener: receives scans, state changes and rejected input.
            baudrate: as configured on the scanner (USB-CDC scanners ignore it).
            terminator: what ends a scan: CR, LF, CRLF, TAB, or AUTO (CR or LF).
            duplicate_window_s: a value read again within this is flagged duplicate.
            max_length: longer lines are noise and are dropped.
            clock: monotonic seconds, for scan times and the duplicate window.
            port_finder: finds the scanner again under a new port name.
            reconnect_interval_s: how often to look for the port while it is gone.
        """
        if baudrate <= 0:
            raise ValueError(f"baudrate must be positive, got {baudrate}")
        if not 0 < reconnect_interval_s <= 0.5:
            # Above 0.5 s a re-plugged scanner would not be back within the promised 2 s.
            raise ValueError(
                f"reconnect_interval_s must be in (0, 0.5], got {reconnect_interval_s}"
            )
        self.scanner_id = scanner_id
        self.baudrate = baudrate
        self._port = port
        self._listener = listener
        self._framer = LineFramer(Terminator.parse(terminator), max_length)
        self._duplicates = DuplicateFilter(duplicate_window_s)
        self._clock = clock
        self._finder: PortFinder = port_finder if port_finder is not None else ListPortsFinder()
        self._reconnect_interval_s = reconnect_interval_s
        self._identity: UsbIdentity | None = None
        self._state = DeviceState.UNKNOWN
        self._reported: tuple[DeviceState, str] | None = None
        super().__init__(f"scanner-{scanner_id}")

    @property
    def port(self) -> str:
        """The port last opened (or configured): it changes when the scanner is found renamed."""
        return self._port

    @property
    def state(self) -> DeviceState:
        """The state last reported; the listener hears of each change of state or detail."""
        return self._state

    # --- the device thread -------------------------------------------------------------

    def _run(self) -> None:
        # Anything unexpected (a bug here or in the listener) is not caught: it ends the
        # thread through threading.excepthook, which the app routes to its crash dialog.
        self._report(DeviceState.CONNECTING, f"opening {self._port}")
        while not self._stop.is_set():
            link = self._connect()
            if link is None:
                self._stop.wait(self._reconnect_interval_s)
            else:
                self._pump(link)
        self._report(DeviceState.CLOSED, "closed")

    def _connect(self) -> Any:
        """Open the port where the scanner is now; None if it is not there yet."""
        port = self._candidate_port()
        if port is None:
            self._report(DeviceState.DISCONNECTED, f"{self._identity} is not plugged in")
            return None
        try:
            # exclusive: a second reader on the same port would steal half of every scan.
            with pty_claim.admitted(port):
                link = serial.serial_for_url(
                    port, baudrate=self.baudrate, timeout=READ_TIMEOUT_S, exclusive=True
                )
        except (OSError, ValueError) as exc:  # SerialException is an OSError
            state = DeviceState.DISCONNECTED if _is_absent(exc) else DeviceState.ERROR
            self._report(state, _describe_open_error(port, exc))
            return None
        self._port = port
        self._identity = self._identify(port) or self._identity
        self._report(DeviceState.READY, f"reading {port}")
        return link

    def _candidate_port(self) -> str | None:
        if self._identity is None:
            return self._port  # not USB, or never seen: all we know is its name
        try:
            found = self._finder.find(self._identity)
        except OSError:
            found = None
            logger.debug("scanner %s: listing ports failed", self.scanner_id, exc_info=True)
        if found is not None:
            return found
        # Not found uniquely (two alike scanners without serial numbers): the old name
        # is still right if a device of the same identity is there.
        return self._port if self._identify(self._port) == self._identity else None

    def _identify(self, port: str) -> UsbIdentity | None:
        try:
            return self._finder.identify(port)
        except OSError:
            # Devices come and go while the system lists them; the next poll asks again.
            logger.debug("scanner %s: listing ports failed", self.scanner_id, exc_info=True)
            return None

    def _pump(self, link: Any) -> None:
        """Read until the port fails or close() is called; always closes the port."""
        try:
            while not self._stop.is_set():
                try:
                    data: bytes = link.read(link.in_waiting or 1)
                except OSError as exc:
                    self._lost(link, exc)
                    return
                if data:
                    self._handle(data)
            partial = self._framer.discard()
            if partial:
                logger.info("scanner %s: closed with %r unfinished", self.scanner_id, partial)
        finally:
            _close_quietly(link)

    def _lost(self, link: Any, exc: OSError) -> None:
        _close_quietly(link)
        partial = self._framer.discard()
        if partial:
            self._reject("partial line cut by disconnect", partial)
        self._report(DeviceState.DISCONNECTED, f"lost {self._port}: {exc}")

    def _handle(self, data: bytes) -> None:
        for item in self._framer.feed(data):
            if isinstance(item, Line):
                now = self._clock()
                duplicate = self._duplicates.is_duplicate(item.text, now)
                event = ScanRead(self.scanner_id, item.text, item.raw, now, duplicate)
                self._listener.on_scan(event)
            else:
                self._reject(item.reason, item.raw)

    def _reject(self, reason: str, raw: bytes) -> None:
        logger.warning("scanner %s: dropped %r: %s", self.scanner_id, raw[:64], reason)
        self._listener.on_rejected(self.scanner_id, reason, raw)

    def _report(self, state: DeviceState, detail: str) -> None:
        # The reconnect loop retries every few hundred ms; tell the listener only of news.
        if self._reported == (state, detail):
            return
        self._reported = (state, detail)
        self._state = state
        log = logger.warning if state in FAULTED else logger.info
        log("scanner %s: %s (%s)", self.scanner_id, state.value, detail)
        self._listener.on_state(self.scanner_id, state, detail)


def _is_absent(exc: Exception) -> bool:
    # pyserial on Windows puts the cause in the message only, without an errno.
    return getattr(exc, "errno", None) in _ABSENT_ERRNOS or "FileNotFoundError" in str(exc)


def _describe_open_error(port: str, exc: Exception) -> str:
    hint = _HINTS.get(getattr(exc, "errno", None) or 0)
    message = f"cannot open {port}: {exc}"
    return message if hint is None else f"{message}; {hint}"


def _close_quietly(link: Any) -> None:
    try:
        link.close()
    except OSError:
        # The device is already gone; there is nothing left to release.
        logger.debug("closing a lost port failed", exc_info=True)
