"""Typed access to a TOML document whose every error names the file and the key.

Profiles and rules are edited by hand, so a mistake must come back as one
sentence a person can act on ("hansepost.toml: key tracking.prefix must be…"),
never as a KeyError from deep inside the loader.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from station.errors import UserError

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def read_toml(path: Path, error: type[UserError], what: str) -> dict[str, Any]:
    """Parse a TOML file (UTF-8, BOM allowed) or raise `error` naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{what} {path} cannot be read: {exc}. Fix or remove the file.") from exc


@dataclass(frozen=True)
class Table:
    """One TOML table, where it came from, and the dotted path that reached it."""

    data: Mapping[str, Any]
    file: Path
    error: type[UserError]
    what: str  # "Courier profile", "Courier rules"
    path: str = ""

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise self.error(f"{self.what} {self.file}: key {self.key(key)} {problem}.")

    def has(self, key: str) -> bool:
        return key in self.data

    def reject_unknown(self, known: Iterable[str]) -> None:
        allowed = set(known)
        for key in self.data:
            if key not in allowed:
                self.fail(key, f"is not known here (known: {', '.join(sorted(allowed))})")

    def text(self, key: str, default: str | None = None) -> str:
        """A non-blank string; required unless a default is given."""
        if key not in self.data:
            if default is None:
                self.fail(key, "is missing")
            return default
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty text, got {value!r}")
        return value.strip()

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not _SLUG.fullmatch(value):
            self.fail(key, f"must be lower-case letters, digits, '-' or '_', got {value!r}")
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        options = list(choices)
        value = self.text(key)
        if value not in options:
            self.fail(key, f"must be one of {', '.join(options)}, got {value!r}")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.data.get(key)
        # bool is an int to Python; `true` where a number belongs is a mistake.
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        return self.integer(key, low, high) if key in self.data else None

    def optional_amount(self, key: str) -> Decimal | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            self.fail(key, f"must be a number of at least 0, got {value!r}")
        # Through str, so 0.1 stays 0.1 rather than the float's binary neighbour.
        return Decimal(str(value))

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-blank strings; absent means empty."""
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.fail(key, f"must be a list of non-empty texts, got {value!r}")
        return tuple(item.strip() for item in value)

    def table(self, key: str) -> Table | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
        return Table(value, self.file, self.error, self.what, self.key(key))

    def tables(self, key: str) -> list[Table]:
        """An array of tables (``[[key]]``); each knows its 1-based position."""
        value = self.data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"must be one or more [[{key}]] tables")
        return [
            Table(item, self.file, self.error, self.what, f"{self.key(key)}[{n}]")
            for n, item in enumerate(value, start=1)
        ]
