"""A new station as IT sets it up: what it lacks is said when it matters, not at the bench."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from tests.helpers.cli import run

pytestmark = pytest.mark.slow

CATALOG = "sku,name,barcode,weight_g,image\nMUG-350,Ceramic Mug 350 ml,036000291452,320,\n"
# Portugal goes with SwiftParcel by the shipped rules; the order brings no tracking number.
ORDERS = (
    '[{"number": "SO-9", "courier": "UPS", "service": "Standard",'
    ' "ship_to": {"name": "Zoë", "street": "Rua São João 1", "city": "Porto",'
    ' "postcode": "4000-001", "country": "pt", "phone": ""},'
    ' "lines": [{"sku": "MUG-350", "qty": 2}]}]'
)


def test_importing_orders_says_which_courier_ranges_the_station_lacks(tmp_path: Path) -> None:
    data, config = tmp_path / "station", tmp_path / "station.toml"
    config.write_text('[station]\nname = "bench-7"\n')
    (tmp_path / "catalog.csv").write_text(CATALOG)
    (tmp_path / "orders.json").write_text(ORDERS, encoding="utf-8")
    at = ("--data-dir", str(data), "--config", str(config))
    assert run(*at, "import", "catalog", str(tmp_path / "catalog.csv")).returncode == 0

    first = run(*at, "import", "orders", str(tmp_path / "orders.json"))
    assert first.returncode == 0, first.stderr
    assert "Station bench-7 has no SwiftParcel tracking numbers left, and 1 order(s)" in (
        first.stdout
    )
    assert "main.py ranges add swiftparcel FIRST LAST" in first.stdout

    listed = run(*at, "ranges")
    assert (
        "swiftparcel             0 left   add a range: main.py ranges add swiftparcel FIRST LAST"
        in listed.stdout
    )
    assert run(*at, "ranges", "add", "swiftparcel", "1000", "1999").returncode == 0
    again = run(*at, "import", "orders", str(tmp_path / "orders.json"))
    assert again.returncode == 0, again.stderr
    assert "ranges add" not in again.stdout


def test_print_test_on_a_printer_out_of_paper_promises_nothing(tmp_path: Path) -> None:
    with ZplSimulator(state=SimulatedState.PAPER_OUT) as empty:
        result = run("--data-dir", str(tmp_path), "print-test", f"zpl+tcp://127.0.0.1:{empty.port}")
    assert result.returncode == 2
    assert "The test label was NOT printed: Label printer out of paper: load labels." in (
        result.stderr
    )
    assert "run print-test again" in result.stderr
    assert "by itself" not in result.stderr


def test_the_demo_reads_its_config_from_its_own_data_dir(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "station.toml").write_text('[station]\nname = "demo-bench"\n')
    result = run("--demo", "--data-dir", str(demo), "ranges")
    assert result.returncode == 0, result.stderr
    assert "Tracking numbers at station demo-bench:" in result.stdout
