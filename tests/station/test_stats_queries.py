"""What a supervisor reads: scans and mistakes per packer and day, accuracy, orders per hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.stats_queries import accuracy_per_packer, orders_per_hour, scans_per_packer_per_day
from tests.helpers.factory import CABLE_EAN, MUG_UPC, STRANGER_EAN, TAPE_EAN, standard_bench


def test_a_packers_scans_mistakes_and_sealed_orders_are_counted(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, STRANGER_EAN):  # Ana: a wrong item
        session.handle_scan(scan)
    session.acknowledge()
    for scan in (MUG_UPC, CABLE_EAN, "CMD-LOGOUT", "BADGE-P2", "SO-3", TAPE_EAN):
        session.handle_scan(scan)
    session.close()
    now = datetime.now(UTC)
    since, until = now - timedelta(hours=1), now + timedelta(hours=1)
    with bench.store.session() as db:
        days = scans_per_packer_per_day(db, since, until)
        accuracy = accuracy_per_packer(db, since, until)
        hours = orders_per_hour(db, since, until)
        nothing = accuracy_per_packer(db, until, until + timedelta(days=1))
    by_name = {row.name: row for row in accuracy}
    assert (by_name["Ana"].counted, by_name["Ana"].mistakes) == (3, 1)
    assert by_name["Ana"].accuracy == 0.75
    assert (by_name["Ben"].counted, by_name["Ben"].mistakes, by_name["Ben"].accuracy) == (1, 0, 1.0)
    assert [row.name for row in accuracy] == ["Ben", "Ana"]  # best first
    ana = next(day for day in days if day.packer_id == by_name["Ana"].packer_id)
    # Badge, order, three items, the wrong one and its acknowledgement, logout.
    assert (ana.inputs, ana.counted, ana.mistakes) == (8, 3, 1)
    assert ana.day == now.date().isoformat() or ana.day == since.date().isoformat()
    assert sum(hour.orders for hour in hours) == 2  # SO-1 and SO-3 sealed
    assert nothing == []
