"""A full disk, read-only media and a damaged file are named as what they are, with what to do.

These use real file systems: a small tmpfs mounted for the test (root only;
skipped elsewhere), filled up or remounted read-only.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from station.settings import Settings
from station.store import DB_NAME, Store, StoreError
from tests.helpers.factory import Bench, add_packer


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)])
    if made.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> None:
    """Write a file until the disk has no room left."""
    handle = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(handle, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(handle)


def remount_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)


def test_a_first_start_on_a_full_disk_says_the_disk_is_full(small_disk: Path) -> None:
    fill(small_disk)
    with pytest.raises(StoreError) as caught:
        Store.open(small_disk / "station")
    message = str(caught.value)
    assert "is full" in message and "Free space" in message
    assert "move the file away" not in message and "I/O error" not in message


def test_a_scan_on_a_full_disk_is_not_recorded_and_says_why(small_disk: Path) -> None:
    data_dir = small_disk / "station"
    store = Store.open(data_dir)
    add_packer(store, "B-1", "Ana")
    session = Bench(store, data_dir, Settings()).session()
    try:
        fill(small_disk)
        with pytest.raises(StoreError) as caught:
            for _ in range(200):  # the WAL may have room for a few scans first
                session.handle_scan("B-1")
        message = str(caught.value)
        assert "The scan 'B-1' was NOT recorded: the disk holding" in message
        assert "is full" in message and "nothing was counted" in message
        (small_disk / "filler").unlink()
        assert session.handle_scan("B-1").kind.value == "login"  # room again: it works
    finally:
        session.close()
        store.close()


def test_a_store_on_read_only_media_says_read_only(small_disk: Path) -> None:
    data_dir = small_disk / "station"
    Store.open(data_dir).close()
    remount_read_only(small_disk)
    with pytest.raises(StoreError) as caught:
        Store.open(data_dir)
    message = str(caught.value)
    assert "read-only" in message and "writable" in message
    assert (data_dir / DB_NAME).exists()  # nothing moved or deleted


def test_a_data_dir_that_cannot_be_made_is_named(small_disk: Path) -> None:
    remount_read_only(small_disk)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(small_disk / "station")


def test_a_damaged_store_names_the_newest_good_backup_and_keeps_the_file(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    backup = store.backup(reason="rev-test")
    store.close()
    db_file = tmp_path / DB_NAME
    db_file.write_bytes(b"\0" * 4096)  # the header is gone
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path)
    message = str(caught.value)
    assert "is damaged" in message and f"The newest good backup is {backup}" in message
    assert "Nothing was moved or deleted" in message
    assert db_file.read_bytes() == b"\0" * 4096


def test_the_full_check_passes_a_whole_store_and_lists_damage(tmp_path: Path) -> None:
    from station.integrity import full_check

    store = Store.open(tmp_path)
    add_packer(store, "B-1", "Ana")
    store.close()
    assert full_check(tmp_path / DB_NAME) == []
    with closing(sqlite3.connect(tmp_path / DB_NAME)) as db:
        # A line of no order, with no units: what no import or scan can write.
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute(
            "INSERT INTO orderline (id, order_id, line_no, sku, qty) "
            "VALUES (x'01', x'02', 1, 'A', 0)"
        )
        db.commit()
    problems = full_check(tmp_path / DB_NAME)
    assert any("points at a missing row of orders" in p for p in problems)
    assert "1 order lines with a quantity below 1" in problems


def test_an_import_that_fills_the_disk_says_how_far_it_got_and_a_rerun_completes_it(
    small_disk: Path, tmp_path: Path
) -> None:
    from sqlmodel import func, select

    from station.importers import import_file
    from station.importers.batches import ImportInterrupted
    from station.models import Product

    store = Store.open(small_disk / "station")
    leave_free(small_disk, 1_500_000)
    rows = [f"SKU-{n},Product {n} {'x' * 150},CODE-{n},100" for n in range(12_000)]
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("sku,name,barcode,weight_g\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with store.session() as db, pytest.raises(ImportInterrupted) as caught:
        import_file(db, "catalog", catalog)
    message = str(caught.value)
    assert "catalog.csv was only partly imported:" in message
    assert "of 12,000 products were written" in message and "is full" in message
    assert "Import the same file again to write the rest" in message
    (small_disk / "filler").unlink()
    with store.session() as db:
        written = db.exec(select(func.count()).select_from(Product)).one()
        assert 0 < written < 12_000
        report = import_file(db, "catalog", catalog)
        assert db.exec(select(func.count()).select_from(Product)).one() == 12_000
    assert (report.created, report.unchanged) == (12_000 - written, written)
    store.close()


def leave_free(disk: Path, room: int) -> None:
    """Fill the disk but for `room` bytes."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - room))
