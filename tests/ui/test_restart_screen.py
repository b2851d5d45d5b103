"""Killed with SIGKILL in any waiting state, the window comes back showing the same screen.

The real window runs in a child process (tests/helpers/screen_child.py) and
reports what its banner, header, order table and label panel show; the test
kills it, starts it again on the same data dir, and compares.
"""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import ROOT, env
from tests.helpers.factory import MUG_UPC, TAPE_EAN, standard_bench

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 90.0
ANSWER_TIMEOUT_S = 30.0
Screen = dict[str, Any]


class Window:
    """The pack window in a child process."""

    def __init__(self, data_dir: Path, config: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.screen_child", str(data_dir), str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
            cwd=ROOT,
            env=env(),
        )
        self.screen: Screen = {}
        self.events: list[str] = []

    def wait_for(self, *events: str, timeout: float = ANSWER_TIMEOUT_S) -> Screen:
        """Read screens until each of `events` came (in any order); the last screen."""
        missing = list(events)
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while missing:
                left = deadline - time.monotonic()
                assert left > 0 and selector.select(left), f"no {missing} from the window"
                line = self.process.stdout.readline()
                assert line, f"the window exited ({self.process.poll()}) before {missing}"
                self.screen = json.loads(line)
                event = self.screen["event"]
                if event == "label" and not self.screen["label"]["picture"]:
                    continue  # a label still being drawn
                if event in missing:
                    missing.remove(event)
        return self.screen

    def enter(self, line: str, *then: str) -> Screen:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.wait_for("verdict", *then)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def config(tmp_path: Path, *, scale: bool = False, scan_back: str = "optional") -> Path:
    lines = ['[station]\nname = "bench-1"\n', f'[labels]\nscan_back = "{scan_back}"\n']
    if scale:
        lines.append('[devices]\nscale = "scale+serial:///dev/null?protocol=mt-sics"\n')
    path = tmp_path / "station.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# name: (inputs, the events that end the last one, config options, what must show)
CASES: dict[str, tuple[list[str], tuple[str, ...], dict[str, Any], dict[str, str]]] = {
    "wrong item to acknowledge": (
        ["BADGE-P1", "SO-1", MUG_UPC, TAPE_EAN],
        (),
        {},
        {"headline": "WRONG ITEM", "role": "stop"},
    ),
    "a scan refused under the wrong item": (
        ["BADGE-P1", "SO-1", TAPE_EAN, MUG_UPC],
        (),
        {},
        {"headline": "WRONG ITEM", "action": "Not counted. Acknowledge first"},
    ),
    "supervisor needed for ship short": (
        ["BADGE-P1", "SO-1", MUG_UPC, "CMD-SHORT"],
        (),
        {},
        {"action": "Supervisor: scan your badge"},
    ),
    "an order open mid-scan": (
        ["BADGE-P1", "SO-2", MUG_UPC, TAPE_EAN],
        (),
        {},
        {"headline": "LINE COMPLETE", "role": "good"},
    ),
    "waiting for the scale": (
        ["BADGE-P1", "SO-3", TAPE_EAN],
        (),
        {"scale": True},
        {"action": "Put the parcel on the scale"},
    ),
    "weight wrong": (
        ["BADGE-P1", "SO-3", TAPE_EAN, "@weight 5000"],
        (),
        {"scale": True},
        {"headline": "WEIGHT WRONG", "role": "stop"},
    ),
    "label scan-back pending": (
        ["BADGE-P1", "SO-3", TAPE_EAN],
        ("label", "printed"),
        {"scan_back": "required"},
        {"headline": "ORDER COMPLETE", "action": "Scan the label on each box"},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_after_a_kill_the_window_shows_what_it_showed(tmp_path: Path, case: str) -> None:
    inputs, then, options, expected = CASES[case]
    data_dir = tmp_path / "station"
    standard_bench(data_dir).store.close()
    settings = config(tmp_path, **options)
    window = Window(data_dir, settings)
    try:
        window.wait_for("resumed", timeout=START_TIMEOUT_S)
        for line in inputs[:-1]:
            window.enter(line)
        before = window.enter(inputs[-1], *then)
    finally:
        window.kill()

    again = Window(data_dir, settings)
    try:
        # A label printed before the kill is not printed again: only its picture comes back.
        drawn = ("label",) if "label" in then else ()
        after = again.wait_for("resumed", *drawn, timeout=START_TIMEOUT_S)
    finally:
        again.kill()

    for key, words in expected.items():
        assert words in str(before["banner"][key]), f"{case}: the test's own premise"
    for part in ("banner", "sound", "header", "prompt", "rows", "active_row", "label", "buttons"):
        assert after[part] == before[part], f"{case}: the {part} changed across the restart"
