"""A central server that stops answering in the middle of a load: the dock waits once for it."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import make_url

from station import queries
from station.handoff.decide_worker import LoadDecider
from station.store import Store
from station.sync.exchange import sync_once
from tests.central.cluster import free_port
from tests.central.conftest import Central
from tests.central.test_handoff_dock_mirror import dock
from tests.helpers.sealed import seal_orders

DHL = ["JJDSO0000000101", "JJDSO0000000401"]  # SO-000001 and SO-000004, DHL Express
GUARD_S = 60  # only a dock that waits for the hanging server again reaches it


class FreezingLink:
    """A TCP link to the cluster that can stop carrying bytes while every connection stays
    open: a server (or a route) that hangs mid-conversation, with nothing refused or reset."""

    def __init__(self, port: int, target: int) -> None:
        self._listener = socket.create_server(("127.0.0.1", port))
        self._target = target
        self._flowing = threading.Event()
        self._flowing.set()
        self._sockets: list[socket.socket] = [self._listener]
        self._threads = [threading.Thread(target=self._accept, name="freezing-link")]
        self._threads[0].start()

    def freeze(self) -> None:
        self._flowing.clear()

    def close(self) -> None:
        self._flowing.set()
        for sock in list(self._sockets):
            with suppress(OSError):  # wakes the threads blocked in accept() and recv()
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in list(self._threads):
            thread.join()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._target))
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                thread = threading.Thread(target=self._pipe, args=(source, sink))
                self._threads.append(thread)
                thread.start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()  # frozen: the bytes wait here, unanswered
                sink.sendall(data)
        except OSError:
            pass


def test_a_dock_whose_central_server_hangs_mid_load_waits_for_it_once(
    central: Central, tmp_path: Path
) -> None:
    bench_url, url = central.add_station("bench-1"), central.add_station("dock-1")
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 4)
    sync_once(bench_url, bench, "bench-1")
    with bench.session() as db:
        second = queries.parcel_by_tracking(db, DHL[1])
        assert second is not None
    store = Store.open(tmp_path / "dock-1")
    sync_once(url, store, "dock-1")
    # The dock's link goes through a port that can freeze.
    port = free_port()
    role = make_url(url).username
    with central.pgpass.open("r+", encoding="utf-8") as pgpass:  # its password on that port too
        [line] = [line for line in pgpass if f":{role}:" in line]
        pgpass.write(line.replace(f":{central.cluster.port}:", f":{port}:"))
    link = FreezingLink(port, central.cluster.port)
    loading = dock(store, "dock-1")
    decider = LoadDecider(f"postgresql://{role}@127.0.0.1:{port}/{central.database}", loading)
    try:
        decider.start()
        for line in ("CMD-LOAD", "DHL Express", DHL[0]):
            loading.handle_scan(line)
        assert decider.settle() and decider.online()  # answered: the link works

        link.freeze()  # the server stops answering; its connection stays open
        assert loading.handle_scan(DHL[1]).kind.value == "loaded"  # never waits for it
        # The decider asks about it (however loaded the box, its question is under way)...
        assert decider.asking.wait(timeout=GUARD_S)
        decider.wait_for(second.id, timeout=0.5)  # ...so the first wait runs out...

        # ...and the next ones (a replay's parcels, the close) do not wait for it again.
        waited = threading.Event()
        waiting = threading.Thread(
            target=lambda: (decider.wait_for_all(timeout=10 * GUARD_S), waited.set())
        )
        waiting.start()
        assert waited.wait(timeout=GUARD_S)
        waiting.join()
        assert loading.state.count == 2
    finally:
        decider.stop()
        link.close()  # the question under way fails now; the decider's thread ends
        store.close()
        bench.close()
