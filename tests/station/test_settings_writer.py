"""Saving [devices] keeps the IT person's file as they wrote it, and never half-writes it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from station.device_urls import DeviceUrl, Role, parse_device_url
from station.settings import Devices, SettingsError, load_settings
from station.settings_writer import save_devices, with_devices

CONFIG = """\
# Bench 7, by the loading dock. Ask Kim before changing anything.
[station]
name = "bench-07"  # as on the label on the monitor

[devices]
# the Zebra on the left
label_printer = "zpl+tcp://192.0.2.10:9100"   # fixed IP, see the network sheet
scale = "scale+serial:///dev/ttyUSB0?protocol=mt-sics"

[sound]
enabled = false
"""


def devices(
    scanners: tuple[str, ...] = (),
    label_printer: str | None = None,
    document_printer: str | None = None,
    scale: str | None = None,
) -> Devices:
    def url(text: str | None, role: Role) -> DeviceUrl | None:
        return None if text is None else parse_device_url(text, role)

    return Devices(
        scanners=tuple(parse_device_url(text, Role.SCANNER) for text in scanners),
        label_printer=url(label_printer, Role.LABEL_PRINTER),
        document_printer=url(document_printer, Role.DOCUMENT_PRINTER),
        scale=url(scale, Role.SCALE),
    )


def test_changing_one_device_keeps_every_comment_table_and_unchanged_key(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(CONFIG, encoding="utf-8")
    wanted = devices(
        scanners=("serial:///dev/ttyACM0?baud=9600", "serial://COM4?name=left"),
        label_printer="zpl+tcp://192.0.2.10:9100",
        scale="scale+serial:///dev/ttyUSB1?protocol=cas",
    )

    save_devices(path, wanted)

    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Bench 7, by the loading dock. Ask Kim before changing anything.\n")
    assert 'name = "bench-07"  # as on the label on the monitor' in text
    assert "# the Zebra on the left\n" in text
    assert 'label_printer = "zpl+tcp://192.0.2.10:9100"   # fixed IP, see the network sheet' in text
    assert text.endswith("[sound]\nenabled = false\n")
    loaded = load_settings(path)
    assert loaded.station == "bench-07"
    assert loaded.sounds is False
    assert loaded.devices == wanted


def test_a_device_set_back_to_its_default_loses_its_key(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(CONFIG, encoding="utf-8")

    save_devices(path, devices(label_printer="zpl+tcp://192.0.2.10:9100"))

    text = path.read_text(encoding="utf-8")
    assert "scale" not in text
    assert load_settings(path).devices.scale is None


def test_a_config_without_devices_gets_the_table_after_a_blank_line() -> None:
    text = '[station]\nname = "bench-01"\n'

    new = with_devices(text, devices(document_printer="system://Office_Laser"))

    assert new == (
        '[station]\nname = "bench-01"\n\n[devices]\ndocument_printer = "system://Office_Laser"\n'
    )


def test_saving_where_no_config_is_yet_makes_the_folder_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "PackStation" / "station.toml"

    save_devices(path, devices(scale="sim://scale?grams=1250"))

    assert path.read_text(encoding="utf-8") == '[devices]\nscale = "sim://scale?grams=1250"\n'
    assert [p.name for p in path.parent.iterdir()] == ["station.toml"], "no temp file left"


def test_a_config_that_is_not_toml_is_refused_by_name_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text("[station\nname = bench\n", encoding="utf-8")

    with pytest.raises(SettingsError, match=r"station\.toml cannot be read.*Fix it first"):
        save_devices(path, devices(scale="sim://scale"))

    assert path.read_text(encoding="utf-8") == "[station\nname = bench\n"


def test_a_config_the_station_would_refuse_is_not_saved_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    broken = '[station]\nname = "bench-01"\nconfirm_before_label = "yes"\n'
    path.write_text(broken, encoding="utf-8")

    with pytest.raises(SettingsError, match=r"Not saved: .*station\.confirm_before_label"):
        save_devices(path, devices(scale="sim://scale"))

    assert path.read_text(encoding="utf-8") == broken


@pytest.mark.skipif(os.name != "posix", reason="file modes and symlinks as on POSIX")
def test_the_file_keeps_its_mode_and_a_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "bench.toml"
    real.parent.mkdir()
    real.write_text(CONFIG, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "station.toml"
    link.symlink_to(real)

    save_devices(link, devices())

    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert load_settings(link).devices == Devices()
    assert "Ask Kim" in real.read_text(encoding="utf-8")
