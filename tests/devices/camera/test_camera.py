"""Cameras from file:// videos and sim://camera, through the real capture and reading."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest

from devices.camera.camera import Camera, LatestFrame
from devices.camera.from_url import frame_source, start_cameras
from devices.camera.scanning import CameraScan, CameraScanner, ViewTracker
from devices.camera.sources import SIM_CODES, Frame, SourceOpenError, VideoFileSource
from devices.state import DeviceState
from station.device_urls import Role, parse_device_url
from tests.helpers.camera_images import held_up, product_picture, write_video
from tests.helpers.camera_listener import HeardFromCamera

FPS = 30


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    folder = tmp_path_factory.mktemp("products")
    return {code: held_up(product_picture(code, folder)) for code in ("4006381333931", "SO-100017")}


def scene(pictures: dict[str, np.ndarray], *steps: tuple[str | None, int]) -> list[np.ndarray]:
    """Frames: (code in view, or None for an empty bench; for how many frames)."""
    empty = np.full((480, 640), 120, dtype=np.uint8)
    return [
        empty if code is None else pictures[code] for code, count in steps for _ in range(count)
    ]


def test_a_code_held_in_view_counts_once_and_again_after_it_left(
    tmp_path: Path, pictures: dict[str, np.ndarray]
) -> None:
    frames = scene(
        pictures,
        (None, 5),
        ("4006381333931", 20),
        (None, 30),  # 1 s away: it left the view
        ("4006381333931", 20),
        (None, 30),
        ("SO-100017", 20),
        (None, 5),
    )
    video = write_video(tmp_path / "bench.avi", frames, FPS)
    heard = HeardFromCamera()
    camera = Camera(VideoFileSource(video, loop=False), camera_id="camera-1", listener=heard)

    with CameraScanner(camera.frames(), camera_id="camera-1", listener=heard), camera:
        heard.wait_for(lambda h: len(h.scans) >= 3)
        heard.wait_for(lambda h: DeviceState.DISCONNECTED in h.state_names())  # the video ended

    assert heard.texts == ["4006381333931", "4006381333931", "SO-100017"]
    scan = heard.scans[0]
    assert isinstance(scan, CameraScan)
    assert (scan.source, scan.scanner_id, scan.format, scan.duplicate) == (
        "camera",
        "camera-1",
        "EAN-13",
        False,
    )
    assert len(scan.position) == 4


def test_a_camera_whose_pictures_stop_is_reported_and_reopened_by_itself(
    tmp_path: Path, pictures: dict[str, np.ndarray]
) -> None:
    video = write_video(tmp_path / "short.avi", scene(pictures, (None, 6)), FPS)
    heard = HeardFromCamera()
    camera = Camera(
        VideoFileSource(video, loop=False),
        camera_id="camera-1",
        listener=heard,
        stall_after_s=0.3,
    )

    with camera:
        heard.wait_for(lambda h: h.state_names().count(DeviceState.READY) >= 2)

    states = heard.state_names()
    assert states[:4] == [
        DeviceState.CONNECTING,
        DeviceState.READY,
        DeviceState.DISCONNECTED,
        DeviceState.READY,
    ]
    assert "no picture from video" in heard.states[2][1]
    assert heard.states[-1][0] is DeviceState.CLOSED


def test_a_camera_that_is_not_there_yet_is_opened_once_it_is(
    tmp_path: Path, pictures: dict[str, np.ndarray]
) -> None:
    path = tmp_path / "later.avi"
    heard = HeardFromCamera()
    camera = Camera(
        VideoFileSource(path, loop=True),
        camera_id="camera-1",
        listener=heard,
        reopen_interval_s=0.05,
    )

    with camera:
        heard.wait_for(lambda h: DeviceState.DISCONNECTED in h.state_names())
        write_video(tmp_path / "writing.avi", scene(pictures, (None, 5)), FPS).rename(path)
        heard.wait_for(lambda h: DeviceState.READY in h.state_names())

    assert str(path) in heard.states[1][1]
    assert heard.state_names().count(DeviceState.DISCONNECTED) == 1  # reported once, not per try


def test_a_slow_reader_skips_frames_instead_of_lagging(
    tmp_path: Path, pictures: dict[str, np.ndarray]
) -> None:
    video = write_video(tmp_path / "loop.avi", scene(pictures, ("SO-100017", 10)), FPS)
    heard = HeardFromCamera()
    camera = Camera(VideoFileSource(video, loop=True), camera_id="camera-1", listener=heard)
    slot = camera.frames()
    read: list[int] = []

    def slow_decoder(image: np.ndarray) -> list:  # type: ignore[type-arg]
        time.sleep(0.1)  # a decoder three frames slow
        return []

    reader = CameraScanner(
        slot,
        camera_id="camera-1",
        listener=heard,
        decoder=slow_decoder,
        decoded=lambda frame, found: read.append(frame.number),
    )
    with reader, camera:
        heard.wait_for(lambda h: len(read) >= 5 and slot.dropped >= 5)

    # Each frame read was the newest at the time: the numbers jump, never one by one.
    assert all(later - earlier > 1 for earlier, later in itertools.pairwise(read[1:]))


def test_the_simulated_camera_shows_codes_that_come_and_go() -> None:
    heard = HeardFromCamera()
    url = parse_device_url("sim://camera?width=640&height=480&fps=30", Role.CAMERA)

    closers = start_cameras([url], heard)
    try:
        heard.wait_for(lambda h: len(h.scans) >= 4, timeout=30)
    finally:
        for close in closers:
            close()

    # zxing-cpp reads a UPC-A as its EAN-13 (a leading 0): the station matches both alike.
    assert [text.zfill(14) for text in heard.texts[:4]] == [
        code.zfill(14) for code in (*SIM_CODES, SIM_CODES[0])
    ]
    assert {scan.scanner_id for scan in heard.scans} == {"camera-1"}


def test_a_camera_not_used_to_scan_reads_no_barcodes() -> None:
    heard = HeardFromCamera()
    url = parse_device_url("sim://camera?width=640&height=480&fps=30&uses=record", Role.CAMERA)

    (close,) = start_cameras([url], heard)
    try:
        heard.wait_for(lambda h: DeviceState.READY in h.state_names())
    finally:
        close()

    assert heard.scans == []


# --- what counts, frame by frame -------------------------------------------------------


def test_a_code_read_in_one_frame_counts_only_when_something_vouches_for_it() -> None:
    tracker = ViewTracker()

    def nobody(_text: str) -> bool:
        return False

    def second_reader(_text: str) -> bool:
        return True

    assert tracker.seen({"0036010191452"}, 0.0, nobody) == []  # a misread of a blurred frame
    assert tracker.seen({"4006381333931"}, 0.07, nobody) == []
    assert tracker.seen({"4006381333931"}, 0.13, nobody) == ["4006381333931"]
    assert tracker.seen(set(), 1.0) == []
    assert tracker.seen({"SO-100017"}, 1.1, second_reader) == ["SO-100017"]
    assert tracker.seen({"SO-100017"}, 1.17, second_reader) == []  # held in view: once


def test_held_in_view_it_counts_once_unless_the_double_read_window_passes() -> None:
    held = ViewTracker()
    windowed = ViewTracker(double_read_window_s=2.0)
    times = [i / 15 for i in range(60)]  # four seconds in view

    counts = [len(held.seen({"A"}, t)) for t in times]
    windowed_counts = [len(windowed.seen({"A"}, t)) for t in times]

    assert sum(counts) == 1
    assert sum(windowed_counts) == 2


def test_a_frame_or_two_without_the_code_is_not_leaving_the_view() -> None:
    tracker = ViewTracker(gone_after_s=0.6)

    counted = [tracker.seen({"A"} if t not in (5, 6) else set(), t / 15) for t in range(20)]

    assert sum(len(c) for c in counted) == 1


def test_the_newest_frame_is_taken_and_older_ones_dropped() -> None:
    slot = LatestFrame()
    image = np.zeros((2, 2, 3), dtype=np.uint8)
    for number in (1, 2, 3):
        slot.put(Frame(image, float(number), number))

    newest = slot.take(timeout=0)

    assert newest is not None and newest.number == 3
    assert slot.dropped == 2
    assert slot.take(timeout=0) is None


def test_the_cameras_main_py_devices_lists_are_urls_the_config_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from devices import discovery

    monkeypatch.setattr(discovery.sys, "platform", "linux")
    monkeypatch.setattr(discovery.glob, "glob", lambda pattern: ["/dev/video0", "/dev/video2"])

    urls = [found.url for found in discovery.cameras()]

    assert urls == ["camera:///dev/video0", "camera:///dev/video2"]
    assert [parse_device_url(url, Role.CAMERA).target for url in urls] == [
        "/dev/video0",
        "/dev/video2",
    ]


def test_an_ip_camera_that_cannot_be_opened_is_named_without_its_password() -> None:
    url = parse_device_url("rtsp://admin:s3cret@127.0.0.1:9/none?uses=record", Role.CAMERA)
    source = frame_source(url)
    with pytest.raises(SourceOpenError) as caught:
        source.open()

    assert "s3cret" not in str(caught.value)
    assert "admin:***@127.0.0.1:9/none" in str(caught.value)


def test_a_file_that_is_not_a_video_cannot_be_opened_as_a_camera(tmp_path: Path) -> None:
    # OpenCV opened it (as a picture sequence) and then sent nothing: "unplugged" for ever.
    not_a_video = tmp_path / "notes.jpg"
    not_a_video.write_text("a packing list, not a photo nor a video\n", encoding="utf-8")

    with pytest.raises(SourceOpenError) as caught:
        VideoFileSource(not_a_video, loop=True).open()

    assert "notes.jpg has no picture OpenCV can read" in str(caught.value)
    assert not caught.value.absent  # there, but unusable: "cannot open", not "unplugged"
