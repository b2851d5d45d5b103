"""A camera playing a video of the bench packs an order on the pack screen, films it and
photographs the sealed parcel."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station import evidence
from station.device_urls import Role, parse_device_url
from station.models import ScanEvent
from station.settings import Devices, Labels, Settings
from station.verdicts import VerdictKind
from tests.helpers.camera_images import held_up, product_picture, write_video
from tests.helpers.factory import TAPE_EAN, Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.app import build_main_window
from ui.camera_panel import CameraPanel
from ui.camera_storage import EVIDENCE_KEY, EvidenceKeeper, RecordingHealth, recording_key
from ui.camera_wiring import camera_key, connect_cameras
from ui.main_window import MainWindow
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level

FPS = 30


@pytest.fixture
def settings() -> Settings:
    # No label scan-back: the order leaves the bench, and its video ends, when sealed.
    return Settings(station="bench-1", labels=Labels(scan_back="off"))


@pytest.fixture
def bench_video(tmp_path: Path) -> Path:
    """A packer holds up their badge, the order's sheet and the one item, in turn."""
    empty = np.full((480, 640), 120, dtype=np.uint8)
    frames = [empty] * 10
    for code in ("BADGE-P1", "SO-3", TAPE_EAN):
        frames += [held_up(product_picture(code, tmp_path))] * 20 + [empty] * 30
    return write_video(tmp_path / "bench.avi", frames, FPS)


@pytest.fixture
def camera_window(qtbot: QtBot, bench: Bench, bench_video: Path) -> Iterator[MainWindow]:
    url = parse_device_url(f"file://{bench_video}?fps={FPS}&width=640&height=480", Role.CAMERA)
    settings = replace(bench.settings, devices=Devices(cameras=(url,)))
    session = bench.session()
    window = build_main_window(session, settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    stops = connect_cameras(window, settings)
    yield window
    for stop in stops:
        stop()
    session.close()


def test_an_order_is_packed_by_camera_and_its_video_is_stored(
    qtbot: QtBot, camera_window: MainWindow, bench: Bench
) -> None:
    verdicts: list[VerdictKind] = []
    camera_window.verdict_shown.connect(lambda verdict: verdicts.append(verdict.kind))

    qtbot.waitUntil(lambda: len(verdicts) >= 3, timeout=30_000)

    def placed() -> bool:
        files = evidence.files_of(bench.store, "SO-3")
        trail = evidence.scan_trail(bench.store, "SO-3", files)
        # The last segment is hashed and stored a moment after the order closed.
        kinds = {row.kind for row in files}
        return kinds == {"video", "photo"} and all(s.video_offset_s is not None for s in trail)

    qtbot.waitUntil(placed, timeout=30_000)

    assert verdicts[:3] == [VerdictKind.LOGIN, VerdictKind.ORDER_OPENED, VerdictKind.ORDER_COMPLETE]
    with bench.store.session() as db:
        sources = set(db.exec(select(ScanEvent.source)).all())
    assert sources == {"camera"}
    assert evidence.verify(bench.store, bench.data_dir, "SO-3") == []
    trail = evidence.scan_trail(bench.store, "SO-3", evidence.files_of(bench.store, "SO-3"))
    assert [(scan.raw, scan.verdict) for scan in trail] == [
        ("SO-3", "order_opened"),
        (TAPE_EAN, "order_complete"),
    ]
    # Each scan points into the video, the later one further in.
    offsets = [scan.video_offset_s for scan in trail]
    assert None not in offsets
    assert offsets[0] is not None and offsets[1] is not None and offsets[0] < offsets[1]


def test_the_live_view_shows_the_camera_and_its_state_and_f8_hides_it(
    qtbot: QtBot, camera_window: MainWindow
) -> None:
    panel = camera_window.findChild(CameraPanel)
    assert panel is not None and panel.isVisible()
    status = camera_window.device_status
    seen: list[tuple[str, str]] = []  # each word in the status bar, and the view with it

    def on_health(health: DeviceHealth) -> None:
        if health.key == camera_key("camera-1"):
            seen.append((health.word, panel.view.text()))

    status.health_changed.connect(on_health)

    qtbot.waitUntil(lambda: panel.view.frames_shown >= 5, timeout=30_000)
    assert not panel.view.pixmap().isNull()
    assert panel.caption.text() == "Camera camera-1: live"
    # The video ends: the camera sends no more pictures, says so in words, and opens it again.
    qtbot.waitUntil(
        lambda: any(word == "no picture, reopening" for word, _ in seen), timeout=30_000
    )
    shown = next(view for word, view in seen if word == "no picture, reopening")
    assert shown.startswith("No picture")

    camera_window.activateWindow()
    qtbot.waitUntil(camera_window.isActiveWindow)
    field = camera_window.input_bar.field
    qtbot.keyClick(field, Qt.Key.Key_F8)
    assert not panel.isVisible()
    qtbot.keyClick(field, Qt.Key.Key_F8)
    assert panel.isVisible()


def test_every_camera_has_its_live_view_with_its_own_state_and_f8_hides_them_all(
    qtbot: QtBot, bench: Bench
) -> None:
    cameras = tuple(
        parse_device_url(f"sim://camera?uses=scan&width=320&height=180&fps=10{name}", Role.CAMERA)
        for name in ("", "&name=side")
    )
    settings = replace(bench.settings, devices=Devices(cameras=cameras))
    session = bench.session()
    window = build_main_window(session, settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    stops = connect_cameras(window, settings)
    try:
        panels = window.findChildren(CameraPanel)
        assert [panel.camera_id for panel in panels] == ["camera-1", "side"]
        qtbot.waitUntil(lambda: all(panel.view.frames_shown >= 3 for panel in panels))
        assert [panel.caption.text() for panel in panels] == [
            "Camera camera-1: live",
            "Camera side: live",
        ]
        first, second = (
            QRect(panel.view.mapTo(window, QPoint(0, 0)), panel.view.size()) for panel in panels
        )
        assert not first.intersects(second)  # side by side or stacked, both whole
        assert window.rect().contains(first) and window.rect().contains(second)

        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window.input_bar.field, Qt.Key.Key_F8)
        assert not any(panel.isVisible() for panel in panels)
        qtbot.keyClick(window.input_bar.field, Qt.Key.Key_F8)
        assert all(panel.isVisible() for panel in panels)
    finally:
        for stop in stops:
            stop()
        session.close()


def test_two_recording_cameras_keep_the_evidence_with_one_keeper(
    qtbot: QtBot, bench: Bench
) -> None:
    # Two keepers swept the same oldest files at once (the second's deletion rows refused,
    # "Video disk: not checked") and hashed a crash's leftover twice.
    taken = datetime.now(UTC) - timedelta(minutes=1)  # within retention
    name = f"bench-1-{taken:%Y%m%dT%H%M%S%f}-photo.jpg"
    leftover = bench.data_dir / "evidence" / "SO-9" / name
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"\xff\xd8 a photo a kill left without its hash")
    os.utime(leftover, (time.time() - 60, time.time() - 60))
    cameras = tuple(
        parse_device_url(
            f"sim://camera?uses=photo&width=320&height=180&fps=5&name={name}", Role.CAMERA
        )
        for name in ("top", "side")
    )
    settings = replace(bench.settings, devices=Devices(cameras=cameras))
    session = bench.session()
    window = build_main_window(session, settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    stops = connect_cameras(window, settings)
    try:
        keepers = window.findChildren(EvidenceKeeper)
        assert len(keepers) == 1
        qtbot.waitUntil(lambda: keepers[0].last is not None)
        assert [row.path for row in evidence.files_of(session.store, "SO-9")] == [
            f"evidence/SO-9/{name}"
        ]
    finally:
        for stop in stops:
            stop()
        session.close()


def test_a_camera_not_recording_shows_until_it_records_again_whatever_the_disk_says(
    qtbot: QtBot, bench: Bench
) -> None:
    # The recorder and the disk's sweep shared one entry: the sweep's "ok" (or another
    # camera's next file) cleared "not recording" while no video was kept.
    blocked = bench.data_dir / "evidence"
    blocked.write_text("a file where the evidence folder should be", encoding="utf-8")
    camera = parse_device_url("sim://camera?uses=record&width=320&height=180&fps=10", Role.CAMERA)
    settings = replace(bench.settings, devices=Devices(cameras=(camera,)))
    session = bench.session()
    window = build_main_window(session, settings, RecordingSoundPlayer())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
        window.start()
    stops = connect_cameras(window, settings)
    status = window.device_status

    def word(key: str) -> str | None:
        health = status.health(key)
        return None if health is None else health.word

    try:
        (keeper,) = window.findChildren(EvidenceKeeper)
        for text in ("BADGE-P1", "SO-3"):  # an order on the bench: it is filmed
            with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS):
                window.controller.scan(text)
        qtbot.waitUntil(lambda: word(recording_key("camera-1")) == "not recording")
        keeper.last = None
        keeper.sweep_now()
        qtbot.waitUntil(lambda: keeper.last is not None)

        assert word(EVIDENCE_KEY) == "ok"
        assert word(recording_key("camera-1")) == "not recording"
        blocked.unlink()  # room for the video again: its next segment is kept
        qtbot.waitUntil(lambda: word(recording_key("camera-1")) == "recording", timeout=30_000)
    finally:
        for stop in stops:
            stop()
        session.close()


def test_each_camera_shows_its_own_recording_until_every_kind_it_lost_is_kept_again(
    qtbot: QtBot,
) -> None:
    status = DeviceStatusBar()
    qtbot.addWidget(status)
    top, side = RecordingHealth(status, "top"), RecordingHealth(status, "side")

    top.lost("video", "The order's video is not being recorded: disk full")
    side.lost("photo", "The parcel's photo could not be written (disk full?)")
    side.kept("photo")  # the other camera keeps its files again
    top.kept("photo")  # a photo kept: the video is still lost
    qtbot.waitUntil(lambda: status.health(recording_key("side")) is not None)

    top_health, side_health = (status.health(recording_key(name)) for name in ("top", "side"))
    assert top_health is not None and side_health is not None
    assert (top_health.word, top_health.level) == ("not recording", Level.FAULT)
    assert "disk full" in top_health.tooltip
    assert (side_health.title, side_health.word, side_health.level) == (
        "Evidence side",
        "recording",
        Level.OK,
    )
    top.kept("video")
    qtbot.waitUntil(lambda: getattr(status.health(recording_key("top")), "word", "") == "recording")
