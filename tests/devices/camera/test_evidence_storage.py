"""Evidence kept within the disk: retention, pinned orders, the free-space guard, and
files a crash left unhashed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from station import evidence, evidence_storage
from station.models import Order, OrderEvent
from station.store import Store
from tests.helpers.factory import add_order

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path)
    for number in ("SO-OLD", "SO-FLAGGED", "SO-NEW"):
        add_order(store, number, {})
    with store.session() as db:
        flagged = db.exec(select(Order).where(Order.number == "SO-FLAGGED")).first()
        assert flagged is not None
        db.add(OrderEvent(order_id=flagged.id, station="bench-1", seq=1, kind="exception_flagged"))
        db.commit()
    return store


def _file(store: Store, order: str, age_days: float, size: int = 1000) -> Path:
    data_dir = store.path.parent
    folder = evidence.evidence_dir(data_dir) / order
    folder.mkdir(parents=True, exist_ok=True)
    ended = NOW - timedelta(days=age_days)
    stamp = ended.strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"bench-1-{stamp}-00001.webm"
    path.write_bytes(b"v" * size)
    evidence.record(
        store, data_dir, evidence.ClosedFile(order, "bench-1", "video", path, ended, ended)
    )
    return path


def test_retention_deletes_old_evidence_but_never_a_pinned_order(store: Store) -> None:
    old, flagged, new = (
        _file(store, o, age) for o, age in (("SO-OLD", 40), ("SO-FLAGGED", 40), ("SO-NEW", 1))
    )

    result = evidence_storage.sweep(
        store, store.path.parent, "bench-1", retention_days=30, min_free_mb=0, now=NOW
    )

    assert result.deleted == 1 and not result.short_of_space
    assert (old.exists(), flagged.exists(), new.exists()) == (False, True, True)
    assert {row.order_number for row in evidence.files_of(store)} == {"SO-FLAGGED", "SO-NEW"}
    # The evidence row stays (append-only); its deletion is a row of its own, and
    # verify does not call a deleted file missing.
    with store.engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM evidencefile")).scalar() == 3
        assert db.execute(text("SELECT reason FROM evidencedeletion")).scalars().all() == [
            "retention"
        ]
        with pytest.raises(Exception, match="append-only"):
            db.execute(text("DELETE FROM evidencedeletion"))
    assert evidence.verify(store, store.path.parent) == []
    # `main.py evidence SO-OLD` says what went, when and why.
    (gone,) = evidence.deleted_of(store, "SO-OLD")
    assert (gone["path"], gone["reason"]) == (
        old.relative_to(store.path.parent).as_posix(),
        "retention",
    )


def test_a_full_disk_deletes_the_oldest_unpinned_first_and_warns(store: Store) -> None:
    oldest, flagged, newer = (
        _file(store, o, age) for o, age in (("SO-OLD", 3), ("SO-FLAGGED", 5), ("SO-NEW", 1))
    )
    free = {"bytes": 0}  # a disk with nothing free: deleting the files frees their size

    def free_bytes(_path: Path) -> int:
        gone = sum(1000 for path in (oldest, flagged, newer) if not path.exists())
        return free["bytes"] + gone

    result = evidence_storage.sweep(
        store,
        store.path.parent,
        "bench-1",
        retention_days=0,
        min_free_mb=1,
        now=NOW,
        free_bytes=free_bytes,
    )

    # Everything unpinned went, oldest first; the pinned order's video stays; still short.
    assert (oldest.exists(), flagged.exists(), newer.exists()) == (False, True, False)
    assert result.short_of_space
    warning = result.warning(1)
    assert warning is not None and "Packing goes on" in warning


def test_a_file_a_crash_left_unhashed_is_recorded_at_the_next_start(store: Store) -> None:
    data_dir = store.path.parent
    folder = evidence.evidence_dir(data_dir) / "SO-NEW"
    folder.mkdir(parents=True)
    crashed = folder / "bench-1-20261203T110000000000-00007.webm"
    crashed.write_bytes(b"half a segment")
    writing = folder / "bench-1-20261203T110002000000-00008.webm"
    writing.write_bytes(b"being written")
    empty = folder / "bench-1-20261203T105958000000-00006.webm"
    empty.touch()  # killed as it was opened: no frame in it

    count = evidence_storage.record_unhashed(
        store,
        data_dir,
        "bench-1",
        lambda path: None if path == empty else 1.5,
        skip=lambda path: path == writing,
    )

    (row,) = evidence.files_of(store, "SO-NEW")
    assert count == 1
    assert not empty.exists() and writing.exists()
    assert row.sha256 == evidence.sha256_of(crashed)
    assert row.started_at.replace(tzinfo=UTC) == datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
    assert (row.ended_at - row.started_at).total_seconds() == 1.5
