"""Kill -9 in the middle of an order: every verdict that was shown survives."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from sqlmodel import select

from station.models import ScanEvent
from station.store import Store
from tests.helpers.cli import run, start, verdicts
from tests.helpers.factory import MUG_CASE, MUG_UPC, TAPE_EAN, standard_bench

pytestmark = pytest.mark.slow

SCANS = ["BADGE-P1", "SO-2", MUG_UPC, MUG_UPC, TAPE_EAN, MUG_UPC]


@pytest.mark.parametrize("shown", [2, 3, 5])
def test_sigkill_mid_order_resumes_with_every_shown_scan(tmp_path: Path, shown: int) -> None:
    data_dir = tmp_path / "station"
    standard_bench(data_dir).store.close()
    process = start("--data-dir", str(data_dir), "replay", "-")
    assert process.stdin and process.stdout
    seen = []
    for scan in SCANS[:shown]:
        process.stdin.write(scan + "\n")
        process.stdin.flush()
        seen.append(json.loads(process.stdout.readline()))
    # One more scan in flight when the kill lands: it may or may not be stored.
    process.stdin.write(SCANS[shown] + "\n")
    process.stdin.flush()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    store = Store.open(data_dir)
    with store.session() as db:
        stored = db.exec(select(ScanEvent.raw, ScanEvent.verdict).order_by(ScanEvent.seq)).all()
    store.close()
    assert [(v["scan"], v["verdict"]) for v in seen] == [tuple(r) for r in stored[: len(seen)]]

    counted_before = sum(1 for raw, verdict in stored if raw == MUG_UPC and verdict == "ok")
    resumed = run("--data-dir", str(data_dir), "replay", "-", stdin=f"SO-2\n{MUG_UPC}\n")
    out = verdicts(resumed.stdout)
    assert out[0]["verdict"] == "order_opened", "the open order is back after the kill"
    assert out[1]["sku"] == "MUG-350"
    assert out[1]["scanned"] == counted_before + 1


def test_resume_after_kill_completes_the_order_and_prints(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    standard_bench(data_dir).store.close()
    process = start("--data-dir", str(data_dir), "replay", "-")
    assert process.stdin and process.stdout
    for scan in ["BADGE-P1", "SO-2", TAPE_EAN]:
        process.stdin.write(scan + "\n")
        process.stdin.flush()
        process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    resumed = run("--data-dir", str(data_dir), "replay", "-", stdin=f"{MUG_CASE}\n")
    (done,) = verdicts(resumed.stdout)
    assert done["verdict"] == "order_complete"
    assert Path(done["label"]).is_file()
