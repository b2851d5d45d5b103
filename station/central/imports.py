"""`central import`: the station's import, with its formats, checks and all-or-nothing rule,
run on the central database (whose reference tables have the station's names and columns)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from station.audit.central_packers import chain_packers
from station.central.admin import require_schema
from station.central.connect import CentralError, as_central_error, connected, shown
from station.importers import ImportReport, import_file
from station.importers.batches import ImportInterrupted


def import_central(engine: Engine, kind: str, path: Path) -> ImportReport:
    """Import a catalog, orders or packers file centrally; stations get it at their next pull.

    Raises:
        ImportRejected: the file has problems; nothing was written.
        ImportInterrupted: writing failed part way; nothing was written.
        CentralError, CentralUnreachable: as `connected`.
    """
    try:
        # One transaction for the whole file: the station's importer writes in short
        # batches so a bench's scans get in between (station.importers.batches), but no
        # bench writes here, and a failure part way must leave the central data as it was.
        # Its commits become savepoints inside this transaction.
        with connected(engine) as connection:
            require_schema(connection)
            require_import_rights(connection, engine)
            with Session(
                connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            ) as session:
                report = import_file(session, kind, path)
            if kind == "packers":  # a role is a supervisor's rights at every station
                chain_packers(connection)
            return report
    except ImportInterrupted as exc:
        cause = exc.__cause__
        if isinstance(cause, DBAPIError):
            error = as_central_error(cause, engine.url)
            if error is not cause:
                raise error from exc
        reason = str(getattr(cause, "orig", cause)).splitlines()[0]
        raise ImportInterrupted(
            f"{path.name} was not imported: writing stopped ({reason}), and nothing was "
            "changed in the central database. Import the same file again."
        ) from exc


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
