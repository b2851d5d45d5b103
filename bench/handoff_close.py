"""Loading at the dock: scan-to-verdict per parcel, and closing a 500-parcel load.

Run: uv run python bench/handoff_close.py [--parcels 500]
Targets (2-core machine): p99 scan onto a load at most 20 ms (durable write
included); a 500-parcel load closes, its manifest PDF, CSV and JSON written,
in at most 3 s.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw

from bench._data import percentile
from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.couriers.plan import CourierBook
from station.event_sequence import SeqCounter
from station.handoff.closing import Handover, close_load
from station.handoff.engine import LoadingSession
from station.settings import Settings
from station.store import Store
from station.verdicts import VerdictKind
from tests.helpers.sealed import seal_orders


def signature() -> bytes:
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).line([(20, 150), (200, 40), (400, 160), (580, 60)], fill=0, width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=500)
    wanted = parser.parse_args().parcels
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        store = Store.open(data_dir)
        # Three couriers in turn: a day's other parcels are in the store too.
        sealed = seal_orders(store, "bench-1", wanted * 3)
        trackings = [f"JJDSO{n + 1:08d}01" for n in range(0, wanted * 3, 3)]
        with store.session() as db:
            seq = SeqCounter(queries.next_seq(db, "dock"))
        loading = LoadingSession(store, Settings(station="dock"), CourierBook.load(), seq)
        loading.handle_scan("CMD-LOAD")
        loading.handle_scan("DHL Express")
        times: list[float] = []
        for tracking in trackings:
            start = time.perf_counter()
            answer = loading.handle_scan(tracking)
            times.append((time.perf_counter() - start) * 1000)
            assert answer.kind is VerdictKind.LOADED, answer.verdict.message
        print(f"store: {len(sealed.parcel_ids)} sealed parcels; {len(times)} scanned onto a load")
        print(
            f"scan onto a load (committed):  p50 {percentile(times, 50):6.2f} ms   "
            f"p99 {percentile(times, 99):6.2f} ms   max {max(times):6.2f} ms"
        )
        start = time.perf_counter()
        closed = close_load(
            loading,
            Handover("Dana Driver", "HH-PS 42", signature()),
            data_dir,
            render_manifest_pdf,
        )
        elapsed = time.perf_counter() - start
        assert closed.parcels == wanted, closed.verdict.message
        pdf = Path(str(closed.manifest))
        print(
            f"close a {wanted}-parcel load, manifest written: {elapsed:5.2f} s "
            f"(PDF {pdf.stat().st_size // 1024} KiB)"
        )
        store.close()


if __name__ == "__main__":
    main()
