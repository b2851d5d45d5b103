"""Packing slips to the document printer, and a courier's own label printed as it came."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from station.errors import UserError
from station.importers import ImportRejected, import_file
from station.settings import Labels, Settings
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench, standard_bench
from tests.helpers.pdf import pdf_text

V = VerdictKind


def test_auto_slips_print_with_the_labels_and_show_what_was_packed(tmp_path: Path) -> None:
    settings = Settings(station="bench-1", labels=replace(Labels(), packing_slip="auto"))
    bench = standard_bench(tmp_path, settings)
    session = bench.session()  # with a document printer
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN):
        session.handle_scan(scan)
    assert session.wait_for_printer()
    (slip,) = (bench.data_dir / "documents").glob("*.pdf")
    text = pdf_text(slip)
    assert "SO-1" in text and "Ceramic Mug 350 ml" in text and "Ana" in text


def test_a_slip_on_demand_prints_for_the_last_packed_order(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()  # with a document printer
    with pytest.raises(UserError, match="no packing slip"):
        session.print_slip()
    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        session.handle_scan(scan)
    verdict = session.wait_for_label(session.print_slip())
    assert verdict.kind is V.SLIP_PRINTING and verdict.label
    assert "SO-3" in pdf_text(Path(verdict.label))


def courier_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=(288, 432))
    canvas.drawString(40, 300, "COURIER'S OWN LABEL")
    canvas.save()
    return path


def import_orders(bench: Bench, folder: Path, label_file: str, tracking: str = "JJD0001") -> None:
    orders = folder / "orders.json"
    order = {
        "number": "MP-1",
        "courier": "Marketplace Express",
        "service": "Standard",
        "tracking": tracking,
        "label_file": label_file,
        "ship_to": {
            "name": "Ana",
            "street": "1 Road",
            "city": "Porto",
            "postcode": "4000",
            "country": "PT",
        },
        "lines": [{"sku": "TAPE-48", "qty": 1}],
    }
    orders.write_text(json.dumps([order]), encoding="utf-8")
    with bench.store.session() as db:
        import_file(db, "orders", orders)


def test_an_orders_own_courier_label_prints_as_it_came(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path / "station")
    courier_pdf(tmp_path / "label.pdf")
    import_orders(bench, tmp_path, "label.pdf")
    session = bench.session()
    for scan in ("BADGE-P1", "MP-1"):
        session.handle_scan(scan)
    done = session.wait_for_label(session.handle_scan(TAPE_EAN))
    assert done.tracking == "JJD0001" and done.label
    assert "COURIER'S OWN LABEL" in pdf_text(Path(done.label))


def test_an_order_label_file_that_is_not_what_it_says_is_refused_at_import(
    tmp_path: Path,
) -> None:
    bench = standard_bench(tmp_path / "station")
    (tmp_path / "label.pdf").write_text("not a pdf")
    with pytest.raises(ImportRejected, match="is not a PDF file inside"):
        import_orders(bench, tmp_path, "label.pdf")
    with pytest.raises(ImportRejected, match=r"must be a \.pdf, \.png or \.zpl file"):
        import_orders(bench, tmp_path, "label.gif")
