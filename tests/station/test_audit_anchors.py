"""The running station's anchors: written when the chain moved, kept when the central
database cannot take them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from station.audit.anchors import AnchorScheduler, log_anchors, store_anchors
from tests.helpers.factory import standard_bench


def test_an_anchor_when_the_chain_moved_and_an_unreachable_central_is_only_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    session.handle_scan("BADGE-P1")
    scheduler = AnchorScheduler(bench.store, central_url="postgresql://bench@127.0.0.1:1/central")
    caplog.set_level(logging.INFO)

    # The bench's chain, and the store's own (the packers, station name "").
    packers, anchor = scheduler.anchor_now()
    again = scheduler.anchor_now()
    session.handle_scan("SO-1")
    moved = scheduler.anchor_now()

    assert (packers.station, anchor.station, again) == ("", "bench-1", [])
    assert [a.seq for a in moved] == [anchor.seq + 1]
    assert {a.station: a.seq for a in store_anchors(bench.store)}["bench-1"] == anchor.seq + 1
    assert f"audit anchor: station=bench-1 seq={anchor.seq} hash={anchor.hash}" in caplog.text
    assert f"audit anchor: station= seq={packers.seq} hash={packers.hash}" in caplog.text
    assert "not sent to the central database" in caplog.text
    scheduler.start().stop()  # stops at once, between intervals
    session.close()
    bench.store.close()


def test_only_the_audit_loggers_own_lines_are_anchors(tmp_path: Path) -> None:
    digest = "ab" * 32
    said = f"audit anchor: station=bench-1 seq=99 hash={digest}"
    (tmp_path / "packstation.log").write_text(
        f"2026-12-03 10:00:00,000 INFO packstation.audit: {said}\n"
        f"2026-12-03 10:00:01,000 WARNING ui.wedge: wedge burst 'x {said}' refused: layout\n"
        f"2026-12-03 10:00:02,000 INFO packstation.audit: {said}0\n"
        # The store's own chain (the packers) is named by "".
        f"2026-12-03 10:00:03,000 INFO packstation.audit: audit anchor: station= seq=4 "
        f"hash={digest}\n"
    )

    anchor, packers = log_anchors(tmp_path)

    assert (anchor.station, anchor.seq, anchor.hash) == ("bench-1", 99, digest)
    assert (packers.station, packers.seq) == ("", 4)
