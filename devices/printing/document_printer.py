"""A document "printer" that writes each packing slip as a PDF file into a folder.

For stations whose slips are printed by hand or collected by another system,
and the default when no document printer is configured.
"""

from __future__ import annotations

import re
from pathlib import Path

from devices.printing.file_printer import write_atomically
from devices.printing.paper import Paper
from devices.printing.render_process import render_elsewhere
from station.ports import PrintError, PrintResult
from station.slips import SlipContent

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slip_file_name(job_id: str, slip: SlipContent) -> str:
    """`<order>-slip-<job>.pdf`; the same job always gets the same name."""
    # Order numbers come from imported files: keep them readable but make sure
    # they cannot name another folder or a reserved/hidden file.
    order = _UNSAFE.sub("_", slip.order_number).strip("._") or "order"
    return f"{order}-slip-{job_id[:8]}.pdf"


def slip_pdf(slip: SlipContent, paper: Paper = Paper.A4) -> bytes:
    """The slip's PDF, rendered in the shared render process (it holds the GIL for a while)."""
    return render_elsewhere(_render, (slip, paper))


def _render(job: tuple[SlipContent, Paper]) -> bytes:
    # Imported here: reportlab loads in the render process, not at station start.
    from devices.printing.packing_slip import render_slip_pdf

    return render_slip_pdf(*job)


class FileDocumentPrinter:
    """Implements station.ports.DocumentPrinter by writing PDFs to `folder`.

    A resend of the same job replaces its file, so a slip is never there twice.
    """

    def __init__(self, folder: Path, paper: Paper = Paper.A4) -> None:
        self.folder = folder
        self.paper = paper

    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        target = self.folder / slip_file_name(job_id, slip)
        data = slip_pdf(slip, self.paper)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise PrintError(
                f"Could not save the packing slip for order {slip.order_number} to "
                f"{self.folder}: {reason}. Check that the folder exists, is writable and the "
                "disk is not full; the slip is saved by itself once it can be."
            ) from exc
        return PrintResult(location=str(target))
