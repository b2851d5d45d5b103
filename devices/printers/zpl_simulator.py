"""A ZPL label printer on a TCP port, for the demo, the tests and training.

It behaves as a Zebra does on port 9100: it reads a byte stream, takes every
^XA ... ^XZ in it as one label (case-insensitive, split across reads or not)
and answers ~HS (host status) and ~HQOD (the odometer, which moves 6 inches
per label) wherever they appear, with the state it is set to. State can
change at any time, as when someone opens the head. It does not print: it
keeps every label, byte for byte, in `jobs`.

A fault (`SimulatedFault`) makes it misbehave on the network the ways real
printers and networks do, for the fault tests and for training.

All socket work runs on one thread, which waits in select() and is woken by
a socket pair to stop, so nothing polls and nothing sleeps.

Run it by hand: `uv run python -m devices.printers.zpl_simulator --port 9100`,
then type a state (ready, paper_out, head_open, ...) or a fault (reset_mid_label,
never_reads, ...) and Enter to change it.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import selectors
import socket
import struct
import sys
import threading
from dataclasses import dataclass, field

from devices.printers.host_status import ETX, ODOMETER_REQUEST, REQUEST, STX


class SimulatedState(enum.Enum):
    READY = "ready"
    PAPER_OUT = "paper_out"
    HEAD_OPEN = "head_open"
    PAUSED = "paused"
    RIBBON_OUT = "ribbon_out"
    BUFFER_FULL = "buffer_full"
    NO_ANSWER = "no_answer"  # takes labels but never answers ~HS


class SimulatedFault(enum.Enum):
    NONE = "none"
    RESET_MID_LABEL = "reset_mid_label"  # resets the connection 100 bytes into a label
    NEVER_READS = "never_reads"  # accepts connections and never reads a byte
    CLOSES_EARLY = "closes_early"  # closes the connection after answering a status request
    GARBAGE_STATUS = "garbage_status"  # answers status requests with noise; takes labels
    KEEPS_OPEN = "keeps_open"  # takes labels, never closes a connection the client ended


RESET_AFTER = 100  # bytes of a label read before RESET_MID_LABEL resets
GARBAGE = b"\x02?\xff\x13 zebra\x03\r\n"
INCHES_PER_LABEL = 6  # a 100 x 150 mm label


def host_status_answer(state: SimulatedState) -> bytes:
    """The three ~HS lines a Zebra sends in `state` (see devices.printers.host_status)."""
    # A Zebra pauses itself when it runs out of paper or ribbon.
    paper = int(state is SimulatedState.PAPER_OUT)
    ribbon = int(state is SimulatedState.RIBBON_OUT)
    paused = int(bool(paper or ribbon) or state is SimulatedState.PAUSED)
    full = int(state is SimulatedState.BUFFER_FULL)
    head = int(state is SimulatedState.HEAD_OPEN)
    lines = (
        f"030,{paper},{paused},1218,000,{full},0,0,000,0,0,0",
        f"000,0,{head},{ribbon},0,2,6,0,00000000,1,000",
        "1234,0",
    )
    return b"".join(STX + line.encode("ascii") + ETX + b"\r\n" for line in lines)


def odometer_answer(labels: int) -> bytes:
    """The ~HQOD answer of a printer that has printed `labels` labels (inches, as a Zebra)."""
    total = 1000 + INCHES_PER_LABEL * labels
    lines = (
        "PRINT METERS",
        f'   TOTAL NONRESETTABLE: {total:>12} "',
        f'   USER RESETTABLE CNTR1: {INCHES_PER_LABEL * labels:>10} "',
        f'   USER RESETTABLE CNTR2: {total:>10} "',
    )
    return STX + "\r\n".join(lines).encode("ascii") + b"\r\n" + ETX + b"\r\n"


@dataclass
class _Stream:
    """One connection's bytes, cut into labels and status requests as they arrive."""

    buffer: bytearray = field(default_factory=bytearray)
    start: int | None = None  # where the open ^XA is, if a label has begun
    scan: int = 0  # everything before this has been looked at

    def feed(self, data: bytes) -> tuple[list[bytes], list[bytes]]:
        """Add `data`; return the labels it completed and the requests (~HS, ~HQOD) it held."""
        self.buffer += data
        labels: list[bytes] = []
        requests: list[bytes] = []
        while (found := self._next_token()) is not None:
            index, token = found
            self.scan = index + len(token)
            if token in _REQUESTS:
                requests.append(token)
            elif token == b"^XA" and self.start is None:
                self.start = index
            elif token == b"^XZ" and self.start is not None:
                labels.append(bytes(self.buffer[self.start : self.scan]))
                del self.buffer[: self.scan]
                self.start, self.scan = None, 0
        # Bytes outside a label that hold no token are not needed again; keep
        # the last few in case a token is split across reads.
        self.scan = max(self.scan, len(self.buffer) - (_LONGEST - 1))
        if self.start is None:
            del self.buffer[: self.scan]
            self.scan = 0
        return labels, requests

    def _next_token(self) -> tuple[int, bytes] | None:
        upper = bytes(self.buffer).upper()
        wanted = (*_REQUESTS, b"^XZ" if self.start is not None else b"^XA")
        hits = [(upper.find(token, self.scan), token) for token in wanted]
        hits = [(index, token) for index, token in hits if index >= 0]
        return min(hits) if hits else None


_REQUESTS = (REQUEST, ODOMETER_REQUEST)
_LONGEST = max(len(token) for token in _REQUESTS)


class ZplSimulator:
    """A port-9100 label printer on 127.0.0.1; port 0 picks a free port (see `.port`)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state: SimulatedState = SimulatedState.READY,
        fault: SimulatedFault = SimulatedFault.NONE,
    ) -> None:
        self.fault = fault  # may change at any time; see SimulatedFault
        self._held: list[socket.socket] = []  # connections it never reads or never closes
        self._server = socket.create_server((host, port))
        self._server.setblocking(False)
        self._wake_read, self._wake_write = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._streams: dict[socket.socket, _Stream] = {}
        self.changed = threading.Condition()  # notified on every label and status request
        self._state = state
        self._jobs: list[bytes] = []
        self._status_requests = 0
        self._thread = threading.Thread(target=self._serve, name="zpl-simulator", daemon=True)

    @property
    def port(self) -> int:
        port: int = self._server.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def state(self) -> SimulatedState:
        with self.changed:
            return self._state

    @state.setter
    def state(self, state: SimulatedState) -> None:
        with self.changed:
            self._state = state

    @property
    def jobs(self) -> list[bytes]:
        """Every label received so far, ^XA through ^XZ, in order."""
        with self.changed:
            return list(self._jobs)

    @property
    def status_requests(self) -> int:
        with self.changed:
            return self._status_requests

    def wait_for_jobs(self, count: int, timeout: float) -> bool:
        """True once at least `count` labels have arrived, False after `timeout` s."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self._jobs) >= count, timeout)

    def wait_for_status_requests(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self._status_requests >= count, timeout)

    def start(self) -> ZplSimulator:
        self._selector.register(self._server, selectors.EVENT_READ)
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._wake_write.send(b"x")
            self._thread.join(timeout=10)
        for sock in [*self._streams, *self._held, self._server, self._wake_read]:
            sock.close()
        self._wake_write.close()
        self._streams.clear()
        self._selector.close()

    def __enter__(self) -> ZplSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while True:
            for key, _ in self._selector.select():
                sock = key.fileobj
                if sock is self._wake_read:
                    return
                if sock is self._server:
                    self._accept()
                elif isinstance(sock, socket.socket):
                    self._receive(sock)

    def _accept(self) -> None:
        try:
            conn, _ = self._server.accept()
        except BlockingIOError:
            return  # the client gave up before we got to it
        conn.setblocking(False)
        if self.fault is SimulatedFault.NEVER_READS:
            self._held.append(conn)
            return
        self._streams[conn] = _Stream()
        self._selector.register(conn, selectors.EVENT_READ)

    def _receive(self, conn: socket.socket) -> None:
        fault = self.fault
        try:
            data = conn.recv(RESET_AFTER if fault is SimulatedFault.RESET_MID_LABEL else 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client is done (or gone): an unfinished label is dropped
            self._forget(conn, keep_open=fault is SimulatedFault.KEEPS_OPEN)
            return
        stream = self._streams[conn]
        labels, requests = stream.feed(data)
        with self.changed:
            self._jobs += labels
            self._status_requests += requests.count(REQUEST)
            state, printed = self._state, len(self._jobs)
            self.changed.notify_all()
        if fault is SimulatedFault.RESET_MID_LABEL and stream.start is not None:
            # Linger 0: close() sends a reset, as a printer that crashed would.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._forget(conn)
            return
        answer = b"".join(self._answer(request, state, printed) for request in requests)
        if answer:
            # A client that left without its answer has nothing to be told.
            with contextlib.suppress(OSError):
                conn.sendall(answer)
        if requests and fault is SimulatedFault.CLOSES_EARLY:
            self._forget(conn)

    def _answer(self, request: bytes, state: SimulatedState, printed: int) -> bytes:
        if state is SimulatedState.NO_ANSWER:
            return b""
        if self.fault is SimulatedFault.GARBAGE_STATUS:
            return GARBAGE
        if request == ODOMETER_REQUEST:
            return odometer_answer(printed)
        return host_status_answer(state)

    def _forget(self, conn: socket.socket, *, keep_open: bool = False) -> None:
        self._selector.unregister(conn)
        del self._streams[conn]
        if keep_open:
            self._held.append(conn)
        else:
            conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    states = {state.value: state for state in SimulatedState}
    faults = {fault.value: fault for fault in SimulatedFault}
    with ZplSimulator(args.host, args.port) as printer:
        print(f"ZPL printer on {printer.url}; states: {list(states)}; faults: {list(faults)}")
        for line in sys.stdin:
            word = line.strip()
            if word in states:
                printer.state = states[word]
            elif word in faults:
                printer.fault = faults[word]
            else:
                print(
                    f"{len(printer.jobs)} labels so far; state {printer.state.value}, "
                    f"fault {printer.fault.value}"
                )


if __name__ == "__main__":
    main()
