"""Evidence of packing: every closed video segment and photo of an order, with its hash.

A row is written once, when its file is closed and hashed, and never changed: the
table refuses UPDATE and DELETE (migration 0008), so a hash cannot be quietly replaced
to match an edited file. A file deleted on purpose (retention, a full disk:
station/evidence_storage.py) gets a row of its own (migration 0012). `verify` hashes
the files again and names every file that is missing or no longer what was recorded.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Index, func
from sqlmodel import Field, Session, SQLModel, col, select

from station.models import Order, Parcel, ScanEvent, new_id, utc_now
from station.store import Store
from station.verdicts import VerdictKind

EVIDENCE_DIR = "evidence"
# The scan that opens an order is stored just before its video starts: scans this close
# before the first segment point at its start.
_LEAD_IN = timedelta(seconds=2)


class EvidenceFile(SQLModel, table=True):
    """A closed video segment or photo of an order, as it was when closed."""

    __table_args__ = (Index("ix_evidencefile_station_seq", "station", "seq"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    order_number: str = Field(index=True)
    station: str
    # Its place among this station's evidence rows, for the central push (station.sync).
    seq: int = 0
    kind: str  # "video" or "photo"
    path: str  # relative to the data dir, with / separators
    sha256: str
    size: int
    started_at: datetime  # the first frame (a photo: when taken)
    ended_at: datetime  # the last frame (a photo: when taken)
    created_at: datetime = Field(default_factory=utc_now)


class EvidenceDeletion(SQLModel, table=True):
    """A recorded file deleted on purpose (retention, a full disk): its row stays, and
    this row says when and why its file went. Append-only, like EvidenceFile."""

    __table_args__ = (Index("ix_evidencedeletion_station_seq", "station", "seq"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    evidence_id: uuid.UUID = Field(index=True, unique=True)
    station: str
    seq: int = 0  # as EvidenceFile's, in its own numbering
    reason: str  # "retention" or "disk_space"
    created_at: datetime = Field(default_factory=utc_now)


def evidence_dir(data_dir: Path) -> Path:
    return data_dir / EVIDENCE_DIR


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ClosedFile:
    """A file the recorder has closed, for `record`."""

    order_number: str
    station: str
    kind: str
    path: Path
    started_at: datetime
    ended_at: datetime


def record(store: Store, data_dir: Path, closed: ClosedFile) -> EvidenceFile:
    """Hash a closed file and store its row (one durable commit)."""
    row = EvidenceFile(
        order_number=closed.order_number,
        station=closed.station,
        kind=closed.kind,
        path=closed.path.relative_to(data_dir).as_posix(),
        sha256=sha256_of(closed.path),
        size=closed.path.stat().st_size,
        started_at=closed.started_at,
        ended_at=closed.ended_at,
    )
    with store.write_lock, store.session() as db:
        row.seq = next_seq(db, EvidenceFile, closed.station)
        db.add(row)
        db.commit()
    return row


def next_seq(db: Session, table: type[EvidenceFile] | type[EvidenceDeletion], station: str) -> int:
    """One past the station's last row of `table`; taken under the store's write lock, so
    the numbers follow the commits (the push sends a table's rows in this order)."""
    last = db.exec(select(func.max(col(table.seq))).where(col(table.station) == station)).one()
    return int(last or 0) + 1


def files_of(store: Store, order_number: str | None = None) -> list[EvidenceFile]:
    """The evidence of one order (or of every order) still kept, oldest first."""
    with store.session() as db:
        deleted = select(EvidenceDeletion.evidence_id)
        query = select(EvidenceFile).where(col(EvidenceFile.id).not_in(deleted))
        if order_number is not None:
            query = query.where(EvidenceFile.order_number == order_number)
        return list(db.exec(query.order_by(col(EvidenceFile.started_at), col(EvidenceFile.path))))


def deleted_of(store: Store, order_number: str) -> list[dict[str, Any]]:
    """The order's files deleted on purpose: what was recorded of each, and when and why."""
    with store.session() as db:
        rows = db.exec(
            select(EvidenceFile, EvidenceDeletion)
            .join(EvidenceDeletion, col(EvidenceDeletion.evidence_id) == col(EvidenceFile.id))
            .where(EvidenceFile.order_number == order_number)
            .order_by(col(EvidenceFile.started_at))
        ).all()
    return [
        {
            "kind": row.kind,
            "path": row.path,
            "sha256": row.sha256,
            "deleted_at": deletion.created_at.isoformat(),
            "reason": deletion.reason,
        }
        for row, deletion in rows
    ]


@dataclass(frozen=True)
class TrailScan:
    """A scan of the order, and where it is in the order's video (None: not filmed)."""

    time: datetime
    raw: str
    verdict: str
    source: str
    segment: str | None  # the segment's path
    segment_offset_s: float | None  # seconds into that segment
    video_offset_s: float | None  # seconds into the order's segments played one after another


def scan_trail(store: Store, order_number: str, files: list[EvidenceFile]) -> list[TrailScan]:
    """The order's scans in order, each with its offset in the order's video."""
    videos = sorted((row for row in files if row.kind == "video"), key=lambda row: row.started_at)
    with store.session() as db:
        order = db.exec(select(Order).where(Order.number == order_number)).first()
        if order is None:
            return []
        trackings = select(Parcel.tracking).where(Parcel.order_id == order.id)
        # A label scanned back after the seal is stored with no order (the bench holds
        # none by then): it is this order's by its tracking number, and ends its video.
        scanned_back = (col(ScanEvent.verdict) == VerdictKind.LABEL_VERIFIED) & col(
            ScanEvent.code
        ).in_(trackings)
        scans = db.exec(
            select(ScanEvent)
            .where((col(ScanEvent.order_id) == order.id) | scanned_back)
            .order_by(col(ScanEvent.created_at), col(ScanEvent.seq))
        ).all()
    return [_placed(scan, videos) for scan in scans]


def _placed(scan: ScanEvent, videos: list[EvidenceFile]) -> TrailScan:
    played = 0.0
    for index, row in enumerate(videos):
        starts = row.started_at - (_LEAD_IN if index == 0 else timedelta(0))
        if starts <= scan.created_at <= row.ended_at:
            into = max(0.0, (scan.created_at - row.started_at).total_seconds())
            return TrailScan(
                scan.created_at, scan.raw, scan.verdict, scan.source, row.path, into, played + into
            )
        played += (row.ended_at - row.started_at).total_seconds()
    return TrailScan(scan.created_at, scan.raw, scan.verdict, scan.source, None, None, None)


def as_json(
    order_number: str, files: list[EvidenceFile], trail: list[TrailScan] | None = None
) -> dict[str, Any]:
    """What `main.py evidence ORDER` prints."""
    return {
        "order": order_number,
        "scans": [
            {
                "time": scan.time.isoformat(),
                "scan": scan.raw,
                "verdict": scan.verdict,
                "source": scan.source,
                "segment": scan.segment,
                "segment_offset_s": _rounded(scan.segment_offset_s),
                "video_offset_s": _rounded(scan.video_offset_s),
            }
            for scan in trail or []
        ],
        "files": [
            {
                "kind": row.kind,
                "path": row.path,
                "sha256": row.sha256,
                "bytes": row.size,
                "station": row.station,
                "from": row.started_at.isoformat(),
                "to": row.ended_at.isoformat(),
            }
            for row in files
        ],
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


@dataclass(frozen=True)
class Problem:
    path: str
    order_number: str
    what: str  # "missing" or "edited"

    def __str__(self) -> str:
        if self.what == "missing":
            return f"{self.path} (order {self.order_number}) is missing"
        return f"{self.path} (order {self.order_number}) was changed since it was recorded"


def verify(store: Store, data_dir: Path, order_number: str | None = None) -> list[Problem]:
    """Every recorded file that is missing or whose bytes changed (or was swapped)."""
    problems = []
    for row in files_of(store, order_number):
        path = data_dir / row.path
        if not path.is_file():
            problems.append(Problem(row.path, row.order_number, "missing"))
        elif path.stat().st_size != row.size or sha256_of(path) != row.sha256:
            problems.append(Problem(row.path, row.order_number, "edited"))
    return problems
