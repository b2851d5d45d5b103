"""Check-weighing at the bench: a parcel that weighs wrong gets no label until it is right."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from station.device_urls import Role, parse_device_url
from station.labels import LabelContent
from station.models import OrderEvent, Parcel, PrintJob, ScanEvent
from station.settings import Devices, Settings, Weighing
from station.verdicts import Awaiting, VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, Bench, standard_bench

V = VerdictKind
SCALE = parse_device_url("scale+serial:///dev/ttyUSB0?protocol=mt-sics", Role.SCALE)
# SO-1 holds two mugs and a cable of 100 g each, in a 150 g box: 450 g; the band
# is the smaller of 50 g and 5 % (22 g).
RIGHT_G, ONE_MUG_SHORT_G = 455, 355


def weighing_bench(tmp_path: Path, on_mismatch: str = "block") -> Bench:
    settings = Settings(
        station="bench-1",
        devices=Devices(scale=SCALE),
        weighing=replace(Weighing(), on_mismatch=on_mismatch),
    )
    return standard_bench(tmp_path, settings)


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return weighing_bench(tmp_path)


def pack_so1(bench: Bench):  # type: ignore[no-untyped-def]
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN):
        session.handle_scan(scan)
    return session, session.handle_scan(MUG_UPC)


def printed_labels(bench: Bench) -> list[LabelContent]:
    with bench.store.session() as db:
        return [LabelContent.from_json(job.content_json) for job in db.exec(select(PrintJob))]


def test_a_complete_order_waits_on_the_scale_before_its_label(bench: Bench) -> None:
    session, complete = pack_so1(bench)
    assert complete.kind is V.ORDER_COMPLETE
    assert "Put the parcel on the scale" in complete.message
    assert complete.tracking is None and printed_labels(bench) == []
    assert session.view().awaiting is Awaiting.WEIGHT


def test_the_right_weight_prints_the_label_with_the_weight_on_it(bench: Bench) -> None:
    session, _ = pack_so1(bench)
    verdict = session.wait_for_label(session.handle_weight(RIGHT_G))  # type: ignore[arg-type]
    assert verdict.kind is V.WEIGHT_OK
    assert verdict.label and Path(verdict.label).is_file()
    (label,) = printed_labels(bench)
    assert label.weight_g == RIGHT_G
    with bench.store.session() as db:
        (parcel,) = db.exec(select(Parcel)).all()
    assert parcel.weight_g == RIGHT_G
    assert session.view().order is None


def test_a_missing_unit_blocks_the_label_until_the_weight_is_right(bench: Bench) -> None:
    session, _ = pack_so1(bench)
    wrong = session.handle_weight(ONE_MUG_SHORT_G)
    assert wrong is not None and wrong.kind is V.WEIGHT_MISMATCH
    assert "a unit may be missing" in wrong.message and wrong.tone.value == "error"
    assert printed_labels(bench) == []
    assert session.view().awaiting is Awaiting.WEIGHT
    # Scans do not count while the parcel is on the scale.
    refused = session.handle_scan(MUG_UPC)
    assert refused.kind is V.WEIGH_PARCEL and "Not counted" in refused.message
    fixed = session.handle_weight(RIGHT_G)
    assert fixed is not None and fixed.kind is V.WEIGHT_OK and fixed.tracking
    assert len(printed_labels(bench)) == 1


def test_a_supervisor_badge_accepts_a_wrong_weight_and_it_is_recorded(bench: Bench) -> None:
    session, _ = pack_so1(bench)
    session.handle_weight(ONE_MUG_SHORT_G)
    ordinary = session.handle_scan("BADGE-P2")
    assert ordinary.kind is V.WEIGH_PARCEL and printed_labels(bench) == []
    accepted = session.handle_scan("BADGE-S1")
    assert accepted.kind is V.OVERRIDE and "accepted by Sam" in accepted.message
    (label,) = printed_labels(bench)
    assert label.weight_g == ONE_MUG_SHORT_G
    with bench.store.session() as db:
        (event,) = db.exec(select(OrderEvent).where(OrderEvent.kind == "weight_override")).all()
    assert "a unit may be missing" in event.note


def test_warn_mode_prints_the_label_but_says_the_weight_is_wrong(tmp_path: Path) -> None:
    bench = weighing_bench(tmp_path, on_mismatch="warn")
    session, _ = pack_so1(bench)
    verdict = session.handle_weight(ONE_MUG_SHORT_G)
    assert verdict is not None and verdict.kind is V.WEIGHT_MISMATCH and verdict.tracking
    assert len(printed_labels(bench)) == 1


def test_a_restart_while_the_parcel_is_on_the_scale_still_waits_for_it(bench: Bench) -> None:
    session, _ = pack_so1(bench)
    session.handle_weight(ONE_MUG_SHORT_G)
    session.close()
    restarted = bench.session()
    assert restarted.view().awaiting is Awaiting.WEIGHT
    # The mismatch survives the restart: a supervisor can still accept it.
    assert restarted.handle_scan("BADGE-S1").kind is V.OVERRIDE


def test_a_weight_nobody_waits_for_is_ignored_and_not_stored(bench: Bench) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    assert session.handle_weight(1234) is None
    with bench.store.session() as db:
        sources = db.exec(select(ScanEvent.source)).all()
    assert "scale" not in sources


def test_without_a_scale_the_label_carries_the_catalog_weight(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN):
        session.handle_scan(scan)
    assert session.handle_scan(MUG_UPC).tracking
    (label,) = printed_labels(bench)
    assert label.weight_g == 450


def test_replay_weighs_a_parcel_with_a_weight_line(bench: Bench) -> None:
    import io

    from station.replay import replay

    session = bench.session()
    out = io.StringIO()
    lines = ["BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN, MUG_UPC, "@weight 355", "@weight 455 g"]
    assert replay(session, lines, out) == len(lines)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["verdict"] for a in answers[-3:]] == [
        "order_complete",
        "weight_mismatch",
        "weight_ok",
    ]
    assert answers[-1]["tracking"] and answers[-1]["label"]
