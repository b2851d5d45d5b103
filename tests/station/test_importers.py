"""Importing catalog, orders and packers: all or nothing, every problem named by line and column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select

from station.barcodes import normalise_code
from station.errors import UserError
from station.importers import (
    ImportRejected,
    ImportReport,
    Problem,
    import_file,
    import_records,
    verify_pin,
)
from station.models import (
    Barcode,
    Order,
    OrderLine,
    Packer,
    Parcel,
    Product,
    ScanEvent,
)
from station.store import Store

UPC = "036000291452"
EAN = "4006381333931"
CASE = "10036000291459"

CATALOG_HEADER = "sku,name,barcode,weight_g,image\n"
ORDERS_HEADER = (
    "order_number,sku,qty,courier,service,tracking,ship_to_name,ship_to_street,"
    "ship_to_city,ship_to_postcode,ship_to_country,ship_to_phone\n"
)
SHIP_TO = "DHL,Express,,Zoë Müller,Hauptstraße 5,Berlin,10115,de,+49 30 1234"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture
def db(store: Store) -> Iterator[Session]:
    with store.session() as session:
        yield session


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def counts(db: Session) -> dict[str, int]:
    tables: list[Any] = [Product, Barcode, Packer, Order, OrderLine]
    return {t.__name__: db.exec(select(func.count()).select_from(t)).one() for t in tables}


def rejected(db: Session, kind: str, path: Path) -> list[str]:
    """The problem lines of a rejected import, after checking nothing was written."""
    before = counts(db)
    with pytest.raises(ImportRejected) as info:
        import_file(db, kind, path)
    db.rollback()
    assert counts(db) == before
    lines = str(info.value).splitlines()
    assert "nothing was changed" in lines[0]
    assert len(lines) == len(info.value.problems) + 1
    return lines[1:]


def seed_catalog(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "seed.csv",
        CATALOG_HEADER
        + f"MUG,Mug,{UPC}|{CASE}*6,350,\nCABLE,Cable,{EAN},80,\nTAPE,Tape,TAPE-1,60,\n",
    )
    import_file(db, "catalog", path)


def product(db: Session, sku: str) -> Product:
    return db.exec(select(Product).where(Product.sku == sku)).one()


def barcodes_of(db: Session, sku: str) -> set[tuple[str, str, int]]:
    rows = db.exec(select(Barcode).where(Barcode.product_id == product(db, sku).id))
    return {(b.code, b.raw, b.units) for b in rows}


def order(db: Session, number: str) -> Order:
    return db.exec(select(Order).where(Order.number == number)).one()


def lines_of(db: Session, number: str) -> list[tuple[int, str, int]]:
    rows = db.exec(select(OrderLine).where(OrderLine.order_id == order(db, number).id))
    return sorted((line.line_no, line.sku, line.qty) for line in rows)


# --- catalog -----------------------------------------------------------------------------


def test_catalog_csv_stores_products_with_normalised_and_case_barcodes(
    db: Session, tmp_path: Path
) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "mug.png").write_bytes(b"png")
    path = write(
        tmp_path,
        "catalog.csv",
        CATALOG_HEADER + f"MUG,Mug 350 ml,{UPC}|{CASE}*6,350,img/mug.png\n"
        f'CABLE,"Cable, USB-C",{EAN},80,\n',
    )

    report = import_file(db, "catalog", path)

    assert report == ImportReport("catalog", created=2, updated=0, unchanged=0)
    assert report.summary() == "catalog: 2 products imported (2 new, 0 updated)"
    mug = product(db, "MUG")
    assert (mug.name, mug.weight_g) == ("Mug 350 ml", 350)
    assert mug.image == str((tmp_path / "img" / "mug.png").resolve())
    assert barcodes_of(db, "MUG") == {("00" + UPC, UPC, 1), (CASE, CASE, 6)}
    assert product(db, "CABLE").name == "Cable, USB-C"
    assert product(db, "CABLE").image is None


def test_catalog_json_accepts_barcode_lists_and_strings(db: Session, tmp_path: Path) -> None:
    records = [
        {"sku": "MUG", "name": "Mug", "barcode": [UPC, f"{CASE}*6"], "weight_g": 350},
        {"sku": "TAPE", "name": "Tape", "barcode": "TAPE-1|TAPE-2", "weight_g": "60"},
    ]
    path = write(tmp_path, "catalog.json", json.dumps(records))

    assert import_file(db, "catalog", path).created == 2
    assert barcodes_of(db, "MUG") == {("00" + UPC, UPC, 1), (CASE, CASE, 6)}
    assert barcodes_of(db, "TAPE") == {("TAPE-1", "TAPE-1", 1), ("TAPE-2", "TAPE-2", 1)}


def test_a_scanned_ean13_finds_a_product_imported_as_upc_a(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    found = db.exec(select(Barcode).where(Barcode.code == normalise_code("]E00" + UPC))).one()
    assert found.product_id == product(db, "MUG").id


def test_utf8_bom_is_accepted(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "catalog.csv", ("\ufeff" + CATALOG_HEADER + "MUG,Müg,M1,1,\n").encode())
    import_file(db, "catalog", path)
    assert product(db, "MUG").name == "Müg"


def test_json_with_bom_is_accepted(db: Session, tmp_path: Path) -> None:
    body = json.dumps([{"badge": "B1", "name": "Ann", "role": "packer"}])
    import_file(db, "packers", write(tmp_path, "packers.json", ("\ufeff" + body).encode()))
    assert db.exec(select(Packer.name)).one() == "Ann"


def test_semicolon_separated_csv_from_european_spreadsheets_is_read(
    db: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, "catalog.csv", "sku;name;barcode;weight_g\nMUG;Mug, large;M1;350\n")
    import_file(db, "catalog", path)
    assert product(db, "MUG").name == "Mug, large"


def test_reimport_updates_product_and_replaces_its_barcodes(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    before = product(db, "MUG").updated_at
    path = write(
        tmp_path,
        "update.csv",
        CATALOG_HEADER + f"MUG,Mug XL,0{UPC},400,\nCABLE,Cable,{EAN},80,\nNEW,New,N1,1,\n",
    )

    report = import_file(db, "catalog", path)

    assert report.summary() == "catalog: 3 products imported (1 new, 1 updated, 1 unchanged)"
    mug = product(db, "MUG")
    assert (mug.name, mug.weight_g) == ("Mug XL", 400)
    assert mug.updated_at > before
    assert barcodes_of(db, "MUG") == {("00" + UPC, "0" + UPC, 1)}
    assert db.exec(select(func.count()).select_from(Barcode)).one() == 4


def test_a_barcode_can_move_between_products_listed_in_the_same_file(
    db: Session, tmp_path: Path
) -> None:
    seed_catalog(db, tmp_path)
    content = CATALOG_HEADER + f"MUG,Mug,MUG-1,350,\nTAPE,Tape,{UPC},60,\n"
    path = write(tmp_path, "move.csv", content)
    assert import_file(db, "catalog", path).updated == 2
    assert barcodes_of(db, "TAPE") == {("00" + UPC, UPC, 1)}


def test_catalog_missing_columns_are_named_with_the_expected_header(
    db: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, "catalog.csv", "sku,title,barcode\nMUG,Mug,M1\n")
    assert rejected(db, "catalog", path) == [
        "catalog.csv line 1: missing columns name, weight_g; "
        "the header must be: sku,name,barcode,weight_g,image (image optional)",
        "catalog.csv line 1, column title: unknown column; "
        "expected: sku,name,barcode,weight_g,image",
    ]


def test_catalog_reports_every_bad_value_with_line_and_column(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "catalog.csv",
        CATALOG_HEADER
        + "MUG,Mug,M1,heavy,\n"
        + ",Nameless,M2,1,\n"
        + "CUP,,M3,-5,\n"
        + "BOX,Box,B1*0|B2*six|*6,1,\n"
        + "PIC,Picture,P1,1,missing.png\n",
    )
    problems = rejected(db, "catalog", path)
    missing_image = (tmp_path / "missing.png").resolve()
    assert problems == [
        "catalog.csv line 2, column weight_g: 'heavy' is not a whole number",
        "catalog.csv line 3, column sku: required but empty",
        "catalog.csv line 4, column name: required but empty",
        "catalog.csv line 4, column weight_g: -5 is too small; use a whole number from 0 to "
        "1,000,000",
        "catalog.csv line 5, column barcode: bad case multiplier in 'B1*0'; write CODE*N with N "
        "the units in the case, from 1 to 10,000, e.g. 05012345678900*6",
        "catalog.csv line 5, column barcode: bad case multiplier in 'B2*six'; write CODE*N with N "
        "the units in the case, from 1 to 10,000, e.g. 05012345678900*6",
        "catalog.csv line 5, column barcode: bad case multiplier in '*6'; write CODE*N with N "
        "the units in the case, from 1 to 10,000, e.g. 05012345678900*6",
        f"catalog.csv line 6, column image: image file {str(missing_image)!r} not found; "
        "fix the path or leave it empty",
    ]


def test_duplicate_skus_in_a_file_are_rejected(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "catalog.csv", CATALOG_HEADER + "MUG,Mug,M1,1,\nMUG,Mug 2,M2,1,\n")
    assert rejected(db, "catalog", path) == [
        "catalog.csv line 3, column sku: SKU 'MUG' is already on line 2; list each product once"
    ]


def test_upc_a_and_ean13_of_one_number_are_one_barcode(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "catalog.csv", CATALOG_HEADER + f"MUG,Mug,{UPC},1,\nCUP,Cup,0{UPC},1,\n")
    assert rejected(db, "catalog", path) == [
        f"catalog.csv line 3, column barcode: barcode '0{UPC}' is already on line 2 as '{UPC}' "
        "(the same GTIN); each barcode can belong to one product"
    ]


def test_a_barcode_of_another_product_in_the_store_is_rejected(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    path = write(tmp_path, "more.csv", CATALOG_HEADER + f"CUP,Cup,00{UPC},1,\n")
    assert rejected(db, "catalog", path) == [
        f"more.csv line 2, column barcode: barcode '00{UPC}' already belongs to product 'MUG'; "
        "remove it there (re-import that product) or fix this one"
    ]


def test_a_barcode_equal_to_a_badge_is_rejected(db: Session, tmp_path: Path) -> None:
    import_records(db, "packers", [{"badge": "B-7", "name": "Ann", "role": "packer"}])
    path = write(tmp_path, "catalog.csv", CATALOG_HEADER + "MUG,Mug,B-7,1,\n")
    assert rejected(db, "catalog", path) == [
        "catalog.csv line 2, column barcode: barcode 'B-7' is also a packer's badge ('B-7'); "
        "a scan of it would be ambiguous"
    ]


def test_problem_lines_count_physical_lines_across_quoted_line_breaks(
    db: Session, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "catalog.csv",
        CATALOG_HEADER + '\nMUG,"Mug\nwith a long\nname",M1,1,\n\nCUP,Cup,M2,x,\n',
    )
    assert rejected(db, "catalog", path) == [
        "catalog.csv line 3, column name: has a control character U+000A (LINE FEED) at "
        "position 4, which no label can print; remove it",
        "catalog.csv line 7, column weight_g: 'x' is not a whole number",
    ]


def test_a_row_with_more_values_than_columns_is_rejected(db: Session, tmp_path: Path) -> None:
    rows = "MUG,Mug, large,M1,1,,9\nCUP,Cup,C1,1,,,\n"  # CUP only has blank trailing cells
    problems = rejected(db, "catalog", write(tmp_path, "catalog.csv", CATALOG_HEADER + rows))
    assert problems[0] == (
        "catalog.csv line 2: has 7 values but the header has 5 columns; "
        "put values that contain a comma in double quotes"
    )
    assert all(problem.startswith("catalog.csv line 2") for problem in problems)


def test_unknown_json_keys_are_rejected(db: Session, tmp_path: Path) -> None:
    records = [{"sku": "MUG", "name": "Mug", "barcode": "M1", "weight": 1}]
    assert rejected(db, "catalog", write(tmp_path, "c.json", json.dumps(records))) == [
        "c.json item 1, key weight: unknown key; expected: sku,name,barcode,weight_g,image",
        "c.json item 1, key weight_g: required but missing",
    ]


# --- reading files -----------------------------------------------------------------------


def test_non_utf8_bytes_are_rejected_with_their_line(db: Session, tmp_path: Path) -> None:
    content = (CATALOG_HEADER + "MUG,Mug,M1,1,\nCAFE,Caf").encode() + b"\xe9,M2,1,\n"
    assert rejected(db, "catalog", write(tmp_path, "catalog.csv", content)) == [
        "catalog.csv line 3: byte 0xE9 at byte 9 of the line is not UTF-8; "
        "save the file as UTF-8 (Excel: 'CSV UTF-8')"
    ]


def test_utf16_files_get_a_hint(db: Session, tmp_path: Path) -> None:
    content = (CATALOG_HEADER + "MUG,Mug,M1,1,\n").encode("utf-16")
    assert rejected(db, "catalog", write(tmp_path, "catalog.csv", content)) == [
        "catalog.csv line 1: the file is UTF-16; save it as UTF-8 (Excel: 'CSV UTF-8')"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("empty.csv", CATALOG_HEADER.encode()),
        ("empty.json", b"[]"),
        ("empty.json", b""),
        ("empty.csv", b"\n\n"),
    ],
)
def test_a_file_without_rows_is_rejected(
    db: Session, tmp_path: Path, name: str, content: bytes
) -> None:
    assert rejected(db, "catalog", write(tmp_path, name, content)) == [
        f"{name}: file has no rows; nothing to import"
    ]


def test_invalid_json_names_line_and_column(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "orders.json", '[\n  {"number": "1"}\n  {"number": "2"}\n]')
    assert rejected(db, "orders", path) == [
        "orders.json line 3, column 3: not valid JSON: Expecting ',' delimiter"
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"sku": "MUG"}', "p.json: must hold a list of objects ([{...}, ...]), not an object"),
        (
            '[{"badge": "B1", "name": "A", "role": "packer"}, "B2"]',
            "p.json item 2: must be an object {...}, not str",
        ),
    ],
)
def test_json_must_be_a_list_of_objects(
    db: Session, tmp_path: Path, content: str, problem: str
) -> None:
    assert rejected(db, "packers", write(tmp_path, "p.json", content)) == [problem]


def test_other_file_types_are_refused(db: Session, tmp_path: Path) -> None:
    assert rejected(db, "catalog", write(tmp_path, "catalog.xlsx", b"PK")) == [
        "catalog.xlsx: only .csv and .json files can be imported; save it as CSV (UTF-8)"
    ]


def test_a_missing_file_is_reported(db: Session, tmp_path: Path) -> None:
    problems = rejected(db, "catalog", tmp_path / "nowhere.csv")
    assert problems[0].startswith("nowhere.csv: cannot be read: No such file")


def test_an_unknown_kind_is_a_user_error(db: Session, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="choose one of catalog, orders, packers"):
        import_file(db, "customers", write(tmp_path, "c.csv", "a\n1\n"))


def test_problem_renders_json_items_with_keys() -> None:
    problem = Problem(3, "lines[0].qty", "'two' is not a whole number", "item")
    assert problem.render("o.json") == (
        "o.json item 3, key lines[0].qty: 'two' is not a whole number"
    )


# --- orders ------------------------------------------------------------------------------


def json_order(number: str = "1042", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "number": number,
        "courier": "DHL",
        "service": "Express",
        "tracking": "JD0001",
        "ship_to": {
            "name": "Zoë Müller",
            "street": "Hauptstraße 5",
            "city": "Berlin",
            "postcode": "10115",
            "country": "de",
            "phone": "+49 30 1234",
        },
        "lines": [{"sku": "MUG", "qty": 2}, {"sku": "CABLE", "qty": 1}],
    }
    record.update(changes)
    return record


def test_orders_json_stores_order_and_lines(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    path = write(tmp_path, "orders.json", json.dumps([json_order(), json_order("1043")]))

    report = import_file(db, "orders", path)

    assert report.summary() == "orders: 2 orders imported (2 new, 0 updated)"

    stored = order(db, "1042")
    assert (stored.courier, stored.service, stored.tracking) == ("DHL", "Express", "JD0001")
    assert (stored.ship_to_name, stored.ship_to_city, stored.ship_to_country) == (
        "Zoë Müller",
        "Berlin",
        "DE",
    )
    assert stored.ship_to_phone == "+49 30 1234"
    assert lines_of(db, "1042") == [(1, "MUG", 2), (2, "CABLE", 1)]


def test_orders_csv_groups_rows_into_orders(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    path = write(
        tmp_path,
        "orders.csv",
        ORDERS_HEADER + f"1042,MUG,2,{SHIP_TO}\n1043,TAPE,1,{SHIP_TO}\n1042,CABLE,3,{SHIP_TO}\n",
    )

    assert import_file(db, "orders", path).created == 2

    assert lines_of(db, "1042") == [(1, "MUG", 2), (2, "CABLE", 3)]
    assert lines_of(db, "1043") == [(1, "TAPE", 1)]
    assert order(db, "1042").tracking is None
    assert order(db, "1042").ship_to_country == "DE"


def test_orders_csv_without_optional_columns(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    header = ORDERS_HEADER.replace(",tracking", "").replace(",ship_to_phone", "")
    path = write(tmp_path, "o.csv", header + "7,MUG,1,UPS,Standard,Al,1 Road,Town,123,US\n")
    import_file(db, "orders", path)
    assert order(db, "7").ship_to_phone is None


def test_reimporting_an_unstarted_order_replaces_it(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    import_records(db, "orders", [json_order()])
    changed = json_order(courier="UPS", lines=[{"sku": "TAPE", "qty": 4}])

    report = import_records(db, "orders", [changed, json_order("1043")])

    assert (report.created, report.updated) == (1, 1)
    assert order(db, "1042").courier == "UPS"
    assert lines_of(db, "1042") == [(1, "TAPE", 4)]


@pytest.mark.parametrize("started_by", ["scan", "parcel"])
def test_an_order_that_started_packing_is_not_changed(
    db: Session, tmp_path: Path, started_by: str
) -> None:
    seed_catalog(db, tmp_path)
    import_records(db, "orders", [json_order()])
    order_id = order(db, "1042").id
    if started_by == "scan":
        db.add(
            ScanEvent(
                station="bench-1",
                seq=1,
                order_id=order_id,
                raw="1042",
                code="1042",
                verdict="order_opened",
            )
        )
    else:
        db.add(
            Parcel(
                station="bench-1",
                seq=1,
                order_id=order_id,
                tracking="T",
                courier="DHL",
                service="Express",
            )
        )
    db.commit()
    more_mugs = json_order(lines=[{"sku": "MUG", "qty": 9}])
    path = write(tmp_path, "orders.json", json.dumps([more_mugs]))

    assert rejected(db, "orders", path) == [
        "orders.json item 1, key number: order 1042 has already started packing at a station; "
        "it was not changed"
    ]
    assert lines_of(db, "1042") == [(1, "MUG", 2), (2, "CABLE", 1)]


def test_an_identical_started_order_does_not_block_a_reimport(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    import_records(db, "orders", [json_order()])
    db.add(
        ScanEvent(
            station="bench-1",
            seq=1,
            order_id=order(db, "1042").id,
            raw="1042",
            code="1042",
            verdict="order_opened",
        )
    )
    db.commit()

    report = import_records(db, "orders", [json_order(), json_order("1043")])

    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)


def test_orders_csv_problems_name_line_and_column(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    other_city = SHIP_TO.replace("Berlin", "Hamburg")
    path = write(
        tmp_path,
        "orders.csv",
        ORDERS_HEADER
        + f"1042,MUG,two,{SHIP_TO}\n"
        + f"1042,GHOST,1,{SHIP_TO}\n"
        + f"1042,CABLE,0,{other_city}\n"
        + f"1043,TAPE,1,{SHIP_TO}\n"
        + f"1043,TAPE,2,{SHIP_TO}\n"
        + f",TAPE,2,{SHIP_TO}\n"
        + "1044,TAPE,1,DHL,,,Al,Road 1,Town,123,Germany,\n",
    )
    assert rejected(db, "orders", path) == [
        "orders.csv line 2, column qty: 'two' is not a whole number",
        "orders.csv line 3, column sku: unknown SKU 'GHOST'; import it with the catalog first, "
        "or fix the SKU",
        "orders.csv line 4, column ship_to_city: 'Hamburg' differs from 'Berlin' on line 2 of the "
        "same order 1042; all rows of one order must have the same order fields",
        "orders.csv line 4, column qty: 0 is too small; use a whole number from 1 to 100,000",
        "orders.csv line 6, column sku: SKU 'TAPE' is twice in this order (also on line 5); "
        "put the total quantity on one line",
        "orders.csv line 7, column order_number: required but empty",
        "orders.csv line 8, column ship_to_country: 'Germany' is not a 2-letter country code "
        "(ISO 3166, e.g. DE, US, GB)",
    ]


def test_orders_json_problems_name_item_and_key(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    no_lines = json_order("1043", lines=[])
    no_city = json_order("1044")
    del no_city["ship_to"]["city"]
    bad_qty = json_order("1045", lines=[{"sku": "MUG", "qty": "two"}, {"sku": "NOPE", "qty": 1}])
    lines_not_a_list = json_order("1046", lines={"sku": "MUG", "qty": 1}, ship_to="Berlin")
    records = [no_lines, no_city, bad_qty, json_order("1043"), lines_not_a_list]
    path = write(tmp_path, "orders.json", json.dumps(records))
    assert rejected(db, "orders", path) == [
        "orders.json item 1, key lines: the order has no lines; add at least one sku and qty",
        "orders.json item 2, key ship_to.city: required but missing",
        "orders.json item 3, key lines[0].qty: 'two' is not a whole number",
        "orders.json item 3, key lines[1].sku: unknown SKU 'NOPE'; import it with the catalog "
        "first, or fix the SKU",
        "orders.json item 4, key number: order 1043 is already on item 1; list each order once",
        "orders.json item 5, key ship_to: must be an object with name, street, city, postcode, "
        "country, phone",
        'orders.json item 5, key lines: must be a list like [{"sku": "A1", "qty": 2}]',
        "orders.json item 5, key ship_to.name: required but missing",
        "orders.json item 5, key ship_to.street: required but missing",
        "orders.json item 5, key ship_to.city: required but missing",
        "orders.json item 5, key ship_to.postcode: required but missing",
        "orders.json item 5, key ship_to.country: required but missing",
    ]


def test_orders_csv_missing_columns(db: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "orders.csv", "order_number,sku,qty\n1042,MUG,1\n")
    problems = rejected(db, "orders", path)
    assert problems[0].startswith(
        "orders.csv line 1: missing columns ship_to_name, ship_to_street, "
        "ship_to_city, ship_to_postcode, ship_to_country; the header must be: order_number,"
    )


def test_an_order_number_equal_to_a_badge_is_rejected(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    import_records(db, "packers", [{"badge": "1042", "name": "Ann", "role": "packer"}])
    path = write(tmp_path, "orders.json", json.dumps([json_order()]))
    assert rejected(db, "orders", path) == [
        "orders.json item 1, key number: order number '1042' is also a packer's badge; "
        "a scan of it would be ambiguous"
    ]


# --- packers -----------------------------------------------------------------------------


def test_packers_csv_stores_roles_and_only_a_hash_of_the_pin(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path, "packers.csv", "badge,name,role,pin\nB1,Ann,packer,\nS1,Sam,Supervisor,4711\n"
    )

    assert import_file(db, "packers", path).created == 2

    sam = db.exec(select(Packer).where(Packer.badge == "S1")).one()
    assert sam.role == "supervisor"
    assert sam.pin_hash is not None and sam.pin_hash.startswith("scrypt$")
    assert verify_pin(sam.pin_hash, "4711")
    assert not verify_pin(sam.pin_hash, "4712")
    assert db.exec(select(Packer.pin_hash).where(Packer.badge == "B1")).one() is None


def test_packers_json_and_reimport_keeps_a_pin_not_given_again(db: Session) -> None:
    sam = {"badge": "S1", "name": "Sam", "role": "supervisor", "pin": 4711}
    import_records(db, "packers", [sam])
    first_hash = db.exec(select(Packer.pin_hash)).one()

    report = import_records(db, "packers", [{**sam, "name": "Samuel", "pin": None}])

    assert report.updated == 1
    stored = db.exec(select(Packer)).one()
    assert (stored.name, stored.pin_hash) == ("Samuel", first_hash)
    again = import_records(db, "packers", [{**sam, "name": "Samuel", "pin": "4711"}])
    assert again.unchanged == 1


def test_verify_pin_refuses_malformed_hashes() -> None:
    for bad in ["", "plain", "scrypt$3$8$1$00$00", "md5$1$1$1$00$00", "scrypt$x$8$1$zz$00"]:
        assert not verify_pin(bad, "4711")


def test_packers_problems_name_line_and_column(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "packers.csv",
        "badge,name,role,pin\nB1,Ann,packer,\nB1,Bob,packer,\nB2,Cy,boss,\nB3,Di,supervisor,12\n",
    )
    assert rejected(db, "packers", path) == [
        "packers.csv line 3, column badge: badge 'B1' is already on line 2; "
        "each packer needs their own badge",
        "packers.csv line 4, column role: 'boss' is not a role; use packer, supervisor or admin",
        "packers.csv line 5, column pin: a PIN is 4 to 12 digits; fix it or leave it empty",
    ]


def test_packers_missing_column(db: Session, tmp_path: Path) -> None:
    assert rejected(db, "packers", write(tmp_path, "p.csv", "badge,name\nB1,Ann\n")) == [
        "p.csv line 1: missing column role; the header must be: badge,name,role,pin (pin optional)"
    ]


def test_a_badge_equal_to_a_product_barcode_is_rejected(db: Session, tmp_path: Path) -> None:
    seed_catalog(db, tmp_path)
    import_records(db, "orders", [json_order()])
    path = write(tmp_path, "p.csv", f"badge,name,role\n0{UPC},Ann,packer\n1042,Bob,packer\n")
    assert rejected(db, "packers", path) == [
        f"p.csv line 2, column badge: badge '0{UPC}' is also a barcode of product 'MUG'; "
        "a scan of it would be ambiguous",
        "p.csv line 3, column badge: badge '1042' is also order number '1042'; "
        "a scan of it would be ambiguous",
    ]


def test_an_import_error_is_a_user_error_listing_every_problem(db: Session) -> None:
    records = [{"badge": "", "name": "", "role": "packer"}]
    with pytest.raises(UserError) as info:
        import_records(db, "packers", records, source="roster")
    assert str(info.value) == (
        "roster was not imported and nothing was changed. Fix these 2 problems and import again:\n"
        "roster item 1, key badge: required but empty\n"
        "roster item 1, key name: required but empty"
    )
