"""Device paths end to end, in one process with the real window offscreen.

Run: uv run python bench/device_latency.py [--orders 100]
- serial scan: bytes written to a pseudo-terminal -> verdict shown in the window
  (target p99 at most 30 ms);
- label: order complete -> label bytes received by a TCP port-9100 printer
  (target p99 at most 150 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench._data import percentile, seed
from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import ZplSimulator
from devices.scanners.simulator import PtyScannerSimulator
from station.device_urls import Role, parse_device_url
from station.session import PackSession
from station.settings import Devices, Settings
from station.store import Store
from station.verdicts import VerdictKind
from ui.app import build_main_window, connect_serial_scanners
from ui.sounds import SilentSoundPlayer


def wait_until(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop, waking every 1 ms (a busy loop would steal the interpreter lock)."""
    deadline = time.perf_counter() + timeout_s
    loop = QEventLoop()
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("no answer")
        QTimer.singleShot(1, loop.quit)
        loop.exec()


def wait_for_signal(signal, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100)
    args = parser.parse_args()
    app = QApplication([])
    with (
        tempfile.TemporaryDirectory() as folder,
        PtyScannerSimulator() as scanner,
        ZplSimulator() as printer,
    ):
        data_dir = Path(folder)
        scans = seed(data_dir, args.orders)
        store = Store.open(data_dir)
        url = parse_device_url(f"serial://{scanner.port}?duplicate_ms=0", Role.SCANNER)
        settings = replace(
            Settings(station="bench"), sounds=False, devices=Devices(scanners=(url,))
        )
        session = PackSession(store, settings, ZplPrinter(TcpTransport("127.0.0.1", printer.port)))
        window = build_main_window(session, settings, SilentSoundPlayer())
        window.show()
        window.start()
        stops = connect_serial_scanners(window, settings)
        shown: list[tuple[float, VerdictKind]] = []
        window.verdict_shown.connect(lambda v: shown.append((time.perf_counter(), v.kind)))
        wait_until(lambda: window.header.scanners_label.text() == "Scanners OK")

        scan_ms: list[float] = []
        label_ms: list[float] = []
        for text in scans:
            count = len(shown)
            jobs = len(printer.jobs)
            start = time.perf_counter()
            scanner.send(text)
            if len(shown) == count:
                wait_for_signal(window.verdict_shown)
            done_at, kind = shown[-1]
            scan_ms.append((done_at - start) * 1000)
            if kind is VerdictKind.ORDER_COMPLETE:
                printer.wait_for_jobs(jobs + 1, timeout=10)
                label_ms.append((time.perf_counter() - done_at) * 1000)
        for stop in stops:
            stop()
        window.close()
        session.close()
        store.close()
    del app
    print(
        f"serial scan -> verdict shown ({len(scan_ms)} scans): "
        f"p50 {percentile(scan_ms, 50):.1f} ms, p99 {percentile(scan_ms, 99):.1f} ms, "
        f"max {max(scan_ms):.1f} ms"
    )
    print(
        f"order complete -> label bytes at the TCP printer ({len(label_ms)} labels): "
        f"p50 {percentile(label_ms, 50):.1f} ms, p99 {percentile(label_ms, 99):.1f} ms, "
        f"max {max(label_ms):.1f} ms"
    )


if __name__ == "__main__":
    main()
