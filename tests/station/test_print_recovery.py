"""After a crash mid-send a label is never sent again blindly.

"The station stopped" is played by a printer that holds the print thread of
a first session inside its send (before or after the bytes went out) while a
second session starts on the same store, as the next start would. The label
printer is the ZPL simulator over real TCP: its odometer (~HQOD) tells
whether a label printed; a printer without one leaves the packer to say.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import col, select

from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import ZplSimulator
from station import print_jobs
from station.labels import LabelContent
from station.models import PrintAttempt
from station.ports import PrintError, PrintResult, SuppliedLabel
from station.print_outcomes import LabelOutcome
from station.print_queue import CONFIRMED_LOCATION, RECHECKED_LOCATION
from station.session import PackSession
from station.store import DB_NAME, Store
from station.verdicts import VerdictKind
from tests.helpers.cli import run, verdicts
from tests.helpers.factory import Bench, standard_bench
from tests.helpers.printing import STATION, add_orders, attempts, seal, tracking_of, zpl_printer

WAIT_S = 30.0


class Stopped(PrintError):
    """What the held print thread gets when the test lets it go: it records a failure."""


class HeldPrinter:
    """A ZPL printer whose send holds the print thread, as if the station stopped there.

    `after_bytes`: the label goes out first (it printed), else nothing is sent.
    `checks`: whether it offers the printer's checkpoint (its odometer).
    """

    def __init__(self, printer: ZplPrinter, *, after_bytes: bool) -> None:
        self.printer = printer
        self.after_bytes = after_bytes
        self.holding = threading.Event()
        self.release = threading.Event()

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        if self.after_bytes:
            self.printer.print_label(job_id, label)
        self.holding.set()
        self.release.wait(WAIT_S)
        raise Stopped("the test let go of the held print thread")

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        raise NotImplementedError


class CheckingHeldPrinter(HeldPrinter):
    def checkpoint(self) -> str:
        return self.printer.checkpoint()

    def recheck(self, job_id: str, checkpoint: str) -> object:
        return self.printer.recheck(job_id, checkpoint)


class Uncounted:
    """A printer that cannot tell what it printed (no odometer): ESC/POS, a spooler."""

    def __init__(self, printer: ZplPrinter) -> None:
        self.printer = printer

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        return self.printer.print_label(job_id, label)

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        raise NotImplementedError


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = standard_bench(tmp_path)
    add_orders(bench, 2)
    yield bench
    bench.store.close()


@pytest.fixture
def printer() -> Iterator[ZplSimulator]:
    with ZplSimulator() as simulator:
        yield simulator


def stop_mid_send(bench: Bench, held: HeldPrinter) -> tuple[str, Callable[[], None]]:
    """Seal SO-F-1 at a station whose print thread is then held in its send.

    Returns the label's job id, and what lets the held thread go at the end.
    """
    session = PackSession(bench.store, bench.settings, held, STATION)
    assert session.handle_scan("BADGE-P1").kind is VerdictKind.LOGIN
    job_id = seal(session, "SO-F-1").job_id
    assert job_id is not None and held.holding.wait(WAIT_S)
    assert attempts(bench.store, job_id) == ["sending"]

    def let_go() -> None:
        held.release.set()
        session.close()

    return job_id, let_go


def restart(bench: Bench, printer: object) -> PackSession:
    return PackSession(bench.store, bench.settings, printer, STATION)  # type: ignore[arg-type]


def test_a_label_the_printer_counted_is_recorded_as_delivered_and_not_sent_again(
    bench: Bench, printer: ZplSimulator
) -> None:
    held = CheckingHeldPrinter(zpl_printer(printer), after_bytes=True)
    job_id, let_go = stop_mid_send(bench, held)
    try:
        assert printer.wait_for_jobs(1, WAIT_S)
        session = restart(bench, zpl_printer(printer))
        try:
            assert session.wait_for_printer(WAIT_S)
            assert session.label_questions() == []
        finally:
            session.close()
        assert attempts(bench.store, job_id) == ["sending", "delivered"]
        assert len(printer.jobs) == 1, "printed once: the odometer said it had printed"
        assert last_location(bench.store, job_id) == RECHECKED_LOCATION
    finally:
        let_go()


def test_a_label_the_printer_did_not_count_is_sent_again_once(
    bench: Bench, printer: ZplSimulator
) -> None:
    held = CheckingHeldPrinter(zpl_printer(printer), after_bytes=False)
    job_id, let_go = stop_mid_send(bench, held)
    try:
        session = restart(bench, zpl_printer(printer))
        try:
            assert session.wait_for_printer(WAIT_S)
        finally:
            session.close()
        assert printer.wait_for_jobs(1, WAIT_S)
        assert len(printer.jobs) == 1 and tracking_of(1).encode() in printer.jobs[0]
        assert attempts(bench.store, job_id) == ["sending", "failed", "sending", "delivered"]
    finally:
        let_go()


@pytest.mark.parametrize("printed", [True, False])
def test_a_printer_that_cannot_tell_leaves_the_packer_to_say(
    bench: Bench, printer: ZplSimulator, printed: bool
) -> None:
    held = HeldPrinter(zpl_printer(printer), after_bytes=True)
    job_id, let_go = stop_mid_send(bench, held)
    try:
        assert printer.wait_for_jobs(1, WAIT_S)
        heard: list[LabelOutcome] = []
        session = restart(bench, Uncounted(zpl_printer(printer)))
        try:
            session.on_label(heard.append)
            (question,) = session.label_questions()
            assert (question.job_id, question.text) == (
                job_id,
                f"Did label {tracking_of(1)} print?",
            )
            assert any(o.in_doubt and o.job_id == job_id for o in heard), "the screen is told"
            assert session.wait_for_printer(WAIT_S)
            assert len(printer.jobs) == 1, "nothing is sent while the packer is asked"

            session.handle_scan("BADGE-P1")
            session.answer_label(printed)
            assert session.wait_for_printer(WAIT_S)
            assert session.label_questions() == []
        finally:
            session.close()
        stored = attempts(bench.store, job_id)
    finally:
        let_go()  # the first station's held thread ends with a failure of its own
    assert stored[:2] == ["sending", "in_doubt"]
    if printed:
        assert stored[2:] == ["confirmed"] and len(printer.jobs) == 1
        assert last_location(bench.store, job_id) == CONFIRMED_LOCATION
    else:
        assert stored[2:5] == ["reprint", "sending", "delivered"]
        assert printer.wait_for_jobs(2, WAIT_S) and len(printer.jobs) == 2
    assert answered_by(bench.store, job_id) is not None, "who answered is recorded"


def test_replay_says_which_label_may_have_printed_and_does_not_wait(
    bench: Bench, printer: ZplSimulator
) -> None:
    held = HeldPrinter(zpl_printer(printer), after_bytes=True)
    job_id, let_go = stop_mid_send(bench, held)
    try:
        session = restart(bench, Uncounted(zpl_printer(printer)))
        try:
            assert len(session.label_questions()) == 1  # stored, for whoever starts next
        finally:
            session.close()
        result = run(
            "--data-dir",
            str(bench.data_dir),
            "replay",
            "-",
            "--station",
            STATION,
            stdin="BADGE-P1\n",
        )
    finally:
        let_go()
    assert result.returncode == 0, result.stderr
    login, doubt = verdicts(result.stdout)
    assert login["verdict"] == "login"
    assert doubt["verdict"] == "label_may_have_printed"
    assert (doubt["tracking"], doubt["job"]) == (tracking_of(1), job_id)
    assert "may have printed" in doubt["message"]


def test_a_job_not_in_doubt_cannot_be_answered(bench: Bench, printer: ZplSimulator) -> None:
    session = restart(bench, zpl_printer(printer))
    try:
        session.handle_scan("BADGE-P1")
        job_id = seal(session, "SO-F-1").job_id
        assert session.wait_for_printer(WAIT_S)
        with pytest.raises(Exception, match="not waiting for an answer"):
            session.answer_label(False, job_id)
        with pytest.raises(Exception, match="No label is waiting"):
            session.answer_label(True)
    finally:
        session.close()
    assert len(printer.jobs) == 1


def test_what_is_still_to_send_is_read_through_the_status_index(bench: Bench) -> None:
    """Bounded by the open jobs: never a walk over every job the station printed."""
    statements: list[tuple[str, Any]] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(bench.store.engine, "before_cursor_execute", record)
    try:
        with bench.store.session() as db:
            print_jobs.jobs_to_send(db, STATION)
            print_jobs.jobs_in_doubt(db, STATION)
            print_jobs.jobs_sending(db, STATION)
    finally:
        event.remove(bench.store.engine, "before_cursor_execute", record)
    assert len(statements) == 3
    for statement, parameters in statements:
        with bench.store.engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = " ".join(str(row[-1]) for row in plan)
        assert "USING INDEX ix_printjob_station_status" in details, details


def test_an_old_store_keeps_what_its_attempts_said(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from station.store import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / DB_NAME}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    jobs = {"a" * 32: ["failed", "delivered"], "b" * 32: ["failed"], "c" * 32: []}
    jobs |= {"d" * 32: ["rejected"], "e" * 32: ["cancelled"]}
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        seq = 0
        for job_id, statuses in jobs.items():
            seq += 1
            connection.execute(
                text(
                    "INSERT INTO printjob (id, station, seq, kind, content_json, created_at) "
                    "VALUES (:id, 'bench-1', :seq, 'label', '{}', '2026-01-01')"
                ),
                {"id": job_id, "seq": seq},
            )
            for status in statuses:
                seq += 1
                connection.execute(
                    text(
                        "INSERT INTO printattempt (id, station, seq, job_id, status, location, "
                        "detail, created_at) VALUES (:id, 'bench-1', :seq, :job, :status, '', "
                        "'', '2026-01-01')"
                    ),
                    {"id": f"{seq:032x}", "seq": seq, "job": job_id, "status": status},
                )
    engine.dispose()

    store = Store.open(tmp_path)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM printjob")).all()
    found = {str(job_id): str(status) for job_id, status in rows}
    store.close()
    assert found == {
        "a" * 32: "delivered",
        "b" * 32: "failed",
        "c" * 32: "pending",
        "d" * 32: "rejected",
        "e" * 32: "cancelled",
    }


def last_location(store: Store, job_id: str) -> str:
    import uuid

    with store.session() as db:
        location = db.exec(
            select(PrintAttempt.location)
            .where(PrintAttempt.job_id == uuid.UUID(job_id))
            .order_by(col(PrintAttempt.seq).desc())
        ).first()
    return location or ""


def answered_by(store: Store, job_id: str) -> object:
    import uuid

    with store.session() as db:
        return db.exec(
            select(PrintAttempt.packer_id).where(
                PrintAttempt.job_id == uuid.UUID(job_id),
                col(PrintAttempt.status).in_(["confirmed", "reprint"]),
            )
        ).first()
