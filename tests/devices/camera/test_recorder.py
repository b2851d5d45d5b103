"""An order's video: closed segments, hashed and stored, checked again later."""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy import text

from devices.camera.camera import Camera, LatestFrame
from devices.camera.clips import duration_of
from devices.camera.recorder import Recorder
from devices.camera.sources import Frame, VideoFileSource
from station import evidence
from station.evidence import ClosedFile
from station.evidence_storage import record_unhashed
from station.store import Store
from tests.helpers import cli
from tests.helpers.camera_images import held_up, product_picture, write_video
from tests.helpers.camera_listener import HeardFromCamera
from tests.helpers.full_disk_child import LOSSES

SEGMENT_S = 0.5


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Store, Path, list[evidence.EvidenceFile]]:
    """A data dir whose store holds order SO-1's video, recorded from a looping file camera."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = Store.open(data_dir)
    picture = held_up(product_picture("4006381333931", tmp_path), (320, 240))
    video = write_video(tmp_path / "bench.avi", [picture] * 10, 30)
    rows: list[evidence.EvidenceFile] = []
    closed = threading.Condition()

    def on_closed(file: ClosedFile) -> None:
        row = evidence.record(store, data_dir, file)
        with closed:
            rows.append(row)
            closed.notify_all()

    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        evidence.evidence_dir(data_dir),
        on_closed,
        station="bench-1",
        segment_s=SEGMENT_S,
        size=(320, 240),
        fps=30,
    )
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        recorder.scanned("4006381333931", "counted")
        with closed:
            assert closed.wait_for(lambda: len(rows) >= 3, timeout=30)
        recorder.order_closed()
        count = len(rows)
        with closed:  # the open segment is closed and handed on too
            assert closed.wait_for(lambda: len(rows) > count, timeout=30)
    return store, data_dir, rows


def test_an_order_is_recorded_in_short_segments_that_each_play(
    recorded: tuple[Store, Path, list[evidence.EvidenceFile]],
) -> None:
    _, data_dir, rows = recorded

    assert {row.order_number for row in rows} == {"SO-1"}
    assert {row.station for row in rows} == {"bench-1"}
    for row in rows:
        path = data_dir / row.path
        assert path.parent == data_dir / "evidence" / "SO-1"
        assert row.sha256 == evidence.sha256_of(path)
        with av.open(str(path)) as container:
            frames = list(container.decode(video=0))
        assert frames, f"{row.path} has no frame"
        seconds = float(frames[-1].pts * frames[-1].time_base) if frames[-1].pts else 0.0
        assert seconds < SEGMENT_S + 0.1  # a crash loses no more than one segment
        # The overlay band across the top is dark, the bench under it is not.
        image = frames[0].to_ndarray(format="gray")
        assert image[:60].mean() < image[120:].mean() - 20


def test_evidence_rows_cannot_be_changed_or_taken_back(
    recorded: tuple[Store, Path, list[evidence.EvidenceFile]],
) -> None:
    store, _, rows = recorded

    for statement in ("UPDATE evidencefile SET sha256 = 'x'", "DELETE FROM evidencefile"):
        with store.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text(statement))

    assert len(evidence.files_of(store, "SO-1")) == len(rows)


def test_evidence_command_lists_and_verify_names_edited_and_missing_files(
    recorded: tuple[Store, Path, list[evidence.EvidenceFile]],
) -> None:
    store, data_dir, rows = recorded
    store.close()

    listed = cli.run("evidence", "SO-1", "--data-dir", str(data_dir))
    clean = cli.run("evidence", "verify", "--data-dir", str(data_dir))
    edited, missing = data_dir / rows[0].path, data_dir / rows[1].path
    edited.write_bytes(edited.read_bytes()[:-1] + b"\0")
    missing.unlink()
    broken = cli.run("evidence", "verify", "SO-1", "--data-dir", str(data_dir))

    report = json.loads(listed.stdout)
    assert listed.returncode == 0
    assert [(f["path"], f["sha256"]) for f in report["files"]] == [
        (row.path, row.sha256) for row in rows
    ]
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert broken.returncode == 1
    assert f"NOT OK: {rows[0].path} (order SO-1) was changed" in broken.stdout
    assert f"NOT OK: {rows[1].path} (order SO-1) is missing" in broken.stdout


def test_evidence_of_a_folder_without_a_station_says_so(tmp_path: Path) -> None:
    result = cli.run("evidence", "SO-1", "--data-dir", str(tmp_path))

    assert result.returncode == 2
    assert "No station database" in result.stderr
    assert not (tmp_path / "packstation.db").exists()  # no empty station was made


def test_overlay_band_is_burned_in() -> None:
    from devices.camera.recorder import Overlay, burn_overlay

    image = np.full((240, 320, 3), 200, dtype=np.uint8)

    out = burn_overlay(image, Overlay("bench-1", "P001", "SO-1", "4006381333931", "counted"))

    assert out[:60].mean() < 150  # dark band with white words
    assert (out[100:] == 200).all()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_kill_loses_only_the_segment_being_written(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    Store.open(data_dir).close()
    picture = held_up(product_picture("4006381333931", tmp_path), (320, 240))
    video = write_video(tmp_path / "bench.avi", [picture] * 10, 30)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.recording_child", str(data_dir), str(video)],
        cwd=cli.ROOT,
        env=cli.env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in child.stdout or []], daemon=True
    ).start()
    try:
        assert lines.get(timeout=30) == "recording\n"
        for _ in range(3):
            lines.get(timeout=30)  # a segment closed and its hash stored
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    store = Store.open(data_dir)

    rows = evidence.files_of(store, "SO-1")
    written = sorted(
        p.relative_to(data_dir).as_posix() for p in (data_dir / "evidence").rglob("*.webm")
    )
    unrecorded = set(written) - {row.path for row in rows}
    assert len(rows) >= 3
    assert evidence.verify(store, data_dir, "SO-1") == []  # every closed segment intact
    assert len(unrecorded) <= 1  # at most the one being written (0.5 s here, 2 s by default)
    store.close()


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU coreutils' sha256sum")
def test_export_writes_a_bundle_checkable_with_sha256sum(
    recorded: tuple[Store, Path, list[evidence.EvidenceFile]], tmp_path: Path
) -> None:
    store, data_dir, rows = recorded
    store.close()
    target = tmp_path / "export"
    target.mkdir()

    result = cli.run("evidence", "export", "SO-1", str(target), "--data-dir", str(data_dir))

    assert result.returncode == 0, result.stdout + result.stderr
    bundle = target / "SO-1-evidence"
    assert {p.name for p in bundle.iterdir()} == {
        "video.webm",
        "segments",
        "photos",
        "manifest.json",
        "SHA256SUMS",
        "README.txt",
    }
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.count(": OK") == len(rows)
    with av.open(str(bundle / "video.webm")) as container:
        joined = len(list(container.decode(video=0)))
    frames = 0
    for row in rows:
        with av.open(str(data_dir / row.path)) as container:
            frames += len(list(container.decode(video=0)))
    assert joined == frames  # every recorded frame, once, in one clip
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["video"]["sha256"] == evidence.sha256_of(bundle / "video.webm")


def test_export_refuses_evidence_that_was_changed(
    recorded: tuple[Store, Path, list[evidence.EvidenceFile]], tmp_path: Path
) -> None:
    store, data_dir, rows = recorded
    store.close()
    (data_dir / rows[0].path).write_bytes(b"not the video")

    result = cli.run("evidence", "export", "SO-1", str(tmp_path), "--data-dir", str(data_dir))

    assert result.returncode == 1
    assert rows[0].path in result.stdout
    assert not (tmp_path / "SO-1-evidence").exists()


def test_a_photo_camera_photographs_each_label_scanned_back_when_asked(tmp_path: Path) -> None:
    """uses=photo only (no video), with [camera] photo_at_scan_back: a JPEG per label
    scanned back on its parcel, none for other scans."""
    picture = held_up(product_picture("4006381333931", tmp_path), (320, 240))
    video = write_video(tmp_path / "bench.avi", [picture] * 10, 30)
    closed: queue.Queue[ClosedFile] = queue.Queue()
    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        tmp_path / "evidence",
        closed.put,
        station="bench-1",
        size=(320, 240),
        video=False,
        photo_at_scan_back=True,
    )
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        recorder.scanned("4006381333931", "order_complete")
        recorder.scanned("1Z999AA10123456784", "label_verified")
        photo = closed.get(timeout=20)
        recorder.order_closed()

    assert (photo.kind, photo.order_number) == ("photo", "SO-1")
    assert photo.path.suffix == ".jpg" and photo.path.stat().st_size > 0
    assert closed.empty()  # one photo: the label's; no video


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice: Linux")
def test_the_recording_thread_yields_the_cores_to_reading_and_the_screen() -> None:
    from devices.camera.recorder import NICER, _yield_to_scanning

    niceness: list[int] = []

    def recording() -> None:
        _yield_to_scanning()
        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    station = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=recording)
    thread.start()
    thread.join()

    assert niceness == [min(19, station + NICER)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == station


def test_a_recording_that_fails_says_so_and_the_next_frames_are_tried_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A full disk was only logged: the status bar said "Video disk: ok" while no video came.
    caplog.set_level(logging.DEBUG, logger="devices.camera.recorder")
    blocked = tmp_path / "evidence"
    blocked.write_text("a file where the evidence folder should be", encoding="utf-8")
    video = write_video(tmp_path / "bench.avi", [np.full((240, 320), 120, np.uint8)] * 5, 30)
    problems: queue.Queue[tuple[str, str]] = queue.Queue()
    camera = Camera(
        VideoFileSource(video, loop=True), camera_id="camera-1", listener=HeardFromCamera()
    )
    recorder = Recorder(
        camera.frames(),
        blocked,
        lambda _closed: None,
        station="bench-1",
        size=(320, 240),
        fps=30,
        on_failed=lambda kind, problem: problems.put((kind, problem)),
    )
    with recorder, camera:
        recorder.order_opened("SO-1", "P001")
        (kind, first) = problems.get(timeout=30)
        second = problems.get(timeout=30)  # it tries again, and says so again

    assert kind == "video"
    assert first.startswith("The order's video is not being recorded: ")
    assert "evidence" in first and second == (kind, first)
    # Logged once, not every second while it lasts (a full disk can last hours).
    failures = [r for r in caplog.records if r.getMessage().startswith("recording failed")]
    assert [r.levelno for r in failures][:2] == [logging.ERROR, logging.DEBUG]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit (RLIMIT_FSIZE) is POSIX")
def test_a_full_disk_leaves_no_file_of_the_segments_it_lost(tmp_path: Path) -> None:
    # Each retry on a full disk left one more empty segment until the next start.
    data_dir = tmp_path / "data"
    folder = evidence.evidence_dir(data_dir)
    video = write_video(tmp_path / "bench.avi", [np.full((240, 320), 120, np.uint8)] * 5, 30)
    child = subprocess.run(
        [sys.executable, "-m", "tests.helpers.full_disk_child", str(folder), str(video)],
        cwd=cli.ROOT,
        env=cli.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.stdout.endswith("done\n"), child.stdout + child.stderr
    lines = child.stdout.splitlines()
    assert lines[:LOSSES] == ["lost video"] * LOSSES
    kept = sorted(line.removeprefix("kept ") for line in lines if line.startswith("kept "))

    # Only the segments closed once there was room are on the disk: the next start finds
    # nothing else to record, and the order's evidence is those, intact.
    assert kept and sorted(str(path) for path in folder.rglob("*.webm")) == kept
    store = Store.open(data_dir)
    assert record_unhashed(store, data_dir, "bench-1", duration_of) == len(kept)
    assert sorted(str(data_dir / row.path) for row in evidence.files_of(store, "SO-1")) == kept
    assert evidence.verify(store, data_dir, "SO-1") == []
    store.close()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit (RLIMIT_FSIZE) is POSIX")
def test_a_segment_cut_by_a_full_disk_keeps_the_frames_it_holds(tmp_path: Path) -> None:
    # A segment whose writing failed was deleted whole: a disk full for a moment (the
    # sweep frees room) took the order's video with it, frames already on the disk too.
    data_dir = tmp_path / "data"
    folder = evidence.evidence_dir(data_dir)
    noise = np.random.default_rng(7).integers(0, 255, (8, 240, 320), dtype=np.uint8)
    video = write_video(tmp_path / "bench.avi", list(noise), 30)
    # A key frame of ~37 KB, then ~16-26 KB a frame: room for the first 2-3 frames of a
    # segment, which is cut unless a loaded machine films fewer than 4 frames in 0.5 s.
    room = 80_000
    child = subprocess.run(
        [sys.executable, "-m", "tests.helpers.full_disk_child", str(folder), str(video), str(room)],
        cwd=cli.ROOT,
        env=cli.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.stdout.endswith("done\n"), child.stdout + child.stderr
    lines = child.stdout.splitlines()
    assert lines[0] == "lost video"
    cut = [line.split() for line in lines if line.startswith("cut ")]
    assert len(cut) == 1, child.stdout  # the first segment, cut at `room` bytes
    cut_path, cut_hash = Path(cut[0][1]), cut[0][2]
    seconds = duration_of(cut_path)

    assert cut_path.stat().st_size == room and seconds is not None and seconds > 0
    store = Store.open(data_dir)
    record_unhashed(store, data_dir, "bench-1", duration_of)  # the child had no store
    assert evidence.verify(store, data_dir, "SO-1") == []
    store.close()
    listed = cli.run("evidence", "SO-1", "--data-dir", str(data_dir))
    files = {f["path"]: f["sha256"] for f in json.loads(listed.stdout)["files"]}
    assert files[cut_path.relative_to(data_dir).as_posix()] == cut_hash  # hashed as handed on


class _OneFrameAtATime(LatestFrame):
    """A camera slot that says when the recorder took its frame: the test paces the frames
    by the recorder, with no clock."""

    def __init__(self) -> None:
        super().__init__()
        self.taken: queue.Queue[int] = queue.Queue()

    def take(self, timeout: float) -> Frame | None:
        frame = super().take(timeout)
        if frame is not None:
            self.taken.put(frame.number)
        return frame


def test_frames_the_encoder_cannot_take_are_fitted_or_said_not_lost_unseen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A BGRA frame raised in the encoder and ended the recording thread: no video for the
    # rest of the day, and nothing on screen. Then any bug became a "not recording" tip
    # retried every second, which never reached the crash box.
    bugs: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", bugs.append)
    slot = _OneFrameAtATime()
    kept: queue.Queue[ClosedFile] = queue.Queue()
    problems: queue.Queue[tuple[str, str]] = queue.Queue()
    recorder = Recorder(
        slot,
        tmp_path / "evidence",
        kept.put,
        station="bench-1",
        segment_s=0.2,
        size=(320, 240),
        fps=10,
        photos=False,
        on_failed=lambda kind, problem: problems.put((kind, problem)),
    )
    numbers = iter(range(1, 1000))

    def feed(channels: int, until: Callable[[], bool]) -> None:
        """Frames 0.1 s apart by their own times, each once the last was taken, until the
        recorder has said `until` (at most 20 frames)."""
        for _ in range(20):
            number = next(numbers)
            slot.put(Frame(np.zeros((240, 320, channels), np.uint8), number / 10, number))
            assert slot.taken.get(timeout=30) == number
            if until():
                return
        raise AssertionError(f"nothing heard with {channels} channels")

    with recorder:
        recorder.order_opened("SO-1", "P001")
        feed(4, lambda: not kept.empty())  # BGRA: filmed as BGR
        feed(2, lambda: problems.qsize() >= 2)  # no picture format: said, not a dead thread
        kind, problem = problems.get()
        assert recorder.running
        kept_before = kept.qsize()
        feed(3, lambda: kept.qsize() > kept_before)  # and it films again

    assert kind == "video" and "unexpected error" in problem
    # The bug reached the crash box's hook once, with its traceback, not at every retry.
    assert [bug.thread.name for bug in bugs if bug.thread] == ["camera-recorder"]
    assert bugs[0].exc_traceback is not None
