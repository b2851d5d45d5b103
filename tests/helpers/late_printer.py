"""A ZPL printer on 127.0.0.1 that has every label but never confirms one in time."""

from __future__ import annotations

import contextlib
import socket
import threading

from devices.printers.zpl_simulator import SimulatedState, host_status_answer


class LateAnswerPrinter:
    """A printer on 127.0.0.1 that reads everything, answers ~HS only once a label has
    come (too late for the question before it) and never closes its side.

    `first_only`: it answers the first ~HS of each connection at once instead, and
    never another (the question after the label goes unanswered); `half_closes`:
    besides, it ends its side of the connection after that answer and reads on.
    """

    def __init__(self, *, first_only: bool = False, half_closes: bool = False) -> None:
        self.first_only = first_only or half_closes
        self.half_closes = half_closes
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self.labels = 0
        self._connections: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def close(self) -> None:
        # shutdown() wakes a thread blocked in accept() or recv(); close() alone does not.
        for sock in (self._server, *self._connections):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5.0)
        for sock in (self._server, *self._connections):
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._connections.append(conn)
            self._threads.append(threading.Thread(target=self._serve, args=(conn,), daemon=True))
            self._threads[-1].start()

    def _serve(self, conn: socket.socket) -> None:
        received, questions, answered, seen = b"", 0, False, 0
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return  # the station ended its stream: this printer keeps its side open
            received += data
            questions += data.count(b"~HS")
            labels = received.count(b"^XZ")
            new, seen = labels - seen, labels
            self.labels += new
            if self.first_only:
                if questions and not answered:
                    answered = True
                    conn.sendall(host_status_answer(SimulatedState.READY))
                    if self.half_closes:
                        conn.shutdown(socket.SHUT_WR)
            elif new:
                for _ in range(questions):
                    conn.sendall(host_status_answer(SimulatedState.READY))
                questions = 0
