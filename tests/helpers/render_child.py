"""Run in the label render child (devices/pdf/render_process.py): what it has loaded."""

from __future__ import annotations

import sys


def label_renderer_loaded(_item: object) -> bool:
    return "devices.pdf.pdf_label" in sys.modules and "reportlab.pdfgen.canvas" in sys.modules
