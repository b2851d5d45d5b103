"""A document "printer" that writes each packing slip as a PDF file into a folder.

For stations whose slips are printed by hand or collected by another system,
and the default when no document printer is configured.
"""

from __future__ import annotations

from pathlib import Path

from devices.pdf.file_printer import safe_order_part, save_in_folder
from devices.pdf.paper import Paper
from devices.pdf.render_process import render_elsewhere
from station.ports import PrintResult, Recheck
from station.slips import SlipContent


def slip_file_name(job_id: str, slip: SlipContent) -> str:
    """`<order>-slip-<job>.pdf`; the same job always gets the same name."""
    return f"{safe_order_part(slip.order_number)}-slip-{job_id[:8]}.pdf"


def slip_pdf(slip: SlipContent, paper: Paper = Paper.A4) -> bytes:
    """The slip's PDF, rendered in the shared render process (it holds the GIL for a while)."""
    return render_elsewhere(_render, (slip, paper))


def _render(job: tuple[SlipContent, Paper]) -> bytes:
    # Imported here: reportlab loads in the render process, not at station start.
    from devices.pdf.packing_slip import render_slip_pdf

    return render_slip_pdf(*job)


class FileDocumentPrinter:
    """Implements station.ports.DocumentPrinter by writing PDFs to `folder`.

    A resend of the same job replaces its file, so a slip is never there twice.
    """

    def __init__(self, folder: Path, paper: Paper = Paper.A4) -> None:
        self.folder = folder
        self.paper = paper

    def checkpoint(self) -> str:
        return ""  # a file needs none: see recheck

    def recheck(self, job_id: str, checkpoint: str) -> Recheck:
        """After a crash a job is simply written again: its file is replaced, never doubled."""
        return Recheck.RESEND

    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        return save_in_folder(
            self.folder,
            slip_file_name(job_id, slip),
            slip_pdf(slip, self.paper),
            f"the packing slip for order {slip.order_number}",
            "the slip is saved by itself once it can be",
        )
