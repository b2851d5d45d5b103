"""Where a station keeps its data and its config, unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "PackStation"


def default_data_dir(demo: bool) -> Path:
    base = Path(platformdirs.user_data_dir(APP, appauthor=False))
    # The demo never shares a store with a real station.
    return base / "demo" if demo else base


def default_config_path(demo: bool = False, data_dir: Path | None = None) -> Path:
    # The demo keeps its config in its own data dir: what it saves (Devices…)
    # must never change the real station's config.
    if demo and data_dir is not None:
        return data_dir / "station.toml"
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "station.toml"


def labels_dir(data_dir: Path) -> Path:
    return data_dir / "labels"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"
