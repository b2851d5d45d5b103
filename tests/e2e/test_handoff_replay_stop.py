"""A replayed dock waits for its stop to be acknowledged, as the window does."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from station.models import utc_now
from station.store import Store
from tests.helpers.cli import run, verdicts
from tests.helpers.sealed import seal_orders

pytestmark = pytest.mark.slow
DHL = "JJDSO0000000101"
POSTNL = "JJDSO0000000201"


def test_a_replayed_driver_and_close_wait_for_the_stop_to_be_acknowledged(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "station"
    store = Store.open(data_dir)
    seal_orders(store, "bench-1", 2, sealed_at=utc_now() - timedelta(minutes=1))
    store.close()
    script = tmp_path / "dock.txt"
    lines = ["CMD-LOAD", "DHL Express", DHL, POSTNL, "@driver Dana Driver", "CMD-CLOSE-LOAD"]
    lines += ["CMD-ACK", "CMD-CLOSE-LOAD", "@driver Dana Driver", "CMD-CLOSE-LOAD"]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("--data-dir", str(data_dir), "replay", str(script))

    assert result.returncode == 0, result.stderr
    answers = verdicts(result.stdout)
    assert [answer["verdict"] for answer in answers] == [
        "courier_required",
        "load_opened",
        "loaded",
        "wrong_courier",  # the stop
        "needs_acknowledgement",  # the driver is not taken while it waits
        "needs_acknowledgement",  # nor the close: the load stays open
        "acknowledged",
        "driver_required",  # the driver named during the stop was not kept
        "driver_recorded",
        "load_closed",
    ]
    assert "Not closed" in str(answers[5]["message"])
    assert "manifest" not in answers[5] and answers[5]["load"] == answers[1]["load"]
    closed = answers[-1]
    assert closed["parcels"] == 1 and closed["load"] == answers[1]["load"]
    manifest = json.loads(Path(str(closed["manifest"])).with_suffix(".json").read_text("utf-8"))
    assert manifest["driver"] == "Dana Driver"
