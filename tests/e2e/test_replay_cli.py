"""`main.py replay`: the same engine as the GUI, headless, one JSON object per scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run, verdicts
from tests.helpers.factory import (
    CABLE_EAN,
    MUG_UPC,
    STRANGER_EAN,
    give_tracking_ranges,
    standard_bench,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    bench = standard_bench(folder)
    give_tracking_ranges(bench.store, ["bench-9"])
    bench.store.close()
    return folder


def test_replay_prints_one_verdict_per_scan_with_the_label(data_dir: Path, tmp_path: Path) -> None:
    scans = tmp_path / "scans.txt"
    scans.write_text(
        f"BADGE-P1\nSO-1\n{MUG_UPC}\n\n{STRANGER_EAN}\nCMD-ACK\n{MUG_UPC}\n{CABLE_EAN}\n"
    )
    result = run("--data-dir", str(data_dir), "replay", str(scans), "--station", "bench-9")
    assert result.returncode == 0, result.stderr
    out = verdicts(result.stdout)
    assert [v["verdict"] for v in out] == [
        "login",
        "order_opened",
        "ok",
        "wrong_item",
        "acknowledged",
        "line_complete",
        "order_complete",
    ]
    assert out[2] == {
        "scan": MUG_UPC,
        "verdict": "ok",
        "order": "SO-1",
        "sku": "MUG-350",
        "scanned": 1,
        "expected": 2,
        "message": out[2]["message"],
    }
    assert out[2]["message"]
    label = Path(out[-1]["label"])
    assert label.is_file() and label.parent == data_dir / "labels"


def test_the_next_replay_finds_the_open_order_with_its_counts(
    data_dir: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.txt"
    first.write_text(f"BADGE-P1\nSO-1\n{MUG_UPC}\n")
    assert run("--data-dir", str(data_dir), "replay", str(first)).returncode == 0
    again = run("--data-dir", str(data_dir), "replay", "-", stdin=f"SO-1\n{MUG_UPC}\n")
    out = verdicts(again.stdout)
    assert [v["verdict"] for v in out] == ["order_opened", "line_complete"]
    assert out[1]["scanned"] == 2


def test_missing_replay_file_is_a_clear_message(data_dir: Path) -> None:
    result = run("--data-dir", str(data_dir), "replay", "nope.txt")
    assert result.returncode == 2
    assert "nope.txt does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_process_on_the_same_data_dir_is_refused(data_dir: Path) -> None:
    from station.lock import DataDirLock

    lock = DataDirLock(data_dir).acquire()
    try:
        result = run("--data-dir", str(data_dir), "replay", "-", stdin="BADGE-P1\n")
    finally:
        lock.release()
    assert result.returncode == 2
    assert "already running" in result.stderr
