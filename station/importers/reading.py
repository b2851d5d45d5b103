"""Turning a file's bytes into rows: UTF-8 decoding, CSV with line numbers, JSON lists."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from station.importers.common import (
    Checker,
    Columns,
    HugeNumber,
    ImportRejected,
    Problem,
    Row,
    json_type,
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
        # Blank cells past the header are what spreadsheets leave behind; only
        # values there mean a comma split a value.
        if any(cell.strip() for cell in cells[len(names) :]):
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
    if not text.strip():
        return []  # an empty export is "no rows", not a syntax error
    try:
        data = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as exc:
        checker.problems.append(Problem(exc.lineno, str(exc.colno), f"not valid JSON: {exc.msg}"))
        return []
    except RecursionError:
        checker.problems.append(
            Problem(
                None,
                None,
                "is nested too deeply to read; an import file is a list of objects "
                "whose values are text, numbers or (for order lines) one more level",
            )
        )
        return []
    return record_rows(data, checker)


def _whole_number(text: str) -> int | HugeNumber:
    # int() of thousands of digits is slow and, past 4,300, an error: such a number
    # is no weight or quantity, and the check names it as too large.
    return int(text) if len(text) <= 30 else HugeNumber(text)


def record_rows(data: Any, checker: Checker) -> list[Row]:
    if not isinstance(data, list):
        checker.problems.append(
            Problem(
                None, None, f"must hold a list of objects ([{{...}}, ...]), not {json_type(data)}"
            )
        )
        return []
    rows = []
    for index, item in enumerate(data):
        if isinstance(item, dict):
            rows.append(Row(index + 1, item, unit="item"))
        else:
            checker.problems.append(
                Problem(
                    index + 1, None, f"must be an object {{...}}, not {json_type(item)}", "item"
                )
            )
    return rows
