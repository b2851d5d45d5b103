"""`central import`: the station's import, with its formats, checks and all-or-nothing rule,
run on the central database (whose reference tables have the station's names and columns)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from station.central.admin import require_schema
from station.central.connect import as_central_error, connected
from station.importers import ImportReport, import_file


def import_central(engine: Engine, kind: str, path: Path) -> ImportReport:
    """Import a catalog, orders or packers file centrally; stations get it at their next pull.

    Raises:
        ImportRejected: the file has problems; nothing was written.
        CentralError, CentralUnreachable: as `connected`.
    """
    with connected(engine) as connection:
        require_schema(connection)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return import_file(session, kind, path)
    except DBAPIError as exc:
        error = as_central_error(exc, engine.url)
        if error is exc:
            raise
        raise error from exc
