"""A courier's own label document named on an imported order: read and checked at import.

The bytes are stored with the order, so the label prints even if the file
share it came from is gone by the time the order is packed.
"""

from __future__ import annotations

from pathlib import Path

from station.importers.common import Checker, Row
from station.ports import SuppliedFormat, SuppliedLabel

MAX_BYTES = 5_000_000  # a label is a page; anything larger is not one
_MAGIC = {
    SuppliedFormat.PDF: (b"%PDF-",),
    SuppliedFormat.PNG: (b"\x89PNG\r\n\x1a\n",),
}


def read_label_document(row: Row, checker: Checker, base_dir: Path) -> SuppliedLabel | None:
    """The label file of `row` (key "label_file"), or None with a problem added."""
    value = checker.text(row, "label_file", required=False)
    if value is None:
        return None
    path = (base_dir / value).resolve()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in {f.value for f in SuppliedFormat}:
        checker.add(row, "label_file", f"{value!r} must be a .pdf, .png or .zpl file")
        return None
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except OSError as exc:
        checker.add(row, "label_file", f"cannot read {str(path)!r} ({exc.strerror}); fix the path")
        return None
    if data is None:
        checker.add(row, "label_file", f"{str(path)!r} is over 5 MB: not a label")
        return None
    document = SuppliedLabel(SuppliedFormat(suffix), data)
    if not _looks_like(document):
        checker.add(row, "label_file", f"{str(path)!r} is not a {suffix.upper()} file inside")
        return None
    return document


def _looks_like(document: SuppliedLabel) -> bool:
    if document.format is SuppliedFormat.ZPL:
        return document.data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"^XA")
    return document.data.startswith(_MAGIC[document.format])
