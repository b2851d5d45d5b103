"""What the dashboard says of a chain without walking it (station.audit.state.Known), and
the record `main.py audit verify` leaves for it (station.audit.verified_here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from filelock import FileLock

import main
from station.audit import verified_here
from station.audit.report import AuditReport
from station.audit.state import Known, Verification, summary
from station.audit.verified_here import (
    FILE_NAME,
    UnreadableRecord,
    record_verification,
    recorded_verifications,
)
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


def test_the_state_says_which_checks_the_verification_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.close()
    bench.store.close()
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")  # no central database: its anchors not checked

    assert main.main(["--config", str(config), "--data-dir", str(tmp_path), "audit", "verify"]) == 0
    recorded = recorded_verifications(tmp_path)["bench-1"]
    words = known("bench-1", recorded.seq, recorded).words(UTC)

    assert "verified intact up to link" in words and "(checked: store and log);" in words
    capsys.readouterr()


def test_a_verification_recorded_while_another_writes_is_told_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = AuditReport(links=5, heads={"bench-1": 5})
    second = AuditReport(links=7, heads={"bench-2": 7})
    record_verification(tmp_path, first, AT)
    monkeypatch.setattr(verified_here, "LOCK_WAIT_S", 0.0)  # not to wait for the other
    other = FileLock(tmp_path / verified_here.LOCK_NAME, timeout=0)

    with other, pytest.raises(OSError, match=r"another verification held .* verify again"):
        record_verification(tmp_path, second, AT)  # the other is between its read and write
    record_verification(tmp_path, second, AT)

    assert sorted(recorded_verifications(tmp_path)) == ["bench-1", "bench-2"]
