"""Serial barcode scanners: one thread per scanner, events through a listener. No Qt."""

from devices.scanners.events import ScannerListener, ScanRead
from devices.scanners.framing import Terminator
from devices.scanners.ports import ListPortsFinder, PortFinder, UsbIdentity
from devices.scanners.serial_scanner import SerialScanner

__all__ = [
    "ListPortsFinder",
    "PortFinder",
    "ScanRead",
    "ScannerListener",
    "SerialScanner",
    "Terminator",
    "UsbIdentity",
]
