"""Import catalog, orders and packers from CSV or JSON files, all or nothing.

`import_file` reads a file (the format is chosen by its extension);
`import_records` takes the JSON form as Python objects, which is what the demo
seeder uses. Both check every row first and raise `ImportRejected` listing every
problem without writing anything; otherwise everything is written in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlmodel import Session

from station.couriers.plan import CourierBook
from station.errors import UserError
from station.importers import catalog, orders, packers
from station.importers.common import (
    Checker,
    Columns,
    Context,
    Form,
    ImportRejected,
    ImportReport,
    Problem,
    Row,
)
from station.importers.packers import hash_pin, verify_pin
from station.importers.reading import csv_rows, json_rows, read_text, record_rows
from station.settings import Commands

__all__ = [
    "KINDS",
    "ImportRejected",
    "ImportReport",
    "Problem",
    "hash_pin",
    "import_file",
    "import_records",
    "verify_pin",
]

_Importer = Callable[[Session, Sequence[Row], Context], ImportReport]
_KINDS: dict[str, tuple[Columns, _Importer]] = {
    "catalog": (catalog.COLUMNS, catalog.import_rows),
    "orders": (orders.COLUMNS, orders.import_rows),
    "packers": (packers.COLUMNS, packers.import_rows),
}
KINDS = tuple(_KINDS)
_FORMS: dict[str, Form] = {".csv": "csv", ".json": "json"}


def import_file(
    session: Session,
    kind: str,
    path: Path,
    *,
    commands: Commands | None = None,
    couriers: CourierBook | None = None,
) -> ImportReport:
    """Import a .csv or .json file of `kind` (catalog, orders or packers).

    `commands` are the station's command barcodes, which no badge, order number
    or product barcode may equal; `couriers` lets an order be checked for the
    fields its named courier requires.

    Raises:
        ImportRejected: the file cannot be read or has problems; nothing was written.
        UserError: `kind` is not one of KINDS.
    """
    columns, run = _kind(kind)
    form = _FORMS.get(path.suffix.lower())
    if form is None:
        raise ImportRejected(
            path.name,
            [
                Problem(
                    None, None, "only .csv and .json files can be imported; save it as CSV (UTF-8)"
                )
            ],
        )
    text = read_text(path)
    checker = Checker()
    rows = csv_rows(text, columns, checker) if form == "csv" else json_rows(text, checker)
    context = Context(path.name, form, path.parent.resolve(), command_barcodes(commands), couriers)
    return _run(session, rows, checker, context, run)


def import_records(
    session: Session,
    kind: str,
    records: list[dict[str, Any]],
    source: str = "records",
    *,
    base_dir: Path | None = None,
    commands: Commands | None = None,
    couriers: CourierBook | None = None,
) -> ImportReport:
    """Import records in the JSON form; relative image paths resolve against `base_dir`.

    Raises:
        ImportRejected: a record has problems; nothing was written.
        UserError: `kind` is not one of KINDS.
    """
    _, run = _kind(kind)
    checker = Checker()
    rows = record_rows(records, checker)
    context = Context(
        source,
        "json",
        (base_dir or Path.cwd()).resolve(),
        command_barcodes(commands),
        couriers,
    )
    return _run(session, rows, checker, context, run)


def command_barcodes(commands: Commands | None) -> frozenset[str]:
    """Every command barcode of the station (the defaults when it has no settings)."""
    commands = commands or Commands()
    values = {value for value in vars(commands).values() if isinstance(value, str)}
    values.discard(commands.reason)  # a prefix: only the reason barcodes made from it count
    return frozenset(values | set(commands.reason_codes()))


def _kind(kind: str) -> tuple[Columns, _Importer]:
    if kind not in _KINDS:
        raise UserError(f"Cannot import {kind!r}: choose one of {', '.join(KINDS)}.")
    return _KINDS[kind]


def _run(
    session: Session, rows: list[Row], checker: Checker, context: Context, run: _Importer
) -> ImportReport:
    if not rows and not checker.problems:
        checker.problems.append(Problem(None, None, "file has no rows; nothing to import"))
    checker.reject_if_any(context.source)
    return run(session, rows, context)
