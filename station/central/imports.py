"""`central import`: the station's import, with its formats, checks and all-or-nothing rule,
run on the central database (whose reference tables have the station's names and columns)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from station.central.admin import require_schema
from station.central.connect import CentralError, as_central_error, connected, shown
from station.importers import ImportReport, import_file


def import_central(engine: Engine, kind: str, path: Path) -> ImportReport:
    """Import a catalog, orders or packers file centrally; stations get it at their next pull.

    Raises:
        ImportRejected: the file has problems; nothing was written.
        CentralError, CentralUnreachable: as `connected`.
    """
    with connected(engine) as connection:
        require_schema(connection)
        require_import_rights(connection, engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return import_file(session, kind, path)
    except DBAPIError as exc:
        error = as_central_error(exc, engine.url)
        if error is exc:
            raise
        raise error from exc


# The reference tables an import writes (the same for every kind: orders check products).
_REFERENCE_TABLES = ("product", "barcode", "packer", "orders", "orderline")
_MAY_WRITE = text(
    "SELECT bool_and(has_table_privilege(t, 'INSERT') AND has_table_privilege(t, 'UPDATE')) "
    "FROM unnest(CAST(:tables AS text[])) AS t"
)


def require_import_rights(connection: Connection, engine: Engine) -> None:
    """Refuse at once a login that may not change the reference data (a station's): the
    import would stop at its first write with advice ("import again") that cannot help."""
    allowed = connection.execute(_MAY_WRITE, {"tables": list(_REFERENCE_TABLES)}).scalar()
    if not allowed:
        raise CentralError(
            f"The login of {shown(engine.url)} may not change the catalog, packers or "
            "orders (a station's login may only read them): nothing was imported. Run "
            "central import with the database owner's URL, as for central init."
        )
