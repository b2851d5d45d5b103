"""Print jobs' statuses, and the reads and writes of their attempts.

A job's attempts are append-only; the job row carries the status of its
newest one (a trigger keeps it, see migration 0006), so what is still to send
is one indexed read of the open jobs, however many jobs were ever printed.

The life of a job:

    pending -> sending -> delivered          the printer took it
                       -> failed -> sending  not taken: sent again, with backoff
                       -> rejected           can never print as it is: set aside
    sending (left by a crash) -> delivered   the printer can tell it printed
                              -> failed      it can tell it did not: sent again
                              -> in_doubt    it cannot tell: the packer is asked
    in_doubt -> confirmed                    "Printed"
             -> reprint -> sending           "Reprint"
    pending (bulk run) -> cancelled          never sent by itself
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import insert
from sqlmodel import Session, col, select

from station.models import PrintAttempt, PrintJob, new_id, utc_now
from station.store import Store


class JobStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    IN_DOUBT = "in_doubt"
    CONFIRMED = "confirmed"
    REPRINT = "reprint"


TO_SEND = (JobStatus.PENDING, JobStatus.FAILED, JobStatus.REPRINT)


def jobs_to_send(db: Session, station: str) -> list[PrintJob]:
    """The station's jobs waiting for the printer, oldest first.

    Delivered and confirmed jobs are done; rejected ones cannot print as
    stored; cancelled ones (the rest of a stopped bulk run) must not print
    by surprise; a job in doubt waits for the packer's answer.
    """
    return _with_status(db, station, TO_SEND)


def jobs_sending(db: Session, station: str) -> list[tuple[PrintJob, str]]:
    """Jobs whose bytes were going out when the station stopped, with their checkpoints."""
    jobs = _with_status(db, station, (JobStatus.SENDING,))
    return [(job, _checkpoint_of(db, job.id)) for job in jobs]


def jobs_in_doubt(db: Session, station: str) -> list[PrintJob]:
    """Jobs that may have printed: the packer is asked about each, oldest first."""
    return _with_status(db, station, (JobStatus.IN_DOUBT,))


def job_status(db: Session, job_id: uuid.UUID) -> JobStatus | None:
    status = db.exec(select(PrintJob.status).where(PrintJob.id == job_id)).first()
    return JobStatus(status) if status is not None else None


def _with_status(db: Session, station: str, statuses: tuple[JobStatus, ...]) -> list[PrintJob]:
    # Sorted here, not by SQL: ORDER BY seq would make SQLite prefer the
    # (station, seq) index and walk every job the station ever printed.
    jobs = db.exec(
        select(PrintJob).where(
            PrintJob.station == station, col(PrintJob.status).in_(list(statuses))
        )
    ).all()
    return sorted(jobs, key=lambda job: job.seq)


def _checkpoint_of(db: Session, job_id: uuid.UUID) -> str:
    checkpoint = db.exec(
        select(PrintAttempt.checkpoint)
        .where(PrintAttempt.job_id == job_id, PrintAttempt.status == JobStatus.SENDING)
        .order_by(col(PrintAttempt.seq).desc())
    ).first()
    return checkpoint or ""


def record_attempt(
    store: Store,
    station: str,
    seq: Callable[[], int],
    job_id: str,
    status: JobStatus,
    *,
    location: str = "",
    detail: str = "",
    checkpoint: str = "",
    packer_id: uuid.UUID | None = None,
) -> None:
    """Commit one attempt of a job (and so the job's status), durably."""
    with store.write_lock, store.session() as db:
        # A Core insert: a bulk run records two attempts per label, and building
        # a validated model object costs more CPU than the insert itself.
        db.execute(
            insert(PrintAttempt),
            [
                {
                    "id": new_id(),
                    "station": station,
                    "seq": seq(),
                    "job_id": uuid.UUID(job_id),
                    "status": status.value,
                    "location": location,
                    "detail": detail,
                    "checkpoint": checkpoint,
                    "packer_id": packer_id,
                    "created_at": utc_now(),
                }
            ],
        )
        db.commit()
