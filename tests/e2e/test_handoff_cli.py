"""Loading replayed headless across a restart, then `main.py handoff` on what it left."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import main
from station.models import utc_now
from station.store import Store
from tests.helpers.cli import run, verdicts
from tests.helpers.sealed import seal_orders

pytestmark = pytest.mark.slow
DHL = ["JJDSO0000000101", "JJDSO0000000401", "JJDSO0000000701"]
POSTNL = "JJDSO0000000201"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    store = Store.open(folder)
    # Sealed a minute ago, one second apart: all of them before `handoff pending` looks.
    seal_orders(store, "bench-1", 8, sealed_at=utc_now() - timedelta(minutes=1))
    store.close()
    return folder


def replay(data_dir: Path, *lines: str) -> list[dict[str, object]]:
    result = run("--data-dir", str(data_dir), "replay", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    return verdicts(result.stdout)


def test_a_replayed_load_across_a_restart_closes_with_its_manifest(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = replay(data_dir, "CMD-LOAD", "DHL Express", DHL[0], POSTNL, "CMD-ACK", "NOPE-1")
    assert [answer["verdict"] for answer in first] == [
        "courier_required",
        "load_opened",
        "loaded",
        "wrong_courier",
        "acknowledged",
        "not_ready",
    ]
    assert first[2]["count"] == 1 and "PostNL" in str(first[3]["message"])
    # A new process: the open load (and the stop waiting) resume.
    second = replay(
        data_dir, "CMD-ACK", DHL[1], DHL[0], "@driver Dana Driver", "CMD-CLOSE-LOAD", DHL[2]
    )
    assert [answer["verdict"] for answer in second] == [
        "acknowledged",
        "loaded",
        "already_loaded",
        "driver_recorded",
        "load_closed",
        "load_closed",  # a late parcel: the closed load never changes
    ]
    closed = second[-2]
    assert closed["load"] == first[1]["load"] and closed["parcels"] == 2
    manifest = Path(str(closed["manifest"]))
    assert manifest.is_file() and manifest.parent == data_dir / "manifests"
    body = json.loads(manifest.with_suffix(".json").read_text(encoding="utf-8"))
    assert body["signature"] == "no drawn signature (replayed)"
    assert body["left"][0]["tracking"] == DHL[2]

    # The handoff commands, in this process (main.main, as the child runs it): faster.
    code, shown = handoff(capsys, data_dir, "show", str(closed["load"]))
    assert code == 0
    load = json.loads(shown)
    assert [parcel["tracking"] for parcel in load["parcels"]] == DHL[:2]
    assert load["manifest_sha256"] == body["sha256"] and load["driver"] == "Dana Driver"
    code, listed = handoff(capsys, data_dir, "list", "--courier", "dhl express")
    assert code == 0 and str(closed["load"]) in listed and "2 parcel(s)" in listed
    out = data_dir.parent / "export"
    assert handoff(capsys, data_dir, "export", str(closed["load"]), str(out))[0] == 0
    assert sorted(path.suffix for path in out.iterdir()) == [".csv", ".json", ".pdf"]
    # A manifest edited after the close is not exported as the record of the handoff.
    edited = manifest.with_suffix(".json")
    edited.write_text(edited.read_text(encoding="utf-8").replace("Dana", "Dan"), "utf-8")
    assert (
        main.main(
            [
                "--data-dir",
                str(data_dir),
                "handoff",
                "export",
                str(closed["load"]),
                str(data_dir.parent / "edited"),
            ]
        )
        == 2
    )
    assert "was changed after the load was closed" in capsys.readouterr().err
    assert not (data_dir.parent / "edited").exists()
    code, pending = handoff(capsys, data_dir, "pending")
    lines = pending.splitlines()
    assert len(lines) == 6 and lines[0].startswith(POSTNL)  # oldest first, loaded ones gone
    assert not any(tracking in pending for tracking in DHL[:2])


def handoff(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main.main(["--data-dir", str(data_dir), "handoff", *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["show", "L-NOSUCHLOAD"], "no load"),
        (["list", "--date", "yesterday"], "YYYY-MM-DD"),
        (["pending", "--older-than", "soon"], "number of hours"),
        (["pending", "--days", "0"], "whole number of days"),
        (["pending", "--warehouse", " "], "needs a warehouse's name"),
        (["list", "--courier", " "], "--courier is empty"),
    ],
)
def test_bad_input_is_a_clear_message(
    data_dir: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In this process (main.main, as the child runs it): the words are the same, faster.
    assert main.main(["--data-dir", str(data_dir), "handoff", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
