"""A supervisor corrects an order's address: recorded with who and the old values, reprinted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from station.address import correct_address
from station.errors import UserError
from station.labels import LabelContent
from station.models import OrderEvent, PrintJob
from station.verdicts import VerdictKind
from tests.helpers import cli
from tests.helpers.factory import CABLE_EAN, MUG_UPC, Bench, standard_bench
from tests.helpers.supervisor import approver


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def test_a_correction_is_recorded_with_the_supervisor_and_the_old_values(bench: Bench) -> None:
    with bench.store.session() as db:
        change = correct_address(
            db,
            "SO-1",
            {"ship_to_street": "Neue Straße 1", "ship_to_country": "at"},
            "BADGE-S1",
            station="bench-1",
        )
        (event,) = db.exec(select(OrderEvent).where(OrderEvent.kind == "address_corrected"))
    assert change.new == {"ship_to_street": "Neue Straße 1", "ship_to_country": "AT"}
    assert json.loads(event.note) == {
        "old": {"ship_to_street": "Hauptstraße 5", "ship_to_country": "DE"},
        "new": {"ship_to_street": "Neue Straße 1", "ship_to_country": "AT"},
    }
    assert event.supervisor_id is not None


@pytest.mark.parametrize(
    ("changes", "badge", "message"),
    [
        ({"ship_to_city": "Berlin"}, "BADGE-P1", "is not a supervisor's"),
        ({"ship_to_name": "Zoë 😀"}, "BADGE-S1", "no label can print"),
        ({"ship_to_name": "N" * 500}, "BADGE-S1", "at most 100 fit"),
        ({"ship_to_city": " "}, "BADGE-S1", "cannot be empty"),
        ({"ship_to_country": "Germany"}, "BADGE-S1", "not a 2-letter country code"),
        ({"tracking": "X"}, "BADGE-S1", "not an address field"),
    ],
)
def test_a_correction_that_cannot_be_used_changes_nothing(
    bench: Bench, changes: dict[str, str], badge: str, message: str
) -> None:
    with bench.store.session() as db, pytest.raises(UserError, match=message):
        correct_address(db, "SO-1", changes, badge, station="bench-1")
    with bench.store.session() as db:
        assert db.exec(select(OrderEvent)).all() == []


def test_a_reprint_after_a_correction_carries_the_new_address(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN):
        verdict = session.handle_scan(scan)
    assert verdict.kind is VerdictKind.ORDER_COMPLETE
    session.wait_for_label(verdict)
    with bench.store.session() as db:
        change = correct_address(
            db, "SO-1", {"ship_to_street": "Neue Straße 1"}, "BADGE-S1", station="bench-9"
        )
    assert change.sealed
    reprint = session.reprint_label("address corrected")
    session.wait_for_label(reprint)
    session.close()
    with bench.store.session() as db:
        jobs = db.exec(select(PrintJob).where(PrintJob.kind != "slip")).all()
    streets = sorted(LabelContent.from_json(job.content_json).ship_to.street for job in jobs)
    assert streets == ["Hauptstraße 5", "Neue Straße 1"]


def test_a_voided_label_s_replacement_carries_the_new_address(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN):
        verdict = session.handle_scan(scan)
    session.wait_for_label(verdict)
    with bench.store.session() as db:
        correct_address(db, "SO-1", {"ship_to_city": "Potsdam"}, "BADGE-S1", station="bench-9")
    assert verdict.tracking is not None
    replacement = session.void_label(verdict.tracking, "address corrected", approver(bench.store))
    session.wait_for_label(replacement)
    session.close()
    label = session.label_of(str(replacement.job_id))
    assert label is not None and label.ship_to.city == "Potsdam"
    assert label.tracking == replacement.tracking != verdict.tracking


@pytest.mark.slow
def test_the_address_command_corrects_or_says_why_not(bench: Bench) -> None:
    bench.store.close()
    data = str(bench.data_dir)
    done = cli.run(
        "--data-dir", data, "address", "SO-2", "--phone", "+49 1", "--supervisor", "BADGE-S1"
    )
    assert done.returncode == 0, done.stderr
    assert "Order SO-2: phone '+49 30 1234567' -> '+49 1'" in done.stdout
    refused = cli.run(
        "--data-dir", data, "address", "SO-2", "--city", "X", "--supervisor", "BADGE-P1"
    )
    assert refused.returncode == 2
    assert "is not a supervisor's" in refused.stderr
