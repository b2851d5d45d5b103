"""Sending a station's audit links centrally, after its events, exactly once there.

Every event a station stores is on its audit chain (station.audit) with a
link written in the same local transaction. Sync sends the links, in batches
by link number, after the events of the same push: a push that delivered
events therefore also delivers the links of every one of them (their links
were committed with them, before this pass read the chain). Each batch goes
in one central transaction with its position (stream `auditlink`), inserted
ON CONFLICT DO NOTHING, so a retry after a lost acknowledgement adds nothing.
The column lists the links were hashed over go too (a handful of rows).

Why not in the events' own batches: events are numbered per table, links per
chain, and finding a batch's links by row would need an index on the chain
that every scan's commit would pay for.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import ProgrammingError

from station.audit import central as audit_central
from station.audit.export import LINK_COLUMNS, SCHEMA_COLUMNS, links_after, schemas
from station.central.connect import connected
from station.store import Store
from station.sync.deliver import advance, copy_in

STREAM = "auditlink"
log = logging.getLogger(__name__)


def push_links(
    central: Engine,
    store: Store,
    station: str,
    position: int,
    *,
    batch: int,
    stop: threading.Event | None = None,
) -> int:
    """Send `station`'s links after `position`; how many were new centrally.

    A central database not yet upgraded to c0009 takes the events without
    their links (logged); the links follow once it is upgraded.
    """
    try:
        return _push_links(central, store, station, position, batch, stop)
    except ProgrammingError as exc:
        if "audit_link" not in str(exc) and "audit_schema" not in str(exc):
            raise
        log.warning("audit links not sent: the central database lacks them (%s)", exc.orig)
        return 0


def _push_links(
    central: Engine,
    store: Store,
    station: str,
    position: int,
    batch: int,
    stop: threading.Event | None,
) -> int:
    with store.engine.connect() as local:
        column_lists = schemas(local, station)
    added = 0
    while stop is None or not stop.is_set():
        with store.engine.connect() as local:
            links = links_after(local, station, position, batch)
        if not links:
            break
        with connected(central) as connection:
            if column_lists:  # before the first links that use them, in their transaction
                copy_in(
                    connection,
                    audit_central.audit_schema,
                    SCHEMA_COLUMNS,
                    column_lists,
                    conflict="(station, id)",
                )
                column_lists = []
            new = copy_in(
                connection, audit_central.audit_link, LINK_COLUMNS, links, conflict="(station, seq)"
            )
            position = links[-1][1]
            # Delivered counts events (central status sums it): links are not counted.
            advance(connection, station, STREAM, position, 0)
        added += new
    return added
