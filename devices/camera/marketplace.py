"""An exported bundle's marketplace/ folder: its clip and photos cut to a marketplace's
limits (a video of at most 60 s and 30 MB on some, up to 6 photos on others), with a
manifest that traces the cut back to the files recorded at the station.

Which part of the video is kept: from 2 s before the first filmed scan to 2 s after the
last (the label scanned back after the seal); when that is longer than allowed, its
end, so the parcel being closed is always in it. Which photos: all when they fit, else
that many spread evenly from the first to the last (each parcel of a big order).
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station import evidence
from station.errors import UserError

FOLDER = "marketplace"
MB = 1_000_000  # a marketplace's "30 MB": decimal, as upload forms count
# Seconds kept before the first scan and after the last: the hand reaching in, the label.
_MARGIN_S = 2.0


@dataclass(frozen=True)
class ExportLimits:
    """What a marketplace accepts; None: no limit of that kind."""

    max_seconds: float | None = None
    max_mb: float | None = None
    max_photos: int | None = None

    def __post_init__(self) -> None:
        for name, value, least in (
            ("--max-seconds", self.max_seconds, 1.0),
            ("--max-mb", self.max_mb, 0.01),
            ("--max-photos", self.max_photos, 0),
        ):
            if value is not None and (not math.isfinite(value) or value < least):
                raise UserError(
                    f"{name} {value} is not allowed: give a number of at least {least}."
                )
        if self.max_seconds is None and self.max_mb is None and self.max_photos is None:
            raise UserError("Give at least one of --max-seconds, --max-mb, --max-photos.")

    @property
    def cuts_video(self) -> bool:
        return self.max_seconds is not None or self.max_mb is not None

    @property
    def max_bytes(self) -> int | None:
        return None if self.max_mb is None else int(self.max_mb * MB)

    def describe(self) -> str:
        parts = []
        if self.max_seconds is not None:
            parts.append(f"at most {self.max_seconds:g} s")
        if self.max_mb is not None:
            parts.append(f"{self.max_mb:g} MB")
        if self.max_photos is not None:
            parts.append(f"{self.max_photos} photos")
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "max_seconds": self.max_seconds,
            "max_mb": self.max_mb,
            "max_photos": self.max_photos,
        }


def write_fitted(
    bundle: Path,
    manifest: dict[str, Any],
    copied: list[tuple[evidence.EvidenceFile, str]],
    limits: ExportLimits,
) -> None:
    """Write bundle/marketplace/ from the bundle's joined clip and photos."""
    folder = bundle / FOLDER
    folder.mkdir()
    fitted: dict[str, Any] = {"order": manifest["order"], "limits": limits.as_json()}
    if limits.cuts_video:
        fitted["video"] = _fitted_video(bundle, folder, manifest, copied, limits)
    if limits.max_photos is not None:
        fitted.update(_fitted_photos(bundle, folder, copied, limits.max_photos))
    (folder / "manifest.json").write_text(json.dumps(fitted, indent=2, ensure_ascii=False) + "\n")


def _fitted_video(
    bundle: Path,
    folder: Path,
    manifest: dict[str, Any],
    copied: list[tuple[evidence.EvidenceFile, str]],
    limits: ExportLimits,
) -> dict[str, Any] | None:
    from devices.camera.clip_fit import fit_clip

    if manifest.get("video") is None:
        return None  # photos only, or no frame of the video readable: nothing to cut
    offsets = [s["video_offset_s"] for s in manifest["scans"] if s["video_offset_s"] is not None]
    window = (min(offsets) - _MARGIN_S, max(offsets) + _MARGIN_S) if offsets else (0.0, math.inf)
    out = folder / "video.webm"
    cut = fit_clip(bundle / "video.webm", out, window, limits.max_seconds, limits.max_bytes)
    # The segments the cut was taken from, as recorded (their place in the joined clip).
    sources, played = [], 0.0
    for row, name in copied:
        if row.kind != "video":
            continue
        length = (row.ended_at - row.started_at).total_seconds()
        if played < cut.to_s and played + length > cut.from_s:
            sources.append({"exported_as": f"../{name}", "path": row.path, "sha256": row.sha256})
        played += length
    return {
        "file": "video.webm",
        "sha256": evidence.sha256_of(out),
        "bytes": out.stat().st_size,
        "cut_from": {"file": "../video.webm", "sha256": manifest["video"]["sha256"]},
        "from_s": round(cut.from_s, 3),
        "to_s": round(cut.to_s, 3),
        "of_s": round(cut.of_s, 3),
        "re_encoded": cut.re_encoded,
        "bitrate_bps": cut.bitrate,
        "segments": sources,
        "scans": [
            {**scan, "clip_offset_s": round(scan["video_offset_s"] - cut.from_s, 3)}
            for scan in manifest["scans"]
            if scan["video_offset_s"] is not None
            and cut.from_s <= scan["video_offset_s"] <= cut.to_s
        ],
    }


def _fitted_photos(
    bundle: Path,
    folder: Path,
    copied: list[tuple[evidence.EvidenceFile, str]],
    most: int,
) -> dict[str, Any]:
    photos = [(row, name) for row, name in copied if row.kind == "photo"]
    kept = set(_spread(len(photos), most))
    (folder / "photos").mkdir()
    entries: dict[str, list[dict[str, Any]]] = {"photos": [], "photos_left_out": []}
    for index, (row, name) in enumerate(photos):
        entry = {"path": row.path, "sha256": row.sha256, "exported_as": f"../{name}"}
        if index in kept:
            shutil.copy2(bundle / name, folder / name)  # copied whole: its hash is the station's
            entries["photos"].append({"file": name, **entry})
        else:
            entries["photos_left_out"].append(entry)
    return entries


def _spread(count: int, most: int) -> list[int]:
    """`most` indexes of `count`, evenly from the first to the last (all if they fit)."""
    if count <= most:
        return list(range(count))
    if most == 0:
        return []
    if most == 1:
        return [count - 1]  # the last: the order's final parcel, sealed
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})
