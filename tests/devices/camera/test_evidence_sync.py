"""Evidence rows go to the central database with the station's other events: each file's
hash, and each deletion with its reason, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg

from station import evidence, evidence_storage
from station.central.connect import central_engine
from station.sync import push
from tests.central.conftest import Central, central, cluster, database  # noqa: F401  (fixtures)
from tests.helpers.factory import standard_bench

STATION = "bench-1"


def test_evidence_hashes_and_deletions_are_pushed_once(central: Central, tmp_path: Path) -> None:  # noqa: F811
    url = central.add_station(STATION)
    bench = standard_bench(tmp_path / "station")
    folder = evidence.evidence_dir(bench.data_dir) / "SO-3"
    folder.mkdir(parents=True)
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for number, ended in enumerate((long_ago, datetime.now(UTC))):
        path = folder / f"{STATION}-{number}.webm"
        path.write_bytes(bytes([number]) * 100)
        closed = evidence.ClosedFile("SO-3", STATION, "video", path, ended, ended)
        rows.append(evidence.record(bench.store, bench.data_dir, closed))
    evidence_storage.sweep(bench.store, bench.data_dir, STATION, retention_days=30, min_free_mb=0)

    first = push.push(central_engine(url), bench.store, STATION)
    again = push.push(central_engine(url), bench.store, STATION)

    with psycopg.connect(central.admin_url) as db:
        files = db.execute(
            "SELECT seq, order_number, kind, data->>'sha256' FROM evidencefile "
            "WHERE station = %s ORDER BY seq",
            (STATION,),
        ).fetchall()
        deletions = db.execute(
            "SELECT evidence_id::text, reason FROM evidencedeletion WHERE station = %s",
            (STATION,),
        ).fetchall()
    assert files == [(1, "SO-3", "video", rows[0].sha256), (2, "SO-3", "video", rows[1].sha256)]
    assert deletions == [(str(rows[0].id), "retention")]
    assert first.pushed >= 3 and again.pushed == 0
    bench.store.close()
