"""`main.py devices`: what an IT admin pastes into the station config."""

from __future__ import annotations

import pytest
from serial.tools import list_ports_common

from devices import discovery
from tests.helpers.cli import run


def test_usb_serial_ports_show_their_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    port = list_ports_common.ListPortInfo("/dev/ttyACM0", skip_link_detection=True)
    port.description = "Honeywell 1900G"
    port.vid, port.pid, port.serial_number = 0x0C2E, 0x0B61, "18082B0143"
    bare = list_ports_common.ListPortInfo("/dev/ttyS0", skip_link_detection=True)
    monkeypatch.setattr(discovery.list_ports, "comports", lambda: [port, bare])
    found = discovery.serial_ports()
    assert [f.url for f in found] == ["serial:///dev/ttyACM0", "serial:///dev/ttyS0"]
    assert found[0].description == "Honeywell 1900G, USB 0c2e:0b61, serial number 18082B0143"
    assert found[1].description == "serial port"


@pytest.mark.slow
def test_the_devices_command_lists_every_kind(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("--data-dir", str(tmp_path), "devices")
    assert result.returncode == 0, result.stderr
    for section in ("Serial ports", "System printers:", "Cameras:"):
        assert section in result.stdout
