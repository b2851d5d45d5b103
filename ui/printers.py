"""System printers (CUPS, the Windows spooler) as Qt sees them."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinterInfo


def system_printers() -> list[tuple[str, str]]:
    """(URL, description) of every printer the operating system offers."""
    default = QPrinterInfo.defaultPrinterName()
    return [
        (
            f"system://{info.printerName()}",
            (info.description() or info.makeAndModel() or "system printer")
            + (" (default)" if info.printerName() == default else ""),
        )
        for info in QPrinterInfo.availablePrinters()
    ]
