"""Hostile import files: every value beyond what fits, and every value that could never be
scanned or printed, is a problem naming the line, the field and the limit; nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from station.importers import ImportRejected, Problem, import_file, import_records
from station.settings import Commands
from station.store import Store
from tests.station.test_importers import (
    CATALOG_HEADER,
    ORDERS_HEADER,
    SHIP_TO,
    UPC,
    rejected,
    write,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    store = Store.open(tmp_path / "data")
    with store.session() as session:
        yield session
    store.close()


def catalog_with_mug(db: Session, tmp_path: Path) -> None:
    import_file(db, "catalog", write(tmp_path, "c.csv", CATALOG_HEADER + f"MUG,Mug,{UPC},320,\n"))


def test_numbers_beyond_their_range_name_the_limit(db: Session, tmp_path: Path) -> None:
    rows = (
        "A,Anvil,A1,9223372036854775807,\n"
        f"B,Boulder,B1,{'9' * 5000},\n"
        "C,Crate,C1|C2*99999999999999999999,1,\n"
        "D,Drum,D1*10001,1,\n"
    )
    assert rejected(db, "catalog", write(tmp_path, "catalog.csv", CATALOG_HEADER + rows)) == [
        "catalog.csv line 2, column weight_g: 9,223,372,036,854,775,807 is too large; "
        "use a whole number from 0 to 1,000,000",
        "catalog.csv line 3, column weight_g: a 5,000-digit number is too large; "
        "use a whole number from 0 to 1,000,000",
        "catalog.csv line 4, column barcode: bad case multiplier in 'C2*99999999999999999999'; "
        "write CODE*N with N the units in the case, from 1 to 10,000, e.g. 05012345678900*6",
        "catalog.csv line 5, column barcode: bad case multiplier in 'D1*10001'; "
        "write CODE*N with N the units in the case, from 1 to 10,000, e.g. 05012345678900*6",
    ]


def test_a_json_number_of_thousands_of_digits_is_too_large(db: Session, tmp_path: Path) -> None:
    catalog_with_mug(db, tmp_path)
    text = (
        '[{"number": "SO-1", "ship_to": {"name": "A", "street": "B", "city": "C", '
        f'"postcode": "1", "country": "DE"}}, "lines": [{{"sku": "MUG", "qty": {"7" * 5000}}}]}}]'
    )
    assert rejected(db, "orders", write(tmp_path, "orders.json", text)) == [
        "orders.json item 1, key lines[0].qty: a 5,000-digit number is too large; "
        "use a whole number from 1 to 100,000"
    ]


def test_json_nested_beyond_reason_is_refused_not_a_crash(db: Session, tmp_path: Path) -> None:
    text = "[" * 100_000 + "]" * 100_000
    problems = rejected(db, "catalog", write(tmp_path, "catalog.json", text))
    assert len(problems) == 1 and "is nested too deeply to read" in problems[0]


def test_control_characters_are_refused_with_their_position(db: Session, tmp_path: Path) -> None:
    catalog_with_mug(db, tmp_path)
    rows = f"SO-\x001,MUG,1,{SHIP_TO}\nSO-2,MUG,1,DHL,Express,,Zoë\x07,Street,City,1,DE,\n"
    assert rejected(db, "orders", write(tmp_path, "orders.csv", ORDERS_HEADER + rows)) == [
        "orders.csv line 2, column order_number: has a control character U+0000 (NULL) at "
        "position 4, which no scan can carry; remove it",
        "orders.csv line 3, column ship_to_name: has a control character U+0007 at position 4, "
        "which no label can print; remove it",
    ]


def test_text_that_cannot_fit_or_print_on_a_label_is_refused(db: Session, tmp_path: Path) -> None:
    catalog_with_mug(db, tmp_path)
    rows = (
        f"SO-1,MUG,1,DHL,Express,,{'N' * 10_000},Street,City,1,DE,\n"
        "SO-2,MUG,1,DHL,Express,,Zoë 😀,Street,City,1,DE,\n"
    )
    assert rejected(db, "orders", write(tmp_path, "orders.csv", ORDERS_HEADER + rows)) == [
        "orders.csv line 2, column ship_to_name: is 10,000 characters long; at most 100 fit",
        "orders.csv line 3, column ship_to_name: has a character U+1F600 (GRINNING FACE) at "
        "position 5, which no label can print; remove it",
    ]


def test_a_barcode_badge_or_order_number_equal_to_a_command_is_refused(
    db: Session, tmp_path: Path
) -> None:
    commands = Commands(ack="ACK-NOW")
    catalog = write(tmp_path, "c.csv", CATALOG_HEADER + "X,Thing,ACK-NOW|CMD-REASON-3,1,\n")
    problems = [
        problem.render("c.csv")
        for problem in _rejected_with(
            db, lambda: import_file(db, "catalog", catalog, commands=commands)
        )
    ]
    assert problems == [
        "c.csv line 2, column barcode: barcode 'ACK-NOW' is the station's command barcode "
        "'ACK-NOW'; a scan of it would run the command, never count the product",
        "c.csv line 2, column barcode: barcode 'CMD-REASON-3' is the station's command barcode "
        "'CMD-REASON-3'; a scan of it would run the command, never count the product",
    ]
    packer = [{"badge": "CMD-LOGOUT", "name": "Ann", "role": "packer"}]
    problems = [
        p.render("p") for p in _rejected_with(db, lambda: import_records(db, "packers", packer))
    ]
    assert problems == [
        "p item 1, key badge: badge 'CMD-LOGOUT' is the station's command barcode "
        "'CMD-LOGOUT'; scanning it would run the command, never log in"
    ]


def test_a_badge_equal_to_a_product_barcode_is_refused_both_ways(
    db: Session, tmp_path: Path
) -> None:
    catalog_with_mug(db, tmp_path)
    packer = [{"badge": UPC, "name": "Ann", "role": "packer"}]
    problems = [
        p.render("p") for p in _rejected_with(db, lambda: import_records(db, "packers", packer))
    ]
    assert problems == [
        f"p item 1, key badge: badge {UPC!r} is also a barcode of product 'MUG'; "
        "a scan of it would be ambiguous"
    ]
    import_records(db, "packers", [{"badge": "B-77", "name": "Bo", "role": "packer"}])
    catalog = write(tmp_path, "c2.csv", CATALOG_HEADER + "CUP,Cup,B-77,10,\n")
    assert rejected(db, "catalog", catalog) == [
        "c2.csv line 2, column barcode: barcode 'B-77' is also a packer's badge ('B-77'); "
        "a scan of it would be ambiguous"
    ]


def test_an_order_missing_what_its_named_courier_requires_is_refused(
    db: Session, tmp_path: Path
) -> None:
    from station.couriers.plan import CourierBook

    catalog_with_mug(db, tmp_path)
    order = {
        "number": "SO-9",
        "courier": "aeroexpress",  # requires the recipient's phone
        "ship_to": {"name": "A", "street": "B", "city": "C", "postcode": "1", "country": "DE"},
        "lines": [{"sku": "MUG", "qty": 1}],
    }
    book = CourierBook.load()
    problems = [
        p.render("o")
        for p in _rejected_with(
            db, lambda: import_records(db, "orders", [order], source="o", couriers=book)
        )
    ]
    assert problems == [
        "o item 1, key ship_to.phone: AeroExpress requires it on its label; add it, "
        "or choose another courier"
    ]


def _rejected_with(db: Session, run: Callable[[], object]) -> list[Problem]:
    try:
        run()
    except ImportRejected as exc:
        db.rollback()
        return list(exc.problems)
    raise AssertionError("the import was not rejected")
