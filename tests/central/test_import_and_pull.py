"""Central import with the station's checks, and stations pulling only what changed."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sqlmodel import Session, select

from station.central.admin import head_revision
from station.central.connect import central_engine
from station.central.imports import import_central
from station.models import Order, OrderLine, Packer, Product
from station.store import Store
from station.sync import pull
from station.sync.exchange import sync_once
from tests.central.conftest import Central
from tests.helpers import cli
from tests.helpers.factory import CABLE_EAN, MUG_UPC

CATALOG = f"""sku,name,barcode,weight_g
MUG-350,Ceramic Mug 350 ml,{MUG_UPC},320
CABLE-USBC,USB-C Cable 1 m,{CABLE_EAN},40
"""
PACKERS = "badge,name,role,pin\nBADGE-P1,Ana,packer,\nBADGE-S1,Sam,supervisor,1234\n"


def orders(*numbers: str, qty: int = 1) -> str:
    ship_to = {
        "name": "Zoë Müller",
        "street": "Hauptstraße 5",
        "city": "Berlin",
        "postcode": "10115",
        "country": "DE",
        "phone": "+49 30 1234567",
    }
    return json.dumps(
        [
            {
                "number": number,
                "courier": "DHL Express",
                "service": "Express Worldwide",
                "ship_to": ship_to,
                "lines": [{"sku": "MUG-350", "qty": qty}],
            }
            for number in numbers
        ]
    )


def central_import(central: Central, kind: str, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return import_central(central_engine(central.admin_url), kind, path).summary()


def station_config(tmp_path: Path, station: str, url: str) -> Path:
    config = tmp_path / f"{station}.toml"
    config.write_text(f'[station]\nname = "{station}"\n[central]\nurl = "{url}"\n')
    return config


def sync(data_dir: Path, config: Path) -> dict[str, int]:
    """`main.py sync`, as a station's scheduler would run it."""
    result = cli.run("sync", "--data-dir", str(data_dir), "--config", str(config))
    assert result.returncode == 0, result.stderr
    summary: dict[str, int] = json.loads(result.stdout)
    return summary


def sync_here(data_dir: Path, url: str) -> dict[str, int]:
    """The same exchange, in this process (quicker)."""
    store = Store.open(data_dir)
    try:
        summary: dict[str, int] = json.loads(sync_once(url, store, "bench-1").as_json())
    finally:
        store.close()
    return summary


def test_central_import_then_a_station_pulls_it_then_only_what_changed(
    central: Central, tmp_path: Path
) -> None:
    assert central_import(central, "catalog", tmp_path / "c.csv", CATALOG).startswith(
        "catalog: 2 products imported"
    )
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1", "SO-2", "SO-3"))
    url = central.add_station("bench-1")
    config = station_config(tmp_path, "bench-1", url)
    data_dir = tmp_path / "bench-1"

    assert sync(data_dir, config) == {"pushed": 0, "pulled": 7, "conflicts": 0, "pending": 0}
    store = Store.open(data_dir)
    try:
        with store.session() as db, psycopg.connect(central.admin_url) as hub:
            local_orders = {o.number: str(o.id) for o in db.exec(select(Order))}
            central_orders = dict(hub.execute("SELECT number, id::text FROM orders").fetchall())
            assert local_orders == central_orders  # the same ids, which events point at
            assert {p.sku for p in db.exec(select(Product))} == {"MUG-350", "CABLE-USBC"}
            supervisor = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
            assert supervisor.pin_hash and supervisor.pin_hash.startswith("scrypt$")
    finally:
        store.close()

    assert sync_here(data_dir, url)["pulled"] == 0
    central_import(central, "orders", tmp_path / "o2.json", orders("SO-2", qty=3))
    assert sync_here(data_dir, url)["pulled"] == 1
    store = Store.open(data_dir)
    try:
        with store.session() as db:
            so2 = db.exec(select(Order).where(Order.number == "SO-2")).one()
            lines = db.exec(select(OrderLine).where(OrderLine.order_id == so2.id)).all()
            assert [(line.sku, line.qty) for line in lines] == [("MUG-350", 3)]
    finally:
        store.close()


def test_a_bad_file_is_refused_centrally_with_every_problem_and_nothing_written(
    central: Central, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(orders("SO-1"), encoding="utf-8")  # its SKU is in no catalog
    result = cli.run("central", "import", "orders", str(bad), "--url", central.admin_url)
    assert result.returncode == 2
    assert "unknown SKU 'MUG-350'" in result.stderr
    assert "Traceback" not in result.stderr
    with psycopg.connect(central.admin_url) as hub:
        assert hub.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_central_commands_say_what_is_wrong(central: Central, tmp_path: Path) -> None:
    with_password = central.admin_url.replace("postgres@", "postgres:secret@")
    result = cli.run("central", "status", "--url", with_password)
    assert (result.returncode, "secret" in result.stderr) == (2, False)
    assert "PGPASSWORD or a pgpass file" in result.stderr

    nowhere = central.admin_url.replace(f":{central.cluster.port}/", ":1/")
    result = cli.run("central", "init", "--url", nowhere)
    assert result.returncode == 4
    assert "cannot be reached" in result.stderr

    result = cli.run("central", "init", "--url", central.admin_url)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        f"Central schema is current ({head_revision()}).",
    )


def test_sync_exits_4_and_keeps_events_queued_when_the_server_is_away(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station("bench-1").replace(f":{central.cluster.port}/", ":1/")
    config = station_config(tmp_path, "bench-1", url)
    result = cli.run("sync", "--data-dir", str(tmp_path / "d"), "--config", str(config))
    assert result.returncode == 4
    assert json.loads(result.stdout) == {"pushed": 0, "pulled": 0, "conflicts": 0, "pending": 0}


def test_status_lists_stations_and_double_packed_orders(central: Central, tmp_path: Path) -> None:
    central.add_station("bench-1")
    result = cli.run("central", "status", "--url", central.admin_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["bench-1", "never"]
    assert lines[-2:] == [
        "conflicts: 0 double-packed order(s)",
        "conflicts: 0 double-loaded parcel(s)",
    ]


def test_orders_are_pulled_in_slices_each_whole(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pull, "ORDER_SLICE", 2)
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1", "SO-2", "SO-3"))
    url = central.add_station("bench-1")
    assert sync_here(tmp_path / "d", url)["pulled"] == 5
    store = Store.open(tmp_path / "d")
    try:
        with store.session() as db:
            lines = {
                order.number: [(line.sku, line.qty) for line in order_lines(db, order)]
                for order in db.exec(select(Order))
            }
    finally:
        store.close()
    assert lines == {number: [("MUG-350", 1)] for number in ("SO-1", "SO-2", "SO-3")}


def order_lines(db: Session, order: Order) -> list[OrderLine]:
    return list(db.exec(select(OrderLine).where(OrderLine.order_id == order.id)))
