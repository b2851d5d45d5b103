"""The command line as an IT admin uses it: imports, settings, the demo."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.helpers.cli import run, start

pytestmark = pytest.mark.slow

CATALOG = (
    "sku,name,barcode,weight_g,image\n"
    "MUG-350,Ceramic Mug 350 ml,036000291452|10036000291459*6,320,\n"
    "CABLE,USB-C Cable,4006381333931,40,\n"
)


def test_import_then_replay_packs_an_imported_order(tmp_path: Path) -> None:
    data = tmp_path / "station"
    (tmp_path / "catalog.csv").write_text(CATALOG, encoding="utf-8-sig")
    (tmp_path / "packers.csv").write_text("badge,name,role,pin\nB1,Ana,packer,\n")
    (tmp_path / "orders.json").write_text(
        '[{"number": "SO-9", "courier": "UPS", "service": "Standard",'
        ' "ship_to": {"name": "Zoë", "street": "Rua São João 1", "city": "Porto",'
        ' "postcode": "4000-001", "country": "pt", "phone": ""},'
        ' "lines": [{"sku": "MUG-350", "qty": 6}]}]',
        encoding="utf-8",
    )
    for kind, name in (
        ("catalog", "catalog.csv"),
        ("packers", "packers.csv"),
        ("orders", "orders.json"),
    ):
        result = run("--data-dir", str(data), "import", kind, str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert kind in result.stdout
    replayed = run("--data-dir", str(data), "replay", "-", stdin="B1\nSO-9\n]C10110036000291459\n")
    # Portugal goes with SwiftParcel by the shipped rules, and this new station has no
    # SwiftParcel numbers yet: the label is held with what to do, the units are kept.
    assert replayed.stdout.count('"label_blocked"') == 1
    assert "main.py ranges add swiftparcel" in replayed.stdout
    added = run("--data-dir", str(data), "ranges", "add", "swiftparcel", "1000", "1999")
    assert added.returncode == 0, added.stderr
    assert "SwiftParcel serials 1000..1999" in added.stdout
    sealed = run("--data-dir", str(data), "replay", "-", stdin="CMD-SEAL\n")
    (done,) = [json.loads(line) for line in sealed.stdout.splitlines()]
    assert done["verdict"] == "order_complete"
    assert done["tracking"].startswith("0457") and done["label"]


def test_a_bad_import_lists_every_problem_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "station"
    bad = tmp_path / "catalog.csv"
    bad.write_text("sku,name,barcode,weight_g,image\nA,Alpha,036000291452,heavy,\nA,Again,,1,\n")
    result = run("--data-dir", str(data), "import", "catalog", str(bad))
    assert result.returncode == 2
    assert "line 2, column weight_g" in result.stderr
    assert "line 3" in result.stderr and "Traceback" not in result.stderr
    good = tmp_path / "good.csv"
    good.write_text(CATALOG)
    assert "2 products" in run("--data-dir", str(data), "import", "catalog", str(good)).stdout


def test_a_bad_setting_is_named_and_nothing_starts(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[station]\nconfirm_before_label = "yes"\n')
    result = run(
        "--data-dir", str(tmp_path / "d"), "--config", str(config), "replay", "-", stdin="x\n"
    )
    assert result.returncode == 2
    assert "station.confirm_before_label must be bool" in result.stderr
    assert result.stdout == ""


def test_a_data_dir_that_is_a_file_is_named_and_left_alone(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "packstation-data"
    not_a_folder.write_text("someone's notes\n")

    result = run("--data-dir", str(not_a_folder), "handoff", "list")

    assert result.returncode == 2
    assert f"The data folder {not_a_folder} is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not_a_folder.read_text() == "someone's notes\n"


def test_demo_start_seeds_a_fresh_data_dir_and_shows_the_window(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    process = start("--demo", "--data-dir", str(data), "--report-ready")
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "READY"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert (data / "demo-sheet.pdf").is_file()
    replayed = run(
        "--demo", "--data-dir", str(data), "replay", "-", stdin="BADGE-P001\nSO-100001\n"
    )
    assert '"login"' in replayed.stdout.splitlines()[0]
    assert '"order_opened"' in replayed.stdout


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_a_service_stop_closes_the_window_quietly(
    tmp_path: Path, stop: signal.Signals
) -> None:
    process = start("--demo", "--data-dir", str(tmp_path / "demo"), "--report-ready")
    assert process.stdout is not None and process.stderr is not None
    try:
        assert process.stdout.readline().strip() == "READY"
        process.send_signal(stop)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    assert "Traceback" not in process.stderr.read()
