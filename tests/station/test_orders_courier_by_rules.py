"""Orders without a courier or service: the courier rules choose them at the bench."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.importers import ImportRejected, import_file
from station.models import Order
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, Bench, standard_bench

HEADER = (
    "order_number,sku,qty,ship_to_name,ship_to_street,ship_to_city,ship_to_postcode,"
    "ship_to_country\n"
)


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path / "station")


def test_an_orders_csv_without_courier_columns_is_packed_with_the_rules_courier(
    bench: Bench, tmp_path: Path
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(HEADER + "SO-77,MUG-350,1,Zoë,Rua São João 1,Porto,4000-001,PT\n")
    with bench.store.session() as db:
        import_file(db, "orders", orders)
        stored = db.exec(select(Order).where(Order.number == "SO-77")).one()
        assert (stored.courier, stored.service) == ("", "")
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-77")
    done = session.wait_for_label(session.handle_scan(MUG_UPC))
    assert done.kind is VerdictKind.ORDER_COMPLETE
    assert done.tracking and done.label


def test_an_order_with_its_own_tracking_number_must_name_its_courier(
    bench: Bench, tmp_path: Path
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        HEADER.replace("\n", ",tracking\n")
        + "SO-78,MUG-350,1,Zoë,Rua São João 1,Porto,4000-001,PT,1Z999AA10123456784\n"
    )
    with bench.store.session() as db, pytest.raises(ImportRejected) as rejected:
        import_file(db, "orders", orders)
    assert "column courier: an order's own tracking number needs its courier" in str(rejected.value)
