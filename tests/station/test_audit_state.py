"""What the dashboard says of a chain without walking it (station.audit.state.Known), and
the record `main.py audit verify` leaves for it (station.audit.verified_here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import main
from station.audit.state import Known, Verification, summary
from station.audit.verified_here import FILE_NAME, UnreadableRecord, recorded_verifications
from tests.helpers.factory import TAPE_EAN, standard_bench

AT = datetime(2025, 3, 4, 15, 30, tzinfo=UTC)


def known(station: str, head: int, verified: Verification | None) -> Known:
    return Known(station, head, verified, (head, AT), "run `main.py audit verify --central`")


def test_a_chain_shorter_than_what_was_verified_is_a_problem_not_zero_events() -> None:
    cut = known("bench-1", 90, Verification(AT, 120))

    assert cut.level == "broken"
    assert "the chain now ends at link 90, before link 120 verified intact at 2025-03-04 15:30" in (
        cut.words(UTC)
    )


def test_many_stations_are_counted_by_state_the_worst_first() -> None:
    states = [
        known("bench-1", 10, Verification(AT, 10)),
        known("bench-2", 12, Verification(AT, 10)),
        known("bench-3", 5, None),
        known("bench-4", 8, Verification(AT, 8, "scan 3 was edited")),
    ]

    words, level = summary(states, UTC)

    assert level == "broken"
    assert words == (
        "Audit trail of 4 stations: 1 with a PROBLEM (bench-4); 2 not verified up to their "
        "newest event (bench-2, bench-3); 1 verified up to their newest event (bench-1). "
        "Pick a station to read its state."
    )


def test_audit_verify_records_what_it_found_for_the_dashboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for raw in ("BADGE-P1", "SO-3", TAPE_EAN):
        session.handle_scan(raw)
    session.wait_for_printer()
    session.close()
    bench.store.close()
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")
    args = ["--config", str(config), "--data-dir", str(tmp_path), "audit", "verify"]

    assert main.main(args) == 0
    recorded = recorded_verifications(tmp_path)
    assert list(recorded) == ["bench-1"] and recorded["bench-1"].problem is None
    assert recorded["bench-1"].seq > 3
    (tmp_path / FILE_NAME).write_text(json.dumps({"bench-1": {"at": "soon"}}), encoding="utf-8")
    with pytest.raises(UnreadableRecord, match="verify again"):
        recorded_verifications(tmp_path)
    capsys.readouterr()
