"""One 720p, 15 fps camera scanning and recording at once: CPU, memory, bytes per hour,
and the time from a barcode's frame to its scan.

The camera is sim://camera (generated frames: barcodes held up and taken away), read by
the real capture thread, the camera's barcode reader and the evidence recorder (VP9
WebM segments of 2 s, hashed as they close), all in this process, for `--seconds`.

    uv run python bench/camera_record.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._data import percentile
from devices.camera.camera import Camera
from devices.camera.recorder import Recorder
from devices.camera.scanning import CameraScanner
from devices.camera.sources import BgrImage, SimulatedSource
from devices.scanners.events import ScanRead
from devices.state import DeviceState
from station.evidence import ClosedFile, sha256_of


class Listener:
    def __init__(self) -> None:
        self.latencies_ms: list[float] = []

    def on_scan(self, event: ScanRead) -> None:
        # event.time is when the confirming frame was captured.
        self.latencies_ms.append((time.monotonic() - event.time) * 1000)

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        pass

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        pass


class NoisySource(SimulatedSource):
    """The simulator with a real sensor's noise: generated frames compress unrealistically well.

    Eight noise patterns made in advance and cycled, so the noise costs little CPU here.
    """

    def __init__(self, noise: float) -> None:
        super().__init__(1280, 720, 15)
        rng = np.random.default_rng(5)
        self._noise = [rng.normal(0, noise, size=(720, 1280, 1)).astype(np.int16) for _ in range(8)]
        self._turn = 0

    def read(self) -> BgrImage | None:
        image = super().read()
        if image is None:
            return None
        self._turn += 1
        noisy = image.astype(np.int16) + self._noise[self._turn % 8]
        return np.clip(noisy, 0, 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--noise", type=float, default=6.0, help="sensor noise (grey levels, s.d.) on each frame"
    )
    args = parser.parse_args()
    listener = Listener()
    closed: list[ClosedFile] = []
    lock = threading.Lock()

    def on_closed(file: ClosedFile) -> None:
        sha256_of(file.path)  # as station.evidence.record does
        with lock:
            closed.append(file)

    with tempfile.TemporaryDirectory() as folder:
        camera = Camera(NoisySource(args.noise), camera_id="camera-1", listener=listener)
        reader = CameraScanner(camera.frames(), camera_id="camera-1", listener=listener)
        recorder = Recorder(camera.frames(), Path(folder), on_closed, station="bench")
        cpu_before = time.process_time()
        wall_before = time.monotonic()
        with recorder, reader, camera:
            recorder.order_opened("SO-BENCH", "P001")
            time.sleep(args.seconds)  # the load being measured: nothing to wait for
            recorder.order_closed()
            frames_read, skipped = reader.frames_read, reader.frames_skipped
        wall = time.monotonic() - wall_before
        cpu = time.process_time() - cpu_before
        size = sum(file.path.stat().st_size for file in closed)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_hour = size / wall * 3600
    print(f"{wall:.0f} s of 1280x720 at 15 fps, scanning and recording")
    print(f"CPU: {cpu / wall:.2f} cores on average (process time / wall time)")
    print(f"peak resident memory of this process: {peak_mb:.0f} MB (no GUI)")
    print(
        f"evidence: {len(closed)} segments, {size / 1e6:.1f} MB, {per_hour / 1e6:.0f} MB per hour, "
        f"{per_hour * 8 / 1e9:.2f} GB per 8-hour shift"
    )
    print(f"frames read for barcodes: {frames_read}, skipped (reader busy): {skipped}")
    if listener.latencies_ms:
        print(
            f"confirming frame captured -> scan delivered: {len(listener.latencies_ms)} scans, "
            f"p50 {percentile(listener.latencies_ms, 50):.0f} ms, "
            f"p99 {percentile(listener.latencies_ms, 99):.0f} ms "
            "(a code's first frame is one frame, 67 ms, before the confirming one)"
        )


if __name__ == "__main__":
    main()
