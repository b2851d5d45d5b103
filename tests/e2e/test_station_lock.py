"""Two stations on one data dir: the second is told what to do, and a killed one frees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run, start
from tests.helpers.factory import standard_bench

pytestmark = pytest.mark.slow


def test_a_second_station_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    standard_bench(data_dir).store.close()
    first = start("--data-dir", str(data_dir), "replay", "-")
    assert first.stdin is not None and first.stdout is not None
    first.stdin.write("BADGE-P1\n")
    assert '"login"' in first.stdout.readline(), "the first station runs and holds the lock"

    second = run("--data-dir", str(data_dir), "replay", "-", stdin="BADGE-P2\n")
    assert second.returncode == 2
    assert second.stderr == (
        f"packstation: Another PackStation is already running on {data_dir}. "
        "Close it first, or pass a different --data-dir.\n"
    )

    first.kill()
    first.wait(timeout=30)
    third = run("--data-dir", str(data_dir), "replay", "-", stdin="BADGE-P2\n")
    assert third.returncode == 0, third.stderr
    assert '"login"' in third.stdout
