"""A large store's whole page check runs after a start at most once a day."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from station.integrity import check_in_background, whole_check_due, whole_check_mark
from station.store import DB_NAME, LARGE_STORE_BYTES, Store

DAY_S = 24 * 3600


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_store_read_whole_at_start_is_not_read_whole_again_that_day(tmp_path: Path) -> None:
    Store.open(tmp_path).close()  # a small store is read whole within the start's budget
    db = tmp_path / DB_NAME
    assert not whole_check_due(db)
    age(whole_check_mark(db), DAY_S + 60)
    assert whole_check_due(db)


def test_the_check_after_the_start_notes_a_whole_store_and_not_a_damaged_one(
    tmp_path: Path,
) -> None:
    Store.open(tmp_path).close()
    db = tmp_path / DB_NAME
    whole_check_mark(db).unlink()
    assert whole_check_due(db), "never checked whole: due"
    found: list[str] = []
    check_in_background(db, found.append).join()
    assert found == [] and not whole_check_due(db)

    data = bytearray(db.read_bytes())
    data[3 * 4096 : 3 * 4096 + 100] = b"\xff" * 100  # a table page's header and cells
    db.write_bytes(bytes(data))
    age(whole_check_mark(db), DAY_S + 60)
    check_in_background(db, found.append).join()
    assert len(found) == 1 and "is damaged" in found[0]
    assert whole_check_due(db), "damage is looked for again at the next start"


def test_a_large_store_checked_whole_today_starts_without_reading_its_pages(
    tmp_path: Path,
) -> None:
    Store.open(tmp_path).close()
    db = tmp_path / DB_NAME
    with sqlite3.connect(db) as grow:  # past the size the start's budget reads whole
        grow.execute("CREATE TABLE ballast (data BLOB)")
        grow.execute("INSERT INTO ballast VALUES (zeroblob(?))", (LARGE_STORE_BYTES,))
    whole_check_mark(db).touch()
    store = Store.open(tmp_path)
    store.close()
    assert not store.checked_whole, "checked whole today: the start does not read it again"
