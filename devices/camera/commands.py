"""Camera commands of the command line: `decode` (still images) and `evidence`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from station.errors import UserError

if TYPE_CHECKING:
    from devices.camera.marketplace import ExportLimits

EXIT_SOME_FAILED = 2
EXIT_EVIDENCE_BROKEN = 1
USAGE = (
    "Usage: main.py evidence ORDER, main.py evidence verify [ORDER], "
    "or main.py evidence export ORDER DIR [--max-seconds S] [--max-mb MB] [--max-photos N]."
)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    decoder = commands.add_parser(
        "decode",
        help="read the barcodes of still images (PNG, JPEG, WebP, BMP) as the camera would",
    )
    decoder.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    evidence = commands.add_parser(
        "evidence",
        parents=[common],
        help="an order's videos and photos with their hashes and scans (JSON); "
        "`evidence verify [ORDER]` checks the files against their hashes; "
        "`evidence export ORDER DIR` writes a bundle anyone can check",
    )
    evidence.add_argument("words", nargs="+", metavar="ORDER | verify [ORDER] | export ORDER DIR")
    marketplace = evidence.add_argument_group(
        "export for a marketplace",
        "with any of these, export also writes DIR/ORDER-evidence/marketplace/: "
        "the clip and photos cut to fit",
    )
    marketplace.add_argument("--max-seconds", type=float, help="the clip's longest length")
    marketplace.add_argument("--max-mb", type=float, help="the clip's largest size (MB)")
    marketplace.add_argument("--max-photos", type=int, help="how many photos at most")


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


def evidence(words: list[str], data_dir: Path, args: argparse.Namespace | None = None) -> int:
    """`evidence ORDER` prints its files as JSON; `evidence verify [ORDER]` re-hashes them."""
    from devices.camera.marketplace import ExportLimits
    from station import evidence as store_evidence
    from station.store import DB_NAME, Store

    wanted = [getattr(args, name, None) for name in ("max_seconds", "max_mb", "max_photos")]
    limits = None if wanted == [None, None, None] else ExportLimits(*wanted)
    if limits is not None and words[0] != "export":
        raise UserError("--max-seconds, --max-mb and --max-photos go with evidence export.")
    if not (data_dir / DB_NAME).is_file():
        raise UserError(f"No station database in {data_dir}: give the station's --data-dir.")
    if words[0] == "export":
        if len(words) != 3:
            raise UserError(USAGE)
        return _export(words[1], Path(words[2]), data_dir, limits)
    verifying = words[0] == "verify"
    if len(words) > (2 if verifying else 1):
        raise UserError(USAGE)
    order = words[1] if verifying and len(words) == 2 else None if verifying else words[0]
    store = Store.open(data_dir)
    try:
        if order is not None and not (
            store_evidence.files_of(store, order) or store_evidence.deleted_of(store, order)
        ):
            raise UserError(
                f"Order {order} has no recorded evidence at this station (no video or photo "
                "was ever kept for it): check the order number and the --data-dir."
            )
        if not verifying:
            assert order is not None
            files = store_evidence.files_of(store, order)
            trail = store_evidence.scan_trail(store, order, files)
            report = store_evidence.as_json(order, files, trail)
            # Files retention or a full disk deleted: said, never silently gone.
            report["deleted"] = store_evidence.deleted_of(store, order)
            print(json.dumps(report, ensure_ascii=False, indent=2))
            return 0
        checked = store_evidence.files_of(store, order)
        problems = store_evidence.verify(store, data_dir, order)
    finally:
        store.close()
    for problem in problems:
        print(f"NOT OK: {problem}")
    print(f"{len(checked) - len(problems)} of {len(checked)} evidence files match their hashes.")
    return EXIT_EVIDENCE_BROKEN if problems else 0


def _export(order: str, target: Path, data_dir: Path, limits: ExportLimits | None) -> int:
    from devices.camera.bundle import EvidenceBrokenError, export
    from station.store import Store

    store = Store.open(data_dir)
    try:
        folder = export(store, data_dir, order, target, limits)
    except EvidenceBrokenError as exc:
        print(f"NOT OK: {exc}")
        return EXIT_EVIDENCE_BROKEN
    finally:
        store.close()
    print(f"Evidence of order {order} written to {folder}")
    return 0
