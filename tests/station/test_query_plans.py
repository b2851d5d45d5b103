"""Every read of the bench and of a supervisor uses an index: no full scan of a big table.

The station does its real work on a real store (start, scans, errors, the
scale, boxes, seal, label scan-back, reprint, slip, void, ship-short, bulk
print, restarts) while every statement it runs is recorded; then SQLite's own
planner (EXPLAIN QUERY PLAN) is asked how it runs each one. A table that grows
with every scan or order and is read whole ("SCAN parcel") would make that
action slower every day the station packs, so it fails here the day it is
written rather than at the bench a year later.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event

from devices.pdf.file_printer import FileLabelPrinter
from station.bulk_print import BulkPrinter, Wave
from station.device_urls import Role, parse_device_url
from station.models import StationState
from station.resume import screen_at_stop
from station.session import ExceptionReason, PackSession
from station.settings import Devices, Settings
from station.store import DB_NAME, Store
from station.supervisor_auth import Action
from station.verdicts import VerdictKind
from tests.helpers.factory import (
    CABLE_EAN,
    MUG_UPC,
    STRANGER_EAN,
    TAPE_EAN,
    Bench,
    add_order,
    standard_bench,
)
from tests.helpers.supervisor import approver

V = VerdictKind
SCALE = parse_device_url("scale+serial:///dev/ttyUSB0?protocol=mt-sics", Role.SCALE)
# Tables that grow with every scan, order or label: never read whole.
BIG_TABLES = {
    "scanevent",
    "orderevent",
    "parcel",
    "parcelitem",
    "printjob",
    "printattempt",
    "orders",
    "orderline",
}
FULL_SCAN = re.compile(r"^SCAN (\w+)")

Statement = tuple[str, tuple[Any, ...]]


@contextmanager
def recorded_reads(store: Store) -> Iterator[list[Statement]]:
    """Every SELECT any thread runs on the store, with its parameters."""
    reads: list[Statement] = []
    guard = threading.Lock()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            with guard:
                reads.append((statement, tuple(parameters or ())))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield reads
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def full_scans(db_file: Path, reads: list[Statement]) -> dict[str, list[str]]:
    """The statements whose plan reads a big table whole, with the plan's lines."""
    found: dict[str, list[str]] = {}
    connection = sqlite3.connect(db_file)
    try:
        for statement, parameters in dict.fromkeys(reads):
            plan = [
                row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
            scanned = [
                line
                for line in plan
                if (match := FULL_SCAN.match(line))
                and match.group(1).rstrip("_0123456789") in BIG_TABLES
            ]
            if scanned:
                found[" ".join(statement.split())] = scanned
    finally:
        connection.close()
    return found


def packed_day(bench: Bench) -> PackSession:
    """A bench day through every action a packer and a supervisor take."""
    session = bench.session()
    scan = session.handle_scan
    for n in range(10, 14):
        add_order(bench.store, f"SO-{n}", {"MUG-350": 2, "CABLE-USBC": 1})
    scan("BADGE-P1")
    scan("SO-1")
    assert scan(STRANGER_EAN).kind is V.WRONG_ITEM
    session.acknowledge()
    assert scan("NOT-A-BARCODE").kind is V.UNKNOWN_BARCODE
    session.acknowledge()
    scan(MUG_UPC)
    assert scan("CMD-NEWBOX").kind is V.WEIGH_PARCEL
    assert session.handle_weight(250) is not None  # the first box closes
    scan(MUG_UPC)
    assert scan(CABLE_EAN).kind is V.ORDER_COMPLETE
    assert session.handle_weight(200) is not None  # wrong: a supervisor accepts it
    sealed = session.wait_for_label(scan("BADGE-S1"))
    assert sealed.kind is V.OVERRIDE and sealed.parcels
    first_box, second_box = (tracking for tracking, _job, _label in sealed.parcels)
    assert scan(first_box).kind is V.LABEL_VERIFIED
    assert scan(first_box).kind is not V.LABEL_VERIFIED  # twice: not the box still waiting
    session.acknowledge()
    assert scan(second_box).kind is V.LABEL_VERIFIED
    session.reprint_label("torn")
    session.reprint_label("jammed", tracking=first_box)
    session.print_slip()
    session.print_slip("SO-1")
    session.void_label(second_box, "smudged", approver(bench.store))
    scan("SO-1")  # packed already
    scan("SO-2")
    scan(TAPE_EAN)
    session.request_short_ship("out of stock")
    scan("BADGE-S1")
    assert session.handle_weight(2000) is not None
    scan("SO-10")
    session.flag_exception(ExceptionReason.DAMAGED)
    scan("SO-10")  # in exception
    scan("SO-11")
    scan(MUG_UPC)
    session.park()
    scan("SO-12")
    scan(MUG_UPC)
    scan(MUG_UPC)
    scan(MUG_UPC)  # one too many
    session.acknowledge()
    scan(CABLE_EAN)
    session.handle_weight(455)
    session.wait_for_printer()
    return session


def supervisor_reads(bench: Bench, session: PackSession) -> None:
    now = datetime.now(UTC)
    day_ago, soon = now - timedelta(days=1), now + timedelta(hours=1)
    bulk = BulkPrinter(
        bench.store, FileLabelPrinter(bench.data_dir / "bulk"), session.station, session.sequence
    )
    parcels = bulk.sealed(Wave.today(session.station))
    assert parcels
    bulk.sealed(Wave(session.station, day_ago, soon, orders=("SO-1",)))
    sam = approver(bench.store, Action.BULK_PRINT).id
    bulk.print_parcels([parcels[0].parcel_id], sam, "lost in the rain")


def test_no_bench_or_supervisor_read_scans_a_big_table(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path, Settings(station="bench-1", devices=Devices(scale=SCALE)))
    with recorded_reads(bench.store) as reads:
        session = packed_day(bench)
        supervisor_reads(bench, session)
        session.close()
        with bench.store.session() as db:
            screen_at_stop(db, session.station)  # what the screen showed, read back at a start
        bench.session().close()  # a start from the state row
        with bench.store.session() as db:
            db.exec(delete(StationState))  # type: ignore[call-overload]
            db.commit()
        bench.session().close()  # a start from the history (a store from before the row)
    assert len(reads) > 100
    assert full_scans(tmp_path / DB_NAME, reads) == {}


def test_the_check_sees_a_full_scan(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with recorded_reads(store) as reads, store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM scanevent WHERE raw = ?", ("x",))
    assert list(full_scans(tmp_path / DB_NAME, reads).values()) == [["SCAN scanevent"]]
    store.close()


@pytest.mark.parametrize("table", sorted(BIG_TABLES))
def test_every_big_table_exists(tmp_path: Path, table: str) -> None:
    store = Store.open(tmp_path)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    store.close()
