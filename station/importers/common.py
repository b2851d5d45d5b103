"""What every importer shares: problems and how they read, rows, value checks.

A file is imported all or nothing: every row is checked first and every
problem collected, so the user fixes the whole file in one go instead of
meeting its errors one import at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from station.errors import UserError
from station.label_rules import text_problem

if TYPE_CHECKING:
    from station.couriers.plan import CourierBook

Unit = Literal["line", "item"]
Form = Literal["csv", "json"]

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
        # In file order, so the user can walk through the file top to bottom.
        self.problems = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
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
    # Rows left as they were because a station started on them during the import.
    skipped: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped)

    def summary(self) -> str:
        noun = _NOUNS.get(self.kind, "row")
        details = f"{self.created} new, {self.updated} updated"
        if self.unchanged:
            details += f", {self.unchanged} unchanged"
        plural = "" if self.total == 1 else "s"
        summary = f"{self.kind}: {self.total} {noun}{plural} imported ({details})"
        if self.skipped:
            shown = ", ".join(self.skipped[:10]) + (", …" if len(self.skipped) > 10 else "")
            summary += (
                f"; {len(self.skipped)} not changed because a station started packing them "
                f"while the import ran: {shown}"
            )
        return summary


@dataclass(frozen=True)
class Context:
    """Where the rows came from: names problems and resolves relative paths."""

    source: str
    form: Form
    base_dir: Path
    commands: frozenset[str] = frozenset()  # the station's command barcodes
    couriers: CourierBook | None = None  # to check the fields a named courier requires


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

    def text(
        self,
        row: Row,
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
        scanned: bool = False,
    ) -> str | None:
        """A stripped text value; None (and a problem if required) when blank.

        With `limit`, a longer text or one with a character that cannot be
        printed (or, if `scanned`, scanned) is a problem naming the position.
        """
        value = row.values.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | type(None)):
            self.add(row, key, f"must be text, not {json_type(value)}")
            return None
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.add(row, key, "required but " + ("missing" if value is None else "empty"))
            return None
        if limit is not None:
            problem = text_problem(text, limit, scanned=scanned)
            if problem is not None:
                self.add(row, key, problem)
                return None
        return text

    def whole(self, row: Row, key: str, *, minimum: int, maximum: int) -> int | None:
        """A whole number from `minimum` to `maximum`, as a JSON number or CSV text."""
        value = row.values.get(key)
        number = _as_whole(value)
        if number is None:
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add(row, key, f"required but {'missing' if value is None else 'empty'}")
            elif isinstance(value, HugeNumber) or _is_long_whole(value):
                self.add(
                    row,
                    key,
                    f"a {_digits(value):,}-digit number is too large; {_range(minimum, maximum)}",
                )
            else:
                self.add(row, key, f"{_shown(value)!r} is not a whole number")
            return None
        if number < minimum:
            self.add(row, key, f"{number} is too small; {_range(minimum, maximum)}")
            return None
        if number > maximum:
            self.add(row, key, f"{number:,} is too large; {_range(minimum, maximum)}")
            return None
        return number


class HugeNumber(str):
    """A JSON number with more digits than any limit: kept as its text, never converted."""


_LONGEST_WHOLE = 30  # digits; more is no weight or quantity (and int() of 4,300+ digits fails)


def _range(minimum: int, maximum: int) -> str:
    return f"use a whole number from {minimum:,} to {maximum:,}"


def _shown(value: Any) -> Any:
    shown = value.strip() if isinstance(value, str) else value
    return shown[:40] + "…" if isinstance(shown, str) and len(shown) > 40 else shown


def _is_long_whole(value: Any) -> bool:
    return isinstance(value, str) and bool(_WHOLE.fullmatch(value.strip()))


def _digits(value: Any) -> int:
    return sum(char.isdigit() for char in str(value))


def _as_whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, HugeNumber):
        return None
    text = value.strip() if isinstance(value, str) else ""
    if _WHOLE.fullmatch(text) and len(text.lstrip("+-")) <= _LONGEST_WHOLE:
        return int(text)
    return None


def json_type(value: Any) -> str:
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

    def check_header(self, line: int, names: Sequence[str], checker: Checker) -> bool:
        """Report missing, unknown and repeated columns; True if the header is usable."""
        header = Row(line, {})
        mark = checker.mark()
        missing = [name for name in self.required if name not in names]
        if missing:
            checker.add(
                header,
                None,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"the header must be: {self.expected}{self._optional_note}",
            )
        self._check_names(header, names, checker)
        for name in sorted({n for n in names if names.count(n) > 1}):
            checker.add(header, name, "appears twice in the header; keep one")
        return checker.clean_since(mark)

    @property
    def _optional_note(self) -> str:
        return f" ({', '.join(self.optional)} optional)" if self.optional else ""

    def check_keys(self, row: Row, checker: Checker) -> None:
        """Report unknown JSON keys (typos would otherwise silently drop data)."""
        self._check_names(row, list(row.values), checker)

    def _check_names(self, row: Row, names: Iterable[str], checker: Checker) -> None:
        known = set(self.required + self.optional)
        for name in names:
            if name not in known:
                checker.add(
                    row,
                    name,
                    f"unknown {'key' if row.unit == 'item' else 'column'}; "
                    f"expected: {self.expected}",
                )
