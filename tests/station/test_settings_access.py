"""Who may open a station's settings: supervisors and admins, by badge or PIN; all recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.importers.packers import hash_pin
from station.models import Packer
from station.settings_access import SettingsEvent, sign_in_by_badge, sign_in_by_pin
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


@pytest.mark.parametrize(
    ("badge", "allowed"),
    [("BADGE-S1", True), ("BADGE-A1", True), ("BADGE-P1", False), ("NOBODY", False)],
)
def test_only_a_supervisor_or_admin_badge_opens_the_settings(
    bench: Bench, badge: str, allowed: bool
) -> None:
    answer = sign_in_by_badge(bench.store, "bench-1", badge, "Devices…")

    assert answer.allowed is allowed
    if not allowed:
        assert "supervisor" in answer.message
    with bench.store.session() as db:
        event = db.exec(select(SettingsEvent)).one()
    assert (event.kind, event.how, event.settings) == (
        "settings_opened" if allowed else "settings_refused",
        "badge",
        "Devices…",
    )


def test_a_packer_pin_is_no_supervisor_pin(bench: Bench) -> None:
    assert not sign_in_by_pin(bench.store, "bench-1", "1357", "Devices…").allowed  # Ana, a packer
    assert sign_in_by_pin(bench.store, "bench-1", "2468", "Devices…").name == "Sam"
    assert sign_in_by_pin(bench.store, "bench-1", "9999", "Devices…").name == "Ada"


def test_five_wrong_pins_lock_pin_sign_ins_but_a_badge_still_opens(bench: Bench) -> None:
    for _ in range(5):
        assert not sign_in_by_pin(bench.store, "bench-1", "0000", "Devices…").allowed

    locked = sign_in_by_pin(bench.store, "bench-1", "2468", "Devices…")

    assert not locked.allowed and "locked" in locked.message
    assert sign_in_by_badge(bench.store, "bench-1", "BADGE-S1", "Devices…").allowed
