"""A closed load's manifest as data: what it lists, its SHA-256, and its CSV and JSON files.

The hash is taken over the manifest's data as canonical JSON (sorted keys, no
spaces, UTF-8), the signature and the photo by their own SHA-256: anyone can
take the JSON file, drop its "sha256" and hash the rest to check it. The PDF
(devices/pdf/manifest.py, drawn through the `PdfRenderer` port) prints the
same hash.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from station.durable_files import flush_folder, write_whole

MANIFESTS_DIR = "manifests"
NO_DRAWN_SIGNATURE = "no drawn signature (replayed)"


@dataclass(frozen=True)
class ManifestParcel:
    tracking: str
    order: str
    service: str
    weight_g: int | None
    sealed_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class LeftParcel:
    tracking: str
    order: str
    reason: str


@dataclass(frozen=True)
class ManifestData:
    load: str  # the short load id, as its barcode holds it
    load_uuid: str
    station: str
    courier: str
    services: tuple[str, ...]
    date: str  # the day the load was opened, YYYY-MM-DD (UTC)
    opened_at: str
    closed_at: str
    driver: str
    vehicle: str
    signature: str  # "drawn" or NO_DRAWN_SIGNATURE
    signature_sha256: str | None
    photo: str | None  # relative to the data dir
    photo_sha256: str | None
    parcels: tuple[ManifestParcel, ...]
    left: tuple[LeftParcel, ...]

    @property
    def parcel_count(self) -> int:
        return len(self.parcels)

    @property
    def total_weight_g(self) -> int:
        return sum(parcel.weight_g or 0 for parcel in self.parcels)

    @property
    def unweighed(self) -> int:
        return sum(1 for parcel in self.parcels if parcel.weight_g is None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["services"] = list(self.services)
        data["parcels"] = [asdict(parcel) for parcel in self.parcels]
        data["left"] = [asdict(parcel) for parcel in self.left]
        data["parcel_count"] = self.parcel_count
        data["total_weight_g"] = self.total_weight_g
        return data

    @functools.cached_property
    def sha256(self) -> str:
        # Taken once: every page of the PDF prints it.
        return hashlib.sha256(canonical(self.as_dict())).hexdigest()


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Draws the manifest PDF: the data, the signature (PNG bytes or None), the photo file.
PdfRenderer = Callable[[ManifestData, bytes | None, Path | None], bytes]


@dataclass(frozen=True)
class ManifestFiles:
    pdf: Path
    csv: Path
    json: Path


def manifest_files(data_dir: Path, data: ManifestData) -> ManifestFiles:
    stem = f"{data.date}-{_safe(data.courier)}-{data.load}"
    folder = data_dir / MANIFESTS_DIR
    return ManifestFiles(folder / f"{stem}.pdf", folder / f"{stem}.csv", folder / f"{stem}.json")


def _safe(text: str) -> str:
    kept = "".join(char if char.isalnum() else "-" for char in text.strip())
    return kept.strip("-")[:40] or "courier"


def write_manifest(
    files: ManifestFiles,
    data: ManifestData,
    render_pdf: PdfRenderer,
    signature_png: bytes | None,
    photo: Path | None,
) -> None:
    """The PDF, CSV and JSON of a manifest, each written whole (a temp file, then renamed)."""
    files.pdf.parent.mkdir(parents=True, exist_ok=True)
    # On the disk before the close that names its hash is committed: a power cut after
    # the commit must not leave a closed load with an empty or missing manifest.
    write_whole(files.pdf, render_pdf(data, signature_png, photo), sync_folder=False)
    write_whole(files.csv, manifest_csv(data).encode("utf-8"), sync_folder=False)
    body = {**data.as_dict(), "sha256": data.sha256}
    json_bytes = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_whole(files.json, json_bytes, sync_folder=False)
    flush_folder(files.pdf.parent)  # the renames too, once for the three


def manifest_csv(data: ManifestData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["load", "courier", "date", "tracking", "order", "service", "weight_g"])
    for parcel in data.parcels:
        writer.writerow(
            [
                data.load,
                data.courier,
                data.date,
                parcel.tracking,
                parcel.order,
                parcel.service,
                "" if parcel.weight_g is None else parcel.weight_g,
            ]
        )
    return out.getvalue()
