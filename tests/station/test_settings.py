"""A bad setting is named with what is expected; a good file is read as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from station.settings import EXAMPLE, Settings, SettingsError, load_settings, settings_from_dict


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == Settings()


def test_the_documented_example_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(EXAMPLE.replace('name = "bench-01"', 'name = "bench-07"'))
    settings = load_settings(path)
    assert settings.station == "bench-07"
    assert settings.commands.ack == "CMD-ACK"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"station": {"confirm_before_label": "yes"}}, "station.confirm_before_label must be bool"),
        ({"scanner": {"wedge_max_key_interval_ms": True}}, "wedge_max_key_interval_ms must be int"),
        ({"scanner": {"wedge_max_key_interval_ms": 1}}, "between 5 and 500"),
        ({"station": {"colour": "red"}}, "unknown setting station.colour"),
        ({"printers": {}}, "unknown table [printers]"),
        ({"commands": {"ack": "CMD-LOGOUT"}}, "distinct"),
        ({"sender": {"name": 5}}, "sender.name must be str"),
    ],
)
def test_bad_values_are_reported_by_name(data: dict, named: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(named)):
        settings_from_dict(data)


def test_unreadable_toml_says_which_file(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text("[station\nname=")
    with pytest.raises(SettingsError, match=re.escape("station.toml cannot be read")):
        load_settings(path)
