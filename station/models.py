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
    role: str = "packer"  # "packer" or "supervisor"
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
    """One input at the bench (scan, typed entry or button) and its verdict."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str = Field(index=True)
    seq: int = Field(index=True)
    packer_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = Field(default=None, index=True)
    raw: str
    code: str
    symbology: str | None = None
    lot: str | None = None
    expiry: str | None = None
    serial: str | None = None
    source: str = "scanner"  # scanner, keyboard, button, replay
    manual: bool = False
    verdict: str = Field(index=True)
    product_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None
    units_counted: int = 0
    message: str = ""
    # What the station waited for after this input, so a restart resumes there.
    awaiting: str = "nothing"
    created_at: datetime = Field(default_factory=utc_now)


class OrderEvent(SQLModel, table=True):
    """Exceptions, their release, and supervisor overrides of an order."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str = Field(index=True)
    seq: int
    order_id: uuid.UUID = Field(index=True)
    packer_id: uuid.UUID | None = None
    supervisor_id: uuid.UUID | None = None
    kind: str  # exception_flagged, exception_released, short_requested, short_override
    reason: str = ""
    note: str = ""
    created_at: datetime = Field(default_factory=utc_now)


class Parcel(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str = Field(index=True)
    seq: int
    order_id: uuid.UUID = Field(index=True)
    packer_id: uuid.UUID | None = None
    parcel_no: int = 1
    parcel_count: int = 1
    tracking: str
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

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str = Field(index=True)
    seq: int
    parcel_id: uuid.UUID | None = Field(default=None, index=True)
    kind: str = "label"
    content_json: str
    created_at: datetime = Field(default_factory=utc_now)


class PrintAttempt(SQLModel, table=True):
    """The outcome of sending a print job: delivered (with where) or failed."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    job_id: uuid.UUID = Field(index=True)
    status: str  # delivered, failed
    location: str = ""
    detail: str = ""
    created_at: datetime = Field(default_factory=utc_now)
