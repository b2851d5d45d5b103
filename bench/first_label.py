"""The first label after a station's start: with the render child warmed at start, and
without (the child then starts, and loads the renderer, for that label).

Run: uv run python bench/first_label.py [--rounds 3]
Each round starts a fresh render child the way the station does (spawn), with the
station's modules imported in this process as main.py imports them, and times the first
PDF label's render: cold (the label starts the child) against warm (warm_up at start,
then the label). Prints each round and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import main  # noqa: F401  (the station's imports, as the spawned child re-imports them)
from devices.pdf import render_process
from devices.pdf.pdf_label import render_label_pdf
from station.labels import sample_label


def first_label_seconds(warm: bool) -> float:
    render_process.shutdown()
    if warm:
        render_process.warm_up().join()
    started = time.perf_counter()
    render_process.render_elsewhere(render_label_pdf, sample_label())
    return time.perf_counter() - started


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    cold, warm = [], []
    for number in range(1, rounds + 1):
        cold.append(first_label_seconds(warm=False))
        warm.append(first_label_seconds(warm=True))
        print(f"round {number}: first label cold {cold[-1]:.2f} s, warmed {warm[-1]:.3f} s")
    print(
        f"median first label: cold {statistics.median(cold):.2f} s, "
        f"warmed at start {statistics.median(warm):.3f} s"
    )
    render_process.shutdown()


if __name__ == "__main__":
    run()
