"""Device URLs in the station config: accepted as documented, refused with an example."""

from __future__ import annotations

import re

import pytest

from station.device_urls import DeviceUrlError, Role, parse_device_url
from station.settings import EXAMPLE, SettingsError, settings_from_dict


@pytest.mark.parametrize(
    ("text", "role", "scheme", "target"),
    [
        ("serial:///dev/ttyACM0?baud=9600", Role.SCANNER, "serial", "/dev/ttyACM0"),
        ("serial://COM3", Role.SCANNER, "serial", "COM3"),
        ("zpl+tcp://192.0.2.10:9100", Role.LABEL_PRINTER, "zpl+tcp", "192.0.2.10:9100"),
        ("zpl+usb://0a5f:0001", Role.LABEL_PRINTER, "zpl+usb", "0a5f:0001"),
        ("zpl+file:///var/labels", Role.LABEL_PRINTER, "zpl+file", "/var/labels"),
        ("pdf+file:///C:/labels", Role.LABEL_PRINTER, "pdf+file", "C:/labels"),
        ("escpos+serial:///dev/ttyS0", Role.LABEL_PRINTER, "escpos+serial", "/dev/ttyS0"),
        ("system://Office_Laser", Role.DOCUMENT_PRINTER, "system", "Office_Laser"),
        ("scale+serial:///dev/ttyUSB0?protocol=cas", Role.SCALE, "scale+serial", "/dev/ttyUSB0"),
        ("sim://zpl?state=paper_out", Role.LABEL_PRINTER, "sim", "zpl"),
    ],
)
def test_documented_urls_parse(text: str, role: Role, scheme: str, target: str) -> None:
    url = parse_device_url(text, role)
    assert (url.scheme, url.target) == (scheme, target)


@pytest.mark.parametrize(
    ("text", "role", "problem"),
    [
        ("zpl+tcp://printer", Role.LABEL_PRINTER, "HOST:PORT"),
        ("zpl+tcp://printer:99999", Role.LABEL_PRINTER, "HOST:PORT"),
        ("zpl+usb://zebra", Role.LABEL_PRINTER, "VID:PID"),
        ("ftp://x", Role.LABEL_PRINTER, "unknown scheme 'ftp'"),
        ("/dev/ttyACM0", Role.SCANNER, "unknown scheme '(none)'"),
        ("zpl+tcp://h:9100", Role.SCANNER, "unknown scheme"),
        ("scale+serial:///dev/ttyUSB0?protocol=xyz", Role.SCALE, "protocol must be one of"),
        ("serial:///dev/ttyACM0?baud=fast", Role.SCANNER, "baud='fast' must be a whole number"),
        ("serial://", Role.SCANNER, "names no device"),
    ],
)
def test_bad_urls_are_named_with_a_valid_example(text: str, role: Role, problem: str) -> None:
    with pytest.raises(DeviceUrlError) as raised:
        parse_device_url(text, role)
    message = str(raised.value)
    assert problem in message
    assert repr(text) in message and "A valid example:" in message


def test_the_config_example_lists_working_devices() -> None:
    import tomllib

    devices = settings_from_dict(tomllib.loads(EXAMPLE)).devices
    assert [url.scheme for url in devices.scanners] == ["serial"]
    assert devices.label_printer is not None and devices.label_printer.language == "zpl"
    assert devices.scale is not None and devices.scale.params["protocol"] == "mt-sics"


def test_a_bad_device_in_the_config_names_the_file_and_the_url() -> None:
    with pytest.raises(SettingsError, match=re.escape("station.toml: Device URL 'zpl://x'")):
        settings_from_dict({"devices": {"label_printer": "zpl://x"}}, source="station.toml")
