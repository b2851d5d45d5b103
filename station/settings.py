"""Station settings: declared once, typed, with defaults, validated when read.

The config file is TOML. Every key is optional; a bad value is reported by its
name with what is expected, and the file is not used.
"""

from __future__ import annotations

import socket
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from station.device_urls import (
    DeviceUrl,
    DeviceUrlError,
    Role,
    check_cameras_together,
    parse_device_url,
)
from station.errors import UserError
from station.sync.settings import Central, read_central


class SettingsError(UserError):
    """The config file or one of its values is not usable."""


@dataclass(frozen=True)
class Commands:
    """Command barcodes for scan-only work."""

    logout: str = "CMD-LOGOUT"
    ack: str = "CMD-ACK"
    cancel: str = "CMD-CANCEL"
    exception: str = "CMD-EXCEPTION"
    short: str = "CMD-SHORT"
    seal: str = "CMD-SEAL"
    new_box: str = "CMD-NEWBOX"
    # Label errands: the window does them (reprint and slip at once, void and bulk
    # print in their dialog, which then waits for the label or a reason).
    reprint: str = "CMD-REPRINT"
    void: str = "CMD-VOID"
    slip: str = "CMD-SLIP"
    bulk: str = "CMD-BULK"
    # A supervisor's dashboard (as F9 does), for a bench with a scanner and no keyboard.
    dashboard: str = "CMD-DASHBOARD"
    # One barcode per exception reason ("Other" needs words: the Exception… dialog).
    exception_missing: str = "CMD-EXC-MISSING"
    exception_damaged: str = "CMD-EXC-DAMAGED"
    exception_wrong_item: str = "CMD-EXC-WRONG-ITEM"
    # One barcode per ship-short reason; a supervisor's badge approves next.
    short_no_stock: str = "CMD-SHORT-NO-STOCK"
    short_damaged: str = "CMD-SHORT-DAMAGED"
    short_not_found: str = "CMD-SHORT-NOT-FOUND"
    # The answers to "Did label N print?" after a crash mid-send (station.print_queue).
    label_printed: str = "CMD-LABEL-PRINTED"
    label_reprint: str = "CMD-LABEL-REPRINT"
    # Loading at the dock: start a load (then scan the courier's id), close it.
    load: str = "CMD-LOAD"
    close_load: str = "CMD-CLOSE-LOAD"
    # In a dialog: confirm it, close it, or choose reason N (this prefix and 1 to 9).
    ok: str = "CMD-OK"
    close: str = "CMD-CLOSE"
    reason: str = "CMD-REASON-"

    def reason_codes(self) -> tuple[str, ...]:
        """The reason barcodes, for reasons 1 to 9 of a dialog's list."""
        return tuple(f"{self.reason}{number}" for number in range(1, 10))

    def reason_number(self, text: str) -> int | None:
        """Which reason (1 to 9) a scanned reason barcode chooses; None for another barcode."""
        digit = text.removeprefix(self.reason)
        return int(digit) if digit != text and len(digit) == 1 and digit in "123456789" else None


@dataclass(frozen=True)
class Sender:
    """The return address printed on every label."""

    name: str = "PackStation Demo Warehouse"
    street: str = "1 Logistics Way"
    city: str = "Springfield"
    postcode: str = "12345"
    country: str = "US"


@dataclass(frozen=True)
class Weighing:
    """Check-weighing, used when a scale is configured."""

    box_tare_g: int = 150  # the empty box with its filler and tape
    tolerance_g: int = 50
    tolerance_pct: float = 5.0
    on_mismatch: str = "block"  # "block": no label until fixed or approved; "warn"


@dataclass(frozen=True)
class Labels:
    scan_back: str = "optional"  # "off", "optional" or "required"
    packing_slip: str = "on_demand"  # "auto": one per order when sealed; "on_demand"


@dataclass(frozen=True)
class CameraSettings:
    """The cameras' live view and their evidence on disk (README "Camera")."""

    live_view: bool = True  # F8 hides and shows it at the bench
    photo_at_scan_back: bool = False  # a photo at each label scanned back, besides the seal's
    retention_days: int = 30  # evidence older than this is deleted unless pinned; 0: kept
    min_free_mb: int = 2048  # below this free space the oldest unpinned evidence goes first


_CHOICES = {
    ("weighing", "on_mismatch"): ("block", "warn"),
    ("labels", "scan_back"): ("off", "optional", "required"),
    ("labels", "packing_slip"): ("auto", "on_demand"),
}


@dataclass(frozen=True)
class Devices:
    """The station's devices as URLs; None means the built-in default."""

    scanners: tuple[DeviceUrl, ...] = ()
    label_printer: DeviceUrl | None = None  # default: PDF files in <data dir>/labels
    document_printer: DeviceUrl | None = None
    scale: DeviceUrl | None = None
    cameras: tuple[DeviceUrl, ...] = ()


@dataclass(frozen=True)
class Settings:
    station: str = field(default_factory=socket.gethostname)
    role: str = "bench"  # "bench" or "dock" (opens in loading mode, station.handoff)
    # Which warehouse the station is in: a dock's lists are its warehouse's (station.handoff).
    warehouse: str = "main"
    confirm_before_label: bool = False
    manual_entry_supervisors_only: bool = False
    # A supervisor action asks for the supervisor's PIN after the badge ([security]).
    supervisor_pin: bool = True
    wedge_max_key_interval_ms: int = 50
    wedge_min_length: int = 4
    # The keyboard layout this computer types with; wedge scanners must be set to it too.
    wedge_keyboard_layout: str = "us"
    sounds: bool = True
    commands: Commands = field(default_factory=Commands)
    sender: Sender = field(default_factory=Sender)
    devices: Devices = field(default_factory=Devices)
    weighing: Weighing = field(default_factory=Weighing)
    labels: Labels = field(default_factory=Labels)
    central: Central = field(default_factory=Central)
    camera: CameraSettings = field(default_factory=CameraSettings)


# A bench packs; a dock opens in loading mode (it can still pack).
STATION_ROLES = ("bench", "dock")
# Keyboard layouts a wedge burst is checked against (devices/scanners/wedge_layout.py knows each).
WEDGE_KEYBOARD_LAYOUTS = ("us", "uk", "de", "fr", "es", "it")

# TOML table and key -> Settings attribute, with the type it must have.
_STATION_KEYS: dict[tuple[str, str], tuple[str, type]] = {
    ("station", "name"): ("station", str),
    ("station", "role"): ("role", str),
    ("station", "warehouse"): ("warehouse", str),
    ("station", "confirm_before_label"): ("confirm_before_label", bool),
    ("station", "manual_entry_supervisors_only"): ("manual_entry_supervisors_only", bool),
    ("scanner", "wedge_max_key_interval_ms"): ("wedge_max_key_interval_ms", int),
    ("scanner", "wedge_min_length"): ("wedge_min_length", int),
    ("scanner", "wedge_keyboard_layout"): ("wedge_keyboard_layout", str),
    ("sound", "enabled"): ("sounds", bool),
    ("security", "supervisor_pin"): ("supervisor_pin", bool),
}

EXAMPLE = """\
[station]
name = "bench-01"
role = "bench"
warehouse = "main"
confirm_before_label = false
manual_entry_supervisors_only = false

[scanner]
wedge_max_key_interval_ms = 50
wedge_min_length = 4
wedge_keyboard_layout = "us"

[sound]
enabled = true

[security]
supervisor_pin = true

[commands]
logout = "CMD-LOGOUT"
ack = "CMD-ACK"
cancel = "CMD-CANCEL"
exception = "CMD-EXCEPTION"
short = "CMD-SHORT"
seal = "CMD-SEAL"
new_box = "CMD-NEWBOX"
reprint = "CMD-REPRINT"
void = "CMD-VOID"
slip = "CMD-SLIP"
bulk = "CMD-BULK"
dashboard = "CMD-DASHBOARD"
label_printed = "CMD-LABEL-PRINTED"
label_reprint = "CMD-LABEL-REPRINT"
load = "CMD-LOAD"
close_load = "CMD-CLOSE-LOAD"
exception_missing = "CMD-EXC-MISSING"
exception_damaged = "CMD-EXC-DAMAGED"
exception_wrong_item = "CMD-EXC-WRONG-ITEM"
short_no_stock = "CMD-SHORT-NO-STOCK"
short_damaged = "CMD-SHORT-DAMAGED"
short_not_found = "CMD-SHORT-NOT-FOUND"
ok = "CMD-OK"
close = "CMD-CLOSE"
reason = "CMD-REASON-"

[sender]
name = "PackStation Demo Warehouse"
street = "1 Logistics Way"
city = "Springfield"
postcode = "12345"
country = "US"

[weighing]
box_tare_g = 150
tolerance_g = 50
tolerance_pct = 5.0
on_mismatch = "block"

[labels]
scan_back = "optional"
packing_slip = "on_demand"

[camera]
live_view = true
photo_at_scan_back = false
retention_days = 30
min_free_mb = 2048

[devices]
scanners = ["serial:///dev/ttyACM0?baud=9600"]
label_printer = "zpl+tcp://192.0.2.10:9100"
document_printer = "system://Office_Laser"
scale = "scale+serial:///dev/ttyUSB0?protocol=mt-sics"
"""


def load_settings(path: Path | None) -> Settings:
    """Read settings from a TOML file; a missing default file means defaults."""
    if path is None or not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"Config file {path} cannot be read: {exc}. Fix or remove it.") from exc
    return settings_from_dict(data, source=str(path))


def settings_from_dict(data: dict[str, Any], source: str = "config") -> Settings:
    settings = Settings()
    known_tables = {
        "station",
        "scanner",
        "sound",
        "commands",
        "sender",
        "devices",
        "weighing",
        "labels",
        "central",
        "camera",
        "security",
    }
    for table in data:
        if table not in known_tables:
            raise SettingsError(
                f"{source}: unknown table [{table}]. "
                f"Known tables: {', '.join(sorted(known_tables))}."
            )
    for (table, key), (attr, kind) in _STATION_KEYS.items():
        if key in data.get(table, {}):
            settings = replace(
                settings, **{attr: _checked(data[table][key], kind, f"{table}.{key}", source)}
            )
    _reject_unknown_keys(data, source)
    settings = replace(
        settings,
        commands=_section(Commands, data.get("commands", {}), "commands", source),
        sender=_section(Sender, data.get("sender", {}), "sender", source),
        devices=_checked_devices(data.get("devices", {}), source),
        weighing=_typed_section(Weighing, data.get("weighing", {}), "weighing", source),
        labels=_typed_section(Labels, data.get("labels", {}), "labels", source),
        central=read_central(data.get("central", {}), source),
        camera=_typed_section(CameraSettings, data.get("camera", {}), "camera", source),
    )
    _validate(settings, source)
    return settings


def _reject_unknown_keys(data: dict[str, Any], source: str) -> None:
    for table in ("station", "scanner", "sound"):
        for key in data.get(table, {}):
            if (table, key) not in _STATION_KEYS:
                raise SettingsError(f"{source}: unknown setting {table}.{key}.")


def _checked(value: Any, kind: type, name: str, source: str) -> Any:
    # bool is a subclass of int: a `true` for a number is a mistake worth naming.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{source}: setting {name} must be {kind.__name__}, got {value!r}.")
    return value


T = TypeVar("T")


def _section(cls: type[T], values: dict[str, Any], table: str, source: str) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    for key, value in values.items():
        if key not in names:
            raise SettingsError(
                f"{source}: unknown setting {table}.{key}. Known: {', '.join(sorted(names))}."
            )
        _checked(value, str, f"{table}.{key}", source)
    return cls(**values)


def _typed_section(cls: type[T], values: dict[str, Any], table: str, source: str) -> T:
    """A table whose keys take the type of the dataclass field's default."""
    defaults = cls()
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in names:
            raise SettingsError(
                f"{source}: unknown setting {table}.{key}. Known: {', '.join(sorted(names))}."
            )
        kind = type(getattr(defaults, key))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        checked[key] = _checked(value, kind, f"{table}.{key}", source)
        allowed = _CHOICES.get((table, key))
        if allowed and value not in allowed:
            raise SettingsError(
                f"{source}: setting {table}.{key} must be one of "
                f"{', '.join(repr(a) for a in allowed)}, got {value!r}."
            )
        if kind in (int, float) and value < 0:
            raise SettingsError(f"{source}: setting {table}.{key} must not be negative.")
    return cls(**checked)


def _checked_devices(table: dict[str, Any], source: str) -> Devices:
    try:
        return _devices(table, source)
    except DeviceUrlError as exc:
        raise SettingsError(f"{source}: {exc}") from exc


def _devices(table: dict[str, Any], source: str) -> Devices:
    known = {role.value for role in Role}
    for key in table:
        if key not in known:
            raise SettingsError(
                f"{source}: unknown setting devices.{key}. Known: {', '.join(sorted(known))}."
            )
    scanners = table.get(Role.SCANNER.value, [])
    if not isinstance(scanners, list) or not all(isinstance(url, str) for url in scanners):
        raise SettingsError(f"{source}: setting devices.scanners must be a list of URLs.")
    cameras = table.get(Role.CAMERA.value, [])
    if not isinstance(cameras, list) or not all(isinstance(url, str) for url in cameras):
        raise SettingsError(f"{source}: setting devices.cameras must be a list of URLs.")
    single = {}
    for role in (Role.LABEL_PRINTER, Role.DOCUMENT_PRINTER, Role.SCALE):
        value = table.get(role.value)
        if value is not None:
            single[role.value] = parse_device_url(
                _checked(value, str, f"devices.{role}", source), role
            )
    camera_urls = tuple(parse_device_url(url, Role.CAMERA) for url in cameras)
    check_cameras_together(camera_urls)
    return Devices(
        scanners=tuple(parse_device_url(url, Role.SCANNER) for url in scanners),
        cameras=camera_urls,
        **single,
    )


def _validate(settings: Settings, source: str) -> None:
    if not settings.station.strip():
        raise SettingsError(f"{source}: setting station.name must not be empty.")
    if not settings.warehouse.strip() or len(settings.warehouse) > 40:
        raise SettingsError(
            f"{source}: setting station.warehouse must be a name of 1 to 40 characters, "
            f"got {settings.warehouse!r}."
        )
    if settings.role not in STATION_ROLES:
        raise SettingsError(
            f"{source}: setting station.role must be one of "
            f"{', '.join(repr(role) for role in STATION_ROLES)}, got {settings.role!r}."
        )
    if not 5 <= settings.wedge_max_key_interval_ms <= 500:
        raise SettingsError(
            f"{source}: setting scanner.wedge_max_key_interval_ms must be between 5 and 500 (ms)."
        )
    if settings.wedge_min_length < 1:
        raise SettingsError(f"{source}: setting scanner.wedge_min_length must be at least 1.")
    if settings.wedge_keyboard_layout not in WEDGE_KEYBOARD_LAYOUTS:
        raise SettingsError(
            f"{source}: setting scanner.wedge_keyboard_layout must be one of "
            f"{', '.join(repr(name) for name in WEDGE_KEYBOARD_LAYOUTS)} (the keyboard layout "
            f"of this computer), got {settings.wedge_keyboard_layout!r}."
        )
    commands = settings.commands
    codes = [getattr(commands, f.name) for f in fields(Commands) if f.name != "reason"]
    codes += commands.reason_codes()
    if (
        not commands.reason.strip()
        or any(not code.strip() for code in codes)
        or len(set(codes)) != len(codes)
    ):
        raise SettingsError(
            f"{source}: command barcodes in [commands] must be non-empty and distinct "
            f"(commands.reason is the start of the reason barcodes {commands.reason}1 "
            f"to {commands.reason}9)."
        )
