"""Paper sizes for documents, apart from the renderer so choosing one loads no reportlab."""

from __future__ import annotations

from enum import StrEnum

_MM = 72.0 / 25.4


class Paper(StrEnum):
    """The paper a document is laid out for; the value is what a device URL's ?paper= says."""

    A4 = "a4"
    LETTER = "letter"

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in points."""
        if self is Paper.A4:
            return 210 * _MM, 297 * _MM
        return 8.5 * 72, 11 * 72
