"""Look inside a rendered PDF the way poppler (pdftotext, pdffonts, pdfimages) sees it,
and ask fontconfig which font it would pick, to check the label's fallback fonts."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def _run(*command: str) -> str:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is needed for this test: install poppler-utils / fontconfig.")
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Word:
    """A word pdftotext found, with its box in points from the page's top left."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def overlaps(self, left: float, top: float, right: float, bottom: float) -> bool:
        return self.left < right and left < self.right and self.top < bottom and top < self.bottom


def words_with_boxes(pdf: Path) -> list[Word]:
    found = _WORD.findall(_run("pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"))
    return [
        Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in found
    ]


def page_size(pdf: Path) -> tuple[float, float]:
    """The first page's (width, height) in points."""
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(pdf)))
    assert match is not None
    return float(match.group(1)), float(match.group(2))


def embedded_fonts(pdf: Path) -> set[str]:
    """PostScript names of the fonts embedded in the PDF, without subset prefixes."""
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    names = set()
    for row in rows:
        name, *_, emb, _sub, _uni, _obj, _gen = row.split()
        if emb == "yes":
            names.add(name.split("+", 1)[-1])
    return names


@dataclass(frozen=True)
class PlacedImage:
    width_px: int
    height_px: int
    x_ppi: int
    y_ppi: int


def images(pdf: Path) -> list[PlacedImage]:
    """The images drawn on the pages; equal x and y ppi means drawn without distortion."""
    rows = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    placed = []
    for row in rows:
        cells = row.split()
        placed.append(PlacedImage(int(cells[3]), int(cells[4]), int(cells[12]), int(cells[13])))
    return placed


def fontconfig_font(char: str, bold: bool = False) -> tuple[str, Path]:
    """(PostScript name, file) of the TrueType font fontconfig picks for `char`."""
    pattern = f"sans-serif:fontformat=TrueType:charset={ord(char):x}" + (":bold" if bold else "")
    name, _, path = _run("fc-match", "--format", "%{postscriptname}\t%{file}", pattern).partition(
        "\t"
    )
    return name, Path(path)
