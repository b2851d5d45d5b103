"""The central database answers the supervisor's figures with the same queries as a station.

The known day of test_figures is packed at two stations, pushed to a real
PostgreSQL as the sync does, and every figure, chart, drill-down and trail
read there must equal the station's own.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import main
from station.central.connect import central_engine, connected
from station.central.roles import group_role, quote
from station.models import Order, Packer
from station.supervisor.day_filler import (
    AHEAD_DAYS,
    LOCK_KEY,
    save_finished_days,
    save_next_finished_day,
)
from station.supervisor.drill import order_trail, orders_behind
from station.supervisor.figures import (
    BY_CHOICES,
    Facts,
    accuracy_per_day,
    dashboard,
    exception_reasons,
    figures,
    mistake_pareto,
    orders_per_hour_of_day,
)
from station.supervisor.saved_days import CentralDays
from station.sync import push
from tests.central import conftest as central_db
from tests.central.conftest import Central
from tests.helpers.factory import Bench
from tests.station.test_figures import BERLIN, WEEKEND, pack_known_day

STATIONS = ("bench-1", "bench-2")
# The throwaway PostgreSQL's fixtures (tests/central/conftest.py), for this test beside the figures.
cluster, database, central = central_db.cluster, central_db.database, central_db.central


def to_central(bench: Bench, central: Central) -> Engine:
    """Each station's events pushed; the packers and orders as a central import has them."""
    for station in STATIONS:
        assert push.push(central_engine(central.add_station(station)), bench.store, station).pushed
    admin = central_engine(central.admin_url)
    with bench.store.engine.connect() as local, admin.begin() as connection:
        for model in (Packer, Order):
            table = model.__table__  # type: ignore[union-attr]
            rows = [dict(row._mapping) for row in local.execute(table.select())]
            connection.execute(table.insert(), rows)
    return admin


def test_central_figures_equal_the_station_s(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    with admin.connect() as remote, bench.store.session() as local:
        for by in BY_CHOICES:
            expected = [row.as_json() for row in figures(local, WEEKEND, by)]
            assert expected and [row.as_json() for row in figures(remote, WEEKEND, by)] == expected
        for chart in (orders_per_hour_of_day, accuracy_per_day, mistake_pareto, exception_reasons):
            assert chart(remote, WEEKEND) == chart(local, WEEKEND)
        for figure in ("orders_with_mistakes", "mistakes.wrong_label", "labels_voided", "units"):
            expected_refs = orders_behind(local, WEEKEND, figure)
            assert expected_refs and orders_behind(remote, WEEKEND, figure) == expected_refs
        for number in ("SO-1", "SO-13", "SO-14"):
            trail = order_trail(remote, number, BERLIN)
            assert trail is not None and trail == order_trail(local, number, BERLIN)
    # Saved day totals, filled by a station login of the group (any reader may): the same figures.
    with admin.connect() as remote:
        expected_all = dashboard(remote, WEEKEND)  # from the events
    station_login = central_engine(central.add_station("office-1"))
    for _ in ("summed and saved", "read back"):
        with connected(station_login) as remote:
            assert dashboard(remote, WEEKEND, book=CentralDays(remote)) == expected_all
    with admin.connect() as remote:
        assert remote.execute(text("SELECT count(*) FROM figure_day")).scalar_one() == 3
    station_login.dispose()
    admin.dispose()
    bench.store.close()
    config = tmp_path / "office.toml"  # an office PC: no store of its own, only the central URL
    config.write_text(f'[central]\nurl = "{central.admin_url}"\n', encoding="utf-8")
    args = ["report", "accuracy", "--from", "2026-03-28", "--to", "2026-03-30"]
    args += ["--time-zone", "Europe/Berlin", "--central", "--config", str(config)]
    assert main.main([*args, "--data-dir", str(tmp_path / "office")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"].startswith("central database postgresql://")
    assert [row["packer"] for row in report["rows"]] == ["BADGE-P1", "BADGE-P2"]
    assert (report["total"]["orders"], report["total"]["accuracy_pct"]) == (6, 50.0)


def test_a_day_not_over_reads_each_order_s_sums_kept_as_its_scans_arrived(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    sunday_evening = datetime(2026, 3, 30, 20, 0, tzinfo=BERLIN)  # the weekend not over yet
    with admin.connect() as remote, bench.store.session() as local:
        expected = dashboard(remote, WEEKEND)  # over by now: summed from the scans themselves
        kept_sums = dashboard(remote, WEEKEND, now=sunday_evening)
        assert kept_sums == expected
        at_the_station = dashboard(local, WEEKEND, now=sunday_evening)
        for by in ("by_packer", "by_station", "by_day"):
            rows = [row.as_json() for row in getattr(at_the_station, by)]
            assert rows and [row.as_json() for row in getattr(kept_sums, by)] == rows
        # What it read: one row per order, the sums of the scans pushed in it.
        kept = remote.execute(
            text("SELECT order_id, scans, units, mistakes FROM order_figure ORDER BY 1")
        ).all()
        summed = remote.execute(
            text(
                "SELECT order_id, count(*), sum((data->>'units_counted')::int),"
                " count(*) FILTER (WHERE verdict IN"
                " ('over_scan', 'unknown_barcode', 'weight_mismatch', 'wrong_item', 'wrong_label'))"
                " FROM scanevent WHERE order_id IS NOT NULL GROUP BY 1 ORDER BY 1"
            )
        ).all()
        assert len(kept) == 7 and kept == summed  # six orders packed, SO-16 flagged
        # The orders behind a figure, each with its sums: the same.
        orders = Facts(remote, WEEKEND).packed
        assert len(orders) == 6 and Facts(remote, WEEKEND, now=sunday_evening).packed == orders
        # Read from there, not summed again: a kept sum changed shows in the days not over
        # only; the finished weekend is summed from the scans themselves.
        remote.execute(text("UPDATE order_seal SET units = units + 1000"))
        changed = dashboard(remote, WEEKEND, now=sunday_evening)
        assert changed.by_station != expected.by_station
        assert Facts(remote, WEEKEND, now=sunday_evening).packed != orders
        assert dashboard(remote, WEEKEND) == expected and Facts(remote, WEEKEND).packed == orders
        remote.rollback()
    admin.dispose()
    bench.store.close()


def test_scans_pushed_again_or_later_add_to_their_order_once(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    kept = "SELECT order_id, scans, units, mistakes FROM order_figure ORDER BY 1"
    with admin.connect() as remote:
        before = remote.execute(text(kept)).all()
    # The same rows delivered again (a push cut off before its position was saved).
    with admin.begin() as connection:
        connection.execute(text("CREATE TEMP TABLE again AS SELECT * FROM scanevent"))
        connection.execute(text("INSERT INTO scanevent SELECT * FROM again ON CONFLICT DO NOTHING"))
    with admin.connect() as remote:
        assert remote.execute(text(kept)).all() == before
    # A scan of a sealed order pushed later, in a batch of its own: added to its rows.
    seals = "SELECT order_id, first_scan_at, units, mistakes FROM order_seal ORDER BY 1"
    with admin.connect() as remote:
        sealed = remote.execute(text(seals)).all()
    assert len(sealed) == 6  # six orders sealed
    order = sealed[0][0]
    with admin.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO scanevent (id, station, seq, order_id, verdict, created_at, data)"
                " SELECT gen_random_uuid(), station, seq + 1000, order_id, 'wrong_item',"
                " created_at - interval '1 hour', jsonb_set(data, '{units_counted}', '2')"
                " FROM scanevent WHERE order_id = :order ORDER BY created_at LIMIT 1"
            ),
            {"order": order},
        )
    with admin.connect() as remote:
        after = {row[0]: row for row in remote.execute(text(kept))}
        seals_after = remote.execute(text(seals)).all()
    for row in before:
        _, scans, units, mistakes = row
        added = (1, 2, 1) if row[0] == order else (0, 0, 0)
        assert after[row[0]][1:] == (scans + added[0], units + added[1], mistakes + added[2])
    _, first, units, mistakes = sealed[0]
    assert seals_after[0] == (order, first - timedelta(hours=1), units + 2, mistakes + 1)
    assert seals_after[1:] == sealed[1:]
    # A box refreshed by the sync no longer its order's last (1 of 2), then again (1 of 1).
    box = "UPDATE parcel SET data = jsonb_set(data, '{parcel_count}', :count) WHERE order_id = :o"
    for count, seals_now in (("2", seals_after[1:]), ("1", seals_after)):
        with admin.begin() as connection:
            connection.execute(text(box), {"count": count, "o": order})
        with admin.connect() as remote:
            assert remote.execute(text(seals)).all() == seals_now
    admin.dispose()
    bench.store.close()


def test_finished_days_are_saved_ahead_once_by_one_station_at_a_time(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    thursday = datetime(2026, 4, 2, 9, 0, tzinfo=BERLIN)  # the weekend and its grace are over
    saved = "SELECT day FROM figure_day ORDER BY day"
    with admin.connect() as remote:
        expected = dashboard(remote, WEEKEND)  # from the events
    station_login = central_engine(central.add_station("bench-3"))
    # Another station summing a day now: this one leaves it be.
    with admin.connect() as other, station_login.connect() as mine:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        assert save_next_finished_day(mine, BERLIN, thursday) is None
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    days = save_finished_days(station_login, BERLIN, thursday)
    # The last 35 days but today and yesterday (not over with their grace), newest first.
    assert days == [date(2026, 3, 31) - timedelta(days=n) for n in range(AHEAD_DAYS - 1)]
    assert save_finished_days(station_login, BERLIN, thursday) == []  # each day once
    with admin.connect() as remote:
        on_record = [str(day) for (day,) in remote.execute(text(saved))]
        assert on_record == sorted(day.isoformat() for day in days)
        # A supervisor's first month: read from the saved days, the same figures.
        assert dashboard(remote, WEEKEND, book=CentralDays(remote), now=thursday) == expected
    # A login that may not save them: each round ends at once, nothing summed over and over.
    with admin.begin() as connection:
        connection.execute(text("DELETE FROM figure_day_fact; DELETE FROM figure_day"))
        group = quote(group_role(central.database))
        connection.execute(text(f"REVOKE INSERT ON figure_day, figure_day_fact FROM {group}"))
    assert save_finished_days(station_login, BERLIN, thursday) == []
    with admin.connect() as remote:
        assert remote.execute(text(saved)).all() == []
    station_login.dispose()
    admin.dispose()
    bench.store.close()


def test_a_wrong_label_scanned_back_on_a_clean_order_counts_on_a_day_not_over(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    bench.store.close()
    sunday_evening = datetime(2026, 3, 30, 20, 0, tzinfo=BERLIN)  # Ben's day not over yet
    with admin.connect() as remote:
        before = dashboard(remote, WEEKEND)
        # Each label scanned back after its seal (no order of its own) read as a wrong one.
        turned = remote.execute(
            text(
                "UPDATE scanevent SET verdict = 'wrong_label'"
                " WHERE verdict = 'label_verified' AND order_id IS NULL"
            )
        ).rowcount
        assert turned
        expected = dashboard(remote, WEEKEND)  # over by now: summed from the scans themselves
        wrong = {row.station: row.orders_with_mistakes for row in expected.by_station}
        assert wrong != {row.station: row.orders_with_mistakes for row in before.by_station}
        assert dashboard(remote, WEEKEND, now=sunday_evening) == expected  # from the kept sums
        remote.rollback()
    admin.dispose()
