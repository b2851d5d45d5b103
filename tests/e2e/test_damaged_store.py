"""A store with bytes flipped at random ends in a clear message, never an unexpected error.

Damage SQLite cannot see (a changed letter inside a name) is the only kind a
station may run on with; everything else stops the start with exit 2, names
the problem and the way back, and moves or deletes nothing.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from station.settings import Settings
from station.store import DB_NAME, Store
from tests.helpers import cli
from tests.helpers.factory import MUG_UPC, Bench, add_order, add_packer, add_product

pytestmark = pytest.mark.slow
STORES = 10
FLIPS = 20


@pytest.fixture(scope="module")
def packed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("packed")
    store = Store.open(data_dir)
    add_packer(store, "B-1", "Ana")
    add_product(store, "MUG", "Mug", (MUG_UPC, 1))
    for number in range(40):
        add_order(store, f"SO-{number}", {"MUG": 2})
    session = Bench(store, data_dir, Settings()).session()
    for scan in ["B-1", "SO-1", MUG_UPC, "CMD-CANCEL", "SO-2", MUG_UPC]:
        session.handle_scan(scan)
    session.close()
    store.close()
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return data_dir


def sqlite_sees_damage(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return db.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    except sqlite3.DatabaseError:
        return True


@pytest.mark.parametrize("seed", range(STORES))
def test_a_damaged_store_stops_with_a_clear_message(
    packed_store: Path, tmp_path: Path, seed: int
) -> None:
    data_dir = tmp_path / "station"
    shutil.copytree(packed_store, data_dir)
    db_file = data_dir / DB_NAME
    data = bytearray(db_file.read_bytes())
    rng = random.Random(seed)
    for _ in range(FLIPS):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    db_file.write_bytes(bytes(data))
    damaged = sqlite_sees_damage(db_file)

    run = cli.run("--data-dir", str(data_dir), "replay", "-", stdin="B-1\nSO-3\n")
    assert "unexpected error" not in run.stderr
    if damaged:
        assert run.returncode == 2, run.stdout
        assert "is damaged" in run.stderr or "cannot be opened" in run.stderr
        assert "No good backup was found" in run.stderr or "newest good backup" in run.stderr
        assert db_file.read_bytes() == bytes(data)  # nothing moved, repaired or deleted
    else:
        assert run.returncode == 0, run.stderr

    check = cli.run("--data-dir", str(data_dir), "check")
    assert "unexpected error" not in check.stderr
    assert check.returncode == (2 if damaged else check.returncode)
