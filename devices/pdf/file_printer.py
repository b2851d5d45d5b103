"""A label "printer" that writes each label as a PDF file into a folder.

Used for the demo, for printing through the OS print dialog, and as the
fallback when no label printer is attached.
"""

from __future__ import annotations

import re
from pathlib import Path

from devices.pdf.render_process import render_elsewhere
from station.durable_files import write_whole
from station.labels import LabelContent
from station.ports import (
    PermanentPrintError,
    PrintError,
    PrintResult,
    Recheck,
    SuppliedFormat,
    SuppliedLabel,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_order_part(order_number: str) -> str:
    """An order number fit for a file name."""
    # Order numbers come from imported files: keep them readable but make sure
    # they cannot name another folder or a reserved/hidden file.
    return _UNSAFE.sub("_", order_number).strip("._") or "order"


def label_file_name(job_id: str, label: LabelContent) -> str:
    """`<order>-<n>of<m>-<job>.pdf`; the same job always gets the same name."""
    order = safe_order_part(label.order_number)
    return f"{order}-{label.parcel_no}of{label.parcel_count}-{job_id[:8]}.pdf"


def supplied_file_name(job_id: str) -> str:
    """`courier-label-<job>.pdf`: a supplied label carries no order data to name it by."""
    job = _UNSAFE.sub("_", job_id[:8]).strip("._") or "job"
    return f"courier-label-{job}.pdf"


class FileLabelPrinter:
    """Implements station.ports.LabelPrinter by writing PDFs to `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def checkpoint(self) -> str:
        return ""  # a file needs none: see recheck

    def recheck(self, job_id: str, checkpoint: str) -> Recheck:
        """After a crash a job is simply written again: its file is replaced, never doubled."""
        return Recheck.RESEND

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        return self.send_rendered(job_id, label, self.render_label(label))

    def render_label(self, label: LabelContent) -> bytes:
        """The label's PDF, made in the render process; a bulk run makes the next ones ahead."""
        return render_elsewhere(_render_pdf, label)

    def send_rendered(self, job_id: str, label: LabelContent, data: bytes) -> PrintResult:
        """Save bytes from render_label as print_label would."""
        return self._save(label_file_name(job_id, label), data, f"order {label.order_number}")

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        """Save a courier's PDF label as it is, or a PNG one as a one-page PDF of its size.

        Raises PermanentPrintError for ZPL and for a document that cannot be
        read; PrintError when the file cannot be written.
        """
        if label.format is SuppliedFormat.ZPL:
            raise PermanentPrintError(
                f"A ZPL label needs a ZPL printer, and this label printer saves PDF files to "
                f"{self.folder}: configure zpl+tcp://HOST:9100 as label_printer in [devices], "
                "or have the order system send the courier's label as PDF or PNG."
            )
        # Imported here: PDFium and Pillow load only when a supplied label comes.
        from devices.pdf import supplied

        if label.format is SuppliedFormat.PDF:
            supplied.check_pdf(label.data)  # a file that is no PDF must not look printed
            data = label.data
        else:
            data = render_elsewhere(supplied.png_to_pdf, label.data)
        return self._save(supplied_file_name(job_id), data, f"job {job_id[:8]}")

    def _save(self, name: str, data: bytes, what: str) -> PrintResult:
        return save_in_folder(
            self.folder, name, data, f"the label for {what}", "then print the label again"
        )


def save_in_folder(folder: Path, name: str, data: bytes, what: str, then: str) -> PrintResult:
    """Write one document into `folder` atomically; a failure says what to check, then `then`."""
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(target, data)  # a reader never sees a half-written label
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PrintError(
            f"Could not save {what} to {folder}: {reason}. Check that the folder exists, "
            f"is writable and the disk is not full, {then}."
        ) from exc
    return PrintResult(location=str(target))


def _render_pdf(label: LabelContent) -> bytes:
    # Imported here: reportlab loads in the render process, not at station start.
    from devices.pdf.pdf_label import render_label_pdf

    return render_label_pdf(label)
