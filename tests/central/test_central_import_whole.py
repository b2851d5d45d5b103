"""A central import is all or nothing, even when the database refuses its last row."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from station.importers.batches import FIRST_BATCH, ImportInterrupted
from tests.central.conftest import Central
from tests.central.test_import_and_pull import central_import

REFUSE_LAST = """
CREATE FUNCTION refuse_last() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sku = 'SKU-LAST' THEN RAISE EXCEPTION 'SKU-LAST refused'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_last BEFORE INSERT ON product FOR EACH ROW EXECUTE FUNCTION refuse_last();
"""


def test_a_file_whose_last_row_the_database_refuses_changes_nothing(
    central: Central, tmp_path: Path
) -> None:
    # Checked as good by the importer; refused by the server only when written, after
    # the station's importer has written (and committed, at a bench) several batches.
    rows = [f"SKU-{n},Product {n},{4000000000000 + n},100" for n in range(FIRST_BATCH * 3)]
    rows.append("SKU-LAST,Last product,4000000009999,100")
    with psycopg.connect(central.admin_url) as db:
        db.execute(REFUSE_LAST)
    text = "sku,name,barcode,weight_g\n" + "\n".join(rows) + "\n"
    with pytest.raises(ImportInterrupted, match="nothing was changed") as refused:
        central_import(central, "catalog", tmp_path / "catalog.csv", text)
    assert "SKU-LAST refused" in str(refused.value)
    with psycopg.connect(central.admin_url) as db:
        counts = db.execute("SELECT (SELECT count(*) FROM product), (SELECT count(*) FROM barcode)")
        assert counts.fetchone() == (0, 0)
