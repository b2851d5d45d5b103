"""The station lock: one process per data dir, released by the OS when its holder dies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from station.lock import DataDirBusy, DataDirLock
from tests.helpers.cli import ROOT

# Tries the lock once, says "held" or "busy", and keeps what it got until stdin closes
# (in a name: a lock object that is garbage collected lets go, like a closed file).
_CONTENDER = """
import sys
from pathlib import Path
from station.lock import DataDirBusy, DataDirLock
try:
    held = DataDirLock(Path(sys.argv[1])).acquire()
    print("held", flush=True)
except DataDirBusy:
    print("busy", flush=True)
sys.stdin.read()
"""


def contender(data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CONTENDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def answer(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


def finish(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)


def test_a_second_holder_in_the_same_process_is_refused_with_what_to_do(tmp_path: Path) -> None:
    first = DataDirLock(tmp_path).acquire()
    try:
        with pytest.raises(DataDirBusy) as refused:
            DataDirLock(tmp_path).acquire()
    finally:
        first.release()
    assert str(refused.value) == (
        f"Another PackStation is already running on {tmp_path}. "
        "Close it first, or pass a different --data-dir."
    )


def test_a_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    DataDirLock(tmp_path).acquire().release()
    again = DataDirLock(tmp_path).acquire()
    again.release()
    again.release()  # a second release is harmless


def test_another_process_is_refused_while_the_lock_is_held(tmp_path: Path) -> None:
    lock = DataDirLock(tmp_path).acquire()
    try:
        other = contender(tmp_path)
        assert answer(other) == "busy"
        finish(other)
    finally:
        lock.release()
    other = contender(tmp_path)
    assert answer(other) == "held"
    finish(other)


def test_of_processes_racing_for_the_lock_exactly_one_holds_it(tmp_path: Path) -> None:
    racers = [contender(tmp_path) for _ in range(6)]
    answers = sorted(answer(racer) for racer in racers)
    for racer in racers:
        finish(racer)
    assert answers == ["busy"] * 5 + ["held"]


def test_the_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    holder = contender(tmp_path)
    assert answer(holder) == "held"
    holder.kill()  # SIGKILL on POSIX: no clean-up code runs
    holder.wait(timeout=30)
    lock = DataDirLock(tmp_path).acquire()
    lock.release()
