"""Fill a fresh store with the demo: catalog, orders, packers, pictures and sheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import select

from station.demo.catalog import DemoProduct, demo_products
from station.demo.orders import DemoOrder, demo_orders
from station.demo.people import DEMO_PACKERS, DemoPacker
from station.importers import import_records
from station.models import Product
from station.settings import Commands
from station.store import Store

SHEET_NAME = "demo-sheet.pdf"


@dataclass(frozen=True)
class DemoSummary:
    products: int
    orders: int
    packers: int
    supervisors: int
    sheet: Path

    def describe(self) -> str:
        return (
            f"{self.products} products, {self.orders} orders, {self.packers} packers and "
            f"{self.supervisors} supervisor{'s' if self.supervisors != 1 else ''}; "
            f"print {self.sheet} to scan from."
        )


def is_seeded(store: Store) -> bool:
    """True once the store has a catalog, so the demo never re-seeds over play."""
    with store.session() as session:
        return session.exec(select(Product.id).limit(1)).first() is not None


def seed_demo(store: Store, data_dir: Path, commands: Commands | None = None) -> DemoSummary:
    """Import the demo data through the normal importers and write the demo sheet.

    Raises:
        ImportRejected: the store already holds data that clashes with the demo.
    """
    products = demo_products()
    orders = demo_orders(products)
    # Drawing and the sheet load Pillow and reportlab's platypus (~0.5 s): only a
    # first start pays for them, not every demo start that finds the data there.
    from station.demo.pictures import write_pictures
    from station.demo.sheet import write_demo_sheet

    images = write_pictures(products, data_dir / "images")
    batches: list[tuple[str, list[dict[str, Any]]]] = [
        # Catalog first: order lines must name known SKUs.
        ("catalog", [_product_record(p, images[p.sku]) for p in products]),
        ("orders", [_order_record(order) for order in orders]),
        ("packers", [_packer_record(packer) for packer in DEMO_PACKERS]),
    ]
    with store.session() as session:
        for kind, records in batches:
            import_records(
                session, kind, records, source=f"demo {kind}", base_dir=data_dir, commands=commands
            )
    sheet = data_dir / SHEET_NAME
    write_demo_sheet(sheet, products, orders, DEMO_PACKERS, commands or Commands())
    supervisors = sum(packer.role == "supervisor" for packer in DEMO_PACKERS)
    return DemoSummary(
        products=len(products),
        orders=len(orders),
        packers=len(DEMO_PACKERS) - supervisors,
        supervisors=supervisors,
        sheet=sheet,
    )


def _product_record(product: DemoProduct, image: Path) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "barcode": product.barcode_field,
        "weight_g": product.weight_g,
        "image": str(image.resolve()),
    }


def _order_record(order: DemoOrder) -> dict[str, Any]:
    ship_to = order.ship_to
    return {
        "number": order.number,
        "courier": order.courier,
        "service": order.service,
        "ship_to": {
            "name": ship_to.name,
            "street": ship_to.street,
            "city": ship_to.city,
            "postcode": ship_to.postcode,
            "country": ship_to.country,
            "phone": ship_to.phone,
        },
        "lines": [{"sku": line.sku, "qty": line.qty} for line in order.lines],
    }


def _packer_record(packer: DemoPacker) -> dict[str, Any]:
    record = {"badge": packer.badge, "name": packer.name, "role": packer.role}
    if packer.pin is not None:
        record["pin"] = packer.pin
    return record
