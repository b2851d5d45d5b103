"""Loading at the dock: every verdict, the close with its reasons, a load across a restart."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.audit.state import full_report
from station.couriers.plan import CourierBook
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.handoff.closing import Handover, close_load, not_loaded
from station.handoff.engine import DockAwaiting, LoadAnswer, LoadingSession
from station.handoff.manifest_data import canonical
from station.handoff.replay_lines import DockReplay
from station.models import OrderEvent, ScanEvent
from station.settings import Labels, Settings
from station.store import Store
from station.verdicts import VerdictKind
from tests.helpers.sealed import seal_orders

STATION = "dock-1"
# seal_orders: order n goes with DHL Express, PostNL, UPS, DHL Express, … in turn.
DHL = ["JJDSO0000000101", "JJDSO0000000401", "JJDSO0000000701"]
POSTNL = "JJDSO0000000201"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "data")
    seal_orders(store, "bench-1", 8)
    yield store
    store.close()


def dock(store: Store, settings: Settings | None = None) -> LoadingSession:
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, STATION))
    return LoadingSession(store, settings or Settings(station=STATION), CourierBook.load(), seq)


def scans(loading: LoadingSession, *lines: str) -> list[VerdictKind]:
    return [loading.handle_scan(line).kind for line in lines]


def signature_png() -> bytes:
    image = Image.new("L", (300, 100), 255)
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 70)], fill=0, width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def close(loading: LoadingSession, tmp_path: Path, **reasons: str) -> LoadAnswer:
    return close_load(
        loading,
        Handover("Dana Driver", "B-PS 123", signature_png()),
        tmp_path / "data",
        render_manifest_pdf,
        reasons=reasons or None,
        default_reason="kept for tomorrow",
    )


def test_a_load_counts_its_parcels_and_stops_the_wrong_courier(store: Store) -> None:
    loading = dock(store)
    assert scans(loading, "CMD-LOAD", "dhl express") == [
        VerdictKind.COURIER_REQUIRED,
        VerdictKind.LOAD_OPENED,
    ]
    first = loading.handle_scan(DHL[0])
    assert (first.kind, first.count, first.courier) == (VerdictKind.LOADED, 1, "DHL Express")
    wrong = loading.handle_scan(POSTNL)
    assert wrong.kind is VerdictKind.WRONG_COURIER
    assert "PostNL" in wrong.verdict.message and wrong.count == 1
    # A stop waits for its acknowledgement: the next parcel is not taken meanwhile.
    assert scans(loading, DHL[1], "CMD-ACK", DHL[1]) == [
        VerdictKind.NEEDS_ACKNOWLEDGEMENT,
        VerdictKind.ACKNOWLEDGED,
        VerdictKind.LOADED,
    ]
    again = loading.handle_scan(DHL[0])
    assert again.kind is VerdictKind.ALREADY_LOADED and again.count == 2
    with store.session() as db:
        stored = db.exec(text("SELECT verdict FROM handoff_scan ORDER BY seq")).all()
    assert [row[0] for row in stored][-4:] == [
        "needs_acknowledgement",
        "acknowledged",
        "loaded",
        "already_loaded",
    ]
    # Esc (CMD-ACK) with no stop waiting: nothing to acknowledge, not a label of no parcel.
    nothing = loading.handle_scan("CMD-ACK")
    assert (nothing.kind, nothing.awaiting) == (VerdictKind.ACKNOWLEDGED, DockAwaiting.NOTHING)


def test_an_unknown_courier_opens_no_load(store: Store) -> None:
    loading = dock(store)
    no_load = [VerdictKind.NO_LOAD_OPEN, VerdictKind.NO_LOAD_OPEN]
    assert scans(loading, DHL[0], "CMD-CLOSE-LOAD") == no_load
    assert scans(loading, "CMD-LOAD", "CMD-CLOSE-LOAD", "Pony Express", "UPS") == [
        VerdictKind.COURIER_REQUIRED,
        VerdictKind.NO_LOAD_OPEN,  # not taken for a courier's id; the courier still asked
        VerdictKind.UNKNOWN_COURIER,
        VerdictKind.LOAD_OPENED,
    ]
    still = loading.handle_scan("CMD-LOAD")
    assert still.kind is VerdictKind.LOAD_OPENED  # still that one, named as on its barcode
    assert still.verdict.message.startswith(f"Load {still.load} (UPS, opened ")
    # Closing needs the driver (the close dialog, or @driver in a replay).
    assert loading.handle_scan("CMD-CLOSE-LOAD").kind is VerdictKind.DRIVER_REQUIRED


def test_parcels_not_ready_are_refused_saying_why(store: Store) -> None:
    with store.session() as db:
        exception = queries.order_by_number(db, "SO-000004")
        cancelled = queries.order_by_number(db, "SO-000007")
        assert exception and cancelled
        for order, kind, note in (
            (exception, "exception_flagged", ""),
            (cancelled, "order_cancelled", ""),
            (exception, "label_voided", "JJDOLD000001 -> JJDSO0000000401"),
        ):
            db.add(OrderEvent(station="bench-1", seq=900, order_id=order.id, kind=kind, note=note))
        db.commit()
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express")
    expected = {
        "NOPE-123": "no sealed parcel",
        "JJDOLD000001": "voided",
        DHL[1]: "in exception",
        DHL[2]: "cancelled",
    }
    for tracking, words in expected.items():
        answer = loading.handle_scan(tracking)
        assert answer.kind is VerdictKind.NOT_READY, tracking
        assert words in answer.verdict.message
        assert loading.handle_scan("CMD-ACK").kind is VerdictKind.ACKNOWLEDGED
    assert loading.state.count == 0


def test_a_label_never_scanned_back_is_not_ready_where_scan_back_is_required(
    store: Store,
) -> None:
    settings = Settings(station=STATION, labels=Labels(scan_back="required"))
    loading = dock(store, settings)
    scans(loading, "CMD-LOAD", "DHL Express")
    answer = loading.handle_scan(DHL[0])
    assert answer.kind is VerdictKind.NOT_READY and "scanned back" in answer.verdict.message
    with store.session() as db:
        db.add(
            ScanEvent(station="bench-1", seq=901, raw=DHL[1], code=DHL[1], verdict="label_verified")
        )
        db.commit()
    assert scans(loading, "CMD-ACK", DHL[1]) == [VerdictKind.ACKNOWLEDGED, VerdictKind.LOADED]


def test_an_open_load_survives_a_restart_and_resumes(store: Store) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0], POSTNL)
    # Killed here: a new process reads the store.
    again = dock(store)
    assert again.state.load is not None and again.state.count == 1
    assert again.state.awaiting is DockAwaiting.ACKNOWLEDGEMENT  # the stop still waits
    shown = again.view()  # and a screen that opens shows it again
    assert shown is not None and shown.kind is VerdictKind.WRONG_COURIER
    assert scans(again, "CMD-ACK", DHL[0], DHL[1]) == [
        VerdictKind.ACKNOWLEDGED,
        VerdictKind.ALREADY_LOADED,
        VerdictKind.LOADED,
    ]
    with store.session() as db:
        seqs = db.exec(text("SELECT seq FROM handoff_scan ORDER BY seq")).all()
    assert len({row[0] for row in seqs}) == len(seqs)  # one sequence, no number twice


def test_a_close_lists_what_was_not_loaded_and_never_changes(store: Store, tmp_path: Path) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0], DHL[1])
    assert [parcel.tracking for parcel in not_loaded(loading)] == [DHL[2]]
    with pytest.raises(UserError, match=DHL[2]):
        close_load(loading, Handover("Dana"), tmp_path / "data", render_manifest_pdf)
    assert loading.state.load is not None  # nothing stored: still open

    answer = close(loading, tmp_path, **{DHL[2]: "box crushed, repacking"})

    assert answer.kind is VerdictKind.LOAD_CLOSED and answer.parcels == 2
    manifest = Path(str(answer.manifest))
    body = json.loads(manifest.with_suffix(".json").read_text(encoding="utf-8"))
    recorded = body.pop("sha256")
    assert [p["tracking"] for p in body["parcels"]] == DHL[:2]
    assert body["left"] == [
        {"tracking": DHL[2], "order": "SO-000007", "reason": "box crushed, repacking"}
    ]
    with store.session() as db:
        stored = db.exec(text("SELECT manifest_sha256, driver_name FROM handoff_close")).one()
    assert stored == (recorded, "Dana Driver")
    assert hashlib.sha256(canonical(body)).hexdigest() == recorded
    # Closed: a late parcel is stopped, and the rows refuse any change.
    late = loading.handle_scan(DHL[2])
    assert late.kind is VerdictKind.LOAD_CLOSED and late.awaiting is DockAwaiting.ACKNOWLEDGEMENT
    with store.session() as db, pytest.raises(DatabaseError, match="append-only"):
        db.exec(text("UPDATE handoff_close SET driver_name = 'someone else'"))
    # The parcel left behind goes on the next load; one on the closed load cannot.
    assert scans(loading, "CMD-ACK", "CMD-LOAD", "DHL Express", DHL[2], DHL[0]) == [
        VerdictKind.ACKNOWLEDGED,
        VerdictKind.COURIER_REQUIRED,
        VerdictKind.LOAD_OPENED,
        VerdictKind.LOADED,
        VerdictKind.ALREADY_LOADED,
    ]


def test_a_close_edited_behind_the_station_breaks_the_audit_chain(
    store: Store, tmp_path: Path
) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0])
    close(loading, tmp_path)
    assert full_report(store).ok
    with sqlite3.connect(store.path) as db:  # someone with the file, not PackStation
        db.execute("DROP TRIGGER handoff_close_no_update")
        db.execute("UPDATE handoff_close SET driver_name = 'Nobody', parcel_count = 0")
    problem = full_report(store).first()
    assert problem is not None and "handoff_close" in problem.message


def test_a_manifest_that_cannot_be_written_leaves_the_load_open(
    store: Store, tmp_path: Path
) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0])
    (tmp_path / "data" / "manifests").write_text("a file where the folder goes")
    with pytest.raises(UserError, match="the load stays open"):
        close(loading, tmp_path)
    assert loading.state.load is not None and loading.handle_scan(DHL[1]).count == 2


def test_a_driver_name_the_manifest_cannot_print_leaves_the_load_open(
    store: Store, tmp_path: Path
) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0])
    assert loading.record_driver("x" * 81).kind is VerdictKind.DRIVER_REQUIRED
    with pytest.raises(UserError, match="cannot be drawn"):
        close_load(
            loading,
            Handover("Dana \ue000"),
            tmp_path / "data",
            render_manifest_pdf,
            default_reason="-",
        )
    assert loading.state.load is not None


def test_a_replayed_close_load_goes_to_the_dock_even_before_any_load(
    store: Store, tmp_path: Path
) -> None:
    replay = DockReplay(dock(store), tmp_path / "data", render_manifest_pdf)
    assert not replay.takes("SO-000001")  # a bench's line stays the bench's
    assert replay.takes("CMD-CLOSE-LOAD")  # as the window does: the dock answers it
    assert replay.answer("CMD-CLOSE-LOAD")["verdict"] == VerdictKind.NO_LOAD_OPEN


def test_a_replayed_close_without_a_driver_is_answered_as_the_close(
    store: Store, tmp_path: Path
) -> None:
    replay = DockReplay(dock(store), tmp_path / "data", render_manifest_pdf)
    for line in ("CMD-LOAD", "DHL Express", DHL[0]):
        replay.answer(line)
    answers = [replay.answer(line) for line in ("@driver", "CMD-CLOSE-LOAD")]
    assert [(a["scan"], a["verdict"]) for a in answers] == [
        ("@driver", VerdictKind.DRIVER_REQUIRED),
        ("CMD-CLOSE-LOAD", VerdictKind.DRIVER_REQUIRED),
    ]
    with store.session() as db:
        stored = db.exec(text("SELECT raw FROM handoff_scan ORDER BY seq")).all()
    assert [row[0] for row in stored][-2:] == ["@driver", "CMD-CLOSE-LOAD"]


def test_a_dialogs_barcode_with_no_dialog_open_is_no_parcel(store: Store) -> None:
    loading = dock(store)
    assert scans(loading, "CMD-LOAD", "DHL Express") == [
        VerdictKind.COURIER_REQUIRED,
        VerdictKind.LOAD_OPENED,
    ]
    # Not a red 'NOT READY: the label of no sealed parcel' stop: nothing to choose, go on.
    assert scans(loading, "CMD-CLOSE", "CMD-OK", "CMD-REASON-2", DHL[0]) == [
        VerdictKind.NOTHING_TO_CHOOSE,
        VerdictKind.NOTHING_TO_CHOOSE,
        VerdictKind.NOTHING_TO_CHOOSE,
        VerdictKind.LOADED,
    ]
