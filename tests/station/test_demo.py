"""The demo: a store worth playing with, and a printed sheet that scans into it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from devices.barcode_decode import decode_image
from station.barcodes import is_valid_gtin, to_gtin14
from station.demo import DemoSummary, is_seeded, seed_demo
from station.demo.catalog import demo_products
from station.demo.orders import demo_orders
from station.demo.people import DEMO_PACKERS
from station.demo.sheet import write_demo_sheet
from station.models import Barcode, Order, OrderLine, Packer, Product
from station.settings import Commands
from station.store import Store
from tests.helpers.pdf import page_images, pdf_text, words

COMMAND_CAPTIONS = (
    "Log out",
    "Acknowledge error",
    "Park order (cancel)",
    "Flag exception",
    "Ship short (supervisor)",
    "Seal & print label",
    "Reprint the last label",
    "Void a label (then scan it)",
    "Packing slip of the last order",
    "Bulk print this order's labels",
    "Exception: wrong item in tote",
    "Ship short: out of stock",
    "OK (in a dialog)",
    "Reason 9",
)


@dataclass
class Demo:
    store: Store
    data_dir: Path
    summary: DemoSummary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    # Seeding and rasterising take a few seconds: do it once for the module.
    data_dir = tmp_path_factory.mktemp("demo")
    store = Store.open(data_dir)
    summary = seed_demo(store, data_dir, Commands())
    yield Demo(store, data_dir, summary)
    store.close()


def gtin_or_text(value: str) -> str:
    """Scanners may read a UPC-A as a 13-digit EAN; compare GTINs in 14 digits."""
    return to_gtin14(value) or value


def test_fresh_store_is_not_seeded_and_a_seeded_one_is(tmp_path: Path, demo: Demo) -> None:
    assert not is_seeded(Store.open(tmp_path))
    assert is_seeded(demo.store)


def test_seeding_fills_the_store(demo: Demo) -> None:
    with demo.store.session() as db:
        products = db.exec(select(Product)).all()
        orders = db.exec(select(Order)).all()
        roles = [packer.role for packer in db.exec(select(Packer)).all()]

    assert len(products) >= 30
    assert len(orders) == 50
    assert sorted(roles) == ["packer", "packer", "packer", "supervisor"]
    summary = demo.summary
    assert (summary.products, summary.orders) == (len(products), len(orders))
    assert (summary.packers, summary.supervisors) == (3, 1)
    assert "50 orders" in summary.describe()


def test_every_product_barcode_is_a_valid_gtin_and_some_are_cases(demo: Demo) -> None:
    with demo.store.session() as db:
        barcodes = db.exec(select(Barcode)).all()

    assert barcodes
    assert all(is_valid_gtin(barcode.raw) for barcode in barcodes)
    assert {len(barcode.raw) for barcode in barcodes} == {12, 13, 14}  # UPC-A, EAN-13, cases
    cases = [barcode for barcode in barcodes if barcode.units > 1]
    assert len(cases) >= 5
    assert all(case.raw.startswith("1") and len(case.raw) == 14 for case in cases)


def test_every_product_has_its_picture(demo: Demo) -> None:
    with demo.store.session() as db:
        products = db.exec(select(Product)).all()

    for product in products:
        assert product.image is not None
        path = Path(product.image)
        assert path == demo.data_dir / "images" / f"{product.sku}.png"
        with Image.open(path) as picture:
            assert (picture.format, picture.size) == ("PNG", (256, 256))


def test_orders_have_one_to_five_lines_and_some_whole_cases(demo: Demo) -> None:
    with demo.store.session() as db:
        orders = db.exec(select(Order)).all()
        lines = db.exec(select(OrderLine)).all()
        case_units = {
            product.sku: barcode.units
            for product, barcode in db.exec(
                select(Product, Barcode).where(Barcode.product_id == Product.id)
            ).all()
            if barcode.units > 1
        }

    per_order = {order.id: 0 for order in orders}
    for line in lines:
        per_order[line.order_id] += 1
    assert set(per_order.values()) <= {1, 2, 3, 4, 5}
    whole_cases = [ln for ln in lines if ln.sku in case_units and ln.qty % case_units[ln.sku] == 0]
    assert len(whole_cases) >= 5
    assert sorted(order.number for order in orders)[0] == "SO-100001"
    assert len({order.ship_to_country for order in orders}) >= 5
    assert any(not order.ship_to_name.isascii() for order in orders)


def test_demo_data_is_the_same_every_time() -> None:
    products = demo_products()

    assert demo_orders(products) == demo_orders(demo_products())


def test_sheet_scans_every_badge_command_order_and_product(demo: Demo) -> None:
    with demo.store.session() as db:
        badges = set(db.exec(select(Packer.badge)).all())
        numbers = set(db.exec(select(Order.number)).all())
        barcodes = {gtin_or_text(raw) for raw in db.exec(select(Barcode.raw)).all()}
    fields = dataclasses.fields(Commands)
    commands = {getattr(Commands(), field.name) for field in fields if field.name != "reason"}
    commands |= set(Commands().reason_codes())

    decoded: set[str] = set()
    for page in page_images(demo.summary.sheet, demo.data_dir / "pages", dpi=200):
        decoded.update(gtin_or_text(text) for text in decode_image(page))

    assert badges - decoded == set()
    assert commands - decoded == set()
    assert numbers - decoded == set()
    assert barcodes - decoded == set()


def test_sheet_says_what_each_barcode_is(demo: Demo) -> None:
    text = words(pdf_text(demo.summary.sheet))

    for caption in COMMAND_CAPTIONS:
        assert caption in text
    assert "Ceramic Coffee Mug 350 ml" in text
    assert "case of 6" in text
    assert "Scan a packer badge" in text


def test_sheet_prints_the_configured_command_barcodes(tmp_path: Path) -> None:
    commands = Commands(logout="BYE-BYE", seal="SEAL-IT-NOW")
    sheet = tmp_path / "sheet.pdf"
    products = demo_products()

    write_demo_sheet(sheet, products, demo_orders(products), DEMO_PACKERS, commands)

    (first_page,) = page_images(sheet, tmp_path / "pages", dpi=200, last_page=1)
    decoded = set(decode_image(first_page))
    assert {"BYE-BYE", "SEAL-IT-NOW", "CMD-ACK"} <= decoded
    assert "CMD-LOGOUT" not in decoded
