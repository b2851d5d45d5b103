"""Camera: time from a barcode appearing in the frames to its verdict on screen.

A simulated camera (720p) holds a badge up, takes it away, holds up the logout command,
takes it away, and so on; the real pack screen (offscreen) with its live view shows the
verdicts. Measured: from the capture of the first frame the code is in to the window's
`verdict_shown` (reading, the second reader's confirmation or a second frame, the
durable commit, the screen update).
Also the live view's frame rate, and the process's CPU and memory, with the recorder
filming all along as at a real bench (`--no-record` to leave it out).

Run: QT_QPA_PLATFORM=offscreen uv run python bench/camera_verdict.py [--cycles 40]
Target: p99 at most 150 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from bench._data import percentile
from devices.camera.camera import Camera
from devices.camera.recorder import Recorder
from devices.camera.scanning import CameraScanner
from devices.camera.sources import BgrImage, SimulatedSource
from devices.scanners.events import ScanRead
from station.settings import Labels
from station.verdicts import Verdict
from tests.helpers.factory import standard_bench
from tests.helpers.sounds import RecordingSoundPlayer
from ui.app import build_main_window
from ui.camera_panel import CameraColumn
from ui.camera_wiring import CameraHealthTap
from ui.serial_scanner_bridge import ScannerBridge
from ui.status_bar import DeviceStatusBar

FPS = 15
SHOWN, GAP = 8, 8
CODES = ("BADGE-P1", "CMD-LOGOUT")


class TimedTap(CameraHealthTap):
    """The window's camera listener, noting when each scan left the reader."""

    def __init__(self, inner: ScannerBridge, status_bar: DeviceStatusBar) -> None:
        super().__init__(inner, status_bar)
        self.read_at: list[tuple[float, str]] = []

    def on_scan(self, event: ScanRead) -> None:
        self.read_at.append((time.monotonic(), event.text))
        super().on_scan(event)


class TimedSource(SimulatedSource):
    """The simulated bench, noting when each code first comes into view."""

    def __init__(self) -> None:
        super().__init__(1280, 720, FPS, CODES, SHOWN, GAP)
        self.appeared: list[tuple[float, str]] = []  # (capture time, code)
        self._frames = 0

    def read(self) -> BgrImage | None:
        image = super().read()
        cycle, step = divmod(self._frames, SHOWN + GAP)
        if step == 0:  # the frame's capture time, as the camera's
            self.appeared.append((time.monotonic(), CODES[cycle % len(CODES)]))
        self._frames += 1
        return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=40, help="codes shown (default 40)")
    parser.add_argument("--no-record", action="store_true", help="without the recorder")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        bench = standard_bench(Path(folder))
        settings = replace(bench.settings, labels=Labels(scan_back="off"))
        session = bench.session()
        window = build_main_window(session, settings, RecordingSoundPlayer())
        window.resize(1920, 1080)
        window.show()
        window.start()
        shown: list[tuple[float, str, str]] = []  # (time on screen, scan, verdict)

        def on_verdict(verdict: Verdict) -> None:
            shown.append((time.monotonic(), verdict.scan, verdict.kind.value))

        window.verdict_shown.connect(on_verdict)
        bridge = ScannerBridge(window)
        bridge.scanned.connect(
            lambda text, _id, dup: window.controller.scan(text, source="camera", duplicate=dup)
        )
        tap = TimedTap(bridge, window.device_status)
        column = CameraColumn()
        window.add_side_panel(column, column.set_metrics)
        panel = column.add("camera-1")
        source = TimedSource()
        camera = Camera(source, camera_id="camera-1", listener=tap)
        camera.attach(panel.frames)
        reader = CameraScanner(
            camera.frames(), camera_id="camera-1", listener=tap, decoded=panel.view.decoded
        )
        recorder = None
        if not args.no_record:  # the station as it runs: the recorder films all along
            recorder = Recorder(
                camera.frames(),
                Path(folder) / "evidence",
                lambda _closed: None,
                station="bench",
            )
            recorder.order_opened("BENCH-ORDER", "BADGE-P1")
            recorder.start()
        reader.start()
        camera.start()
        started = time.monotonic()
        cpu_started = time.process_time()
        try:
            while len(source.appeared) <= args.cycles:
                app.processEvents()
                time.sleep(0.002)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.002)
        finally:
            reader.close()
            if recorder is not None:
                recorder.close()
            camera.close()
        elapsed = time.monotonic() - started
        window.close()
        session.close()
    appeared = [(at, code) for at, code in source.appeared]
    latencies = _since(appeared, [(at, scan) for at, scan, _ in shown])
    reading = _since(appeared, tap.read_at)
    to_screen = _since(tap.read_at, [(at, scan) for at, scan, _ in shown])  # commit, UI
    kinds = sorted({kind for _, _, kind in shown})
    print(
        f"codes shown {args.cycles}, verdicts {len(shown)} {kinds} "
        f"(720p, {FPS} fps, one frame vouched for or two)"
    )
    if latencies:
        print(
            f"barcode in view -> verdict on screen: p50 {percentile(latencies, 50):.0f} ms, "
            f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms "
            "(target p99 <= 150 ms)"
        )
    if reading:
        print(
            f"  of which in view -> read and confirmed: p50 {percentile(reading, 50):.0f} ms, "
            f"p99 {percentile(reading, 99):.0f} ms"
        )
    if to_screen:
        print(
            f"  of which read -> verdict on screen (commit, UI): "
            f"p50 {percentile(to_screen, 50):.0f} ms, p99 {percentile(to_screen, 99):.0f} ms"
        )
    print(
        f"live view: {panel.view.frames_shown / elapsed:.1f} frames/s shown "
        f"(camera {FPS} fps; reader skipped {reader.frames_skipped} frames)"
    )
    cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"whole station process (GUI, live view, reading{'' if args.no_record else ', recording'})"
        ": "
        f"CPU {cpu / elapsed:.2f} "
        f"cores on average, peak resident memory {peak_mb:.0f} MB; machine load "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def _since(earlier: list[tuple[float, str]], later: list[tuple[float, str]]) -> list[float]:
    """For each (time, code) of `later`, ms since the last (time, code) of `earlier` with
    that code at or before it."""
    gaps = []
    for at, code in later:
        before = [then for then, text in earlier if text == code and then <= at]
        if before:
            gaps.append((at - before[-1]) * 1000)
    return gaps


if __name__ == "__main__":
    main()
