"""Turn PDFs into what a person (or a scanner) sees: page images and text.

Uses poppler-utils (pdftoppm, pdftotext); the app itself never rasterises PDFs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is needed for this test: install poppler-utils.")
    return path


def page_images(
    pdf: Path, out_dir: Path, dpi: int = 200, last_page: int | None = None
) -> list[Path]:
    """Rasterise the pages of `pdf` to grayscale PNGs in `out_dir`, in page order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    pages = ["-l", str(last_page)] if last_page is not None else []
    subprocess.run(
        [_tool("pdftoppm"), "-r", str(dpi), "-gray", "-png", *pages, str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    # pdftoppm zero-pads page numbers to the page count's width, so names sort.
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def pdf_text(pdf: Path) -> str:
    """The text of the PDF, as pdftotext reads it (UTF-8)."""
    result = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
    )
    return result.stdout.decode("utf-8")


def words(text: str) -> str:
    """Text with every run of whitespace as one space: wrapped lines read as one."""
    return " ".join(text.split())
