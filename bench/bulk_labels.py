"""Bulk printing throughput: the labels of 1,000 sealed parcels in one bulk run.

Run: uv run python bench/bulk_labels.py [--labels 1000]
- ZPL: ZplPrinter over TCP to the port-9100 simulator (in a process of its own) at 203 dpi
  (target at most 5 s);
- PDF: FileLabelPrinter into a folder (target at most 15 s).

Each run starts from a fresh store of sealed parcels, stores the bulk jobs
(one transaction) and delivers them with the durable per-label record. It
prints the time of both steps, labels/s, where the delivery time went, and
whether the printer holds exactly one label per parcel.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.pdf import render_process
from devices.pdf.file_printer import FileLabelPrinter
from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import ZplSimulator
from station import queries
from station.bulk_print import BulkPrinter, RendersAhead
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.ports import ChecksPrinted, PrintResult, Recheck, SuppliedLabel
from station.store import Store
from tests.helpers.sealed import seal_orders

STATION = "bench"


class Timed:
    """A printer wrapper that adds up the time spent rendering and sending."""

    def __init__(self, printer: RendersAhead) -> None:
        self.printer = printer
        self.render_s = 0.0  # on the render threads, overlapping the sends
        self.send_s = 0.0
        self._lock = threading.Lock()

    def render_label(self, label: LabelContent) -> bytes:
        start = time.perf_counter()
        data = self.printer.render_label(label)
        with self._lock:
            self.render_s += time.perf_counter() - start
        return data

    def send_rendered(self, job_id: str, label: LabelContent, data: bytes) -> PrintResult:
        start = time.perf_counter()
        result = self.printer.send_rendered(job_id, label, data)
        self.send_s += time.perf_counter() - start
        return result

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        return self.send_rendered(job_id, label, self.render_label(label))

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        raise NotImplementedError("the benchmark prints no supplied labels")

    def checkpoint(self) -> str:
        """The printer's checkpoint, stored with "sending" (its cost is part of a send)."""
        start = time.perf_counter()
        checkpoint = self.printer.checkpoint() if isinstance(self.printer, ChecksPrinted) else ""
        self.send_s += time.perf_counter() - start
        return checkpoint

    def recheck(self, job_id: str, checkpoint: str) -> Recheck:
        if isinstance(self.printer, ChecksPrinted):
            return self.printer.recheck(job_id, checkpoint)
        return Recheck.ASK


class SimulatorProcess:
    """The port-9100 simulator in a process of its own, as a printer is its own machine.

    In this process its socket thread would compete with the bulk run for the
    interpreter lock, which no real printer does.
    """

    def __enter__(self) -> SimulatorProcess:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve_simulator, args=(child,), daemon=True)
        self._process.start()
        self.port: int = self._pipe.recv()
        return self

    def jobs_received(self, expected: int) -> int:
        """How many labels the simulator holds, once `expected` came or 10 s went by."""
        self._pipe.send(expected)
        received: int = self._pipe.recv()
        return received

    def __exit__(self, *exc_info: object) -> None:
        self._pipe.close()
        self._process.join(timeout=10)


def _serve_simulator(pipe: Connection) -> None:
    with ZplSimulator() as simulator:
        pipe.send(simulator.port)
        try:
            while True:
                expected = pipe.recv()
                simulator.wait_for_jobs(expected, timeout=10)
                pipe.send(len(simulator.jobs))
        except EOFError:
            return  # the benchmark is done


def run(name: str, data_dir: Path, printer: RendersAhead, count: int) -> None:
    store = Store.open(data_dir)
    sealed = seal_orders(store, STATION, count)
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, STATION))
    timed = Timed(printer)
    bulk = BulkPrinter(store, timed, STATION, seq)
    start = time.perf_counter()
    stored = bulk.store_run(sealed.parcel_ids, sealed.packer_id, "benchmark")
    stored_at = time.perf_counter()
    summary = bulk.deliver(stored)
    end = time.perf_counter()
    store.close()
    deliver_s = end - stored_at
    rest_s = deliver_s - timed.send_s
    print(
        f"{name}: {count} labels in {end - start:.2f} s ({count / (end - start):.0f} labels/s); "
        f"storing the jobs {stored_at - start:.2f} s, delivering {deliver_s:.2f} s"
    )
    print(
        f"  delivery: sending {timed.send_s:.2f} s, recording and waiting for renders "
        f"{rest_s:.2f} s; rendering {timed.render_s:.2f} s on the render threads (overlapped)"
    )
    print(
        f"  summary: {summary.delivered} delivered, {summary.rejected} rejected, "
        f"{summary.cancelled} cancelled, first error {summary.first_error!r}"
    )


def check(name: str, got: int, want: int) -> None:
    verdict = "OK" if got == want else "WRONG"
    print(f"  check: {name} holds {got} labels, expected {want}: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=1000)
    args = parser.parse_args()
    count: int = args.labels
    # The figures scale with the CPU left over: rendering is most of the work.
    print(f"machine load (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    # The render processes start once, before either clock: a station has them running.
    render_process.render_elsewhere(len, "warm")

    with tempfile.TemporaryDirectory() as folder, SimulatorProcess() as simulator:
        zpl = ZplPrinter(TcpTransport("127.0.0.1", simulator.port), dpi=203)
        run("ZPL over TCP, 203 dpi", Path(folder), zpl, count)
        check("the simulator", simulator.jobs_received(count), count)

    with tempfile.TemporaryDirectory() as folder:
        labels = Path(folder) / "labels"
        run("PDF files", Path(folder), FileLabelPrinter(labels), count)
        check("the folder", len(list(labels.glob("*.pdf"))), count)
    render_process.shutdown()


if __name__ == "__main__":
    main()
