"""A dock whose central server accepts connections and never answers still closes at once."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from station.handoff import decide_worker
from station.handoff.central import Decision, decide_load
from station.store import Store
from tests.central.test_handoff_dock_mirror import DHL, dock
from tests.helpers.sealed import seal_orders


class SilentServer:
    """A real listener that accepts every connection, reads the first packet and never
    answers: a central server hung, or a port forwarded to nowhere."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.asked = threading.Event()  # a client connected and spoke
        self.clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="silent-server")
        self._thread.start()

    def url(self) -> str:
        return f"postgresql://dock@127.0.0.1:{self.port}/central"

    def close(self) -> None:
        for sock in (self._listener, *self.clients):
            with suppress(OSError):  # wakes accept() and the waiting client
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
                self.clients.append(client)
                client.recv(1024)
            except OSError:
                return
            self.asked.set()


def test_a_dock_stops_at_once_while_its_central_server_never_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path)
    seal_orders(store, "bench-1", 1)
    loading = dock(store, "dock-1")
    answered = threading.Event()  # the central question came back (an answer or a failure)

    def ask(*args: Any) -> Decision:
        try:
            return decide_load(*args)
        finally:
            answered.set()

    monkeypatch.setattr(decide_worker, "decide_load", ask)
    server = SilentServer()
    decider = decide_worker.LoadDecider(server.url(), loading)
    try:
        decider.start()
        for line in ("CMD-LOAD", "DHL Express"):
            loading.handle_scan(line)
        assert loading.handle_scan(DHL).kind.value == "loaded"  # never waits for the network
        assert server.asked.wait(timeout=10)  # the decider is asking, and hears nothing

        decider.stop()

        # stop() returned with the question still out: the dock's window closes at once
        # instead of waiting out the connection's timeout, and nothing is lost.
        assert not answered.is_set()
        assert loading.state.count == 1
    finally:
        server.close()  # the abandoned question fails now; its thread ends
        store.close()


def test_a_restarted_dock_reads_its_open_load_on_the_deciders_thread(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    seal_orders(store, "bench-1", 1)
    before = dock(store, "dock-1")
    for line in ("CMD-LOAD", "DHL Express", DHL):
        before.handle_scan(line)
    loading = dock(store, "dock-1")  # the dock started again: its load is open
    assert loading.state.count == 1
    readers: list[threading.Thread] = []
    opened = store.session

    def session():  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread())
        return opened()

    store.session = session  # type: ignore[method-assign]
    server = SilentServer()
    decider = decide_worker.LoadDecider(server.url(), loading)
    try:
        decider.start()  # called on the UI thread at a dock's start
        assert server.asked.wait(timeout=10)  # the open load's parcel is being asked about
        decider.stop()
    finally:
        server.close()
        store.session = opened  # type: ignore[method-assign]
        store.close()
    assert readers and threading.current_thread() not in readers
