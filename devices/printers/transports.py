"""Ways to move a printer's bytes: raw TCP (port 9100), serial, files, and USB.

A transport knows nothing of printer languages (as in python-escpos, where
the printer/*.py classes only open, close, write and read). Library and OS
errors are wrapped where they enter, as TransportError, whose message says
what failed and why; the printer adds where, and words for the packer.

USB printers: `UsbTransport` (devices/printers/usb_transport.py) talks to
them through libusb, with status. On Linux a USB printer is also a file
(/dev/usb/lp0) that FileTransport can write to, but cannot query.
"""

from __future__ import annotations

import hashlib
import os
import re
import select
import socket
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import serial

# The atomic write (temp file, fsync, rename, fsync folder) shared with the folder printer:
# one implementation of "a reader never sees half a job" for both printers.
from station.durable_files import write_whole

if sys.platform == "linux":
    import fcntl
    import termios

Complete = Callable[[bytes], bool]
CONNECT_TIMEOUT_S = 2.0
# A printer's answer is a few hundred bytes: a device that keeps talking past this
# is not answering, and reading on would cost memory and (each `complete` check
# reads the whole answer) time far past the query's bound.
MAX_ANSWER_BYTES = 65536
_ACK_POLL_S = 0.002
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TransportError(Exception):
    """The bytes could not be moved; the message says what failed and why (not where)."""


class NotTaken(TransportError):
    """The printer did not take the bytes within `seconds`: it is off, stuck or not reading.

    `may_have_taken`: every byte reached the printer and it spoke on the connection
    (a late answer), so it is reading and may print them; it just never confirmed.
    """

    def __init__(self, seconds: float, *, may_have_taken: bool = False) -> None:
        super().__init__(f"not taken within {seconds:g} s")
        self.seconds = seconds
        self.may_have_taken = may_have_taken


class Transport(Protocol):
    @property
    def url(self) -> str:
        """Where the bytes go, e.g. tcp://10.0.0.7:9100; for messages and print results."""
        ...

    def send(self, data: bytes, *, job_id: str | None = None) -> None:
        """Deliver `data`; return only once the printer has taken all of it.

        Raises NotTaken when it did not within the transport's timeout, and
        TransportError for any other failure (refused, reset, closed early):
        either way the job did not reach the printer whole. `job_id` names the
        job where a transport keeps jobs apart (files).
        """
        ...

    def query(self, data: bytes, timeout: float, complete: Complete | None = None) -> bytes | None:
        """Send `data` and return the answer, or None if none came within `timeout` s.

        Reading stops once `complete(answer)` is true; without `complete`, at
        the first bytes that arrive.
        """
        ...

    def close(self) -> None:
        """Let go of the connection; the next call opens a new one."""
        ...


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class TcpTransport:
    """A raw TCP connection (JetDirect / port 9100), opened on first use.

    A printer serves one connection at a time, so callers close() after each
    job: a connection held open would lock out other stations and would not
    notice a printer that was switched off and on.
    """

    def __init__(self, host: str, port: int = 9100, timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"

    def send(self, data: bytes, *, job_id: str | None = None) -> None:
        """Send `data`, say we are done, and wait until the printer has read it all.

        The printer has taken the job when it closes its side after reading
        up to our end of stream, with every byte acknowledged. A reset at any
        point, an end before our bytes were read, or no end within the
        timeout is a failure: the job did not reach the printer whole.
        """
        sock = self._connected()
        try:
            finish_stream(sock, data, self.timeout)
        finally:
            self._drop()

    def query(self, data: bytes, timeout: float, complete: Complete | None = None) -> bytes | None:
        sock = self._connected()
        answer = b""
        deadline = time.monotonic() + timeout
        try:
            sock.sendall(data)
            while not (answer and (complete is None or complete(answer))):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                sock.settimeout(remaining)
                chunk = sock.recv(4096)
                if not chunk:  # a printer never ends a connection before it answered
                    raise _Ended
                answer += chunk
                if len(answer) >= MAX_ANSWER_BYTES:
                    break
        except TimeoutError:
            pass  # an answer that never came is not a broken connection
        except _Ended:
            # Kept open: whether the printer read what we sent first (see
            # has_everything_sent) is for the caller to ask.
            raise TransportError("query failed: the printer closed the connection") from None
        except OSError as exc:
            self._drop()
            raise TransportError(f"query failed: {_reason(exc)}") from exc
        finally:
            if self._sock is not None:
                self._sock.settimeout(self.timeout)
        return answer or None

    def has_everything_sent(self, within: float = 0.0) -> bool:
        """True when every byte sent on the open connection reached the printer.

        Watches the connection for `within` s first: a printer that ended its
        side and then drops the connection (a reset) did not take our bytes.
        """
        sock = self._sock
        if sock is None:
            return False
        deadline = time.monotonic() + within
        while _no_error(sock):  # reading the error clears it: it is read once a turn
            if time.monotonic() >= deadline:
                return _unacknowledged(sock) == 0
            time.sleep(_ACK_POLL_S)  # the kernel has no event for "acknowledged" or "reset"
        return False

    def close(self) -> None:
        """Let go of the connection.

        send() returns only once the printer has read everything, so nothing
        sent can be lost here; a late answer still unread makes the kernel
        reset the connection, which no longer matters.
        """
        self._drop()

    def _connected(self) -> socket.socket:
        if self._sock is None:
            try:
                sock = socket.create_connection(
                    (self.host, self.port), timeout=min(self.timeout, CONNECT_TIMEOUT_S)
                )
            except OSError as exc:
                raise TransportError(f"cannot connect: {_reason(exc)}") from exc
            sock.settimeout(self.timeout)
            self._sock = sock
        return self._sock

    def _drop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()


def finish_stream(sock: socket.socket, data: bytes, timeout: float) -> None:
    """Send `data` on `sock`, end the stream and wait until the peer has read all of it.

    Raises NotTaken after `timeout` s and TransportError for a reset or an
    end that came before our bytes were read. Shared with the ESC/POS printer,
    whose python-escpos Network printer holds a plain socket.
    """
    deadline = time.monotonic() + timeout
    heard = False
    try:
        sock.settimeout(timeout)
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        while True:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            if not sock.recv(4096):  # an answer to an earlier question is read and dropped
                break
            heard = True
        _wait_until_acknowledged(sock, deadline)
    except TimeoutError as exc:
        # A printer that answers late and never closes has read our bytes, or
        # will: calling that "not taken" would print the job again at each retry.
        raise NotTaken(timeout, may_have_taken=heard and _all_acknowledged(sock)) from exc
    except OSError as exc:
        raise TransportError(f"sending failed: {_reason(exc)}") from exc


def _wait_until_acknowledged(sock: socket.socket, deadline: float) -> None:
    """After the peer's end of stream: were our bytes read, or did it close early?

    A printer that closes its side before reading our bytes (closing early)
    resets the connection when they arrive; one that read them acknowledges
    every byte. Only Linux says how many bytes are unacknowledged; elsewhere
    a reset already reported is all we can check.
    """
    while True:
        error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise ConnectionResetError(error, os.strerror(error))
        if _unacknowledged(sock) == 0:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError
        time.sleep(_ACK_POLL_S)  # the kernel has no event for "all acknowledged"


class _Ended(Exception):
    """The printer ended its side of the connection before it answered."""


def _no_error(sock: socket.socket) -> bool:
    try:
        return not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    except OSError:
        return False


def _all_acknowledged(sock: socket.socket) -> bool:
    try:
        return not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) and not _unacknowledged(sock)
    except OSError:
        return False


def _unacknowledged(sock: socket.socket) -> int:
    if sys.platform != "linux":
        return 0
    queued = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    return int.from_bytes(queued, sys.byteorder)


class SerialTransport:
    """A serial port through pyserial; `port` may be a pyserial URL such as loop://."""

    def __init__(self, port: str, baudrate: int = 9600, timeout: float = 10.0) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timeout = timeout
        self._serial: serial.SerialBase | None = None

    @property
    def url(self) -> str:
        return self.port if "://" in self.port else f"serial://{self.port}"

    def send(self, data: bytes, *, job_id: str | None = None) -> None:
        port = self._opened()
        try:
            # Written within write_timeout (the printer's flow control may hold
            # us back), then drained to the wire: a serial printer can say no more.
            port.write(data)
            port.flush()
        except serial.SerialTimeoutException as exc:
            self.close()
            raise NotTaken(self.timeout) from exc
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise TransportError(f"sending failed: {_reason(exc)}") from exc

    def query(self, data: bytes, timeout: float, complete: Complete | None = None) -> bytes | None:
        port = self._opened()
        answer = b""
        deadline = time.monotonic() + timeout
        try:
            port.reset_input_buffer()  # an old, late answer is not this one
            port.write(data)
            port.flush()
            while not (answer and (complete is None or complete(answer))):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                port.timeout = remaining
                answer += port.read(port.in_waiting or 1)
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise TransportError(f"query failed: {_reason(exc)}") from exc
        return answer or None

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            port.close()

    def _opened(self) -> serial.SerialBase:
        if self._serial is None:
            try:
                self._serial = serial.serial_for_url(
                    self.port,
                    baudrate=self.baudrate,
                    timeout=self.timeout,
                    write_timeout=self.timeout,
                )
            except (OSError, ValueError, serial.SerialException) as exc:
                raise TransportError(f"cannot open: {_reason(exc)}") from exc
        return self._serial


class FileTransport:
    """Jobs written to a folder, a file, or a device file such as /dev/usb/lp0.

    - a folder: one file per job, `<job id>.<suffix>`, written atomically; a
      resend of the same job replaces its file, so nothing is printed twice
      by whatever watches the folder;
    - a device file (or a pipe): each job is written to it as a stream, and a
      device that does not take it all within `timeout` s has not taken it;
    - any other path: the file is replaced, atomically, by each job.

    A file cannot answer, so query() always returns None.
    """

    def __init__(
        self, folder_or_path: str | os.PathLike[str], suffix: str = "zpl", timeout: float = 10.0
    ) -> None:
        self.path = Path(folder_or_path)
        self.suffix = suffix
        self.timeout = timeout

    @property
    def url(self) -> str:
        return self.path.absolute().as_uri()

    @property
    def keeps_jobs_apart(self) -> bool:
        """A folder: one file per job, so sending a job again replaces it, never doubles it."""
        return self.path.is_dir()

    def send(self, data: bytes, *, job_id: str | None = None) -> None:
        try:
            if self.path.is_dir():
                write_whole(self.path / self._job_name(data, job_id), data)
            elif self._is_stream():
                self._stream(data)
            else:
                write_whole(self.path, data)
        except OSError as exc:
            raise TransportError(f"writing failed: {_reason(exc)}") from exc

    def query(self, data: bytes, timeout: float, complete: Complete | None = None) -> bytes | None:
        return None

    def close(self) -> None:
        pass

    def _is_stream(self) -> bool:
        mode = self.path.stat().st_mode if self.path.exists() else 0
        return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)

    def _stream(self, data: bytes) -> None:
        """Write to a device without blocking forever: a printer that is off or stuck
        makes the kernel hold a plain write() for as long as it likes."""
        if sys.platform == "win32":  # no non-blocking device files there
            with self.path.open("wb") as plain:
                plain.write(data)
            return
        deadline = time.monotonic() + self.timeout
        device = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            view = memoryview(data)
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([], [device], [], remaining)[1]:
                    raise NotTaken(self.timeout)
                try:
                    view = view[os.write(device, view) :]
                except BlockingIOError:
                    continue  # woken, but the device took nothing after all
        finally:
            os.close(device)

    def _job_name(self, data: bytes, job_id: str | None) -> str:
        # Job ids come from the database, but keep any id to one safe file name.
        name = _UNSAFE.sub("_", job_id).strip("._") if job_id else ""
        name = name or hashlib.sha256(data).hexdigest()[:16]
        return f"{name}.{self.suffix}"
