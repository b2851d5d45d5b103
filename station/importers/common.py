"""What every importer shares: problems and how they read, decoding, rows, value checks.

A file is imported all or nothing: every row is checked first and every
problem collected, so the user fixes the whole file in one go instead of
meeting its errors one import at a time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlmodel import Session, col, select

from station.barcodes import parse_scan
from station.errors import UserError
from station.models import Barcode, Order, Packer, Product

Unit = Literal["line", "item"]
Form = Literal["csv", "json"]

T = TypeVar("T")

# SQLite caps the parameters of one statement; IN lists are sent in slices.
_CHUNK = 500
_WHOLE = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file, and where.

    Attributes:
        line: 1-based physical line of a CSV file (header = 1) or of a JSON
            syntax error; for JSON content the 1-based item number.
        column: the CSV column or JSON key (for a JSON syntax error, the column).
        message: what is wrong and what to do.
        unit: "item" when `line` counts JSON items rather than lines.
    """

    line: int | None
    column: str | None
    message: str
    unit: Unit = "line"

    def render(self, source: str) -> str:
        where = source if self.line is None else f"{source} {self.unit} {self.line}"
        if self.column is not None:
            label = "key" if self.unit == "item" else "column"
            where = f"{where}, {label} {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(UserError):
    """A file was not imported; `problems` says every reason. Nothing was written."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        heading = (
            f"{source} was not imported and nothing was changed. "
            f"Fix {'this problem' if count == 1 else f'these {count} problems'} and import again:"
        )
        super().__init__("\n".join([heading, *(p.render(source) for p in self.problems)]))


_NOUNS = {"catalog": "product", "orders": "order", "packers": "packer"}


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows created, updated, and already up to date."""

    kind: str
    created: int
    updated: int
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        noun = _NOUNS.get(self.kind, "row")
        details = f"{self.created} new, {self.updated} updated"
        if self.unchanged:
            details += f", {self.unchanged} unchanged"
        plural = "" if self.total == 1 else "s"
        return f"{self.kind}: {self.total} {noun}{plural} imported ({details})"


@dataclass(frozen=True)
class Context:
    """Where the rows came from: names problems and resolves relative paths."""

    source: str
    form: Form
    base_dir: Path


@dataclass(frozen=True)
class Row:
    """One CSV row or JSON object, with what is needed to point at its values.

    Attributes:
        line: CSV line number or JSON item number.
        values: the row's values by column or key.
        unit: "line" (CSV) or "item" (JSON).
        prefix: put before keys when naming them, for nested JSON ("lines[0].").
        labels: names shown for keys that differ from the key ("ship_to.name").
    """

    line: int
    values: Mapping[str, Any]
    unit: Unit = "line"
    prefix: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        return self.labels.get(key, self.prefix + key)

    @property
    def ref(self) -> str:
        """How another problem message refers to this row: "line 4", "item 2"."""
        return f"{self.unit} {self.line}"


class Checker:
    """Collects problems while reading values, so that all are reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, row: Row, key: str | None, message: str) -> None:
        column = None if key is None else row.label(key)
        self.problems.append(Problem(row.line, column, message, row.unit))

    def mark(self) -> int:
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        return len(self.problems) == mark

    def reject_if_any(self, source: str) -> None:
        if self.problems:
            raise ImportRejected(source, self.problems)

    def text(self, row: Row, key: str, *, required: bool = True) -> str | None:
        """A stripped text value; None (and a problem if required) when blank."""
        value = row.values.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | type(None)):
            self.add(row, key, f"must be text, not {_json_type(value)}")
            return None
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.add(row, key, "required but " + ("missing" if value is None else "empty"))
            return None
        return text

    def whole(self, row: Row, key: str, *, minimum: int) -> int | None:
        """A whole number of at least `minimum`, as a JSON number or CSV text."""
        value = row.values.get(key)
        number = _as_whole(value)
        if number is None:
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add(row, key, f"required but {'missing' if value is None else 'empty'}")
            else:
                shown = value.strip() if isinstance(value, str) else value
                self.add(row, key, f"{shown!r} is not a whole number")
            return None
        if number < minimum:
            self.add(row, key, f"{number} is too small; use a whole number of {minimum} or more")
            return None
        return number


def _as_whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _json_type(value: Any) -> str:
    names = {bool: "true/false", float: "a decimal number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Columns:
    """The columns (CSV) or keys (JSON) a kind of file has."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        return ",".join(self.required + self.optional)

    def check_header(self, line: int, names: Sequence[str], source: Checker) -> bool:
        """Report missing, unknown and repeated columns; True if the header is usable."""
        header = Row(line, {})
        mark = source.mark()
        missing = [name for name in self.required if name not in names]
        if missing:
            source.add(
                header,
                None,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"the header must be: {self.expected} (optional: {', '.join(self.optional)})",
            )
        self._check_names(header, names, source)
        for name in sorted({n for n in names if names.count(n) > 1}):
            source.add(header, name, "appears twice in the header; keep one")
        return source.clean_since(mark)

    def check_keys(self, row: Row, checker: Checker) -> None:
        """Report unknown JSON keys (typos would otherwise silently drop data)."""
        self._check_names(row, list(row.values), checker)

    def _check_names(self, row: Row, names: Iterable[str], checker: Checker) -> None:
        known = set(self.required + self.optional)
        for name in names:
            if name not in known:
                checker.add(
                    row, name, f"unknown {'key' if row.unit == 'item' else 'column'}; "
                    f"expected: {self.expected}"
                )


def read_text(path: Path) -> str:
    """A file's text; UTF-8 with or without BOM, anything else is rejected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            path.name, [Problem(None, None, f"cannot be read: {exc.strerror or exc}")]
        ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(path.name, [_not_utf8(data, exc.start)]) from exc


def _not_utf8(data: bytes, start: int) -> Problem:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(1, None, "the file is UTF-16; save it as UTF-8 (Excel: 'CSV UTF-8')")
    line_start = data.rfind(b"\n", 0, start) + 1
    return Problem(
        data.count(b"\n", 0, start) + 1,
        None,
        f"byte 0x{data[start]:02X} at byte {start - line_start + 1} of the line is not UTF-8; "
        "save the file as UTF-8 (Excel: 'CSV UTF-8')",
    )


def csv_rows(text: str, columns: Columns, checker: Checker) -> list[Row]:
    """The data rows of a CSV file keyed by lower-case column name; [] on a bad header."""
    physical = _physical_rows(text, checker)
    if not physical:
        return []
    (header_line, header), body = physical[0], physical[1:]
    names = [name.strip().lower() for name in header]
    used = [name for name in names if name]  # trailing separators make unnamed columns
    if not columns.check_header(header_line, used, checker):
        return []
    rows = []
    for line, cells in body:
        if len(cells) > len(names):
            checker.add(
                Row(line, {}),
                None,
                f"has {len(cells)} values but the header has {len(names)} columns; "
                "put values that contain a comma in double quotes",
            )
        values = {name: cell for name, cell in zip(names, cells, strict=False) if name}
        rows.append(Row(line, values))
    return rows


def _physical_rows(text: str, checker: Checker) -> list[tuple[int, list[str]]]:
    """Non-blank CSV records with the physical line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((previous_end + 1, cells))
            previous_end = reader.line_num
    except csv.Error as exc:
        checker.add(Row(reader.line_num, {}), None, f"is not valid CSV: {exc}")
    return rows


def _delimiter(text: str) -> str:
    # Spreadsheets in many European locales save "CSV" with semicolons; the
    # header line tells which one this file uses.
    header = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in header:
        for candidate in (";", "\t"):
            if candidate in header:
                return candidate
    return ","


def json_rows(text: str, checker: Checker) -> list[Row]:
    """The objects of a JSON list, one Row per item; [] (with problems) otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        checker.problems.append(Problem(exc.lineno, str(exc.colno), f"not valid JSON: {exc.msg}"))
        return []
    return record_rows(data, checker)


def record_rows(data: Any, checker: Checker) -> list[Row]:
    if not isinstance(data, list):
        checker.problems.append(
            Problem(None, None, f"must hold a list of objects ([{{...}}, ...]), not {_json_type(data)}")
        )
        return []
    rows = []
    for index, item in enumerate(data):
        if isinstance(item, dict):
            rows.append(Row(index + 1, item, unit="item"))
        else:
            checker.problems.append(
                Problem(index + 1, None, f"must be an object {{...}}, not {_json_type(item)}", "item")
            )
    return rows


def chunked(values: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def scan_keys(value: str) -> set[str]:
    """What a scan of `value` is matched by: its text (badges, orders) and code (products)."""
    parsed = parse_scan(value)
    return {parsed.text, parsed.code}


class ScanNames:
    """Badges, order numbers and product barcodes already in the store.

    The bench decides what a scan is by looking it up in all three, so a value
    that is both a badge and an order number would log a packer in instead of
    opening the order. Importers use this to refuse such values.
    """

    def __init__(self, session: Session, keys: Iterable[str]) -> None:
        self._session = session
        self._keys = sorted(set(keys))

    def badges(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            for badge in self._session.exec(
                select(Packer.badge).where(col(Packer.badge).in_(chunk))
            ):
                found[badge] = badge
        return found

    def order_numbers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            for number in self._session.exec(
                select(Order.number).where(col(Order.number).in_(chunk))
            ):
                found[number] = number
        return found

    def barcodes(self) -> dict[str, str]:
        """Product SKU by barcode code."""
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            query = (
                select(Barcode.code, Product.sku)
                .join(Product, col(Barcode.product_id) == col(Product.id))
                .where(col(Barcode.code).in_(chunk))
            )
            for code, sku in self._session.exec(query):
                found[code] = sku
        return found
