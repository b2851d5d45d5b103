"""A scan recorded after its order's day (and grace) is over: the drill-down counts as the figure.

An order sealed on a day counts what was recorded by the end of the following
day (SCAN_BACK_GRACE). Over a period of several days, the orders behind
"orders with a mistake" must follow the same rule per seal, not the period's
end, or clicking the figure lists an order the figure did not count.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from station.models import Order, ScanEvent
from station.supervisor.drill import orders_behind
from station.supervisor.figures import Facts, figures, rows_of
from station.supervisor.queries import Badges
from station.supervisor.tables import tables_for
from station.verdicts import VerdictKind
from tests.central import conftest as central_db
from tests.central.conftest import Central
from tests.station.test_figures import BERLIN, WEEKEND, pack_known_day
from tests.station.test_figures_central import to_central

# Ana sealed SO-11 (clean) on Saturday 28 March; its day's grace ended at Monday 00:00.
MONDAY_MORNING = datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)
# The throwaway PostgreSQL's fixtures (tests/central/conftest.py), for the central case.
cluster, database, central = central_db.cluster, central_db.database, central_db.central


def test_a_late_scan_counts_in_the_drill_down_as_in_the_figure(tmp_path: Path) -> None:
    bench = pack_known_day(tmp_path)
    with bench.store.session() as db:
        order = db.exec(select(Order).where(Order.number == "SO-11")).one()
        first = db.exec(
            select(ScanEvent).where(ScanEvent.order_id == order.id).order_by(ScanEvent.seq)
        ).first()
        assert first is not None
        copied = first.model_dump(exclude={"id"})
        late = ScanEvent(
            **copied
            | {
                "seq": first.seq + 10_000,
                "verdict": VerdictKind.WRONG_ITEM.value,
                "created_at": MONDAY_MORNING.astimezone(UTC),
            }
        )
        db.add(late)
        db.commit()
        ana = next(row for row in figures(db, WEEKEND, "packer") if row.packer == "BADGE-P1")
        assert ana.orders_with_mistakes == 2  # SO-1 and SO-10: the late scan is not SO-11's
        behind = orders_behind(db, WEEKEND, "orders_with_mistakes", "packer", "BADGE-P1")
        assert sorted(ref.number for ref in behind) == ["SO-1", "SO-10"]
        # Every order's sums as the figure counts them: SO-11 clean, its units as sealed.
        so_11 = next(o for o in Facts(db, WEEKEND).packed if o.order_id == order.id.hex)
        assert so_11.mistakes == 0
    bench.store.close()


def test_centrally_a_week_not_over_counts_a_late_scan_as_its_figure(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    bench.store.close()
    sunday_evening = datetime(2026, 3, 30, 20, 0, tzinfo=BERLIN)  # the weekend not over yet
    with admin.connect() as remote:
        number = "SO-11"
        remote.execute(
            text(
                "INSERT INTO scanevent (id, station, seq, order_id, verdict, created_at, data)"
                " SELECT gen_random_uuid(), station, seq + 10000, order_id, 'wrong_item', :at, data"
                " FROM scanevent WHERE order_id = (SELECT id FROM orders WHERE number = :number)"
                " ORDER BY seq LIMIT 1"
            ),
            {"at": MONDAY_MORNING, "number": number},
        )
        facts = Facts(remote, WEEKEND, now=sunday_evening)
        ana = next(row for row in rows_of(facts, "packer") if row.packer == "BADGE-P1")
        badges = Badges(remote, tables_for(remote))
        wrong = [o for o in facts.packed if o.mistakes and badges.badge(o.packer_id) == "BADGE-P1"]
        assert ana.orders_with_mistakes == len(wrong) == 2  # SO-1 and SO-10, not SO-11
        remote.rollback()
    admin.dispose()
