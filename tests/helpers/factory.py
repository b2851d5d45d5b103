"""Small, explicit test data written straight into a store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.pdf.document_printer import FileDocumentPrinter
from devices.pdf.file_printer import FileLabelPrinter
from station.barcodes import normalise_code
from station.couriers.plan import CourierBook
from station.couriers.range_admin import ensure_demo_ranges
from station.models import Barcode, Order, OrderLine, Packer, Product
from station.session import PackSession
from station.settings import Settings
from station.store import Store

# Real GTINs with valid check digits.
MUG_UPC = "036000291452"
MUG_CASE = "10036000291459"
CABLE_EAN = "4006381333931"
TAPE_EAN = "5901234123457"
STRANGER_EAN = "9780201379624"  # in the catalog, in no test order


# Every session a Bench opened and nobody closed yet, oldest first: tests/conftest.py
# closes those a test opened when it ends, so no print thread outlives its test.
open_sessions: list[PackSession] = []


@dataclass
class Bench:
    store: Store
    data_dir: Path
    settings: Settings

    def session(self, station: str = "bench-1") -> PackSession:
        session = PackSession(
            self.store,
            self.settings,
            FileLabelPrinter(self.data_dir / "labels"),
            station,
            documents=FileDocumentPrinter(self.data_dir / "documents"),
        )
        open_sessions.append(session)
        return session

    def close(self) -> None:
        """Close the sessions this bench opened, then its store."""
        close_sessions_from(0, lambda session: session.store is self.store)
        self.store.close()


def close_sessions_from(
    first: int, belongs: Callable[[PackSession], bool] = lambda _session: True
) -> None:
    """Close the open sessions from index `first` on (those `belongs` picks)."""
    for session in [s for s in open_sessions[first:] if belongs(s)]:
        open_sessions.remove(session)
        session.close()


def add_product(store: Store, sku: str, name: str, *barcodes: tuple[str, int]) -> None:
    with store.session() as db:
        product = Product(sku=sku, name=name, weight_g=100)
        db.add(product)
        db.flush()
        for raw, units in barcodes:
            db.add(Barcode(product_id=product.id, code=normalise_code(raw), raw=raw, units=units))
        db.commit()


def add_order(
    store: Store, number: str, lines: dict[str, int], tracking: str | None = None
) -> None:
    with store.session() as db:
        order = Order(
            number=number,
            courier="DHL Express",
            service="Express Worldwide",
            tracking=tracking,
            ship_to_name="Zoë Müller",
            ship_to_street="Hauptstraße 5",
            ship_to_city="Berlin",
            ship_to_postcode="10115",
            ship_to_country="DE",
            ship_to_phone="+49 30 1234567",
        )
        db.add(order)
        db.flush()
        for line_no, (sku, qty) in enumerate(lines.items(), start=1):
            db.add(OrderLine(order_id=order.id, line_no=line_no, sku=sku, qty=qty))
        db.commit()


def add_packer(store: Store, badge: str, name: str, role: str = "packer") -> None:
    with store.session() as db:
        db.add(Packer(badge=badge, name=name, role=role))
        db.commit()


def standard_bench(data_dir: Path, settings: Settings | None = None) -> Bench:
    """A catalog of four products, three orders, two packers and a supervisor."""
    store = Store.open(data_dir)
    add_product(store, "MUG-350", "Ceramic Mug 350 ml", (MUG_UPC, 1), (MUG_CASE, 6))
    add_product(store, "CABLE-USBC", "USB-C Cable 1 m", (CABLE_EAN, 1))
    add_product(store, "TAPE-48", "Packing Tape 48 mm", (TAPE_EAN, 1))
    add_product(store, "BOOK-01", "Design Patterns", (STRANGER_EAN, 1))
    add_order(store, "SO-1", {"MUG-350": 2, "CABLE-USBC": 1})
    add_order(store, "SO-2", {"MUG-350": 6, "TAPE-48": 1})
    add_order(store, "SO-3", {"TAPE-48": 1}, tracking="1Z999AA10123456784")
    add_packer(store, "BADGE-P1", "Ana")
    add_packer(store, "BADGE-P2", "Ben")
    add_packer(store, "BADGE-S1", "Sam", role="supervisor")
    # The CLI's station is the host's name unless configured.
    give_tracking_ranges(store, ["bench-1", "bench-2", Settings().station])
    return Bench(store, data_dir, settings or Settings(station="bench-1"))


def give_tracking_ranges(store: Store, stations: list[str]) -> None:
    """Every courier's tracking numbers for each station, as IT sets up a bench."""
    with store.session() as db:
        for station in stations:
            ensure_demo_ranges(db, station, CourierBook.load())
        db.commit()
