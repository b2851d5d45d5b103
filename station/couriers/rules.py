"""Which courier and service a parcel goes with, and why.

An order that names a courier we have a profile for keeps it. Otherwise the
rules decide: a TOML list of ``[[rules]]`` on destination country, postcode
prefix, weight and declared value, tried top to bottom, first match wins. The
choice carries a sentence saying what chose it, for the pack screen.

Bounds are inclusive: ``max_weight_g = 31500`` takes a parcel of exactly
31.5 kg. A rule with a weight or value bound never matches an order whose
weight or value is unknown, since nothing shows it fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

from station.couriers.profiles import CourierProfile
from station.couriers.routing import normalise_postcode
from station.couriers.toml_reading import Table, read_toml
from station.errors import UserError
from station.models import Order

WHAT = "Courier rules"
MAX_WEIGHT_G = 10_000_000  # 10 t: anything above is a typo, not a parcel
_RULE_KEYS = (
    "name", "courier", "service", "countries", "postcode_prefixes",
    "min_weight_g", "max_weight_g", "min_value", "max_value",
)  # fmt: skip
_COUNTRY = re.compile(r"[A-Z]{2}")
_N = TypeVar("_N", int, Decimal)


class RulesError(UserError):
    """The courier rules file cannot be used."""


class NoCourierError(UserError):
    """No courier fits an order: it names none we know and no rule matches."""


@dataclass(frozen=True)
class OrderFields:
    """What the choice looks at. `courier` and `service` are as the order asks, maybe blank."""

    country: str
    postcode: str = ""
    weight_g: int | None = None
    declared_value: Decimal | None = None
    courier: str = ""
    service: str = ""

    @classmethod
    def from_order(
        cls, order: Order, weight_g: int | None = None, declared_value: Decimal | None = None
    ) -> OrderFields:
        return cls(
            country=order.ship_to_country,
            postcode=order.ship_to_postcode,
            weight_g=weight_g,
            declared_value=declared_value,
            courier=order.courier,
            service=order.service,
        )


@dataclass(frozen=True)
class CourierChoice:
    profile_id: str
    service_id: str
    rule: str  # why: shown to the packer


@dataclass(frozen=True)
class CourierRule:
    number: int  # 1-based position in the file, so a message can point at it
    profile_id: str
    service_id: str
    name: str = ""
    countries: frozenset[str] = frozenset()
    postcode_prefixes: tuple[str, ...] = ()
    min_weight_g: int | None = None
    max_weight_g: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def takes_all(self) -> bool:
        return self.conditions() == []

    def matches(self, order: OrderFields) -> bool:
        if self.countries and order.country.strip().upper() not in self.countries:
            return False
        postcode = normalise_postcode(order.postcode)
        if self.postcode_prefixes and not postcode.startswith(self.postcode_prefixes):
            return False
        return _within(order.weight_g, self.min_weight_g, self.max_weight_g) and _within(
            order.declared_value, self.min_value, self.max_value
        )

    def conditions(self) -> list[str]:
        said = []
        if self.countries:
            said.append("country " + ", ".join(sorted(self.countries)))
        if self.postcode_prefixes:
            said.append("postcode " + ", ".join(f"{p}…" for p in self.postcode_prefixes))
        said += _bounds("weight", self.min_weight_g, self.max_weight_g, _kg)
        said += _bounds("declared value", self.min_value, self.max_value, lambda v: f"{v:f}")
        return said

    def describe(self) -> str:
        """E.g. 'rule 3 "Domestic parcels": country DE, weight up to 31.5 kg'."""
        title = f'rule {self.number} "{self.name}"' if self.name else f"rule {self.number}"
        return f"{title}: {', '.join(self.conditions()) or 'any order'}"


def find_profile(profiles: Mapping[str, CourierProfile], key: str) -> CourierProfile | None:
    """The profile whose id or name is `key`, ignoring case and outer spaces."""
    wanted = key.strip().casefold()
    if not wanted:
        return None
    by_id = next((p for p in profiles.values() if p.id.casefold() == wanted), None)
    return by_id or next((p for p in profiles.values() if p.name.casefold() == wanted), None)


def choose_courier(
    order: OrderFields,
    profiles: Mapping[str, CourierProfile],
    rules: Sequence[CourierRule],
) -> CourierChoice:
    """The courier and service for `order`: the order's own if we know it, else the rules'.

    Raises:
        NoCourierError: the order names no known courier and no rule matches it.
    """
    requested = find_profile(profiles, order.courier)
    if requested is not None:
        return _requested(order, requested, rules)
    asked = order.courier.strip()
    lead = f'The order\'s courier "{asked}" has no profile; ' if asked else ""
    rule = next((r for r in rules if r.matches(order)), None)
    if rule is None:
        raise NoCourierError(
            _sentence(
                f"{lead}no courier rule matches this order ({_summary(order)}): "
                "add a rule for it, or name a known courier on the order."
            )
        )
    return CourierChoice(rule.profile_id, rule.service_id, _sentence(f"{lead}{rule.describe()}."))


def _requested(
    order: OrderFields, profile: CourierProfile, rules: Sequence[CourierRule]
) -> CourierChoice:
    service = profile.service(order.service) if order.service.strip() else None
    if service is not None:
        return CourierChoice(
            profile.id, service.id, f"The order asks for {profile.name} {service.name}."
        )
    asked = (
        f'The order asks for {profile.name} with the service "{order.service.strip()}", '
        f"which {profile.name} does not offer; "
        if order.service.strip()
        else f"The order asks for {profile.name} without a service; "
    )
    # The rules still know best which of this courier's services fits the parcel.
    rule = next((r for r in rules if r.profile_id == profile.id and r.matches(order)), None)
    if rule is not None:
        chosen = profile.service(rule.service_id) or profile.services[0]
        return CourierChoice(profile.id, chosen.id, f"{asked}{chosen.name} by {rule.describe()}.")
    first = profile.services[0]
    return CourierChoice(profile.id, first.id, f"{asked}{first.name} is its first service.")


def load_rules(path: Path, profiles: Mapping[str, CourierProfile]) -> tuple[CourierRule, ...]:
    """Read the rules file, checking every courier and service against `profiles`.

    Raises:
        RulesError: the file is unreadable or a rule is invalid, naming the file and key.
    """
    top = Table(read_toml(path, RulesError, WHAT), path, RulesError, WHAT)
    top.reject_unknown(("rules",))
    rules = tuple(_rule(table, n, profiles) for n, table in enumerate(_rule_tables(top), start=1))
    for earlier, later in pairwise(rules):
        if earlier.takes_all:
            raise RulesError(
                f"{WHAT} {path}: rule {later.number} can never be chosen, because rule "
                f"{earlier.number} before it takes every order. Move the catch-all rule last."
            )
    return rules


def _rule_tables(top: Table) -> list[Table]:
    return top.tables("rules") if top.has("rules") else []


def _rule(table: Table, number: int, profiles: Mapping[str, CourierProfile]) -> CourierRule:
    table.reject_unknown(_RULE_KEYS)
    profile_id = table.text("courier")
    if profile_id not in profiles:
        table.fail("courier", f"names {profile_id!r}, not a profile id ({', '.join(profiles)})")
    profile = profiles[profile_id]
    service_id = table.text("service")
    if service_id not in {s.id for s in profile.services}:
        known = ", ".join(s.id for s in profile.services)
        table.fail("service", f"names {service_id!r}, not a {profile.name} service ({known})")
    rule = CourierRule(
        number=number,
        profile_id=profile_id,
        service_id=service_id,
        name=table.text("name", default=""),
        countries=frozenset(_countries(table)),
        postcode_prefixes=_prefixes(table),
        min_weight_g=table.optional_integer("min_weight_g", 0, MAX_WEIGHT_G),
        max_weight_g=table.optional_integer("max_weight_g", 0, MAX_WEIGHT_G),
        min_value=table.optional_amount("min_value"),
        max_value=table.optional_amount("max_value"),
    )
    _check_order(table, "weight_g", rule.min_weight_g, rule.max_weight_g)
    _check_order(table, "value", rule.min_value, rule.max_value)
    return rule


def _countries(table: Table) -> tuple[str, ...]:
    countries = table.texts("countries")
    for country in countries:
        if not _COUNTRY.fullmatch(country):
            table.fail(
                "countries", f"must hold two-letter country codes (e.g. 'DE'), got {country!r}"
            )
    return countries


def _prefixes(table: Table) -> tuple[str, ...]:
    prefixes = tuple(normalise_postcode(p) for p in table.texts("postcode_prefixes"))
    for prefix in prefixes:
        if not prefix.isalnum():
            table.fail("postcode_prefixes", f"must hold letters and digits, got {prefix!r}")
    return prefixes


def _check_order(table: Table, what: str, low: _N | None, high: _N | None) -> None:
    if low is not None and high is not None and low > high:
        table.fail(f"min_{what}", f"({low}) is more than max_{what} ({high})")


def _within(value: _N | None, low: _N | None, high: _N | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _bounds(what: str, low: _N | None, high: _N | None, show: Callable[[_N], str]) -> list[str]:
    if low is not None and high is not None:
        return [f"{what} {show(low)} to {show(high)}"]
    if low is not None:
        return [f"{what} from {show(low)}"]
    return [f"{what} up to {show(high)}"] if high is not None else []


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kg(grams: int) -> str:
    return f"{Decimal(grams) / 1000:f} kg"


def _summary(order: OrderFields) -> str:
    said = [f"country {order.country.strip().upper() or '?'}"]
    if order.postcode.strip():
        said.append(f"postcode {order.postcode.strip()}")
    said.append(f"weight {_kg(order.weight_g)}" if order.weight_g is not None else "weight unknown")
    if order.declared_value is not None:
        said.append(f"declared value {order.declared_value:f}")
    return ", ".join(said)
