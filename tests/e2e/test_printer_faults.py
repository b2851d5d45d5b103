"""A ZPL printer on TCP misbehaves: the packer hears what to do and no label is recorded as
printed that the printer did not take.

A real PackSession prints through a real ZplPrinter over 127.0.0.1 to the ZPL
printer simulator, set to each fault in turn (devices.printers.zpl_simulator).
Every wait is bounded by the printer's own timeout (1 s here) and by waits on
the session's events, never by sleeps.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printers.zpl_simulator import SimulatedFault, SimulatedState, ZplSimulator
from station import print_jobs
from station.session import PackSession
from station.verdicts import Verdict, VerdictKind
from tests.helpers.factory import Bench, standard_bench
from tests.helpers.late_printer import LateAnswerPrinter
from tests.helpers.printing import (
    STATION,
    add_orders,
    attempts,
    job_status,
    seal,
    tracking_of,
    zpl_printer,
)

TIMEOUT_S = 1.0  # the printer's bound: how long it may take to answer or take a label
WAIT_S = 30.0  # generous for a loaded machine; a passing test never waits this long
NOT_PRINTED = "LABEL NOT PRINTED"
KEPT = "It is kept and prints by itself when the printer is back."


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = standard_bench(tmp_path)
    add_orders(bench, 2)
    yield bench
    bench.store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def pack_one(bench: Bench, port: ZplSimulator | int, number: str = "SO-F-1") -> Verdict:
    """Seal one order at a fresh station; the verdict as the packer reads it once the
    printer answered (or did not)."""
    session = PackSession(bench.store, bench.settings, zpl_printer(port, TIMEOUT_S), STATION)
    try:
        assert session.handle_scan("BADGE-P1").kind is VerdictKind.LOGIN
        return session.wait_for_label(seal(session, number), WAIT_S)
    finally:
        session.close()


def assert_failed_and_kept(bench: Bench, verdict: Verdict) -> None:
    """Stored: sent and failed (perhaps tried again), never delivered; still to send."""
    assert verdict.job_id is not None and verdict.label is None
    stored = attempts(bench.store, verdict.job_id)
    assert stored[:2] == ["sending", "failed"]
    assert "delivered" not in stored
    assert job_status(bench.store, verdict.job_id) == "failed"
    with bench.store.session() as db:
        waiting = [str(job.id) for job in print_jobs.jobs_to_send(db, STATION)]
    assert verdict.job_id in waiting


def test_a_reset_mid_label_is_a_failure_and_the_label_prints_once_the_printer_is_fixed(
    bench: Bench,
) -> None:
    with ZplSimulator(fault=SimulatedFault.RESET_MID_LABEL) as printer:
        verdict = pack_one(bench, printer)
        assert NOT_PRINTED in verdict.message
        assert "stopped taking the label" in verdict.message and KEPT in verdict.message
        assert_failed_and_kept(bench, verdict)
        assert printer.jobs == [], "the printer never had the whole label"

        printer.fault = SimulatedFault.NONE  # the network is mended; the station restarts
        restarted = PackSession(
            bench.store, bench.settings, zpl_printer(printer, TIMEOUT_S), STATION
        )
        try:
            assert restarted.wait_for_printer(WAIT_S)
        finally:
            restarted.close()
        assert printer.wait_for_jobs(1, WAIT_S)
        assert len(printer.jobs) == 1 and tracking_of(1).encode() in printer.jobs[0]
    assert verdict.job_id is not None
    assert attempts(bench.store, verdict.job_id)[-2:] == ["sending", "delivered"]


def test_a_printer_that_never_reads_did_not_take_the_label(bench: Bench) -> None:
    with ZplSimulator(fault=SimulatedFault.NEVER_READS) as printer:
        port = printer.port
        verdict = pack_one(bench, printer)
    assert NOT_PRINTED in verdict.message
    assert (
        f"Label printer at tcp://127.0.0.1:{port} did not take the label within 1 s: "
        "check it is on and not paused" in verdict.message
    )
    assert_failed_and_kept(bench, verdict)


def test_a_printer_that_closes_early_is_a_failure(bench: Bench) -> None:
    with ZplSimulator(fault=SimulatedFault.CLOSES_EARLY) as printer:
        verdict = pack_one(bench, printer)
        assert printer.jobs == []
    assert NOT_PRINTED in verdict.message and "stopped taking the label" in verdict.message
    assert_failed_and_kept(bench, verdict)


def test_a_garbled_status_answer_still_prints_once_the_printer_read_the_label(
    bench: Bench,
) -> None:
    with ZplSimulator(fault=SimulatedFault.GARBAGE_STATUS) as printer:
        verdict = pack_one(bench, printer)
        assert printer.wait_for_jobs(1, WAIT_S)
        assert len(printer.jobs) == 1
    assert verdict.message.endswith("Label printed.")
    assert verdict.job_id is not None
    assert attempts(bench.store, verdict.job_id) == ["sending", "delivered"]


def test_a_printer_out_of_paper_gets_no_label_and_the_packer_hears_why(bench: Bench) -> None:
    with ZplSimulator(state=SimulatedState.PAPER_OUT) as printer:
        verdict = pack_one(bench, printer)
        assert printer.jobs == []
    assert f"{NOT_PRINTED}: Label printer out of paper: load labels" in verdict.message
    assert_failed_and_kept(bench, verdict)


def test_an_absent_printer_cannot_be_reached(bench: Bench) -> None:
    port = free_port()
    verdict = pack_one(bench, port)
    assert f"{NOT_PRINTED}: Label printer at tcp://127.0.0.1:{port} cannot be reached" in (
        verdict.message
    )
    assert "switched on" in verdict.message
    assert_failed_and_kept(bench, verdict)


def test_a_printer_that_keeps_the_connection_open_prints_once(bench: Bench) -> None:
    with ZplSimulator(fault=SimulatedFault.KEEPS_OPEN) as printer:
        first = pack_one(bench, printer, "SO-F-1")
        second = pack_one(bench, printer, "SO-F-2")
        assert printer.wait_for_jobs(2, WAIT_S)
        assert len(printer.jobs) == 2
    for verdict in (first, second):
        assert verdict.message.endswith("Label printed.")
        assert verdict.job_id is not None
        assert attempts(bench.store, verdict.job_id) == ["sending", "delivered"]


def test_a_printer_that_answers_late_and_keeps_the_connection_open_is_asked_about(
    bench: Bench,
) -> None:
    """It has the label and may print it: recorded as "failed" it was printed again at
    every retry (3 copies in 6 s), the store saying it never printed."""
    printer = LateAnswerPrinter()
    try:
        verdict = pack_one(bench, printer.port)
    finally:
        printer.close()
    assert verdict.job_id is not None
    assert "LABEL MAY HAVE PRINTED" in verdict.message and "NOT PRINTED" not in verdict.message
    assert f"Did label {tracking_of(1)} print?" in verdict.message
    assert attempts(bench.store, verdict.job_id) == ["sending", "in_doubt"]
    assert printer.labels == 1, "sent once, never resent blindly"
    with bench.store.session() as db:
        asked = [str(job.id) for job in print_jobs.jobs_in_doubt(db, STATION)]
        waiting = print_jobs.jobs_to_send(db, STATION)
    assert asked == [verdict.job_id] and waiting == []


@pytest.mark.parametrize("half_closes", [False, True], ids=["silent after", "half-closes"])
def test_a_printer_that_answers_before_the_label_but_not_after_it_is_asked_about(
    bench: Bench, half_closes: bool
) -> None:
    """It answered on this connection, so it reads it: the label is in its buffer. (One
    that ended its side after answering was "stopped taking the label", printed again
    at every retry.)"""
    printer = LateAnswerPrinter(first_only=True, half_closes=half_closes)
    try:
        verdict = pack_one(bench, printer.port)
    finally:
        printer.close()
    assert verdict.job_id is not None
    assert "LABEL MAY HAVE PRINTED" in verdict.message
    assert attempts(bench.store, verdict.job_id) == ["sending", "in_doubt"]
    assert printer.labels == 1
