"""A child process that films order SO-1 from a looping video until it is killed.

It prints "recording", then the path of each segment once its hash is stored.

python -m tests.helpers.recording_child DATA_DIR VIDEO
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from devices.camera.camera import Camera
from devices.camera.recorder import Recorder
from devices.camera.sources import VideoFileSource
from station import evidence
from station.store import Store
from tests.helpers.camera_listener import HeardFromCamera


def main() -> None:
    data_dir, video = Path(sys.argv[1]), Path(sys.argv[2])
    store = Store.open(data_dir)
    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        evidence.evidence_dir(data_dir),
        lambda closed: print(evidence.record(store, data_dir, closed).path, flush=True),
        station="bench-1",
        segment_s=0.5,
        size=(320, 240),
        fps=30,
    )
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        print("recording", flush=True)
        threading.Event().wait()  # until killed


if __name__ == "__main__":
    main()
