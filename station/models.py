"""Database tables of a station's embedded store.

Every row has a client-generated UUID key and UTC timestamps, so that many
stations can later sync into one central database without clashes. Reference
data (products, barcodes, packers, orders) is upserted by import; everything
that happens at the bench (scans with their verdicts, order events, parcels,
print jobs and their outcomes) is append-only, ordered per station by `seq`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    """Current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Product(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    sku: str = Field(index=True, unique=True)
    name: str
    weight_g: int = 0
    image: str | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Barcode(SQLModel, table=True):
    """A barcode of a product; `code` is the normalised key (GTIN-14 or text)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    product_id: uuid.UUID = Field(foreign_key="product.id", index=True)
    code: str = Field(index=True, unique=True)
    raw: str
    units: int = 1
    created_at: datetime = Field(default_factory=utc_now)


class Packer(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    badge: str = Field(index=True, unique=True)
    name: str
    role: str = "packer"  # "packer", "supervisor" or "admin"
    pin_hash: str | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Order(SQLModel, table=True):
    __tablename__ = "orders"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    number: str = Field(index=True, unique=True)
    courier: str
    service: str
    tracking: str | None = None
    ship_to_name: str
    ship_to_street: str
    ship_to_city: str
    ship_to_postcode: str
    ship_to_country: str
    ship_to_phone: str | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class OrderLine(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    order_id: uuid.UUID = Field(foreign_key="orders.id", index=True)
    line_no: int
    sku: str
    qty: int


class ScanEvent(SQLModel, table=True):
    """One input at the bench (scan, typed entry, button or scale weight) and its verdict."""

    # Each index serves a read of the bench or of a supervisor (see the query
    # plan test); an index nothing reads would only slow down every scan.
    __table_args__ = (
        Index("ix_scanevent_station_seq", "station", "seq"),
        # Covering: a supervisor's sums per order read the index alone (station.supervisor).
        Index(
            "ix_scanevent_order_line",
            *("order_id", "line_id", "verdict", "units_counted", "created_at"),
        ),
        Index(
            "ix_scanevent_created_packer",
            *("created_at", "packer_id", "verdict", "station", "units_counted"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    packer_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    raw: str
    code: str
    symbology: str | None = None
    lot: str | None = None
    expiry: str | None = None
    serial: str | None = None
    source: str = "scanner"  # scanner, keyboard, button, replay
    manual: bool = False
    verdict: str
    product_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None
    units_counted: int = 0
    message: str = ""
    # What the station waited for after this input, so a restart resumes there.
    awaiting: str = "nothing"
    weight_g: int | None = None  # a stable weight from the scale (source "scale" or "replay")
    created_at: datetime = Field(default_factory=utc_now)


class OrderEvent(SQLModel, table=True):
    """Exceptions, their release, and supervisor overrides of an order."""

    __table_args__ = (
        Index("ix_orderevent_station_seq", "station", "seq"),
        Index("ix_orderevent_order_kind", "order_id", "kind", "seq"),
        # Supervisor figures: events of a period by kind, counted per station and packer.
        Index("ix_orderevent_created_kind", "created_at", "kind", "station", "packer_id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    order_id: uuid.UUID
    packer_id: uuid.UUID | None = None
    supervisor_id: uuid.UUID | None = None
    # exception_flagged, exception_released, short_requested, short_override,
    # weight_override, label_reprinted, label_voided, label_bulk_printed
    kind: str
    reason: str = ""
    note: str = ""
    # The central claim's fencing number (claim_taken, claimed_elsewhere: see station/claims.py).
    fence: int | None = None
    created_at: datetime = Field(default_factory=utc_now)


class Parcel(SQLModel, table=True):
    __table_args__ = (
        Index("ix_parcel_station_seq", "station", "seq"),
        Index("ix_parcel_order_no", "order_id", "parcel_no"),
        Index(
            "ix_parcel_created_packer",
            *("created_at", "packer_id", "station", "order_id", "parcel_no", "parcel_count"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    order_id: uuid.UUID
    packer_id: uuid.UUID | None = None
    parcel_no: int = 1
    parcel_count: int = 1
    tracking: str = Field(index=True)  # a label scanned back, a reprint or void by number
    courier: str
    service: str
    weight_g: int | None = None
    short: bool = False
    created_at: datetime = Field(default_factory=utc_now)


class OrderLabelDocument(SQLModel, table=True):
    """A courier's own ready-made label for an order, imported with it and printed as it is."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    order_id: uuid.UUID = Field(index=True, unique=True)
    format: str  # pdf, png or zpl
    data: bytes
    created_at: datetime = Field(default_factory=utc_now)


class ParcelItem(SQLModel, table=True):
    """What went into one box of a multi-box order (and into single boxes too)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    parcel_id: uuid.UUID = Field(index=True)
    line_id: uuid.UUID
    sku: str
    units: int


class PrintJob(SQLModel, table=True):
    """A document to print; stored before it is sent."""

    __table_args__ = (
        Index("ix_printjob_station_seq", "station", "seq"),
        Index("ix_printjob_station_created", "station", "created_at", "seq"),
        Index("ix_printjob_parcel_seq", "parcel_id", "seq"),
        # What is still to send (or to ask about) is read by status, never by
        # scanning every attempt ever made (station.print_jobs).
        Index("ix_printjob_station_status", "station", "status", "seq"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    parcel_id: uuid.UUID | None = None
    kind: str = "label"
    content_json: str
    created_at: datetime = Field(default_factory=utc_now)
    # The status of its newest attempt ("pending" before the first), kept by a
    # database trigger on every attempt stored (migration 0006).
    status: str = "pending"


class PrintAttempt(SQLModel, table=True):
    """One step of sending a print job: sending, then delivered (with where) or failed, …"""

    __table_args__ = (Index("ix_printattempt_station_seq", "station", "seq"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    job_id: uuid.UUID = Field(index=True)
    status: str  # one of station.print_jobs.JobStatus
    location: str = ""
    detail: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    # A "sending" attempt: what the printer said before the bytes went out (its
    # label counter), to ask it after a crash whether the job printed.
    checkpoint: str = ""
    packer_id: uuid.UUID | None = None  # who answered "did it print?"


class StationState(SQLModel, table=True):
    """Where a station stands after its last committed input, one row per station.

    Written in the same transaction as every scan (and a void that changes the
    labels to scan back), so a start reads this one row instead of replaying
    the station's history. Local bookkeeping: the events are the record.
    """

    station: str = Field(primary_key=True)
    seq: int  # the scan event that wrote it: a start checks the history agrees
    packer_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    awaiting: str = "nothing"
    short_reason: str = ""
    weight_g: int | None = None  # the weight on the scale while the station waits on it
    closing_box: bool = False
    pending_labels: str = "[]"  # tracking numbers to scan back, a JSON list
    # The last verdict, so a restarted screen shows what the packer must do next.
    verdict: str = ""
    scan: str = ""
    message: str = ""
    order_number: str | None = None
    updated_at: datetime = Field(default_factory=utc_now)
