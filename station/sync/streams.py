"""What sync sends of each station table: its central table, key columns, and the row as JSON.

The station's own tables are the outbox: every event has a UUID and a place
in the station's sequence (`seq`, one counter across its tables, never a wall
clock). A central row carries the key columns the central queries filter on
and the whole station row in `data` (station.sync.outbox_sql writes the same
JSON in SQLite for the fast path; tests/central/test_push.py compares them).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table

from station import models
from station.central import schema
from station.evidence import EvidenceDeletion, EvidenceFile
from station.handoff.tables import HandoffClose, HandoffLoad, HandoffScan

Row = dict[str, Any]  # one station row by column name


@dataclass(frozen=True)
class Stream:
    """One station table pushed by seq, and the central columns read from its rows."""

    name: str
    local: Table
    central: Table
    keys: tuple[str, ...]


def local_table(model: Any) -> Table:
    table: Table = model.__table__
    return table


STREAMS = (
    Stream("scanevent", local_table(models.ScanEvent), schema.scanevent, ("order_id", "verdict")),
    Stream("orderevent", local_table(models.OrderEvent), schema.orderevent, ("order_id", "kind")),
    Stream("parcel", local_table(models.Parcel), schema.parcel, ("order_id", "tracking")),
    Stream("printjob", local_table(models.PrintJob), schema.printjob, ("parcel_id", "kind")),
    Stream(
        "printattempt", local_table(models.PrintAttempt), schema.printattempt, ("job_id", "status")
    ),
    Stream(
        "evidencefile", local_table(EvidenceFile), schema.evidencefile, ("order_number", "kind")
    ),
    Stream(
        "evidencedeletion",
        local_table(EvidenceDeletion),
        schema.evidencedeletion,
        ("evidence_id", "reason"),
    ),
    Stream("handoff_load", local_table(HandoffLoad), schema.handoff_load, ("courier_id",)),
    Stream(
        "handoff_scan",
        local_table(HandoffScan),
        schema.handoff_scan,
        ("load_id", "parcel_id", "verdict"),
    ),
    Stream("handoff_close", local_table(HandoffClose), schema.handoff_close, ("load_id",)),
)
PARCEL = STREAMS[2]
# Local bookkeeping that changes after the row is written, kept out of the record.
# (The driver's drawn signature stays in the station's store and its manifest files.)
LOCAL_ONLY = {"printjob": {"status"}, "handoff_close": {"signature_png"}}


def record(stream: Stream, row: Row, *, json_text: bool = False) -> dict[str, Any]:
    """The central row: key columns, and the whole station row in `data`.

    With `json_text`, `data` is the JSON text itself (what COPY sends), made
    in one pass instead of converting every value first.
    """
    hidden = LOCAL_ONLY.get(stream.name, set())
    central = {key: row[key] for key in ("id", "station", "seq", "created_at", *stream.keys)}
    if json_text:
        whole = {key: value for key, value in row.items() if key not in hidden}
        central["data"] = json.dumps(whole, default=json_value)
    else:
        central["data"] = {
            key: json_value(value) for key, value in row.items() if key not in hidden
        }
    return central


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
