"""Supervisor actions: a supervisor's badge and PIN, a lockout that survives a restart,
and a packer's badge refused whatever brings it (scanner, keyboard, replay)."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from station.importers import import_records
from station.importers.packers import hash_pin
from station.models import OrderEvent, Packer, Parcel, PrintJob, ScanEvent
from station.replay import replay
from station.session import PackSession
from station.settings import Settings
from station.store import Store
from station.supervisor_auth import (
    LOCKOUT,
    Action,
    Refusal,
    Supervisor,
    SupervisorAuth,
    authorize,
    check,
)
from station.verdicts import VerdictKind as V
from tests.helpers.factory import MUG_UPC, TAPE_EAN, Bench, standard_bench

PINS = {"BADGE-S1": "2468", "BADGE-P1": "1357"}


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    bench = standard_bench(tmp_path)
    with bench.store.session() as db:
        for packer in db.exec(select(Packer)).all():
            if packer.badge in PINS:
                packer.pin_hash = hash_pin(PINS[packer.badge])
                db.add(packer)
        db.commit()
    return bench


def short_asked(bench: Bench) -> PackSession:
    session = bench.session()
    for raw in ("BADGE-P2", "SO-1", MUG_UPC):
        session.handle_scan(raw)
    assert session.request_short_ship("no stock").kind is V.SUPERVISOR_REQUIRED
    return session


def test_a_ship_short_needs_the_badge_then_its_pin_which_is_never_stored(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session = short_asked(bench)

    asked = session.handle_scan("BADGE-S1")
    wrong = session.handle_scan("BADGE-S1", pin="9999")
    approved = session.handle_scan("BADGE-S1", pin=PINS["BADGE-S1"])

    assert (asked.kind, asked.needs_pin) == (V.SUPERVISOR_REQUIRED, True)
    assert "type your PIN" in asked.message
    assert wrong.kind is V.SUPERVISOR_REQUIRED and "Wrong PIN" in wrong.message
    assert approved.kind is V.OVERRIDE and "approved by Sam" in approved.message
    session.close()
    with bench.store.session() as db:
        texts = [(e.raw, e.code, e.message) for e in db.exec(select(ScanEvent))]
        outcomes = [(a.outcome, a.how) for a in db.exec(select(SupervisorAuth))]
    assert outcomes == [("wrong_pin", "scanner"), ("allowed", "scanner")]
    assert not any(PINS["BADGE-S1"] in text or "9999" in text for row in texts for text in row)
    assert "9999" not in caplog.text and PINS["BADGE-S1"] not in caplog.text


def test_five_wrong_pins_lock_the_badge_for_15_minutes_even_after_a_restart(
    bench: Bench,
) -> None:
    session = short_asked(bench)
    answers = [session.handle_scan("BADGE-S1", pin="0000") for _ in range(5)]
    assert "locked until" in answers[-1].message
    locked = session.handle_scan("BADGE-S1", pin=PINS["BADGE-S1"])
    assert locked.kind is V.SUPERVISOR_REQUIRED and "locked" in locked.message
    session.close()
    bench.store.close()

    store = Store.open(bench.data_dir)  # a restart
    after = authorize(store, "bench-1", "BADGE-S1", PINS["BADGE-S1"], Action.OPEN_DASHBOARD)
    with store.session() as db:
        later = db.exec(select(SupervisorAuth)).all()[-1].created_at + LOCKOUT
        unlocked, _ = check(
            db,
            "bench-1",
            "BADGE-S1",
            PINS["BADGE-S1"],
            Action.OPEN_DASHBOARD,
            pin_required=True,
            how="keyboard",
            now=later + timedelta(seconds=1),
        )
    store.close()

    assert isinstance(after, Refusal) and after.locked_until is not None
    assert isinstance(unlocked, Supervisor) and unlocked.name == "Sam"


@pytest.mark.parametrize("path", ["scanner", "keyboard", "replay"])
def test_a_packers_badge_and_pin_never_approve(bench: Bench, path: str) -> None:
    session = short_asked(bench)
    if path == "replay":
        out = io.StringIO()
        replay(session, ["BADGE-P1", "@pin 1357"], out)
        kinds = [json.loads(line)["verdict"] for line in out.getvalue().splitlines()[:2]]
        # A refused packer's badge asked no PIN: the @pin line gives it nothing.
        assert kinds[1] is None
        kinds[1] = session.handle_scan("BADGE-P1", source="replay", pin="1357").kind.value
    else:
        manual = path == "keyboard"
        kinds = [
            session.handle_scan("BADGE-P1", source=path, manual=manual).kind.value,
            session.handle_scan("BADGE-P1", source=path, manual=manual, pin="1357").kind.value,
        ]
    session.close()

    assert kinds == ["supervisor_required", "supervisor_required"]
    with bench.store.session() as db:
        outcomes = {a.outcome for a in db.exec(select(SupervisorAuth))}
    assert outcomes == {"not_supervisor"}


def test_replay_gives_the_pin_on_the_line_after_the_badge(bench: Bench) -> None:
    session = short_asked(bench)
    out = io.StringIO()

    replay(session, ["BADGE-S1", f"@pin {PINS['BADGE-S1']}"], out)
    session.close()

    asked, approved = out.getvalue().splitlines()[:2]
    assert '"needs_pin": true' in asked and '"verdict": "override"' in approved
    assert '"scan": "BADGE-S1"' in approved and PINS["BADGE-S1"] not in out.getvalue()


def test_a_pin_line_after_an_item_counts_nothing_again(bench: Bench) -> None:
    session = bench.session()
    out = io.StringIO()

    replay(session, ["BADGE-P1", "SO-1", MUG_UPC, "@pin 2468", "@pin"], out)
    session.close()

    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (answers[2]["verdict"], answers[2]["scanned"]) == ("ok", 1)
    assert answers[3]["verdict"] is None and "nothing done" in answers[3]["message"]
    assert answers[4]["verdict"] is None and "needs the PIN" in answers[4]["message"]
    with bench.store.session() as db:
        assert len(db.exec(select(ScanEvent).where(ScanEvent.raw == MUG_UPC)).all()) == 1


def test_releasing_an_exception_needs_the_supervisors_pin(bench: Bench) -> None:
    session = bench.session()
    for raw in ("BADGE-P1", "SO-1", "CMD-EXC-DAMAGED", "BADGE-S1"):
        session.handle_scan(raw)

    asked = session.handle_scan("SO-1")
    opened = session.handle_scan("SO-1", pin=PINS["BADGE-S1"])
    session.close()

    assert asked.needs_pin and asked.order == "SO-1"
    assert opened.kind is V.ORDER_OPENED and "Exception released" in opened.message


def test_without_supervisor_pin_the_badge_alone_approves(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path, Settings(station="bench-1", supervisor_pin=False))
    session = short_asked(bench)

    assert session.handle_scan("BADGE-S1").kind is V.OVERRIDE
    session.close()


def test_replayed_void_and_bulk_print_with_a_packers_badge_and_pin_change_nothing(
    bench: Bench,
) -> None:
    """Replay has no void nor bulk print of its own: the command is stored as an errand
    for the window (which asks a supervisor's badge and PIN), and nothing is voided or
    printed again, whatever badge and PIN follow it."""
    session = bench.session()
    sealed = session.wait_for_label(
        [session.handle_scan(raw) for raw in ("BADGE-P1", "SO-3", TAPE_EAN)][-1]
    )
    assert sealed.tracking
    out = io.StringIO()
    lines = ["CMD-VOID", sealed.tracking, "BADGE-P1", "@pin 1357", "CMD-BULK", "@pin 1357"]
    replay(session, lines, out)
    session.close()

    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert answers[0]["verdict"] == "errand" and "supervisor" in answers[0]["message"]
    assert answers[4]["verdict"] == "errand" and "supervisor" in answers[4]["message"]
    with bench.store.session() as db:
        kinds = set(db.exec(select(OrderEvent.kind)).all())
        jobs = db.exec(select(PrintJob.kind)).all()
        trackings = db.exec(select(Parcel.tracking)).all()
        allowed = db.exec(
            select(SupervisorAuth).where(col(SupervisorAuth.outcome).like("allowed%"))
        ).all()
    assert not kinds & {"label_voided", "label_bulk_printed"}
    assert "bulk" not in jobs and "replacement" not in jobs
    assert trackings == [sealed.tracking]
    assert allowed == []


def test_main_py_address_guesses_count_towards_the_lock_and_an_admin_may_correct(
    bench: Bench,
) -> None:
    from station.address import correct_address
    from station.errors import UserError

    def correct(badge: str, pin: str | None) -> str:
        with bench.store.write_lock, bench.store.session() as db:
            try:
                correct_address(
                    db, "SO-1", {"ship_to_city": "Potsdam"}, badge, station="b", pin=pin
                )
            except UserError as refused:
                return str(refused)
        return "corrected"

    guesses = [correct("BADGE-S1", f"000{n}") for n in range(5)]
    right_but_locked = correct("BADGE-S1", PINS["BADGE-S1"])
    with bench.store.session() as db:
        # The packers file names the role (it refused "admin" before).
        import_records(db, "packers", [{"badge": "BADGE-A1", "name": "Ada", "role": "Admin"}])
        cities = db.exec(select(OrderEvent).where(OrderEvent.kind == "address_corrected")).all()

    assert "4 more wrong" in guesses[0] and "locked until" in guesses[-1]
    assert "locked" in right_but_locked and cities == []
    assert correct("BADGE-S1", None) != "corrected"
    assert correct("BADGE-A1", None) == "corrected"  # an admin (no PIN on file) may too
    with bench.store.session() as db:
        outcomes = [a.outcome for a in db.exec(select(SupervisorAuth))]
    assert outcomes == ["wrong_pin"] * 5 + ["locked", "locked", "allowed_without_pin"]
