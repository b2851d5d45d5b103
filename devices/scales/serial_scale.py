"""Read a serial scale on its own device thread.

All I/O with the port happens on that one thread: it opens the port, reads
and parses every frame, sends the poll command when a `read_stable()` call
needs one, and reopens the port when it goes away. Callers only hand it a
request and wait on a condition, so `read_stable()` blocks its caller (a
worker, never the UI thread) for at most `timeout` seconds.

Freshness: a reading is only returned if the scale produced it after the
request began. For a streaming scale the input already buffered is read
first, as stale (flushing it instead would lose noise unlogged and cut a line
in half, so its tail would be logged as garbage), and a line half received
then is skipped too. For a polled scale every command gets exactly one answer, in
order, so the reader counts the answers still owed to commands sent before
the request (a call that timed out leaves its command behind) and skips
that many. When nothing was asked for ANSWER_TIMEOUT_S, whatever is still
owed is taken as lost, so a scale that ignored a command cannot shift the
count for ever.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import serial

from devices import pty_claim
from devices.scales.framing import Framer
from devices.scales.protocols import ProtocolName, protocol_named
from devices.scales.reading import FrameError, Reading, ScaleStatus
from devices.scales.state import MAY_READ, ScaleState

log = logging.getLogger(__name__)

try:
    import termios
except ImportError:  # Windows: pyserial reports everything as SerialException there
    PORT_ERRORS: tuple[type[Exception], ...] = (OSError,)
else:
    # pyserial lets termios.error (not an OSError) through from tcflush and
    # tcsetattr when the device vanishes during open() or a flush.
    PORT_ERRORS = (OSError, termios.error)

StateListener = Callable[[ScaleState, str], None]
ReadingListener = Callable[[Reading], None]

# How long one read waits: the device thread looks at new requests and at
# close() this often. Small against a packer's reaction, cheap when idle.
TICK_S = 0.05
WRITE_TIMEOUT_S = 1.0
ANSWER_TIMEOUT_S = 1.0


@dataclass
class _Request:
    """One read_stable() call, as the device thread sees it."""

    started: bool = False
    stale_answers: int = 0  # frames still due that were asked for or begun before this request
    next_send: float = 0.0  # monotonic time the poll command is due
    result: Reading | None = None


class SerialScale:
    """A scale on a serial port (any pyserial URL or device path).

    Args:
        port: a device path ("/dev/ttyUSB0", "COM3") or a pyserial URL ("socket://host:4001").
        protocol: "mt-sics", "nci" or "cas".
        baudrate, bytesize, parity, stopbits: line settings; bytesize and parity
            default to the protocol's factory settings (NCI is 7E1, the others 8N1).
        poll_interval: seconds between polls while a polled scale is not stable.
        reconnect_interval: seconds between attempts to reopen a lost port.
        on_state: called on the device thread with each new state and a message
            for the packer; ui/ turns it into a signal.
        on_reading: called on the device thread with every reading, stable or not
            (for a live weight display).

    Raises:
        ValueError: an unknown protocol or an invalid line setting.
    """

    def __init__(
        self,
        port: str,
        protocol: ProtocolName,
        baudrate: int = 9600,
        *,
        bytesize: int | None = None,
        parity: str | None = None,
        stopbits: float = serial.STOPBITS_ONE,
        poll_interval: float = 0.2,
        reconnect_interval: float = 2.0,
        on_state: StateListener | None = None,
        on_reading: ReadingListener | None = None,
    ) -> None:
        self._protocol = protocol_named(protocol)
        self._port = port
        # Built closed so that a bad setting fails here, by name, and reopened
        # on the same object after every disconnection.
        self._serial = serial.serial_for_url(
            port,
            do_not_open=True,
            baudrate=baudrate,
            bytesize=bytesize or self._protocol.bytesize,
            parity=parity or self._protocol.parity,
            stopbits=stopbits,
            timeout=TICK_S,
            write_timeout=WRITE_TIMEOUT_S,
            exclusive=True,
        )
        self._poll_interval = poll_interval
        self._reconnect_interval = reconnect_interval
        self._on_state = on_state
        self._on_reading = on_reading
        self._cond = threading.Condition()
        self._state = ScaleState.CLOSED
        self._request: _Request | None = None
        self._call_lock = threading.Lock()
        self._stopping = threading.Event()
        self._started = False
        self._thread = threading.Thread(target=self._run, name=f"scale {port}", daemon=True)
        # Used on the device thread only.
        self._framer = Framer(self._protocol.terminator)
        self._unanswered = 0
        self._last_sent = float("-inf")
        self._complaints = 0

    @property
    def port(self) -> str:
        return self._port

    @property
    def protocol(self) -> str:
        return self._protocol.name

    @property
    def state(self) -> ScaleState:
        return self._state

    def start(self) -> None:
        """Start the device thread; it connects, and keeps reconnecting, on its own."""
        if self._started:
            raise RuntimeError("a SerialScale can be started once")
        self._started = True
        self._set_state(ScaleState.CONNECTING, f"Connecting to the scale on {self._port}.")
        self._thread.start()

    def close(self) -> None:
        """Stop the device thread and close the port. Safe to call more than once."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        if self._started:
            self._thread.join(timeout=5.0)

    def __enter__(self) -> SerialScale:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def read_stable(self, timeout: float = 2.0) -> Reading | None:
        """The first stable weight the scale reports from now on, within `timeout` seconds.

        A polled scale is asked (again after each unstable answer); a streaming
        scale is listened to. Returns None when no stable weight came in time,
        and at once when the scale is disconnected or closed: `state` says which.
        Calls from several threads are served one after the other.
        """
        deadline = time.monotonic() + timeout
        if not self._call_lock.acquire(timeout=max(timeout, 0.0)):
            return None
        try:
            return self._wait_for_stable(deadline)
        finally:
            self._call_lock.release()

    def _wait_for_stable(self, deadline: float) -> Reading | None:
        request = _Request()
        with self._cond:
            if self._state not in MAY_READ:
                return None
            self._request = request
            try:
                self._cond.wait_for(
                    lambda: request.result is not None or self._state not in MAY_READ,
                    deadline - time.monotonic(),
                )
            finally:
                self._request = None
        return request.result

    # --- the device thread -------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    if self._connect():
                        self._serve()
                except Exception:  # a bug: log it with its traceback, keep the scale going
                    log.exception("scale on %s: unexpected error", self._port)
                    with contextlib.suppress(Exception):
                        self._serial.close()
                    self._set_state(
                        ScaleState.DISCONNECTED,
                        f"The scale on {self._port} stopped on an internal error (see the "
                        "log); reconnecting.",
                    )
                self._stopping.wait(self._reconnect_interval)
        finally:
            self._set_state(ScaleState.CLOSED, f"The scale on {self._port} is closed.")

    def _connect(self) -> bool:
        try:
            with pty_claim.admitted(self._port):
                self._serial.open()
        except PORT_ERRORS as exc:  # SerialException is an OSError
            self._set_state(
                ScaleState.DISCONNECTED,
                f"The scale on {self._port} cannot be opened ({exc}). Check that it is "
                "plugged in and switched on, and the port setting; retrying.",
            )
            return False
        self._framer.clear()
        self._unanswered = 0
        with self._cond:
            if self._request is not None:  # ask again on the new connection
                self._request.started = False
                self._request.next_send = 0.0
        self._set_state(ScaleState.READY, f"The scale on {self._port} is connected.")
        return True

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                self._process(self._serial.read(self._serial.in_waiting or 1))
                self._service_request()
        except PORT_ERRORS as exc:
            self._set_state(
                ScaleState.DISCONNECTED,
                f"The scale on {self._port} was disconnected ({exc}). Check the cable; "
                "reconnecting.",
            )
        finally:
            with contextlib.suppress(*PORT_ERRORS):
                self._serial.close()

    def _process(self, data: bytes) -> None:
        for frame in self._framer.feed(data):
            self._on_frame(frame)

    def _service_request(self) -> None:
        with self._cond:
            request = self._request
            if request is None or request.result is not None:
                return
            new = not request.started
        if new:
            self._begin(request)
        self._poll_if_due(request)

    def _begin(self, request: _Request) -> None:
        """Make sure the request is only answered by what the scale says from now on."""
        # What is buffered was weighed (or asked for) before the request began:
        # parsed and reported now, while the request does not take it yet.
        self._process(self._serial.read(self._serial.in_waiting))
        if self._protocol.poll is None:
            # A stream: a line half received was weighed before the request too.
            stale = 1 if self._framer.has_partial_frame else 0
        else:
            if time.monotonic() - self._last_sent > ANSWER_TIMEOUT_S:
                self._unanswered = 0  # whatever was asked before has had its time: lost
            stale = self._unanswered  # answers still owed to earlier commands
        with self._cond:
            request.stale_answers = stale
            request.started = True

    def _poll_if_due(self, request: _Request) -> None:
        poll = self._protocol.poll
        if poll is None:
            return
        now = time.monotonic()
        with self._cond:
            if self._request is not request or request.result is not None:
                return
            if now < request.next_send:
                return
            # Asked again if nothing at all comes back in time.
            request.next_send = now + ANSWER_TIMEOUT_S
        self._serial.write(poll)
        self._unanswered += 1
        self._last_sent = now

    def _on_frame(self, raw: bytes) -> None:
        text = raw.decode("latin-1")
        if not text.strip():
            return  # a stray terminator between frames
        try:
            reading: Reading | None = self._protocol.parse(text)
        except FrameError as exc:
            self._complain("dropped %r: %s", text, exc)
            reading = None
        except Exception:  # a parser bug: log it, keep the scale alive
            log.exception("scale on %s: parsing %r failed", self._port, text)
            reading = None
        with self._cond:
            fresh = self._take_answer()
            if fresh and reading is not None and reading.stable:
                assert self._request is not None  # checked by _take_answer
                self._request.result = reading
                self._cond.notify_all()
        if reading is not None:
            self._report(reading)

    def _take_answer(self) -> bool:
        """Account for one frame (under the lock); True if it is news for the request."""
        polled = self._protocol.poll is not None
        if polled:
            self._unanswered = max(0, self._unanswered - 1)
        request = self._request
        if request is None or not request.started or request.result is not None:
            return False
        if polled:
            # Any answer that does not settle it (unstable, busy, stale): ask again soon.
            request.next_send = min(request.next_send, time.monotonic() + self._poll_interval)
        if request.stale_answers > 0:
            request.stale_answers -= 1
            return False
        return True

    def _report(self, reading: Reading) -> None:
        if reading.status in (ScaleStatus.ERROR, ScaleStatus.NO_WEIGHT):
            self._complain("reports %s: %s", reading.status, reading.detail)
        else:
            self._complaints = 0
            log.debug("scale on %s: %s", self._port, reading)
        if self._on_reading is not None:
            try:
                self._on_reading(reading)
            except Exception:  # a listener bug must not stop the scale
                log.exception("scale on %s: reading listener failed", self._port)

    def _complain(self, template: str, *args: object) -> None:
        # A wrong baud rate or protocol repeats the same complaint many times a
        # second: log the 1st, 2nd, 4th, 8th... of a run, and the run's length.
        self._complaints += 1
        count = self._complaints
        level = logging.WARNING if count & (count - 1) == 0 else logging.DEBUG
        log.log(level, "scale on %s " + template + " (%d in a row)", self._port, *args, count)

    def _set_state(self, state: ScaleState, message: str) -> None:
        with self._cond:
            if state is self._state:
                return
            self._state = state
            self._cond.notify_all()
        level = logging.WARNING if state is ScaleState.DISCONNECTED else logging.INFO
        log.log(level, "%s", message)
        if self._on_state is not None:
            try:
                self._on_state(state, message)
            except Exception:  # a listener bug must not stop the scale
                log.exception("scale on %s: state listener failed", self._port)
