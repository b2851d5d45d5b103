"""The [central] table: checked when read, and a password in it is refused without echoing it."""

from __future__ import annotations

import pytest

from station.errors import UserError
from station.settings import settings_from_dict
from station.sync.settings import Central


def test_without_central_a_station_is_an_island() -> None:
    assert settings_from_dict({}).central == Central(url=None)


def test_central_settings_are_read() -> None:
    central = settings_from_dict(
        {"central": {"url": "postgresql://bench@db:5432/ps", "sync_interval_s": 10}}
    ).central
    assert central == Central("postgresql://bench@db:5432/ps", 10, "any")


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"url": "mysql://bench@db/ps"}, "central.url"),
        ({"sync_interval_s": 0}, "central.sync_interval_s"),
        ({"offline_open": "never"}, "central.offline_open"),
        ({"interval": 5}, "central.interval"),
    ],
)
def test_a_bad_central_setting_is_named(table: dict[str, object], named: str) -> None:
    with pytest.raises(UserError, match=named):
        settings_from_dict({"central": table})


def test_a_password_in_the_url_is_refused_and_never_repeated() -> None:
    with pytest.raises(UserError, match="pgpass") as refused:
        settings_from_dict({"central": {"url": "postgresql://bench:s3cret@db/ps"}})
    assert "s3cret" not in str(refused.value)
