"""Backups of a running station: whole, consistent under scans, pruned to fit a year's store."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station import backups
from station.backups import BACKUP_DIR, BackupScheduler, back_up, checkpoint, prune
from station.settings import Settings
from station.store import DB_NAME, Store
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench, standard_bench

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday


def scan_count(db_file: Path) -> int:
    connection = sqlite3.connect(db_file)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return int(connection.execute("SELECT count(*) FROM scanevent").fetchone()[0])
    finally:
        connection.close()


def touch_backup(folder: Path, taken: datetime, reason: str) -> Path:
    path = folder / f"packstation-{taken:%Y%m%dT%H%M%SZ}-{reason}.db"
    path.write_bytes(b"")
    return path


def test_a_backup_is_a_whole_store_that_opens_with_every_scan(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC):
        session.handle_scan(scan)
    session.close()
    copy = back_up(tmp_path / DB_NAME, "daily", pages=4, pause_s=0)
    assert copy.parent == tmp_path / BACKUP_DIR
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no partial file left
    assert scan_count(copy) == 3
    restored = tmp_path / "restored"
    restored.mkdir()
    copy.rename(restored / DB_NAME)
    store = Store.open(restored)  # what the README says to do with a copy
    session = Bench(store, tmp_path, Settings(station="bench-1")).session()
    assert session.view().order is not None and session.view().order.scanned == 1
    session.close()
    store.close()


def test_a_backup_taken_while_scans_go_on_is_the_store_of_one_moment(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    session.handle_scan("BADGE-P1")
    done = threading.Event()
    verdicts: list[VerdictKind] = []

    def keep_scanning() -> None:
        while not done.is_set():
            verdicts.append(session.handle_scan("NOT-A-BARCODE").kind)
            verdicts.append(session.acknowledge().kind)

    scanner = threading.Thread(target=keep_scanning)
    scanner.start()
    try:
        copy = back_up(tmp_path / DB_NAME, "daily", pages=1, pause_s=0.001)
    finally:
        done.set()
        scanner.join()
    session.close()
    assert verdicts  # the station scanned while the copy was made
    copied = scan_count(copy)
    assert 1 <= copied <= scan_count(tmp_path / DB_NAME)


def test_retention_keeps_two_days_and_four_weeks_and_two_upgrade_copies(tmp_path: Path) -> None:
    folder = tmp_path / BACKUP_DIR
    folder.mkdir()
    daily = [touch_backup(folder, NOON - timedelta(days=n), "daily") for n in range(60)]
    upgrades = [
        touch_backup(folder, NOON - timedelta(days=n, hours=1), "rev-0004") for n in (3, 9, 20)
    ]
    prune(folder, "packstation")
    kept = sorted(p.name for p in folder.iterdir())
    # Today and yesterday; then the newest of each earlier week: Sun 29 Nov, Sun 22 Nov,
    # Sun 15 Nov (this week's newest is today's copy).
    expected = [daily[0], daily[1], daily[4], daily[11], daily[18], upgrades[0], upgrades[1]]
    assert kept == sorted(p.name for p in expected)


def test_a_backup_is_due_a_day_after_the_last(tmp_path: Path) -> None:
    folder = tmp_path / BACKUP_DIR
    folder.mkdir()
    assert backups.backup_due(folder, "packstation", NOON)
    touch_backup(folder, NOON - timedelta(hours=23), "daily")
    assert not backups.backup_due(folder, "packstation", NOON)
    assert backups.backup_due(folder, "packstation", NOON + timedelta(hours=1))


def test_a_running_station_backs_up_at_start_when_due_then_not_again(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    taken = threading.Event()
    scheduler = BackupScheduler(
        tmp_path / DB_NAME, first_after_s=0, on_backup=lambda _copy: taken.set()
    ).start()
    try:
        assert taken.wait(timeout=30)
    finally:
        scheduler.stop()
    assert len(scheduler.taken) == 1 and scheduler.taken[0].is_file()
    assert scheduler.run_once() is None  # the next round: a day has not passed


def test_opening_a_current_store_copies_nothing(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    assert not (tmp_path / BACKUP_DIR).exists() or not any((tmp_path / BACKUP_DIR).iterdir())


def test_a_checkpoint_brings_a_grown_wal_back_to_a_few_mb(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    wal = tmp_path / f"{DB_NAME}-wal"
    reader = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM packer").fetchall()  # as a long backup holds a snapshot
    with store.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE filler (data BLOB)")
        for _ in range(40):
            connection.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(250000))")
    reader.execute("COMMIT")
    reader.close()
    assert wal.stat().st_size > 8_000_000
    checkpoint(tmp_path / DB_NAME)
    with store.engine.begin() as connection:  # the next commit starts the WAL over
        connection.exec_driver_sql("INSERT INTO filler VALUES (x'00')")
    assert wal.stat().st_size <= 4_194_304
    store.close()
