"""Device URLs from the station config, turned into working devices, in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from devices.pdf.file_printer import FileLabelPrinter
from station.device_urls import DeviceUrl
from station.ports import LabelPrinter

if TYPE_CHECKING:
    from devices.printers.transports import Transport
    from devices.scanners import ScannerListener

# Device modules are imported where a configured device needs them: a station
# pays at start only for the devices it has.

Closer = Callable[[], None]


def label_printer(url: DeviceUrl | None, default_folder: Path) -> tuple[LabelPrinter, Closer]:
    """The printer a URL names (PDF files in `default_folder` when none), and how to stop it."""
    if url is None:
        return FileLabelPrinter(default_folder), _nothing
    if url.scheme == "pdf+file":
        return FileLabelPrinter(Path(url.target)), _nothing
    if url.scheme == "sim":
        return _simulated(url)
    if url.language == "zpl":
        from devices.printers.zpl_printer import ZplPrinter

        return ZplPrinter(printer_transport(url), dpi=url.int_param("dpi", 203)), _nothing
    if url.language == "escpos":
        return _escpos(url), _nothing
    raise url.error("this kind of label printer is not supported yet")


def printer_transport(url: DeviceUrl, suffix: str = "zpl") -> Transport:
    """The byte pipe to the printer of a zpl+tcp/serial/usb/file URL (`suffix` names files)."""
    from devices.printers.transports import FileTransport, SerialTransport, TcpTransport

    if url.transport == "usb":  # libusb (pyusb) loads only for a USB printer
        from devices.printers.usb_transport import UsbAddress, UsbTransport

        return UsbTransport(UsbAddress.parse(url.target, url.params.get("serial")))
    if url.transport == "tcp":
        host, _, port = url.target.rpartition(":")
        return TcpTransport(host.strip("[]"), int(port))
    if url.transport == "serial":
        return SerialTransport(url.target, url.int_param("baud", 9600))
    if url.transport == "file":
        return FileTransport(url.target, suffix=suffix)
    raise url.error(f"{url.transport} printers are not supported yet; use tcp, serial, usb or file")


def _escpos(url: DeviceUrl) -> LabelPrinter:
    # Imported here: python-escpos loads its printer database (~0.5 s) at import,
    # which a station without an ESC/POS printer should not pay at every start.
    from escpos import printer as escpos

    from devices.printers.escpos_printer import EscposLabelPrinter

    width = url.int_param("width_mm", 80)
    if url.transport == "tcp":
        host, _, port = url.target.rpartition(":")
        return EscposLabelPrinter(lambda: escpos.Network(host, int(port), timeout=5), width)
    if url.transport == "serial":
        baud = url.int_param("baud", 9600)
        return EscposLabelPrinter(lambda: escpos.Serial(url.target, baudrate=baud), width)
    if url.transport == "file":
        return EscposLabelPrinter(lambda: escpos.File(url.target), width)
    if url.transport == "usb":
        from devices.printers.usb_transport import default_backend

        vid, _, pid = url.target.partition(":")
        # python-escpos asks pyusb for the system's libusb only; the wheel's copy
        # (libusb-package) makes USB work where no libusb is installed (Windows).
        usb_args = {"backend": default_backend()}
        return EscposLabelPrinter(
            lambda: escpos.Usb(int(vid, 16), int(pid, 16), usb_args=usb_args), width
        )
    raise url.error(f"{url.transport} is not an ESC/POS transport")


def _simulated(url: DeviceUrl) -> tuple[LabelPrinter, Closer]:
    """sim://zpl: a port-9100 printer simulator in this process (demo and training)."""
    from devices.printers.transports import TcpTransport
    from devices.printers.zpl_printer import ZplPrinter
    from devices.printers.zpl_simulator import SimulatedState, ZplSimulator

    if url.target != "zpl":
        raise url.error("the simulated label printer is sim://zpl (optionally ?state=paper_out)")
    state = url.params.get("state", "ready").upper()
    if state not in SimulatedState.__members__:
        raise url.error(
            f"state must be one of {', '.join(s.lower() for s in SimulatedState.__members__)}"
        )
    simulator = ZplSimulator(state=SimulatedState[state]).start()
    printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port))
    return printer, simulator.stop


def scanners(urls: Sequence[DeviceUrl], listener: ScannerListener) -> list[Closer]:
    """Start every configured serial scanner; each is named scanner-1, scanner-2, …"""
    from devices.scanners import SerialScanner, Terminator

    closers: list[Closer] = []
    for number, url in enumerate(urls, start=1):
        scanner_id = url.params.get("name", f"scanner-{number}")
        if url.scheme == "sim":
            closers.extend(_simulated_scanner(url, scanner_id, listener))
            continue
        scanner = SerialScanner(
            url.target,
            scanner_id=scanner_id,
            listener=listener,
            baudrate=url.int_param("baud", 9600),
            terminator=Terminator.parse(url.params.get("terminator", "auto")),
            duplicate_window_s=url.int_param("duplicate_ms", 300) / 1000,
        )
        scanner.start()
        closers.append(scanner.close)
    return closers


def _simulated_scanner(url: DeviceUrl, scanner_id: str, listener: ScannerListener) -> list[Closer]:
    """sim://scanner: a scanner on a pseudo-terminal, for training (POSIX only)."""
    from devices.scanners import SerialScanner
    from devices.scanners.simulator import PtyScannerSimulator

    simulator = PtyScannerSimulator()
    scanner = SerialScanner(
        simulator.port, scanner_id=scanner_id, listener=listener, port_finder=simulator
    )
    scanner.start()
    return [scanner.close, simulator.close]


def _nothing() -> None:
    pass
