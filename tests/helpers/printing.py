"""A station printing over real TCP to the ZPL simulator, and what its store says of each job."""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import ZplSimulator
from station.models import PrintAttempt, PrintJob
from station.session import PackSession
from station.store import Store
from station.verdicts import Verdict, VerdictKind
from tests.helpers.factory import TAPE_EAN, Bench, add_order

STATION = "bench-1"
# Orders that bring their own tracking numbers print on the generic 100 x 150 mm
# label, which a ZPL printer takes (no courier profile or number range needed).


def tracking_of(number: int) -> str:
    return f"1ZFLT{number:013d}"


def add_orders(bench: Bench, count: int, prefix: str = "SO-F") -> list[str]:
    """`count` one-line orders (one roll of tape each), numbered from 1."""
    numbers = [f"{prefix}-{n}" for n in range(1, count + 1)]
    for n, number in enumerate(numbers, start=1):
        add_order(bench.store, number, {"TAPE-48": 1}, tracking=tracking_of(n))
    return numbers


def zpl_printer(sim: ZplSimulator | int, timeout: float = 10.0) -> ZplPrinter:
    """The station's printer for the simulator (or a port); `timeout` bounds every wait."""
    port = sim if isinstance(sim, int) else sim.port
    transport = TcpTransport("127.0.0.1", port, timeout=timeout)
    return ZplPrinter(transport, status_timeout=min(timeout, 2.0), take_timeout=timeout)


def seal(session: PackSession, number: str) -> Verdict:
    """Open the order and scan its one unit: the parcel is sealed and its label stored."""
    assert session.handle_scan(number).kind is VerdictKind.ORDER_OPENED
    sealed = session.handle_scan(TAPE_EAN)
    assert sealed.kind is VerdictKind.ORDER_COMPLETE, sealed.message
    assert sealed.job_id is not None
    return sealed


def attempts(store: Store, job_id: str) -> list[str]:
    """The job's attempts as stored, oldest first."""
    with store.session() as db:
        rows = db.exec(
            select(PrintAttempt.status)
            .where(PrintAttempt.job_id == uuid.UUID(job_id))
            .order_by(col(PrintAttempt.seq))
        ).all()
    return list(rows)


def job_status(store: Store, job_id: str) -> str:
    with store.session() as db:
        job = db.get(PrintJob, uuid.UUID(job_id))
    assert job is not None
    return job.status


def label_jobs(store: Store) -> dict[str, str]:
    """Tracking number -> job id of every label job of the station."""
    from station.labels import LabelContent

    with store.session() as db:
        jobs = db.exec(select(PrintJob).where(PrintJob.station == STATION)).all()
    return {LabelContent.from_json(job.content_json).tracking: str(job.id) for job in jobs}
