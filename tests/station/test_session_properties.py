"""Whatever a packer scans, counts stay honest and every scan is stored."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from station.models import ScanEvent
from station.settings import Settings
from station.store import DB_NAME, Store
from station.verdicts import COUNTED_VERDICTS, VerdictKind
from tests.helpers.factory import (
    CABLE_EAN,
    MUG_CASE,
    MUG_UPC,
    STRANGER_EAN,
    TAPE_EAN,
    Bench,
    standard_bench,
)

ORDER_QTY = {"MUG-350": 6, "TAPE-48": 1}  # order SO-2 of the standard bench
SCANS = st.sampled_from(
    [MUG_UPC, MUG_CASE, CABLE_EAN, TAPE_EAN, STRANGER_EAN, "CMD-ACK", "NOISE-123", "SO-1", "SO-2"]
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    standard_bench(folder).store.close()
    return folder / DB_NAME


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scans=st.lists(SCANS, max_size=30))
def test_an_order_completes_exactly_when_every_line_is_full(
    template: Path, scans: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(template, Path(folder) / DB_NAME)
        store = Store.open(Path(folder))
        session = Bench(store, Path(folder), Settings(station="bench-1")).session()
        session.handle_scan("BADGE-P1")
        session.handle_scan("SO-2")
        counted = dict.fromkeys(ORDER_QTY, 0)
        complete = False
        for scan in scans:
            verdict = session.handle_scan(scan)
            if complete:
                continue  # the order has left the bench; later scans are another story
            if verdict.kind in COUNTED_VERDICTS:
                assert verdict.sku in counted
                counted[verdict.sku] = verdict.scanned
            assert all(counted[sku] <= qty for sku, qty in ORDER_QTY.items())
            complete = counted == ORDER_QTY
            assert (verdict.kind is VerdictKind.ORDER_COMPLETE) == complete
            order = session.view().order
            if order is not None:
                assert {line.sku: line.scanned for line in order.lines} == counted
        with store.session() as db:
            stored = db.exec(select(func.count()).select_from(ScanEvent)).one()
        assert stored == 2 + len(scans)
        session.close()
        store.close()
