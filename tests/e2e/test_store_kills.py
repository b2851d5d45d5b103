"""A kill at any moment of the first start (and of an upgrade) leaves a store that opens.

The child process kills itself with SIGKILL as SQLite starts its k-th
statement, for k spread over every statement a first start runs: a real
kill at a known point, with no timing involved.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from station.store import DB_NAME, Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"),
]
ROOT = Path(__file__).resolve().parents[2]
KILLS = 24  # kill points tried (all of them when a start has fewer statements)

CHILD = """
import os, signal, sqlite3, sqlite3.dbapi2, sys
from pathlib import Path

kill_at = int(sys.argv[2])
count = 0
real_connect = sqlite3.connect


def counting_connect(*args, **kwargs):
    connection = real_connect(*args, **kwargs)

    def trace(statement):
        global count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    connection.set_trace_callback(trace)
    return connection


# SQLAlchemy connects through sqlite3.dbapi2.
sqlite3.connect = sqlite3.dbapi2.connect = counting_connect
from station.store import Store

Store.open(Path(sys.argv[1])).close()
print(count)
"""


def first_start(data_dir: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), str(kill_at)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_a_first_start_killed_at_any_statement_leaves_a_store_that_opens(tmp_path: Path) -> None:
    whole = first_start(tmp_path / "whole", kill_at=0)
    assert whole.returncode == 0, whole.stderr
    statements = int(whole.stdout.split()[-1])
    points = list(range(1, statements + 1))
    chosen = sorted(random.Random(9).sample(points, min(KILLS, len(points))))
    killed = 0
    for kill_at in chosen:
        data_dir = tmp_path / f"kill-{kill_at}"
        run = first_start(data_dir, kill_at)
        killed += run.returncode == -signal.SIGKILL
        store = Store.open(data_dir)  # raises StoreError if the kill left it unopenable
        store.close()
        assert (data_dir / DB_NAME).stat().st_size > 0
    assert killed == len(chosen)  # every run really was killed where it was meant to be


UPGRADE_FROM_0001 = """
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from station.store import DB_NAME, MIGRATIONS

engine = create_engine(f"sqlite:///{Path(sys.argv[1]) / DB_NAME}")
config = Config()
config.set_main_option("script_location", str(MIGRATIONS))
with engine.begin() as connection:
    config.attributes["connection"] = connection
    command.upgrade(config, "0001")
engine.dispose()
"""


def test_an_upgrade_killed_at_any_statement_leaves_a_store_that_opens(tmp_path: Path) -> None:
    def old_store(name: str) -> Path:
        data_dir = tmp_path / name
        data_dir.mkdir()
        made = subprocess.run(
            [sys.executable, "-c", UPGRADE_FROM_0001, str(data_dir)], cwd=ROOT, timeout=120
        )
        assert made.returncode == 0
        return data_dir

    whole = first_start(old_store("whole"), kill_at=0)
    assert whole.returncode == 0, whole.stderr
    statements = int(whole.stdout.split()[-1])
    for kill_at in sorted(random.Random(3).sample(range(1, statements + 1), min(12, statements))):
        data_dir = old_store(f"kill-{kill_at}")
        run = first_start(data_dir, kill_at)
        assert run.returncode == -signal.SIGKILL
        Store.open(data_dir).close()  # the upgrade runs again, whole
