"""An order's evidence as a folder anyone can check: the clip joined, the photos, the
segments as recorded, a manifest with the scan trail and the hashes, SHA256SUMS and a
README saying how to check them with standard tools."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from devices.camera.marketplace import ExportLimits, write_fitted
from station import evidence
from station.errors import UserError
from station.store import Store

README = """Evidence of order {order}, exported by PackStation.

video.webm      the order's video: the segments below played one after another (VP9, WebM;
                opens in any current browser and in VLC)
segments/       the video as the station recorded it, in segments of about 2 seconds
photos/         the photos of the sealed parcels (JPEG)
manifest.json   the scans with their verdicts and their offset in video.webm (video_offset_s),
                and every recorded file with its SHA-256 as stored when it was closed

To check that no file was changed since it was recorded, in this folder:

    sha256sum -c SHA256SUMS                          (Linux)
    shasum -a 256 -c SHA256SUMS                      (macOS)
    Get-FileHash -Algorithm SHA256 segments\\*        (Windows PowerShell; compare by eye)

Each line of SHA256SUMS is a hash taken by the station when the file was closed, not when it
was exported. video.webm is made from the segments at export; its hash is in the manifest.
"""

MARKETPLACE_README = """
marketplace/    the same evidence cut to a marketplace's limits ({limits}): a shorter
                video.webm and at most the photos allowed. marketplace/manifest.json says
                what was cut (from_s, to_s of video.webm above, re-encoded or not), lists the
                segments the cut was taken from and every photo with the SHA-256 recorded at
                the station, so the cut can be traced to the files above.
"""


class EvidenceBrokenError(UserError):
    """The evidence to export does not match its stored hashes."""


def export(
    store: Store,
    data_dir: Path,
    order: str,
    target: Path,
    limits: ExportLimits | None = None,
) -> Path:
    """Write the order's bundle to `target`/<order>-evidence; returns that folder.

    With `limits`, the bundle also holds marketplace/: the clip and photos cut to fit.
    The bundle is written in a hidden folder beside it and renamed when whole, so a
    failure (a full disk, a clip that cannot fit) leaves nothing behind.

    Raises:
        UserError: no evidence for the order, `target` is not a folder one can write in,
            the bundle's folder exists already, or the clip cannot fit the limits.
        EvidenceBrokenError: a file is missing or changed (named); nothing is written.
    """
    if not target.is_dir():
        what = "is a file" if target.exists() else "does not exist"
        raise UserError(f"{target} {what}: give a folder to export into.")
    files = evidence.files_of(store, order)
    if not files:
        raise UserError(f"Order {order} has no recorded evidence (video or photos).")
    problems = evidence.verify(store, data_dir, order)
    if problems:
        raise EvidenceBrokenError(
            "Not exported: " + "; ".join(str(problem) for problem in problems) + "."
        )
    folder = target / f"{_safe(order)}-evidence"
    if folder.exists():
        raise UserError(f"{folder} exists already: choose another folder or move it away.")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=target))
    except OSError as exc:
        raise UserError(
            f"Cannot write in {target} ({exc.strerror}): choose another folder."
        ) from exc
    try:
        _write(store, data_dir, order, files, staging, limits)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _write(
    store: Store,
    data_dir: Path,
    order: str,
    files: list[evidence.EvidenceFile],
    folder: Path,
    limits: ExportLimits | None,
) -> None:
    (folder / "segments").mkdir(parents=True)
    (folder / "photos").mkdir()
    sums = []
    copied: list[tuple[evidence.EvidenceFile, str]] = []
    for row in files:
        name = f"{'segments' if row.kind == 'video' else 'photos'}/{Path(row.path).name}"
        shutil.copy2(data_dir / row.path, folder / name)
        sums.append(f"{row.sha256}  {name}")
        copied.append((row, name))
    segments = [folder / name for row, name in copied if row.kind == "video"]
    manifest: dict[str, Any] = evidence.as_json(
        order, files, evidence.scan_trail(store, order, files)
    )
    for entry, (_, name) in zip(manifest["files"], copied, strict=True):
        entry["exported_as"] = name
    if segments:
        manifest["video"] = _joined(folder, segments)
    readme = README.format(order=order)
    if limits is not None:
        manifest["marketplace"] = "marketplace/manifest.json"
        write_fitted(folder, manifest, copied, limits)
        readme += MARKETPLACE_README.format(limits=limits.describe())
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    (folder / "README.txt").write_text(readme)


def _joined(folder: Path, segments: list[Path]) -> dict[str, Any] | None:
    """video.webm from the segments; a segment a crash cut short (recorded as it was) is
    in segments/ whole, and named, as the clip holds only the frames it could read."""
    from devices.camera.clips import NoPlayableVideoError, join_segments

    try:
        unreadable = join_segments(segments, folder / "video.webm")
    except NoPlayableVideoError:
        return None  # the segments are still in segments/, with their hashes
    return {
        "file": "video.webm",
        "sha256": evidence.sha256_of(folder / "video.webm"),
        "segments_not_read_to_the_end": [
            path.relative_to(folder).as_posix() for path in unreadable
        ],
    }


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text) or "_"
