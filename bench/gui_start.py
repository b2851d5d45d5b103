"""GUI cold start: process launch to a shown, loaded pack window.

Run: uv run python bench/gui_start.py [--runs 5]
Target (2-core machine): at most 2 s. The station is started on a demo data
dir (seeded once, before timing) offscreen; it prints READY when its window is
shown with the station's state loaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def launch(data_dir: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--demo",
            "--data-dir",
            str(data_dir),
            "--report-ready",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.strip() == "READY":
                return time.perf_counter() - start
        raise RuntimeError("the station exited before it was ready")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # A user's Python caches compiled modules; measure that, not a first compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "demo"
        first = launch(data_dir, env)
        print(f"first start (seeds the demo, compiles modules): {first:.2f} s")
        times = [launch(data_dir, env) for _ in range(args.runs)]
    print(
        f"cold start to ready over {args.runs} runs: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main()
