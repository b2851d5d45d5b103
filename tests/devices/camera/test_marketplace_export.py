"""Evidence export cut to a marketplace's limits, and the evidence commands given bad
input: a clear message, the right exit code, nothing written."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

import main
from station import evidence
from station.store import Store
from tests.helpers import cli
from tests.helpers.factory import add_order

FPS = 10
SEGMENT_S = 2
START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _segment(path: Path, first: int, rng: np.random.Generator) -> None:
    """2 s of noisy 160x120 frames (noise: many bytes, so a byte limit bites)."""
    container = av.open(str(path), "w", format="webm")
    stream = container.add_stream(
        "libvpx-vp9", rate=FPS, options={"deadline": "realtime", "cpu-used": "8"}
    )
    stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
    stream.time_base = Fraction(1, FPS)
    for number in range(SEGMENT_S * FPS):
        image = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = number
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SO-1 filmed in 4 segments of 2 s (8 s), with 3 photos. Read only by the tests."""
    data = tmp_path_factory.mktemp("filmed") / "data"
    data.mkdir()
    store = Store.open(data)
    add_order(store, "SO-1", {})
    add_order(store, "SO-EMPTY", {})
    folder = evidence.evidence_dir(data) / "SO-1"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(5)
    for index in range(4):
        path = folder / f"bench-1-{index:05d}.webm"
        _segment(path, index, rng)
        began = START + timedelta(seconds=SEGMENT_S * index)
        closed = evidence.ClosedFile(
            "SO-1", "bench-1", "video", path, began, began + timedelta(seconds=SEGMENT_S)
        )
        evidence.record(store, data, closed)
    for index in range(3):
        path = folder / f"bench-1-{index}-photo.jpg"
        cv2.imwrite(str(path), np.full((60, 80, 3), 40 * index, dtype=np.uint8))
        taken = START + timedelta(seconds=7, milliseconds=index)
        evidence.record(
            store, data, evidence.ClosedFile("SO-1", "bench-1", "photo", path, taken, taken)
        )
    store.close()
    return data


def _seconds(path: Path) -> float:
    """How long the clip plays, as its container says (what an upload form reads)."""
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
        assert frames and container.duration is not None
        last = float(frames[-1].pts * frames[-1].time_base)
        assert last < container.duration / 1e6
        return container.duration / 1e6


def test_marketplace_cut_fits_its_limits_and_traces_to_the_originals(
    data_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    limit_bytes = 30_000

    result = cli.run(
        "evidence", "export", "SO-1", str(target), "--data-dir", str(data_dir),
        "--max-seconds", "3", "--max-mb", str(limit_bytes / 1e6), "--max-photos", "2",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    bundle = target / "SO-1-evidence"
    fitted = bundle / "marketplace"
    clip = fitted / "video.webm"
    assert _seconds(clip) <= 3.0 + 1e-6
    assert clip.stat().st_size <= limit_bytes
    assert _seconds(bundle / "video.webm") > 7  # the full bundle keeps the whole video
    manifest = json.loads((fitted / "manifest.json").read_text())
    video = manifest["video"]
    assert video["re_encoded"]  # noise at this size does not fit as recorded
    assert video["sha256"] == evidence.sha256_of(clip)
    recorded = {row.path: row.sha256 for row in evidence.files_of(Store.open(data_dir), "SO-1")}
    assert video["segments"] and all(recorded[s["path"]] == s["sha256"] for s in video["segments"])
    assert [p.name for p in sorted((fitted / "photos").iterdir())] == [
        "bench-1-0-photo.jpg",
        "bench-1-2-photo.jpg",
    ]
    assert len(manifest["photos_left_out"]) == 1
    for photo in manifest["photos"]:
        assert evidence.sha256_of(fitted / photo["file"]) == recorded[photo["path"]]


def test_a_cut_that_fits_as_recorded_is_copied_not_encoded(data_dir: Path, tmp_path: Path) -> None:
    result = cli.run(
        "evidence", "export", "SO-1", str(tmp_path), "--data-dir", str(data_dir),
        "--max-seconds", "4.5",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    fitted = tmp_path / "SO-1-evidence" / "marketplace"
    video = json.loads((fitted / "manifest.json").read_text())["video"]
    assert not video["re_encoded"]
    assert _seconds(fitted / "video.webm") <= 4.5
    assert not (fitted / "photos").exists()  # no photo limit asked: no photos cut


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["--max-seconds", "0"], "--max-seconds 0.0 is not allowed"),
        (["--max-seconds", "nan"], "--max-seconds nan is not allowed"),
        (["--max-mb", "-1"], "--max-mb -1.0 is not allowed"),
        (["--max-photos", "-1"], "--max-photos -1 is not allowed"),
        (["--max-photos", "six"], "invalid int value"),
        (["--max-seconds", "2", "--max-mb", "0.01"], "cannot be made smaller"),
    ],
)
def test_bad_limits_exit_2_and_write_nothing(
    data_dir: Path, tmp_path: Path, words: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    target.mkdir()

    args = ["evidence", "export", "SO-1", str(target), "--data-dir", str(data_dir), *words]
    try:
        code = main.main(args)
    except SystemExit as exc:  # argparse's own: a value that is not a number
        code = exc.code

    assert code == 2
    assert says in capsys.readouterr().err
    assert list(target.iterdir()) == []


def test_evidence_commands_refuse_bad_input_and_change_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)

    def export(order: str, target: Path) -> tuple[int, str]:
        code = main.main(["evidence", "export", order, str(target), "--data-dir", str(data_dir)])
        said = capsys.readouterr()
        return code, said.out + said.err

    try:
        assert export("SO-1", a_file) == (
            2,
            f"packstation: {a_file} is a file: give a folder to export into.\n",
        )
        assert export("SO-1", tmp_path / "nowhere")[0] == 2
        assert export("SO-EMPTY", tmp_path)[1].endswith(
            "has no recorded evidence (video or photos).\n"
        )
        if os.geteuid() != 0:  # root writes anywhere
            code, said = export("SO-1", locked)
            assert (code, "Cannot write in" in said) == (2, True), said
            assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
    for words in (["SO-EMPTY"], ["verify", "SO-NONE"]):
        assert main.main(["evidence", *words, "--data-dir", str(data_dir)]) == 2
        assert "has no recorded evidence at this station" in capsys.readouterr().err
    only_limits = main.main(["evidence", "SO-1", "--max-photos", "6", "--data-dir", str(data_dir)])
    assert only_limits == 2 and "go with evidence export" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists() and a_file.read_text() == "x"


def test_a_segment_cut_short_by_a_crash_still_exports(data_dir: Path, tmp_path: Path) -> None:
    """A segment the station was killed writing is hashed as it is at the next start; its
    frames up to the cut play, the rest of the order too, and the bundle names it."""
    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    whole = sorted((data / "evidence" / "SO-1").glob("*.webm"))[-1]
    cut = whole.with_name("bench-1-99999.webm")
    cut.write_bytes(whole.read_bytes()[:300])  # no frame readable: only its header
    store = Store.open(data)
    began = START + timedelta(seconds=8)
    evidence.record(store, data, evidence.ClosedFile("SO-1", "bench-1", "video", cut, began, began))
    store.close()
    args = ["export", "SO-1", str(tmp_path), "--data-dir", str(data), "--max-seconds", "3"]

    assert main.main(["evidence", *args]) == 0

    bundle = tmp_path / "SO-1-evidence"
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["video"]["segments_not_read_to_the_end"] == ["segments/bench-1-99999.webm"]
    assert (bundle / "segments" / cut.name).read_bytes() == cut.read_bytes()  # as recorded
    assert _seconds(bundle / "video.webm") > 7
    assert _seconds(bundle / "marketplace" / "video.webm") <= 3
