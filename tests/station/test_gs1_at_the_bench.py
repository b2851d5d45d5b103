"""Real GS1 barcodes on a product count for it at the bench, with what they carry stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.barcodes import GS
from station.models import ScanEvent
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench, standard_bench

MUG_GTIN14 = "00" + MUG_UPC


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


@pytest.mark.parametrize(
    "scan",
    [
        f"(01){MUG_GTIN14}(3103)000320",  # typed from the printed form, with a net weight
        f"]d201{MUG_GTIN14}17271231{GS}240PART-7",  # DataMatrix with AI 240
        f"]Q301{MUG_GTIN14}10LOT42{GS}21SN7",  # GS1 QR Code
        f"]e001{MUG_GTIN14}3103000320",  # GS1 DataBar Expanded
    ],
)
def test_a_gs1_element_string_counts_for_its_product(bench: Bench, scan: str) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-1")
    verdict = session.handle_scan(scan)
    assert (verdict.kind, verdict.sku, verdict.scanned) == (VerdictKind.OK, "MUG-350", 1)


def test_a_datamatrix_lot_and_expiry_are_stored_with_the_scan(bench: Bench) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-1")
    session.handle_scan(f"]d201{MUG_GTIN14}17271200{GS}240PART-7{GS}10LOT-9")
    with bench.store.session() as db:
        event = db.exec(select(ScanEvent).where(ScanEvent.verdict == "ok")).one()
    assert (event.lot, event.expiry) == ("LOT-9", "2027-12-31")
