"""Paper runs out in the middle of a run of labels: no label is lost, none prints twice.

A real PackSession prints through a real ZplPrinter over TCP to the ZPL
printer simulator, which answers ~HS with the state the test sets. Waits are
on the simulator's and the print queue's own events, never on sleeps.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station import print_jobs
from station.models import PrintAttempt, PrintJob
from station.print_outcomes import LabelOutcome
from station.session import PackSession
from station.verdicts import VerdictKind
from tests.helpers.factory import TAPE_EAN, Bench, add_order, standard_bench
from tests.helpers.zpl_sim import zpl_simulator

WAIT_S = 30.0  # generous for a loaded machine; a passing run never waits this long
# Orders that bring their own tracking numbers print on the generic 100 x 150 mm
# label, which a ZPL printer takes (no courier profile or number range needed).
ORDERS = {f"SO-RUN-{n}": f"1ZRUN{n:013d}" for n in range(1, 7)}
STATION = "bench-1"


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = standard_bench(tmp_path)
    for number, tracking in ORDERS.items():
        add_order(bench.store, number, {"TAPE-48": 1}, tracking=tracking)
    yield bench
    bench.store.close()


@pytest.fixture
def printer() -> Iterator[ZplSimulator]:
    with zpl_simulator() as simulator:
        yield simulator


class Outcomes:
    """Every print attempt the session reports, to wait on from the test thread."""

    def __init__(self) -> None:
        self.seen: list[LabelOutcome] = []
        self._changed = threading.Condition()

    def __call__(self, outcome: LabelOutcome) -> None:
        with self._changed:
            self.seen.append(outcome)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[list[LabelOutcome]], bool]) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: condition(self.seen), WAIT_S)


def open_session(bench: Bench, printer: ZplSimulator) -> PackSession:
    zpl = ZplPrinter(TcpTransport("127.0.0.1", printer.port, timeout=WAIT_S))
    return PackSession(bench.store, bench.settings, zpl, STATION)


def pack(session: PackSession, number: str) -> str:
    """Open an order, scan its one item; the parcel is sealed. Returns its tracking number."""
    assert session.handle_scan(number).kind is VerdictKind.ORDER_OPENED
    sealed = session.handle_scan(TAPE_EAN)
    assert sealed.kind is VerdictKind.ORDER_COMPLETE, sealed.message
    assert sealed.tracking == ORDERS[number] and sealed.job_id
    return sealed.tracking


def paper_runs_out_after_two_labels(session: PackSession, printer: ZplSimulator) -> list[str]:
    """Pack the first two orders with paper, then the rest while the printer is empty."""
    assert session.handle_scan("BADGE-P1").kind is VerdictKind.LOGIN
    numbers = list(ORDERS)
    trackings = [pack(session, number) for number in numbers[:2]]
    assert session.wait_for_printer(WAIT_S)
    assert printer.wait_for_jobs(2, WAIT_S)
    printer.state = SimulatedState.PAPER_OUT
    asked = printer.status_requests
    # The packer keeps packing: every verdict comes at once, whatever the printer does.
    trackings += [pack(session, number) for number in numbers[2:]]
    assert printer.wait_for_status_requests(asked + 1, WAIT_S), "the queue asked the printer"
    return trackings


def assert_each_label_printed_once(printer: ZplSimulator, trackings: list[str]) -> None:
    printed = Counter(t for job in printer.jobs for t in trackings if t.encode() in job)
    assert printed == Counter(trackings), "every order's label exactly once"
    assert len(printer.jobs) == len(ORDERS)


def assert_every_stored_job_delivered_once(bench: Bench) -> None:
    with bench.store.session() as db:
        jobs = db.exec(select(PrintJob).where(PrintJob.station == STATION)).all()
        delivered = Counter(
            db.exec(select(PrintAttempt.job_id).where(PrintAttempt.status == "delivered")).all()
        )
        failed = db.exec(select(PrintAttempt).where(PrintAttempt.status == "failed")).all()
        assert print_jobs.jobs_to_send(db, STATION) == []
    assert len(jobs) == len(ORDERS)
    assert delivered == Counter({uuid.UUID(str(job.id)): 1 for job in jobs})
    assert failed, "the attempts while out of paper are on record"
    assert all("out of paper" in attempt.detail for attempt in failed)


def test_paper_out_mid_run_loses_no_label_and_prints_none_twice(
    bench: Bench, printer: ZplSimulator
) -> None:
    session = open_session(bench, printer)
    outcomes = Outcomes()
    session.on_label(outcomes)
    try:
        trackings = paper_runs_out_after_two_labels(session, printer)
        assert outcomes.wait_for(
            lambda seen: any(o.error and "out of paper" in o.error for o in seen)
        ), "the packer is told the printer is out of paper"
        assert len(printer.jobs) == 2, "nothing is sent to an empty printer"

        printer.state = SimulatedState.READY  # labels loaded
        assert session.wait_for_printer(WAIT_S)
    finally:
        session.close()
    assert_each_label_printed_once(printer, trackings)
    assert_every_stored_job_delivered_once(bench)
    delivered_in_order = [o.tracking for o in outcomes.seen if o.location is not None]
    assert delivered_in_order == trackings, "labels come out in the order parcels were sealed"


def test_a_restart_while_out_of_paper_still_prints_each_label_once(
    bench: Bench, printer: ZplSimulator
) -> None:
    first = open_session(bench, printer)
    try:
        trackings = paper_runs_out_after_two_labels(first, printer)
    finally:
        first.close()  # the station is closed while the printer is still empty
    assert len(printer.jobs) == 2

    asked = printer.status_requests
    second = open_session(bench, printer)  # the next start, on the same store
    try:
        assert printer.wait_for_status_requests(asked + 1, WAIT_S), "stored labels are resumed"
        assert len(printer.jobs) == 2, "still held: no paper yet"
        printer.state = SimulatedState.READY
        assert second.wait_for_printer(WAIT_S)
    finally:
        second.close()
    assert_each_label_printed_once(printer, trackings)
    assert_every_stored_job_delivered_once(bench)
