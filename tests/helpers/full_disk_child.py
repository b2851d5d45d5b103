"""A child process that films order SO-1 on a disk that takes no byte, then has room again.

The "full disk" is the process's own file-size limit (RLIMIT_FSIZE 0): every write that
grows a file fails, as ENOSPC would, while creating a file still works. It prints
"lost video" for each segment the recorder gave up on (LOSSES), lifts the limit, prints
"kept PATH" for the first segment closed after, then stops the recorder and prints "done".

python -m tests.helpers.full_disk_child EVIDENCE_DIR VIDEO
"""

from __future__ import annotations

import queue
import resource
import signal
import sys
from pathlib import Path

from devices.camera.camera import Camera
from devices.camera.recorder import Recorder
from devices.camera.sources import VideoFileSource
from station.evidence import ClosedFile
from tests.helpers.camera_listener import HeardFromCamera

LOSSES = 2


def main() -> None:
    folder, video = Path(sys.argv[1]), Path(sys.argv[2])
    lost: queue.Queue[str] = queue.Queue()
    kept: queue.Queue[ClosedFile] = queue.Queue()
    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        folder,
        kept.put,
        station="bench-1",
        segment_s=0.5,
        size=(320, 240),
        fps=30,
        photos=False,
        on_failed=lambda kind, _problem: lost.put(kind),
    )
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, no signal
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        for _ in range(LOSSES):
            print("lost", lost.get(timeout=30), flush=True)
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))  # room again
        print("kept", kept.get(timeout=30).path, flush=True)
        recorder.order_closed()
    while not kept.empty():  # the segment being written when the order closed
        print("kept", kept.get().path, flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
