"""An order's scan trail in its video: every scan of it, with its offset."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from station import evidence
from station.models import utc_now
from tests.helpers.factory import TAPE_EAN, standard_bench


def test_the_label_scanned_back_after_the_seal_is_in_the_orders_trail(tmp_path: Path) -> None:
    # It is stored with no order (none is open by then), yet it ends the order's video.
    bench = standard_bench(tmp_path)
    session = bench.session()
    started = utc_now()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-3")
    done = session.wait_for_label(session.handle_scan(TAPE_EAN))
    session.handle_scan(done.tracking)
    segment = evidence.evidence_dir(bench.data_dir) / "SO-3" / "bench-1-segment-00001.webm"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(b"video")
    closed = evidence.ClosedFile(
        "SO-3", "bench-1", "video", segment, started, utc_now() + timedelta(seconds=1)
    )
    evidence.record(bench.store, bench.data_dir, closed)

    trail = evidence.scan_trail(bench.store, "SO-3", evidence.files_of(bench.store, "SO-3"))

    assert [(scan.raw, scan.verdict) for scan in trail] == [
        ("SO-3", "order_opened"),
        (TAPE_EAN, "order_complete"),
        (done.tracking, "label_verified"),
    ]
    assert trail[-1].video_offset_s is not None
