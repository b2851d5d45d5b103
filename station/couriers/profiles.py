"""Courier profiles: what a courier's label looks like and how its numbers are made.

Profiles are TOML files, one per courier. The station ships some in
resources/couriers/profiles/ and a user may add or replace them in a folder of
their own: `load_profiles` reads the folders in order and a later profile
replaces an earlier one with the same id. A bad file is a `ProfileError` that
names the file and the key, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from station.couriers.fields import LABEL_FIELDS
from station.couriers.routing import Routing, normalise_postcode
from station.couriers.toml_reading import Table, read_toml
from station.couriers.tracking import MAX_SERIAL_DIGITS, Scheme, TrackingScheme
from station.errors import UserError

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "resources" / "couriers"
SHIPPED_PROFILES = SHIPPED_DIR / "profiles"
SHIPPED_RULES = SHIPPED_DIR / "rules.toml"
USER_PROFILES_FOLDER = "couriers"  # inside the user's config dir
SSCC_BODY_DIGITS = 17

_LETTERS2 = re.compile(r"[A-Z]{2}")
_DIGITS = re.compile(r"[0-9]+")
_TOP_KEYS = (
    "id", "name", "label_size", "symbology", "required_fields", "logo",
    "services", "tracking", "routing",
)  # fmt: skip
WHAT = "Courier profile"


class ProfileError(UserError):
    """A courier profile file cannot be used."""


class LabelSize(StrEnum):
    MM_100X150 = "100x150"
    IN_4X6 = "4x6"
    MM_100X100 = "100x100"
    ROLL_58MM = "58mm"  # ESC/POS receipt roll: fixed width, length as needed
    ROLL_80MM = "80mm"

    @property
    def width_mm(self) -> float:
        return _SIZES_MM[self][0]

    @property
    def height_mm(self) -> float | None:
        """None for a roll, which is cut to the length printed."""
        return _SIZES_MM[self][1]


_SIZES_MM: dict[LabelSize, tuple[float, float | None]] = {
    LabelSize.MM_100X150: (100.0, 150.0),
    LabelSize.IN_4X6: (101.6, 152.4),
    LabelSize.MM_100X100: (100.0, 100.0),
    LabelSize.ROLL_58MM: (58.0, None),
    LabelSize.ROLL_80MM: (80.0, None),
}


class Symbology(StrEnum):
    CODE128 = "code128"
    GS1_128 = "gs1-128"  # the tracking number as an SSCC, AI (00)
    QR = "qr"
    DATAMATRIX = "datamatrix"


@dataclass(frozen=True)
class Service:
    id: str
    name: str


@dataclass(frozen=True)
class CourierProfile:
    id: str
    name: str
    services: tuple[Service, ...]
    label_size: LabelSize
    symbology: Symbology
    tracking: TrackingScheme
    required_fields: tuple[str, ...] = ()
    routing: Routing | None = None
    logo: Path | None = None
    source: Path | None = None  # the file it was read from, for messages

    def service(self, key: str) -> Service | None:
        """The service whose id or name is `key`, ignoring case and outer spaces."""
        wanted = key.strip().casefold()
        return next(
            (s for s in self.services if wanted in (s.id.casefold(), s.name.casefold())), None
        )

    def format_tracking(self, serial: int) -> str:
        return self.tracking.format(serial)

    def sort_code(self, country: str, postcode: str) -> str | None:
        return self.routing.sort_code(country, postcode) if self.routing else None

    def barcode_text(self, tracking: str) -> str:
        """What the tracking barcode holds; GS1-128 in human-readable form "(00)…"."""
        return f"(00){tracking}" if self.symbology is Symbology.GS1_128 else tracking


def load_profiles(folders: Sequence[Path]) -> dict[str, CourierProfile]:
    """Every profile (``*.toml``) in `folders`; a later folder overrides by id.

    A folder that does not exist is skipped: the user's own folder is optional.

    Raises:
        ProfileError: a file is unreadable or invalid (naming the file and key), or
            two files in one folder share an id.
    """
    profiles: dict[str, CourierProfile] = {}
    for folder in folders:
        profiles.update(_load_folder(folder))
    return profiles


def _load_folder(folder: Path) -> dict[str, CourierProfile]:
    if not folder.exists():
        return {}
    if not folder.is_dir():
        raise ProfileError(f"Courier profile folder {folder} is a file: make it a folder.")
    try:
        paths = sorted(folder.glob("*.toml"))
    except OSError as exc:
        raise ProfileError(f"Courier profile folder {folder} cannot be read: {exc}.") from exc
    found: dict[str, CourierProfile] = {}
    for path in paths:
        profile = load_profile(path)
        if profile.id in found:
            raise ProfileError(
                f"Courier profiles {found[profile.id].source} and {path} both have id "
                f"{profile.id!r}: give one of them another id."
            )
        found[profile.id] = profile
    return found


def load_profile(path: Path) -> CourierProfile:
    """Read and validate one profile file."""
    top = Table(read_toml(path, ProfileError, WHAT), path, ProfileError, WHAT)
    top.reject_unknown(_TOP_KEYS)
    symbology = Symbology(top.choice("symbology", [s.value for s in Symbology]))
    tracking = _tracking(_required_table(top, "tracking"))
    if symbology is Symbology.GS1_128:
        _check_sscc(top, tracking)
    return CourierProfile(
        id=top.slug("id"),
        name=top.text("name"),
        services=_services(top),
        label_size=LabelSize(top.choice("label_size", [s.value for s in LabelSize])),
        symbology=symbology,
        tracking=tracking,
        required_fields=_required_fields(top),
        routing=_routing(top.table("routing")),
        logo=_logo(top, path),
        source=path,
    )


def _required_table(top: Table, key: str) -> Table:
    table = top.table(key)
    if table is None:
        top.fail(key, "is missing")
    return table


def _services(top: Table) -> tuple[Service, ...]:
    services: list[Service] = []
    for table in top.tables("services"):
        table.reject_unknown(("id", "name"))
        service = Service(table.slug("id"), table.text("name"))
        # Orders name a service by id or by name, so neither may be ambiguous.
        taken = {key.casefold() for s in services for key in (s.id, s.name)}
        if service.id.casefold() in taken or service.name.casefold() in taken:
            table.fail("id", f"or name repeats another service ({service.id!r}, {service.name!r})")
        services.append(service)
    return tuple(services)


def _tracking(table: Table) -> TrackingScheme:
    scheme = Scheme(table.choice("scheme", [s.value for s in Scheme]))
    if scheme is Scheme.S10:
        table.reject_unknown(("scheme", "prefix", "country"))
        prefix, country = table.text("prefix"), table.text("country")
        if not _LETTERS2.fullmatch(prefix):
            table.fail("prefix", f"must be two capital letters for S10 (e.g. 'CP'), got {prefix!r}")
        if not _LETTERS2.fullmatch(country):
            table.fail("country", f"must be a two-letter country code (e.g. 'DE'), got {country!r}")
        return TrackingScheme(scheme, prefix, country)
    table.reject_unknown(("scheme", "prefix", "serial_digits"))
    prefix = table.text("prefix")
    if not _DIGITS.fullmatch(prefix):
        table.fail("prefix", f"must be digits for mod10 (the check covers them), got {prefix!r}")
    digits = table.integer("serial_digits", 1, MAX_SERIAL_DIGITS)
    return TrackingScheme(scheme, prefix, serial_digits=digits)


def _check_sscc(top: Table, tracking: TrackingScheme) -> None:
    body = len(tracking.prefix) + tracking.serial_digits
    if tracking.scheme is not Scheme.MOD10 or body != SSCC_BODY_DIGITS:
        top.fail(
            "symbology",
            "gs1-128 carries the number as an SSCC (AI 00): it needs tracking.scheme = "
            f"'mod10' with prefix and serial_digits adding up to {SSCC_BODY_DIGITS} digits",
        )


def _required_fields(top: Table) -> tuple[str, ...]:
    names = top.texts("required_fields")
    for name in names:
        if name not in LABEL_FIELDS:
            top.fail(
                "required_fields",
                f"names {name!r}, which is not a label field "
                f"(known: {', '.join(sorted(LABEL_FIELDS))})",
            )
    return names


def _routing(table: Table | None) -> Routing | None:
    if table is None:
        return None
    table.reject_unknown(("prefixes", "default", "countries"))
    countries = table.texts("countries")
    for country in countries:
        if not _LETTERS2.fullmatch(country):
            table.fail("countries", f"must hold two-letter country codes, got {country!r}")
    prefixes = _required_table(table, "prefixes")
    pairs: dict[str, str] = {}
    for raw in prefixes.data:
        prefix = normalise_postcode(raw)
        if not prefix.isalnum() or prefix in pairs:
            prefixes.fail(raw, "must be a postcode prefix of letters and digits, given once")
        pairs[prefix] = prefixes.text(raw)
    default = table.text("default") if table.has("default") else None
    return Routing(tuple(pairs.items()), default, frozenset(countries))


def _logo(top: Table, path: Path) -> Path | None:
    if not top.has("logo"):
        return None
    logo = path.parent / top.text("logo")  # relative to the profile; absolute stays absolute
    if not logo.is_file():
        top.fail("logo", f"points to {logo}, which is not a file")
    return logo
