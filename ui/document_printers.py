"""The document printer a device URL names, in one place (the Qt side of devices/registry)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from devices.pdf.document_printer import FileDocumentPrinter
from devices.pdf.paper import Paper
from station.device_urls import DeviceUrl, DeviceUrlError
from station.ports import DocumentPrinter

DOCUMENT_SCHEMES = "use system://PRINTER_NAME or pdf+file:///folder"


def document_printer(url: DeviceUrl | None, default_folder: Path) -> DocumentPrinter:
    """The printer for packing slips: PDF files in `default_folder` when none is configured.

    Raises DeviceUrlError (a UserError) for a URL that cannot print documents.
    """
    if url is None:
        return FileDocumentPrinter(default_folder)
    if url.language in ("zpl", "escpos"):
        raise DeviceUrlError(
            f"Device URL {url.text!r} is a label printer, and a label printer cannot print "
            f"documents; {DOCUMENT_SCHEMES} for document_printer."
        )
    paper = _paper(url)
    if url.scheme == "pdf+file":
        return FileDocumentPrinter(Path(url.target), paper)
    if url.scheme == "system":
        # Imported here: Qt's print support loads only on stations that print this way.
        from ui.system_printer import SystemDocumentPrinter

        # Names with spaces may come percent-encoded (system://Office%20Laser).
        return SystemDocumentPrinter(unquote(url.target), paper=paper)
    raise url.error(f"there is no {url.scheme}:// document printer; {DOCUMENT_SCHEMES}")


def _paper(url: DeviceUrl) -> Paper:
    value = url.params.get("paper", Paper.A4.value).lower()
    try:
        return Paper(value)
    except ValueError:
        choices = " or ".join(paper.value for paper in Paper)
        raise url.error(f"paper={value!r} must be {choices}") from None
