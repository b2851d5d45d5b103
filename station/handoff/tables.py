"""The handoff's tables: loads opened, every scan at the dock, and each load's close.

All three are append-only events numbered in the station's one sequence (`seq`),
like the bench's scans, so they sync and join the audit chain the same way. A
load is open while it has no close row; a closed load never changes (the
tables refuse UPDATE and DELETE, migration 0011), so a late parcel goes on a
new load. A parcel is loaded at most once on this station: a partial unique
index on the `loaded` scans says so to the database itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, text
from sqlmodel import Field, SQLModel

from station.models import new_id, utc_now

LOADED = "loaded"  # the verdict of a scan that put a parcel on its load
# The verdict that took it off again: the central database put it on another dock's load.
TAKEN_OFF = "loaded_elsewhere"


class HandoffLoad(SQLModel, table=True):
    """A load opened for one courier at one station."""

    __tablename__ = "handoff_load"
    __table_args__ = (Index("ix_handoff_load_station_seq", "station", "seq"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    courier_id: str  # the courier profile's id, or the courier's name in lower case
    courier: str  # as the parcels and the manifest name it
    packer_id: uuid.UUID | None = None
    created_at: datetime = Field(default_factory=utc_now)  # when the load was opened


class HandoffScan(SQLModel, table=True):
    """One input at the dock (a scan, a button, a driver's name) and its verdict."""

    __tablename__ = "handoff_scan"
    __table_args__ = (
        Index("ix_handoff_scan_station_seq", "station", "seq"),
        Index("ix_handoff_scan_load_verdict", "load_id", "verdict"),
        Index("ix_handoff_scan_parcel_verdict", "parcel_id", "verdict"),
        Index(
            "ux_handoff_scan_parcel_loaded",
            "parcel_id",
            unique=True,
            sqlite_where=text(f"verdict = '{LOADED}'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    load_id: uuid.UUID | None = None
    raw: str
    source: str = "scanner"  # scanner, keyboard, button, replay
    verdict: str
    message: str = ""
    parcel_id: uuid.UUID | None = None
    tracking: str | None = None
    # What the dock waits for after this input ("nothing", "acknowledgement", "courier").
    awaiting: str = "nothing"
    left_reason: str = ""  # a parcel left behind at the close: why
    driver: str = ""  # a driver's name given by a line `@driver NAME`
    created_at: datetime = Field(default_factory=utc_now)


class HandoffClose(SQLModel, table=True):
    """A load's close: the driver's record and the manifest's hash; written once."""

    __tablename__ = "handoff_close"
    __table_args__ = (Index("ix_handoff_close_station_seq", "station", "seq"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    seq: int
    load_id: uuid.UUID = Field(unique=True)
    closed_at: datetime
    driver_name: str
    vehicle: str = ""
    signature_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # Said on the manifest when there is no drawn signature (a replayed handoff).
    signature_note: str = ""
    photo_path: str | None = None  # relative to the data dir
    parcel_count: int
    total_weight_g: int
    manifest_sha256: str
    manifest_path: str  # the PDF, relative to the data dir
    created_at: datetime = Field(default_factory=utc_now)
