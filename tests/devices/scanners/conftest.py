"""Scanners on real pseudo-terminals, read through real pyserial, on their own threads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.scanners.recorder import RecordingListener
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.simulator import PtyScannerSimulator


@pytest.fixture
def recorder() -> RecordingListener:
    return RecordingListener()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PtyScannerSimulator]:
    # Symlinked ports: every re-plug gets a new name, so a reconnect must use the finder.
    with PtyScannerSimulator(link_dir=tmp_path) as simulator:
        yield simulator


@pytest.fixture
def make_scanner(recorder: RecordingListener) -> Iterator[Callable[..., SerialScanner]]:
    """Started scanners (listener `recorder` and id "S1" unless given), closed after the test."""
    made: list[SerialScanner] = []

    def make(port: str, **kwargs: Any) -> SerialScanner:
        kwargs.setdefault("scanner_id", "S1")
        kwargs.setdefault("listener", recorder)
        scanner = SerialScanner(port, **kwargs)
        made.append(scanner)
        scanner.start()
        return scanner

    yield make
    for scanner in made:
        scanner.close()
        assert not scanner.running
