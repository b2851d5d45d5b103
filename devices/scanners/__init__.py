"""Barcode scanners: serial ones (a thread each) and keyboard-wedge bursts. No Qt."""

from devices.scanners.events import ScannerListener, ScanRead
from devices.scanners.framing import Terminator
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.usb_identity import ListPortsFinder, PortFinder, UsbIdentity

__all__ = [
    "ListPortsFinder",
    "PortFinder",
    "ScanRead",
    "ScannerListener",
    "SerialScanner",
    "Terminator",
    "UsbIdentity",
]
