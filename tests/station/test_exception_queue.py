"""The exception queue: what waits, who flagged it, release and cancel as recorded events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from station.errors import UserError
from station.exception_queue import CANCELLED, RELEASED, ExceptionDesk
from station.models import OrderEvent
from station.session import ExceptionReason, PackSession
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench, standard_bench


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = standard_bench(tmp_path)
    yield bench
    bench.store.close()


@pytest.fixture
def session(bench: Bench) -> Iterator[PackSession]:
    session = bench.session()
    yield session
    session.close()


def flag(session: PackSession, badge: str, order: str, reason: ExceptionReason, note: str) -> None:
    session.handle_scan(badge)
    session.handle_scan(order)
    assert session.flag_exception(reason, note).kind is VerdictKind.EXCEPTION_FLAGGED


def desk_of(session: PackSession) -> ExceptionDesk:
    return ExceptionDesk(session.store, session.station, session.sequence)


def events(bench: Bench, kind: str) -> list[OrderEvent]:
    with bench.store.session() as db:
        return list(
            db.exec(select(OrderEvent).where(OrderEvent.kind == kind).order_by(col(OrderEvent.seq)))
        )


def test_the_queue_lists_each_flagged_order_with_reason_note_who_where_and_since(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "mug handle broken")
    flag(session, "BADGE-P2", "SO-2", ExceptionReason.OTHER, "tote label unreadable")

    waiting = desk_of(session).waiting()

    assert [(w.number, w.reason, w.note, w.flagged_by, w.badge, w.station) for w in waiting] == [
        ("SO-1", "damaged", "mug handle broken", "Ana", "BADGE-P1", "bench-1"),
        ("SO-2", "other", "tote label unreadable", "Ben", "BADGE-P2", "bench-1"),
    ]
    flagged = events(bench, "exception_flagged")
    assert [w.since for w in waiting] == [e.created_at for e in flagged]


def test_release_records_the_supervisor_and_the_order_can_be_packed_again(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.ITEM_MISSING, "flagged by scan")
    assert session.handle_scan("SO-1").kind is VerdictKind.ORDER_IN_EXCEPTION

    decision = desk_of(session).release("SO-1", "BADGE-S1", note="found the cable")

    assert decision.describe() == "Order SO-1 released by Sam: it can be packed again."
    assert desk_of(session).waiting() == []
    (released,) = events(bench, RELEASED)
    assert (released.station, released.note) == ("bench-1", "found the cable")
    assert released.supervisor_id is not None
    # Numbered with the station's own sequence: after the scans, and the next scan after it.
    assert session.handle_scan("SO-1").kind is VerdictKind.ORDER_OPENED
    with bench.store.session() as db:
        seqs = db.exec(select(OrderEvent.seq).where(OrderEvent.station == "bench-1")).all()
    assert len(seqs) == len(set(seqs))


def test_a_cancelled_order_leaves_the_queue_and_its_scans_are_refused_clearly(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-2", ExceptionReason.DAMAGED, "case crushed")

    decision = desk_of(session).cancel("SO-2", "BADGE-S1", "  customer   cancelled ")

    assert decision.describe() == "Order SO-2 cancelled by Sam: customer cancelled."
    assert desk_of(session).waiting() == []
    (cancelled,) = events(bench, CANCELLED)
    assert cancelled.reason == "customer cancelled"
    for badge in ("BADGE-P2", "BADGE-S1"):  # not even a supervisor packs it any more
        session.handle_scan(badge)
        verdict = session.handle_scan("SO-2")
        assert verdict.kind is VerdictKind.ORDER_CANCELLED
        assert verdict.message.startswith("Order SO-2 was CANCELLED: customer cancelled.")
    assert session.handle_scan(MUG_UPC).kind is VerdictKind.NO_ORDER_OPEN
    assert events(bench, RELEASED) == []  # the supervisor's open did not release it


def test_decisions_are_refused_with_what_to_do_and_change_nothing(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "dented")
    desk = desk_of(session)
    refusals = {
        "Ben is not a supervisor": lambda: desk.release("SO-1", "BADGE-P2"),
        "only a supervisor may": lambda: desk.cancel("SO-1", "NO-SUCH-BADGE", "x"),
        "Say why": lambda: desk.cancel("SO-1", "BADGE-S1", "   "),
        "keep it under": lambda: desk.cancel("SO-1", "BADGE-S1", "x" * 201),
        "no order 'SO-9'": lambda: desk.release("SO-9", "BADGE-S1"),
        "SO-3 is not waiting": lambda: desk.release("SO-3", "BADGE-S1"),
    }
    for words, refused in refusals.items():
        with pytest.raises(UserError, match=words):
            refused()
    assert [w.number for w in desk.waiting()] == ["SO-1"]
    assert events(bench, RELEASED) == events(bench, CANCELLED) == []


def test_a_second_decision_on_the_same_order_is_refused(session: PackSession) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "dented")
    desk = desk_of(session)
    desk.release("SO-1", "BADGE-S1")
    with pytest.raises(UserError, match="not waiting in exception any more"):
        desk.cancel("SO-1", "BADGE-S1", "too late")


def test_an_order_flagged_again_after_release_waits_again(session: PackSession) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "dented")
    desk_of(session).release("SO-1", "BADGE-S1")
    session.handle_scan("SO-1")
    session.flag_exception(ExceptionReason.ITEM_MISSING, "cable gone")
    (waiting,) = desk_of(session).waiting()
    assert (waiting.number, waiting.reason, waiting.note) == ("SO-1", "item_missing", "cable gone")


def test_a_standalone_desk_numbers_its_events_after_the_stations(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "dented")
    last = max(e.seq for e in events(bench, "exception_flagged"))
    ExceptionDesk(bench.store, "bench-1").release("SO-1", "BADGE-S1")
    (released,) = events(bench, RELEASED)
    assert released.seq > last


def test_notes_and_reasons_are_one_printable_line_of_limited_length(
    session: PackSession, bench: Bench
) -> None:
    flag(session, "BADGE-P1", "SO-1", ExceptionReason.DAMAGED, "dented")
    desk = desk_of(session)
    with pytest.raises(UserError, match="The note is 201 characters"):
        desk.release("SO-1", "BADGE-S1", note="n" * 201)
    desk.cancel("SO-1", "BADGE-S1", "wrong\x00 address\n\tcustomer\x1b[31m moved")
    (cancelled,) = events(bench, CANCELLED)
    assert cancelled.reason == "wrong address customer [31m moved"
