"""Device URLs from the config resolved as the station resolves them: one dialect, one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices import registry
from devices.printers.transports import FileTransport, SerialTransport, TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from station.device_urls import DeviceUrlError, Role, parse_device_url


def transport(text: str) -> object:
    return registry.printer_transport(parse_device_url(text, Role.LABEL_PRINTER))


def test_a_tcp_printer_is_its_host_and_port() -> None:
    tcp = transport("zpl+tcp://10.0.0.7:9101")
    assert isinstance(tcp, TcpTransport) and (tcp.host, tcp.port) == ("10.0.0.7", 9101)
    ipv6 = transport("zpl+tcp://[::1]:9102")
    assert isinstance(ipv6, TcpTransport) and ipv6.url == "tcp://[::1]:9102"


def test_a_serial_printer_takes_its_speed_from_baud() -> None:
    line = transport("zpl+serial:///dev/ttyUSB0?baud=19200")
    assert isinstance(line, SerialTransport)
    assert (line.port, line.baudrate) == ("/dev/ttyUSB0", 19200)
    assert isinstance(windows := transport("zpl+serial://COM3"), SerialTransport)
    assert (windows.port, windows.baudrate) == ("COM3", 9600)


def test_a_file_printer_writes_zpl_files_to_its_folder(tmp_path: Path) -> None:
    folder = transport(f"zpl+file://{tmp_path}")
    assert isinstance(folder, FileTransport) and folder.path == tmp_path
    assert folder.suffix == "zpl"


def test_the_configured_label_printer_speaks_zpl_at_its_dpi(tmp_path: Path) -> None:
    url = parse_device_url("zpl+tcp://192.0.2.10:9100?dpi=300", Role.LABEL_PRINTER)
    printer, stop = registry.label_printer(url, tmp_path)
    stop()
    assert isinstance(printer, ZplPrinter) and printer.dpi == 300


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("zpl+tcp://printer", "needs HOST:PORT"),
        ("zpl+serial:///dev/ttyUSB0?baud=fast", "baud='fast' must be a whole number"),
        ("lpt://1", "unknown scheme 'lpt'"),
    ],
)
def test_a_bad_printer_url_is_refused_with_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(DeviceUrlError, match=problem) as refused:
        parse_device_url(text, Role.LABEL_PRINTER)
    assert "A valid example: zpl+tcp://192.0.2.10:9100" in str(refused.value)
