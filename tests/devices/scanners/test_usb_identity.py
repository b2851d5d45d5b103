"""Finding a USB scanner again by VID:PID and serial number, over pyserial's port list."""

from __future__ import annotations

from pathlib import Path

from serial.tools.list_ports_common import ListPortInfo

from devices.scanners.usb_identity import ListPortsFinder, UsbIdentity

SCANNER = UsbIdentity(0x05E0, 0x1200, "S12345")


def port(
    device: str, vid: int | None = None, pid: int | None = None, serial: str | None = None
) -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.serial_number = vid, pid, serial
    return info


def finder(*ports: ListPortInfo) -> ListPortsFinder:
    return ListPortsFinder(lambda: list(ports))


def test_identify_reads_vid_pid_and_serial_of_a_usb_port() -> None:
    found = finder(port("/dev/ttyS0"), port("/dev/ttyACM0", 0x05E0, 0x1200, "S12345"))
    assert found.identify("/dev/ttyACM0") == SCANNER
    assert found.identify("/dev/ttyS0") is None  # RS-232: no USB identity
    assert found.identify("/dev/ttyACM9") is None


def test_identify_follows_a_by_id_link_to_the_device(tmp_path: Path) -> None:
    device = tmp_path / "ttyACM0"
    device.touch()
    link = tmp_path / "usb-Scanner_S12345-if00"
    link.symlink_to(device)
    assert finder(port(str(device), 0x05E0, 0x1200, "S12345")).identify(str(link)) == SCANNER


def test_windows_port_names_match_in_any_case() -> None:
    assert finder(port("COM3", 0x05E0, 0x1200, "S12345")).identify("com3") == SCANNER


def test_find_returns_the_new_name_of_the_same_device() -> None:
    found = finder(
        port("/dev/ttyACM0", 0x05E0, 0x1200, "OTHER"),
        port("/dev/ttyACM1", 0x05E0, 0x1200, "S12345"),
    )
    assert found.find(SCANNER) == "/dev/ttyACM1"
    assert finder(port("/dev/ttyACM0", 0x05E0, 0x1200, "OTHER")).find(SCANNER) is None


def test_two_alike_scanners_without_serial_numbers_are_not_guessed() -> None:
    anonymous = UsbIdentity(0x05E0, 0x1200, None)
    one = port("/dev/ttyACM0", 0x05E0, 0x1200)
    assert finder(one).find(anonymous) == "/dev/ttyACM0"
    assert finder(one, port("/dev/ttyACM1", 0x05E0, 0x1200)).find(anonymous) is None


def test_the_real_port_list_can_be_read() -> None:
    # Whatever this machine has: the default finder must not fail on it.
    assert ListPortsFinder().find(SCANNER) is None
