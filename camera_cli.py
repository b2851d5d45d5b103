"""Camera commands of the command line: `decode` (still images)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

EXIT_SOME_FAILED = 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    decoder = commands.add_parser(
        "decode",
        help="read the barcodes of still images (PNG, JPEG, WebP, BMP) as the camera would",
    )
    decoder.add_argument("images", nargs="+", type=Path, metavar="IMAGE")


def decode(images: list[Path]) -> int:
    """Print one JSON line per image; exit 2 if any could not be read."""
    from devices.camera.decode import camera_decoder, decode_still

    chosen = camera_decoder()  # a missing library stops here, once, with its message
    failed = False
    for image in images:
        result = decode_still(image, chosen)
        failed = failed or result.error is not None
        print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
    return EXIT_SOME_FAILED if failed else 0
