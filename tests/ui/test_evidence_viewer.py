"""The evidence viewer: an order found by its tracking number, its video played from a
scan's marker, its photo shown, its bundle exported."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot

from station import evidence
from station.models import utc_now
from tests.helpers.factory import TAPE_EAN, Bench
from ui.evidence_viewer import LEAD_IN_S, EvidenceViewer

# Qt Multimedia on a machine without a GPU or VA-API says so (whichever test loads it
# first), and decodes on the CPU. On each test: it must be closer than the ui conftest's.
multimedia_noise = pytest.mark.qt_log_ignore(
    "^Couldn't (load|resolve) ", "No RHI backend", "propagateSizeHints"
)

TRACKING = "1Z999AA10123456784"  # SO-3's, imported with it (tests.helpers.factory)


def _segment(path: Path, frames: int = 20, fps: int = 10) -> Path:
    container = av.open(str(path), "w", format="webm")
    stream = container.add_stream("libvpx-vp9", rate=fps, options={"deadline": "realtime"})
    stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
    stream.time_base = Fraction(1, fps)
    for number in range(frames):
        frame = av.VideoFrame.from_ndarray(
            np.full((120, 160, 3), number * 10, dtype=np.uint8), format="bgr24"
        )
        frame.pts = number
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


@pytest.fixture
def filmed(bench: Bench) -> Bench:
    """SO-3 packed, with a 2 s video around its scans and a photo of its parcel."""
    started = utc_now() - timedelta(seconds=0.5)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        session.handle_scan(scan, source="camera")
    session.close()
    folder = evidence.evidence_dir(bench.data_dir) / "SO-3"
    folder.mkdir(parents=True)
    video = _segment(folder / "bench-1-0001.webm")
    photo = folder / "bench-1-photo.jpg"
    cv2.imwrite(str(photo), np.full((120, 160, 3), 200, dtype=np.uint8))
    ended = started + timedelta(seconds=2)
    for kind, path in (("video", video), ("photo", photo)):
        closed = evidence.ClosedFile("SO-3", "bench-1", kind, path, started, ended)
        evidence.record(bench.store, bench.data_dir, closed)
    return bench


@multimedia_noise
def test_an_order_found_by_tracking_number_plays_from_a_scan_and_exports(
    qtbot: QtBot, filmed: Bench, tmp_path: Path
) -> None:
    viewer = EvidenceViewer(filmed.store, filmed.data_dir)
    qtbot.addWidget(viewer)
    viewer.show()

    with qtbot.waitSignal(viewer.shown_order, timeout=20_000) as shown:
        viewer.take_scan(TRACKING)  # a scanned parcel label looks its order up

    assert shown.args == ["SO-3"]
    markers = [viewer.markers.item(row).text() for row in range(viewer.markers.count())]
    assert [text.split()[1] for text in markers] == ["SO-3", TAPE_EAN]
    assert viewer.photos.count() == 1
    # It plays at once, the whole 2 s segment.
    qtbot.waitUntil(lambda: viewer.player.duration() >= 1900, timeout=20_000)

    viewer.player.pause()
    last = viewer.markers.item(1)
    offset_ms = round(last.data(256) * 1000)  # Qt.ItemDataRole.UserRole
    # Played from a little before the scan, so the moment leading to it is seen.
    target = max(0, offset_ms - round(LEAD_IN_S * 1000))
    with qtbot.waitSignal(
        viewer.player.positionChanged,
        timeout=20_000,
        check_params_cb=lambda position: abs(position - target) < 150,
    ):
        viewer.markers.itemClicked.emit(last)
    assert viewer.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState

    viewer.marketplace_cut.setChecked(True)
    with qtbot.waitSignal(viewer.exported, timeout=30_000) as exported:
        viewer.export_to(tmp_path)
    folder = Path(exported.args[0])
    assert (folder / "SHA256SUMS").is_file() and (folder / "video.webm").is_file()
    assert (folder / "marketplace" / "video.webm").is_file()  # 2 s: fits 60 s as recorded
    assert len(list((folder / "marketplace" / "photos").iterdir())) == 1
    viewer.close()


@multimedia_noise
def test_a_number_with_no_order_says_so(qtbot: QtBot, bench: Bench) -> None:
    viewer = EvidenceViewer(bench.store, bench.data_dir)
    qtbot.addWidget(viewer)

    with qtbot.waitSignal(viewer.failed, timeout=20_000) as failed:
        viewer.look_up("NO-SUCH-THING")

    assert failed.args == ["No order or tracking number 'NO-SUCH-THING' at this station."]
    assert viewer.message.text() == failed.args[0]
    assert not viewer.export_button.isEnabled()


@multimedia_noise
def test_a_file_changed_since_it_was_recorded_is_named(qtbot: QtBot, filmed: Bench) -> None:
    (photo,) = (evidence.evidence_dir(filmed.data_dir) / "SO-3").glob("*.jpg")
    photo.write_bytes(photo.read_bytes() + b"edited")
    viewer = EvidenceViewer(filmed.store, filmed.data_dir)
    qtbot.addWidget(viewer)

    with qtbot.waitSignal(viewer.shown_order, timeout=20_000):
        viewer.look_up("SO-3")

    assert "NOT AS RECORDED" in viewer.message.text()
    assert f"{photo.name} (order SO-3) was changed" in viewer.message.text()
    qtbot.waitUntil(lambda: viewer.player.duration() > 0, timeout=20_000)  # what is left plays
    viewer.close()
