"""Which barcode library reads camera frames: read rate, false reads and time per frame.

The test set is made here: the project's own labels (Code 128, GS1-128, QR, Data Matrix)
and product, badge and order barcodes, rendered to pixels, laid on a textured bench in a
1280x720 frame, then blurred, tilted, rotated, made noisy, dark, glared, bent round a
bottle and JPEG-compressed; plus frames with no barcode (bench, noise, text, tape, dark).
Both libraries are limited to the symbologies the station uses. Times are per 720p frame
on one thread (both libraries decode on the calling thread).

    uv run python bench/camera_decode.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._data import percentile
from devices.camera.decode import FrameDecoder, FrameReader, zbar_decoder, zxing_decoder
from tests.helpers.camera_images import (
    Sample,
    barcode_samples,
    blank_samples,
    same_barcode,
)


def measure(
    name: str, decode: FrameDecoder, samples: list[Sample], repeat: int, frames: int = 1
) -> None:
    """`frames`: consecutive frames of each picture a camera decodes (FrameReader alternates)."""
    read = wrong = false_reads = 0
    times: list[float] = []
    misses: dict[str, int] = {}
    with_codes = [sample for sample in samples if sample.expected is not None]
    for sample in samples:
        for round_ in range(repeat):
            found = []
            for _ in range(frames):
                started = time.perf_counter()
                found.extend(decode(sample.image))
                times.append((time.perf_counter() - started) * 1000)
            if round_:
                continue
            if sample.expected is None:
                false_reads += len(found)
                continue
            hits = [f for f in found if same_barcode(sample.expected, f.text)]
            wrong += len(found) - len(hits)
            if hits:
                read += 1
            else:
                kind = sample.name.rsplit("-", 1)[-1]
                misses[kind] = misses.get(kind, 0) + 1
    blanks = len(samples) - len(with_codes)
    print(name)
    print(
        f"    read {read}/{len(with_codes)} ({100 * read / len(with_codes):.1f} %), "
        f"wrong reads {wrong}, false reads on {blanks} frames without barcodes {false_reads}, "
        f"720p frame p50 {percentile(times, 50):.1f} ms p99 {percentile(times, 99):.1f} ms "
        f"max {max(times):.1f} ms"
    )
    print(f"    missed by distortion: {dict(sorted(misses.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="decodes of each frame, for times")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        samples = [*barcode_samples(Path(folder)), *blank_samples()]
    print(
        f"{len(samples)} frames of 1280x720 ({sum(s.expected is None for s in samples)} "
        "without a barcode), each decoded "
        f"{args.repeat} times"
    )
    measure(
        "zxing-cpp, every orientation in each frame (stills)", zxing_decoder(), samples, args.repeat
    )
    measure("zxing-cpp, upright only", zxing_decoder(turned=False), samples, args.repeat)
    measure(
        "zxing-cpp camera (FrameReader: turned linear codes every other frame; 2 frames)",
        FrameReader(),
        samples,
        args.repeat,
        frames=2,
    )
    measure("zbar (pyzbar)", zbar_decoder(), samples, args.repeat)
    print("chosen: zxing-cpp; cameras decode with FrameReader (devices/camera/decode.py)")


if __name__ == "__main__":
    main()
