"""`central import` with a login that may not change the reference data: refused at once."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from station.central.connect import CentralError, central_engine
from station.central.imports import import_central
from tests.central.conftest import Central
from tests.central.test_import_and_pull import CATALOG, central_import, orders


def test_a_station_login_cannot_import_and_is_told_to_use_the_owner_s(
    central: Central, tmp_path: Path
) -> None:
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    station = central.add_station("bench-1")
    changed = json.loads(orders("SO-1"))
    file = tmp_path / "o.json"
    file.write_text(json.dumps(changed), encoding="utf-8")
    with pytest.raises(CentralError, match="may not change the catalog") as refused:
        import_central(central_engine(station), "orders", file)
    assert "database owner" in str(refused.value) and "again" not in str(refused.value)
    with psycopg.connect(central.admin_url) as db:
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (0,)
