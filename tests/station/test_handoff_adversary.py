"""The dock against what a real scanner, a noisy cable or a careless script sends."""

from __future__ import annotations

import io
import json
from pathlib import Path

from devices.pdf.manifest import render_manifest_pdf
from station.handoff.replay_lines import DockReplay
from station.replay import replay
from station.settings import Settings
from station.store import Store
from station.verdicts import VerdictKind as V
from tests.helpers.factory import Bench
from tests.station.test_handoff import DHL, STATION, dock, scans, store  # noqa: F401


def test_the_dock_reads_a_scan_as_the_bench_does(store: Store) -> None:  # noqa: F811
    # A scanner set to send AIM symbology identifiers ("]C0"), as benches may be, and a
    # long cable's stray STX/ETX or NUL: the bench reads through them, so must the dock.
    loading = dock(store)

    answers = scans(loading, "]C0CMD-LOAD", "\x02DHL Express\x03", f"]C0{DHL[0]}", f"\x00{DHL[1]}")

    assert answers == [V.COURIER_REQUIRED, V.LOAD_OPENED, V.LOADED, V.LOADED]
    assert loading.state.count == 2


def test_a_replay_with_aim_identifiers_goes_to_the_dock(
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = Settings(station=STATION)
    pack = Bench(store, tmp_path / "data", settings).session(STATION)
    dock_lines = DockReplay(dock(store, settings), tmp_path / "data", render_manifest_pdf)
    out = io.StringIO()
    try:
        replay(pack, ["]C0CMD-LOAD", "]C0DHL Express", f"]C0{DHL[0]}"], out, dock_lines)
    finally:
        pack.close()
    verdicts = [json.loads(line)["verdict"] for line in out.getvalue().splitlines()]
    assert verdicts == ["courier_required", "load_opened", "loaded"]
