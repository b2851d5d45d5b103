"""The dock against what a real scanner, a noisy cable or a careless script sends."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.errors import UserError
from station.handoff.central import Decision
from station.handoff.closing import Handover, close_load
from station.handoff.loads import never_collected
from station.handoff.replay_lines import DockReplay
from station.models import utc_now
from station.replay import replay
from station.settings import Settings
from station.store import Store
from station.verdicts import VerdictKind as V
from tests.helpers.factory import Bench
from tests.station.test_handoff import (  # noqa: F401
    DHL,
    STATION,
    dock,
    scans,
    signature_png,
    store,
)


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


def test_a_close_refuses_a_count_other_than_the_one_the_driver_checked(
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0], DHL[1])
    load = loading.state.load
    assert load is not None
    with store.session() as db:
        parcel = queries.parcel_by_tracking(db, DHL[0])
        assert parcel is not None
    signed = Handover("Dana Driver", signature_png=signature_png(), checked_count=2)
    # While the close waits for the central answers, one parcel goes to another dock's load.
    assert loading.taken_off(parcel.id, load.id, Decision("dock-2", uuid.uuid4())) is not None

    with pytest.raises(UserError, match="not the 2 the driver checked"):
        close_load(loading, signed, tmp_path / "data", render_manifest_pdf, default_reason="x")

    assert loading.state.load is not None  # still open, nothing closed
    rechecked = replace(signed, checked_count=1)
    answer = close_load(
        loading, rechecked, tmp_path / "data", render_manifest_pdf, default_reason="x"
    )
    assert answer.kind is V.LOAD_CLOSED and answer.parcels == 1


def test_a_parcel_taken_off_a_closed_load_is_still_never_collected_until_its_load_closes(
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    loading = dock(store)
    scans(loading, "CMD-LOAD", "DHL Express", DHL[0], DHL[1])
    load = loading.state.load
    assert load is not None
    with store.session() as db:
        parcel = queries.parcel_by_tracking(db, DHL[0])
        assert parcel is not None
    # Two docks scanned it at once; the central database gave it to dock-2's open load.
    assert loading.taken_off(parcel.id, load.id, Decision("dock-2", uuid.uuid4())) is not None
    close_load(
        loading, Handover("Dana Driver"), tmp_path / "data", render_manifest_pdf, default_reason="x"
    )

    with store.session() as db:
        # (seal_orders seals a second apart from the fixture's start: all before this)
        waiting = never_collected(db, timedelta(0), utc_now() + timedelta(minutes=1))
    # Not on this dock's closed load, and dock-2's load is not known closed: still at the
    # station as far as anyone here knows, so on the supervisor's list.
    assert DHL[0] in [p.tracking for p in waiting] and DHL[1] not in [p.tracking for p in waiting]
