"""Bulk printing: each chosen label once, who and why on record, cancel and errors kept apart.

Real parts throughout: the station's store, the folder printer (PDFs read
back with pdftoppm and a barcode decoder) and the ZPL printer talking TCP to
the port-9100 simulator.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from devices.barcode_decode import decode_image
from devices.pdf.file_printer import FileLabelPrinter
from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station import print_jobs, queries
from station.bulk_print import BULK_EVENT, BulkPrinter, BulkRun, Wave
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.models import OrderEvent, Packer, Parcel, PrintAttempt, PrintJob
from station.ports import LabelPrinter
from station.print_queue import PrintQueue
from station.store import Store
from tests.helpers.late_printer import LateAnswerPrinter
from tests.helpers.pdf import page_images
from tests.helpers.sealed import Sealed, seal_orders
from tests.helpers.zpl_sim import fields

STATION = "bench-1"
REASON = "labels fell off in the rain"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture
def simulator() -> Iterator[ZplSimulator]:
    with ZplSimulator() as simulator:
        yield simulator


def seq_of(store: Store) -> SeqCounter:
    with store.session() as db:
        return SeqCounter(queries.next_seq(db, STATION))


def bulk_printer(store: Store, printer: LabelPrinter) -> BulkPrinter:
    return BulkPrinter(store, printer, STATION, seq_of(store))


def zpl_printer(simulator: ZplSimulator) -> ZplPrinter:
    return ZplPrinter(TcpTransport("127.0.0.1", simulator.port), dpi=203)


def tracking_of(store: Store, parcel_id: uuid.UUID) -> str:
    with store.session() as db:
        parcel = db.get(Parcel, parcel_id)
        assert parcel is not None
        return parcel.tracking


def zpl_trackings(simulator: ZplSimulator) -> list[str]:
    """The tracking barcode (^BC field) of every label the printer received, in order."""
    return [field.text for job in simulator.jobs for field in fields(job) if "BC" in field.commands]


def pdf_trackings(folder: Path, pages: Path) -> list[str]:
    """What a scanner reads off every PDF in the folder."""
    found: list[str] = []
    for pdf in sorted(folder.glob("*.pdf")):
        (page,) = page_images(pdf, pages / pdf.stem)
        found += decode_image(page)
    return found


def statuses(store: Store, run: BulkRun) -> list[list[str]]:
    """Every recorded attempt of each job of the run, in the run's order."""
    with store.session() as db:
        rows = db.exec(
            select(PrintAttempt).where(col(PrintAttempt.job_id).in_([j.job_id for j in run.jobs]))
        ).all()
    by_job: dict[uuid.UUID, list[PrintAttempt]] = {}
    for row in sorted(rows, key=lambda row: row.seq):
        by_job.setdefault(row.job_id, []).append(row)
    return [[a.status for a in by_job.get(job.job_id, [])] for job in run.jobs]


def restart_resends(store: Store, printer: LabelPrinter) -> int:
    """How many stored labels a station starting now would print."""
    queue = PrintQueue(store, printer, STATION, seq_of(store))
    try:
        return queue.resume_stored()
    finally:
        queue.close()


def test_the_chosen_labels_print_once_each_and_scan_back(store: Store, tmp_path: Path) -> None:
    sealed = seal_orders(store, STATION, 4)
    chosen = [sealed.parcel_ids[3], sealed.parcel_ids[0], sealed.parcel_ids[2]]
    folder = tmp_path / "labels"
    seen: list[tuple[int, int, str | None]] = []

    summary = bulk_printer(store, FileLabelPrinter(folder)).print_parcels(
        [*chosen, sealed.parcel_ids[0]],  # chosen twice, printed once
        sealed.packer_id,
        REASON,
        progress=lambda done, total, error: seen.append((done, total, error)),
    )

    want = sorted(tracking_of(store, parcel) for parcel in chosen)
    assert sorted(pdf_trackings(folder, tmp_path / "pages")) == want
    assert (summary.delivered, summary.rejected, summary.cancelled) == (3, 0, 0)
    assert seen == [(0, 3, None), (1, 3, None), (2, 3, None), (3, 3, None)]


def test_labels_reach_the_zpl_printer_once_each_in_the_order_they_were_sealed(
    store: Store, simulator: ZplSimulator
) -> None:
    sealed = seal_orders(store, STATION, 3, boxes=2)
    bulk = bulk_printer(store, zpl_printer(simulator))

    run = bulk.store_run(list(reversed(sealed.parcel_ids)), sealed.packer_id, REASON)
    summary = bulk.deliver(run)

    assert zpl_trackings(simulator) == [tracking_of(store, p) for p in sealed.parcel_ids]
    assert summary.delivered == 6
    assert statuses(store, run) == [["sending", "delivered"]] * 6


def test_who_asked_and_why_is_recorded_for_every_parcel(store: Store, tmp_path: Path) -> None:
    sealed = seal_orders(store, STATION, 2, boxes=2)

    run = bulk_printer(store, FileLabelPrinter(tmp_path)).store_run(
        sealed.parcel_ids, sealed.packer_id, f"  {REASON} "
    )

    with store.session() as db:
        events = db.exec(select(OrderEvent).where(OrderEvent.kind == BULK_EVENT)).all()
        who = {db.get(Packer, event.packer_id).name for event in events}  # type: ignore[union-attr]
        kinds = {db.get(PrintJob, job.job_id).kind for job in run.jobs}  # type: ignore[union-attr]
    assert len(events) == 4 and {event.reason for event in events} == {REASON}
    assert who == {"Sam"} and kinds == {"bulk"}
    assert all(str(run.run_id) in event.note for event in events)


def test_cancel_stops_after_the_label_in_hand_and_a_restart_does_not_print_the_rest(
    store: Store, tmp_path: Path
) -> None:
    sealed = seal_orders(store, STATION, 5)
    folder = tmp_path / "labels"
    printer = FileLabelPrinter(folder)
    cancel = threading.Event()

    def progress(done: int, total: int, error: str | None) -> None:
        if done == 2:
            cancel.set()  # as the Cancel button does while label 2 prints

    bulk = bulk_printer(store, printer)
    run = bulk.store_run(sealed.parcel_ids, sealed.packer_id, REASON)
    summary = bulk.deliver(run, progress, cancel)

    assert (summary.delivered, summary.cancelled, summary.stopped_by) == (2, 3, None)
    assert summary.not_printed == tuple(sealed.parcel_ids[2:])
    assert statuses(store, run) == [["sending", "delivered"]] * 2 + [["cancelled"]] * 3
    assert len(list(folder.glob("*.pdf"))) == 2
    assert restart_resends(store, printer) == 0


def test_a_run_killed_before_its_labels_went_out_prints_them_at_the_next_start(
    store: Store, tmp_path: Path
) -> None:
    sealed = seal_orders(store, STATION, 3)
    folder = tmp_path / "labels"
    printer = FileLabelPrinter(folder)
    # Stored, then the process died: nothing was sent, nothing was cancelled.
    bulk_printer(store, printer).store_run(sealed.parcel_ids, sealed.packer_id, REASON)

    queue = PrintQueue(store, printer, STATION, seq_of(store))
    try:
        assert queue.resume_stored() == 3
        assert queue.idle(timeout=60)
    finally:
        queue.close()

    want = sorted(tracking_of(store, parcel) for parcel in sealed.parcel_ids)
    assert sorted(pdf_trackings(folder, tmp_path / "pages")) == want


def test_a_label_that_can_never_print_is_set_aside_and_the_run_goes_on(
    store: Store, simulator: ZplSimulator
) -> None:
    sealed = seal_orders(store, STATION, 3)
    bad = sealed.parcel_ids[1]
    with store.session() as db:  # a label stored for a receipt roll: no ZPL printer prints it
        job = db.exec(select(PrintJob).where(PrintJob.parcel_id == bad)).one()
        job.content_json = replace(LabelContent.from_json(job.content_json), size="58mm").to_json()
        db.add(job)
        db.commit()
    bulk = bulk_printer(store, zpl_printer(simulator))

    run = bulk.store_run(sealed.parcel_ids, sealed.packer_id, REASON)
    summary = bulk.deliver(run)

    assert (summary.delivered, summary.rejected, summary.cancelled) == (2, 1, 0)
    assert summary.not_printed == (bad,) and summary.first_error
    assert zpl_trackings(simulator) == [
        tracking_of(store, sealed.parcel_ids[0]),
        tracking_of(store, sealed.parcel_ids[2]),
    ]
    assert statuses(store, run) == [
        ["sending", "delivered"],
        ["sending", "rejected"],
        ["sending", "delivered"],
    ]


def test_a_printer_out_of_paper_stops_the_run_and_its_rest_is_cancelled(
    store: Store, simulator: ZplSimulator
) -> None:
    sealed = seal_orders(store, STATION, 4)
    printer = zpl_printer(simulator)

    def progress(done: int, total: int, error: str | None) -> None:
        if done == 1:
            simulator.state = SimulatedState.PAPER_OUT

    bulk = bulk_printer(store, printer)
    run = bulk.store_run(sealed.parcel_ids, sealed.packer_id, REASON)
    summary = bulk.deliver(run, progress)

    assert (summary.delivered, summary.cancelled) == (1, 3)
    assert summary.stopped_by is not None and "out of paper" in summary.stopped_by
    assert summary.not_printed == tuple(sealed.parcel_ids[1:])
    assert (
        statuses(store, run)
        == [
            ["sending", "delivered"],
            ["sending", "failed", "cancelled"],
        ]
        + [["cancelled"]] * 2
    )
    simulator.state = SimulatedState.READY
    assert restart_resends(store, printer) == 0
    assert len(simulator.jobs) == 1


@pytest.mark.parametrize(
    ("reason", "who", "chosen", "message"),
    [
        ("  ", "supervisor", "all", "needs a reason"),
        (REASON, None, "all", "supervisor's badge"),
        (REASON, "stranger", "all", "supervisor's badge"),
        (REASON, "a packer", "all", "supervisor's badge"),
        (REASON, "supervisor", "none", "Choose at least one parcel"),
        (REASON, "supervisor", "unknown", "with no label to print again"),
    ],
)
def test_a_bad_request_is_refused_with_what_to_do_and_nothing_is_stored(
    store: Store, tmp_path: Path, reason: str, who: str | None, chosen: str, message: str
) -> None:
    sealed = seal_orders(store, STATION, 2)
    with store.session() as db:
        ben = Packer(badge="BADGE-P9", name="Ben", role="packer")
        db.add(ben)
        db.commit()
        ben_id = ben.id
    who_asks = {"supervisor": sealed.packer_id, "stranger": uuid.uuid4(), "a packer": ben_id}
    packer = who_asks.get(who) if who else None
    parcels = {
        "all": sealed.parcel_ids,
        "none": [],
        "unknown": [sealed.parcel_ids[0], uuid.uuid4()],
    }[chosen]
    bulk = bulk_printer(store, FileLabelPrinter(tmp_path))

    with pytest.raises(UserError, match=message):
        bulk.print_parcels(parcels, packer, reason)

    with store.session() as db:
        assert db.exec(select(PrintJob).where(PrintJob.kind == "bulk")).all() == []
        assert db.exec(select(OrderEvent).where(OrderEvent.kind == BULK_EVENT)).all() == []


def test_a_wave_is_what_this_station_sealed_in_a_time_window(store: Store) -> None:
    noon = datetime(2025, 3, 14, 12, 0).astimezone()  # local noon: "today" is that day
    seal_orders(store, STATION, 2, prefix="Y", sealed_at=noon - timedelta(days=1))
    today = seal_orders(store, STATION, 3, prefix="T", sealed_at=noon - timedelta(hours=1))
    seal_orders(store, "bench-2", 1, prefix="B2", sealed_at=noon)
    bulk = bulk_printer(store, FileLabelPrinter(Path("unused")))

    wave = bulk.sealed(Wave.today(STATION, now=noon))
    some = bulk.sealed(replace(Wave.today(STATION, now=noon), orders=("T-000002", "Y-000001")))

    assert [p.parcel_id for p in wave] == today.parcel_ids
    assert [p.order_number for p in wave] == ["T-000001", "T-000002", "T-000003"]
    assert wave[0].sealed_at == noon - timedelta(hours=1)
    assert [p.order_number for p in some] == ["T-000002"]


def test_a_voided_label_prints_with_its_new_tracking_number(
    store: Store, simulator: ZplSimulator
) -> None:
    sealed: Sealed = seal_orders(store, STATION, 1)
    (parcel_id,) = sealed.parcel_ids
    with store.session() as db:  # what voiding leaves: a new number and its replacement job
        parcel = db.get(Parcel, parcel_id)
        original = db.exec(select(PrintJob).where(PrintJob.parcel_id == parcel_id)).one()
        assert parcel is not None
        parcel.tracking = "JJDNEW0000000001"
        content = replace(LabelContent.from_json(original.content_json), tracking=parcel.tracking)
        db.add(parcel)
        db.add(
            PrintJob(
                station=STATION,
                seq=original.seq + 100,
                parcel_id=parcel_id,
                kind="replacement",
                content_json=content.to_json(),
            )
        )
        db.commit()

    bulk_printer(store, zpl_printer(simulator)).print_parcels([parcel_id], sealed.packer_id, REASON)

    assert zpl_trackings(simulator) == ["JJDNEW0000000001"]


def test_after_a_bulk_run_the_last_label_is_still_the_benchs_own(
    store: Store, tmp_path: Path
) -> None:
    sealed = seal_orders(store, STATION, 3)

    bulk_printer(store, FileLabelPrinter(tmp_path)).print_parcels(
        [sealed.parcel_ids[0]], sealed.packer_id, REASON
    )

    with store.session() as db:  # what Reprint label and Print slip fall back to
        last = queries.last_label_job(db, STATION)
        order = queries.last_sealed_order(db, STATION)
    assert last is not None and last.parcel_id == sealed.parcel_ids[2]
    assert order is not None and order.number == sealed.orders[2]


def test_a_label_the_printer_may_have_printed_stops_the_run_and_is_asked_not_cancelled(
    store: Store,
) -> None:
    sealed = seal_orders(store, STATION, 3)
    late = LateAnswerPrinter()
    try:
        transport = TcpTransport("127.0.0.1", late.port, timeout=1.0)
        printer = ZplPrinter(transport, status_timeout=1.0, take_timeout=1.0)
        bulk = bulk_printer(store, printer)
        run = bulk.store_run(sealed.parcel_ids, sealed.packer_id, REASON)
        summary = bulk.deliver(run)
        assert late.labels == 1
        assert restart_resends(store, printer) == 0, "neither resent nor cancelled"
    finally:
        late.close()
    assert summary.delivered == 0 and summary.cancelled == 2
    assert summary.stopped_by is not None and "may have printed" in summary.stopped_by
    assert statuses(store, run) == [["sending", "in_doubt"], ["cancelled"], ["cancelled"]]
    with store.session() as db:
        assert [job.id for job in print_jobs.jobs_in_doubt(db, STATION)] == [run.jobs[0].job_id]


def test_a_printer_that_disappears_mid_run_stops_it_and_nothing_is_recorded_printed(
    store: Store,
) -> None:
    sealed = seal_orders(store, STATION, 4)
    simulator = ZplSimulator().start()
    printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port, timeout=1.0), dpi=203)

    def progress(done: int, total: int, error: str | None) -> None:
        if done == 1:
            simulator.stop()

    bulk = bulk_printer(store, printer)
    run = bulk.store_run(sealed.parcel_ids, sealed.packer_id, REASON)
    summary = bulk.deliver(run, progress)

    assert (summary.delivered, summary.cancelled) == (1, 3)
    assert summary.stopped_by is not None and "cannot be reached" in summary.stopped_by
    assert statuses(store, run) == [
        ["sending", "delivered"],
        ["sending", "failed", "cancelled"],
        ["cancelled"],
        ["cancelled"],
    ]
    assert len(simulator.jobs) == 1


def test_a_bulk_run_and_the_print_queue_never_have_two_labels_in_flight_at_once(
    store: Store, simulator: ZplSimulator
) -> None:
    """The odometer read before a label is its proof after a crash only if no other label
    of this station goes out between that reading and the label's outcome."""
    sealed = seal_orders(store, STATION, 8)
    printer = zpl_printer(simulator)
    seq = seq_of(store)
    bulk = BulkPrinter(store, printer, STATION, seq)
    by_bulk = bulk.store_run(sealed.parcel_ids[:4], sealed.packer_id, REASON)
    by_queue = bulk.store_run(sealed.parcel_ids[4:], sealed.packer_id, REASON)
    queue = PrintQueue(store, printer, STATION, seq)
    try:
        with store.session() as db:
            for job in by_queue.jobs:
                stored = db.get(PrintJob, job.job_id)
                assert stored is not None
                queue.submit_stored(stored)
        summary = bulk.deliver(by_bulk)
        assert queue.idle(30.0)
    finally:
        queue.close()
    assert summary.delivered == 4 and len(simulator.jobs) == 8
    with store.session() as db:
        rows = db.exec(select(PrintAttempt).order_by(col(PrintAttempt.seq))).all()
    ours = {job.job_id for job in [*by_bulk.jobs, *by_queue.jobs]}
    sent = [(row.job_id, row.status) for row in rows if row.job_id in ours]
    assert len(sent) == 16
    for (job, status), (next_job, next_status) in zip(sent[::2], sent[1::2], strict=True):
        assert (status, next_status, next_job) == ("sending", "delivered", job)
