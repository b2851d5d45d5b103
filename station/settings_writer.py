"""Write the [devices] table back into a station's TOML config, keeping everything else.

The config is the IT person's file: their comments, their other tables and
the order of their keys stay as they wrote them (tomlkit edits the document
rather than re-serialising a dict). Only keys whose value changed are touched,
so a comment on an unchanged device stays next to it. The new file replaces
the old one atomically: a crash or a full disk leaves the old file, never
half a file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Table

from station.device_urls import Role
from station.settings import Devices, SettingsError, settings_from_dict


def devices_values(devices: Devices) -> dict[str, str | list[str]]:
    """The [devices] keys as TOML values; a device left at its default has no key."""
    values: dict[str, str | list[str]] = {}
    if devices.scanners:
        values[Role.SCANNER.value] = [url.text.strip() for url in devices.scanners]
    if devices.cameras:
        values[Role.CAMERA.value] = [url.text.strip() for url in devices.cameras]
    for role, url in (
        (Role.LABEL_PRINTER, devices.label_printer),
        (Role.DOCUMENT_PRINTER, devices.document_printer),
        (Role.SCALE, devices.scale),
    ):
        if url is not None:
            values[role.value] = url.text.strip()
    return values


def with_devices(text: str, devices: Devices, source: str = "config") -> str:
    """`text` (a TOML document) with its [devices] table set to `devices`.

    Raises:
        SettingsError: `text` is not TOML, or its `devices` is not a table.
    """
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise SettingsError(
            f"Config file {source} cannot be read: {exc}. Fix it first, then save again."
        ) from exc
    wanted = devices_values(devices)
    table = document.get("devices")
    if table is None:
        if not wanted:
            return text
        table = tomlkit.table()
        if document.body:  # a blank line between the last table and the new one
            document.add(tomlkit.nl())
        document.add("devices", table)
    if not isinstance(table, Table | InlineTable):
        raise SettingsError(f"Config file {source}: devices must be a table ([devices]).")
    for role in Role:
        key = role.value
        new = wanted.get(key)
        if new is None:
            if key in table:
                del table[key]
        elif _plain(table.get(key)) != new:
            table[key] = new
    return tomlkit.dumps(document)


def save_devices(path: Path, devices: Devices) -> None:
    """Set the [devices] table of the config file at `path` (made if missing), atomically.

    The whole new file is checked as the station reads it before it replaces
    the old one, so a save never leaves a config the station refuses.

    Raises:
        SettingsError: the file cannot be read, is not valid, or cannot be written;
            the message says what to do.
    """
    target = path.resolve()  # a symlinked config stays a symlink; its target changes
    try:
        old = target.read_text(encoding="utf-8-sig") if target.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Config file {path} cannot be read: {exc}. Fix or remove it.") from exc
    new = with_devices(old, devices, str(path))
    try:
        settings_from_dict(tomllib.loads(new), source=str(path))
    except SettingsError as exc:
        raise SettingsError(f"Not saved: {exc} Fix that in the file, then save again.") from exc
    try:
        _write_atomically(target, new)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SettingsError(
            f"Config file {path} could not be saved: {reason}. Check that its folder is "
            "writable and the disk is not full, then save again."
        ) from exc


def _plain(value: Any) -> Any:
    """A tomlkit item as plain Python (str, list), for comparing with what is wanted."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # In the same folder, so the rename cannot cross file systems.
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            shutil.copymode(target, temp)  # mkstemp makes it owner-only
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
