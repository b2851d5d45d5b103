"""Sort codes printed on a label, looked up from the destination postcode."""

from __future__ import annotations

from dataclasses import dataclass


def normalise_postcode(postcode: str) -> str:
    """Upper case without spaces or dashes: "sw1a 2aa" and "SW1A2AA" route alike."""
    return "".join(ch for ch in postcode.upper() if ch not in " -")


@dataclass(frozen=True)
class Routing:
    """A small table of postcode prefixes to sort codes; the longest prefix wins.

    `countries` limits the table to the courier's home network (a German
    "10" means nothing in France); elsewhere, and for a postcode no prefix
    matches, the sort code is `default`, which may be None (none printed).
    """

    prefixes: tuple[tuple[str, str], ...]  # (normalised prefix, sort code)
    default: str | None = None
    countries: frozenset[str] = frozenset()

    def sort_code(self, country: str, postcode: str) -> str | None:
        if self.countries and country.strip().upper() not in self.countries:
            return self.default
        code = normalise_postcode(postcode)
        matches = [(len(p), sort) for p, sort in self.prefixes if code.startswith(p)]
        return max(matches)[1] if matches else self.default
