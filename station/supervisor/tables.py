"""The columns the figures read, on a station's store or on the central database.

Both hold the same events: the station as columns of its models, the central
database as a few columns plus the station's whole row as JSON `data`
(station/central/schema.py). The figures are written once against these
column expressions, so the dashboard and the reports run the same queries on
either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from station.models import Order as OrderModel
from station.models import OrderEvent, Packer, Parcel, PrintJob, ScanEvent

Database = Session | Connection
# A row's id as 32 lowercase hex digits, whichever database it came from. Ids are
# read as they are stored (no UUID object built per row: a month's figures read
# ~100,000 of them) and only compared with each other.
Key = str


def raw(column: Any) -> Any:
    """The column read as the driver gives it: no UUID built per row."""
    return type_coerce(column, String)


def key(value: Any) -> Key:
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def maybe_key(value: Any) -> Key | None:
    return None if value is None else key(value)


def id_params(tables: Tables, keys: list[Key]) -> list[Any]:
    """Keys as parameters for a raw() id column: UUIDs centrally, the stored text locally."""
    return [uuid.UUID(k) for k in keys] if tables.central else list(keys)


@dataclass(frozen=True)
class Columns:
    """One table and the expressions for the columns the figures read."""

    table: Any  # a Table or an aliased FromClause
    c: dict[str, ColumnElement[Any]]

    def __getitem__(self, name: str) -> ColumnElement[Any]:
        return self.c[name]


@dataclass(frozen=True)
class Tables:
    scan: Columns
    parcel: Columns
    event: Columns
    job: Columns
    packer: Columns
    order: Columns
    central: bool
    # The scan table again under another name, for a query that reads it twice.
    scan_alias: Callable[[str], Columns]


_SCAN = ("id", "station", "seq", "created_at", "order_id", "verdict")
_SCAN_MORE = {
    "packer_id": Uuid,
    "raw": Text,
    "units_counted": Integer,
    "weight_g": Integer,
    "message": Text,
}
_PARCEL = ("id", "station", "seq", "created_at", "order_id", "tracking")
_PARCEL_MORE = {
    "packer_id": Uuid,
    "parcel_no": Integer,
    "parcel_count": Integer,
    "courier": Text,
    "service": Text,
    "weight_g": Integer,
    "short": Boolean,
}
_EVENT = ("id", "station", "seq", "created_at", "order_id", "kind")
_EVENT_MORE = {"packer_id": Uuid, "supervisor_id": Uuid, "reason": Text, "note": Text}
_JOB = ("id", "station", "seq", "created_at", "parcel_id", "kind")


def tables_for(db: Database) -> Tables:
    """The station's tables, or the central ones when `db` is PostgreSQL."""
    bind = db.get_bind() if isinstance(db, Session) else db
    if bind.dialect.name == "postgresql":
        return _central()
    return _LOCAL


def _local(model: Any) -> Columns:
    table: Table = model.__table__
    return _all_columns(table)


def _all_columns(table: Any) -> Columns:
    return Columns(table, {column.name: column for column in table.columns})


_LOCAL = Tables(
    scan=_local(ScanEvent),
    parcel=_local(Parcel),
    event=_local(OrderEvent),
    job=_local(PrintJob),
    packer=_local(Packer),
    order=_local(OrderModel),
    central=False,
    scan_alias=lambda name: _all_columns(ScanEvent.__table__.alias(name)),  # type: ignore[attr-defined]
)


def _from_json(table: Any, plain: tuple[str, ...], more: dict[str, Any]) -> Columns:
    """Columns the central table has, and the others read from its JSON `data`."""
    columns: dict[str, ColumnElement[Any]] = {name: table.c[name] for name in plain}
    for name, kind in more.items():
        text = table.c.data[name].astext
        columns[name] = text if kind is Text else cast(text, kind)
    return Columns(table, columns)


def _with_status(job: Columns, attempt: Table) -> Columns:
    """A job's status as the station keeps it: its newest attempt's ("pending" before one)."""
    newest = (
        select(attempt.c.status)
        .where(attempt.c.job_id == job["id"])
        .order_by(attempt.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    return Columns(job.table, {**job.c, "status": func.coalesce(newest, "pending")})


def _central() -> Tables:
    from station.central import schema  # only a central reader needs it

    packer = _local(Packer)
    order = _local(OrderModel)
    return Tables(
        scan=_from_json(schema.scanevent, _SCAN, _SCAN_MORE),
        parcel=_from_json(schema.parcel, _PARCEL, _PARCEL_MORE),
        event=_from_json(schema.orderevent, _EVENT, _EVENT_MORE),
        job=_with_status(_from_json(schema.printjob, _JOB, {}), schema.printattempt),
        packer=packer,
        order=order,
        central=True,
        scan_alias=lambda name: _from_json(schema.scanevent.alias(name), _SCAN, _SCAN_MORE),
    )
