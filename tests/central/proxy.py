"""A TCP proxy on 127.0.0.1 that can lose an acknowledgement, as a network can.

Armed, it forwards everything until the server answers COMMIT to a
transaction that inserted into a chosen table, then drops both connections
without passing that answer on: the server has committed, the client never
hears it.
"""

from __future__ import annotations

import contextlib
import socket
import threading

# The server's CommandComplete message for COMMIT: 'C', length 11, "COMMIT\0".
_COMMIT_DONE = b"C\x00\x00\x00\x0bCOMMIT\x00"


class AckCutter:
    def __init__(self, target_port: int, after_insert_into: str) -> None:
        self._target = target_port
        self._marker = f"INSERT INTO {after_insert_into}".encode()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.armed = True
        self.cut = threading.Event()
        self._links: list[_Link] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        # shutdown() wakes the threads blocked in accept() and recv(); close() alone does not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for link in self._links:
            link.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._target))
            link = _Link(client, server)
            self._links.append(link)
            threading.Thread(target=self._upstream, args=(link,), daemon=True).start()
            threading.Thread(target=self._downstream, args=(link,), daemon=True).start()

    def _upstream(self, link: _Link) -> None:
        while data := link.receive(link.client):
            if self.armed and self._marker in data:
                link.inserted = True
            link.send(link.server, data)
        link.close()

    def _downstream(self, link: _Link) -> None:
        while data := link.receive(link.server):
            if self.armed and link.inserted and _COMMIT_DONE in data:
                self.armed = False
                self.cut.set()  # before the client can notice the cut
                link.close()
                return
            link.send(link.client, data)
        link.close()


class _Link:
    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client, self.server = client, server
        self.inserted = False

    @staticmethod
    def receive(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""

    @staticmethod
    def send(sock: socket.socket, data: bytes) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(data)

    def close(self) -> None:
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
