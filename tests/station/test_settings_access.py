"""Who may open a station's settings: the supervisor gate's badge and PIN, all recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from station.importers.packers import hash_pin
from station.models import Packer
from station.settings_access import sign_in
from station.supervisor_auth import Action, SupervisorAuth
from tests.helpers.factory import Bench, add_packer, standard_bench


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    bench = standard_bench(tmp_path)
    add_packer(bench.store, "BADGE-A1", "Ada", role="admin")
    pins = {"Sam": "2468", "Ana": "1357", "Ada": "9999"}
    with bench.store.session() as db:
        for packer in db.exec(select(Packer)).all():
            if packer.name in pins:
                packer.pin_hash = hash_pin(pins[packer.name])
                db.add(packer)
        db.commit()
    return bench


def attempts(bench: Bench) -> list[tuple[str, str, str]]:
    with bench.store.session() as db:
        names = {p.id: p.name for p in db.exec(select(Packer)).all()}
        rows = db.exec(select(SupervisorAuth).order_by(col(SupervisorAuth.created_at))).all()
    assert {row.action for row in rows} <= {Action.OPEN_SETTINGS.value}
    return [(names[row.packer_id] if row.packer_id else "?", row.outcome, row.how) for row in rows]


@pytest.mark.parametrize(("badge", "pin"), [("BADGE-S1", "2468"), ("BADGE-A1", "9999")])
def test_a_supervisor_or_admin_badge_then_its_pin_opens_the_settings(
    bench: Bench, badge: str, pin: str
) -> None:
    asked = sign_in(bench.store, "bench-1", badge, None, pin_required=True, how="scanner")
    assert not asked.allowed and asked.needs_pin and "PIN" in asked.message

    opened = sign_in(bench.store, "bench-1", badge, pin, pin_required=True, how="keyboard")

    assert opened.allowed and opened.badge == badge
    assert [outcome for _, outcome, _ in attempts(bench)] == ["allowed"]


def test_without_the_pin_setting_the_badge_alone_opens_them(bench: Bench) -> None:
    answer = sign_in(bench.store, "bench-1", "BADGE-S1", None, pin_required=False, how="scanner")
    assert answer.allowed and answer.name == "Sam"
    assert attempts(bench)[-1] == ("Sam", "allowed", "scanner")


@pytest.mark.parametrize("pin_required", [True, False])
def test_a_packer_badge_is_refused_even_with_its_own_pin(bench: Bench, pin_required: bool) -> None:
    answer = sign_in(bench.store, "bench-1", "BADGE-P1", "1357", pin_required=pin_required, how="x")

    assert not answer.allowed and not answer.needs_pin
    assert "Ana is a packer" in answer.message and "supervisor" in answer.message
    assert attempts(bench) == [("Ana", "not_supervisor", "x")]


def test_an_unknown_badge_is_refused(bench: Bench) -> None:
    answer = sign_in(bench.store, "bench-1", "NOBODY", "2468", pin_required=True, how="scanner")
    assert not answer.allowed and "not a badge" in answer.message


def test_five_wrong_pins_lock_that_badge_and_the_lock_is_recorded(bench: Bench) -> None:
    for _ in range(5):
        assert not sign_in(
            bench.store, "bench-1", "BADGE-S1", "0000", pin_required=True, how="k"
        ).allowed

    locked = sign_in(bench.store, "bench-1", "BADGE-S1", "2468", pin_required=True, how="k")

    assert not locked.allowed and not locked.needs_pin and "locked" in locked.message
    assert [outcome for _, outcome, _ in attempts(bench)] == ["wrong_pin"] * 5 + ["locked"]
    # Another supervisor's badge still opens them.
    other = sign_in(bench.store, "bench-1", "BADGE-A1", "9999", pin_required=True, how="k")
    assert other.allowed
