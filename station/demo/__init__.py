"""Demo data: a catalog, orders and packers to play a station with, and a sheet to scan.

`main.py --demo` seeds an empty store with `seed_demo`; everything is
generated from fixed data and a fixed random seed, so the printed sheet always
matches the database.
"""

from station.demo.seed import DemoSummary, is_seeded, seed_demo

__all__ = ["DemoSummary", "is_seeded", "seed_demo"]
