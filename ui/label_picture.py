"""A label drawn as it prints, for the preview: no Qt here, so it can run in the render process.

The preview runs `label_picture` through devices.pdf.render_process: the
PDF renderer holds the interpreter lock for tens of milliseconds, which on a
thread of the station's process would delay the verdicts of the next scans.
"""

from __future__ import annotations

import io
import math

from station.labels import LabelContent
from station.ports import SuppliedFormat, SuppliedLabel

# A label printer's dots: the picture shows each bar as the printer lays it down.
PICTURE_DPI = 203


def label_picture(label: LabelContent) -> bytes:
    """The label as a 1-bit PNG at PICTURE_DPI, drawn by the PDF renderer and rasterised.

    Raises:
        PermanentPrintError: the renderer refuses the label (the message says why).
    """
    # Imported here: reportlab and PDFium load where a label is drawn, not at start.
    from devices.pdf.label_layout import page_size
    from devices.pdf.pdf_label import render_label_pdf
    from devices.pdf.supplied import Box, label_images

    pdf = render_label_pdf(label)
    # A roll as wide as the page: the page is drawn at its own size, neither shrunk nor cut.
    width_pt, _height_pt = page_size(label.size)
    roll = Box(math.ceil(width_pt * PICTURE_DPI / 72), None, PICTURE_DPI)
    page = label_images(SuppliedLabel(SuppliedFormat.PDF, pdf), roll)[0]
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()
