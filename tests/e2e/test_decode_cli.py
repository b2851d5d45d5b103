"""`main.py decode IMAGE...`: one JSON line per image, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from tests.helpers import cli
from tests.helpers.camera_images import blank_samples, label_picture, on_bench, perspective


def test_prints_one_line_per_image_and_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    label = tmp_path / "label.jpg"
    cv2.imwrite(
        str(label),
        perspective(on_bench(label_picture("code128", "1Z999AA10123456784", tmp_path), rng), rng),
    )
    blank = tmp_path / "bench.png"
    cv2.imwrite(str(blank), next(blank_samples()).image)
    broken = tmp_path / "broken.webp"
    broken.write_bytes(b"RIFF0000WEBPnothing")
    missing = tmp_path / "missing.bmp"

    result = cli.run("decode", str(label), str(broken), str(blank), str(missing))

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(label), str(broken), str(blank), str(missing)]
    first = lines[0]
    assert [(code["text"], code["format"]) for code in first["barcodes"]] == [
        ("1Z999AA10123456784", "Code 128")
    ]
    assert len(first["barcodes"][0]["position"]) == 4
    assert first["ms"] >= 0 and "error" not in first
    assert "error" in lines[1] and "broken.webp" in lines[1]["error"]
    assert lines[2]["barcodes"] == [] and "error" not in lines[2]
    assert "no such file" in lines[3]["error"]
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_exit_code_zero_when_every_image_was_read(tmp_path: Path) -> None:
    blank = tmp_path / "empty.png"
    cv2.imwrite(str(blank), np.full((100, 100), 255, dtype=np.uint8))

    result = cli.run("decode", str(blank))

    assert result.returncode == 0
    assert json.loads(result.stdout)["barcodes"] == []
