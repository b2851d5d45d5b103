"""A child process that films order SO-1 on a disk that takes no byte, then has room again.

The "full disk" is the process's own file-size limit (RLIMIT_FSIZE 0): every write that
grows a file fails, as ENOSPC would, while creating a file still works. It prints
"lost video" for each segment the recorder gave up on (LOSSES), lifts the limit, prints
"kept PATH" for the first segment closed after, then stops the recorder and prints "done".

With ROOM (bytes), a file can grow to ROOM bytes before its writes fail: the segment
being written is cut after its first frames; it prints "cut PATH SHA256" for each
segment the recorder handed on before it said it lost video, hashed as it was handed on.

python -m tests.helpers.full_disk_child EVIDENCE_DIR VIDEO [ROOM]
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
from station.evidence import ClosedFile, sha256_of
from tests.helpers.camera_listener import HeardFromCamera

LOSSES = 2


def main() -> None:
    folder, video = Path(sys.argv[1]), Path(sys.argv[2])
    room = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    lost: queue.Queue[str] = queue.Queue()
    kept: queue.Queue[ClosedFile] = queue.Queue()
    hashes: dict[Path, str] = {}

    def on_closed(closed: ClosedFile) -> None:
        hashes[closed.path] = sha256_of(closed.path)
        kept.put(closed)

    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        folder,
        on_closed,
        station="bench-1",
        segment_s=0.5,
        size=(320, 240),
        fps=30,
        photos=False,
        on_failed=lambda kind, _problem: lost.put(kind),
    )
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, no signal
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (room, hard))
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        for _ in range(LOSSES if room == 0 else 1):
            print("lost", lost.get(timeout=30), flush=True)
            while not kept.empty():  # handed on before the loss was said: cut short
                path = kept.get().path
                print("cut", path, hashes[path], flush=True)
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))  # room again
        print("kept", kept.get(timeout=30).path, flush=True)
        recorder.order_closed()
    while not kept.empty():  # the segment being written when the order closed
        print("kept", kept.get().path, flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
