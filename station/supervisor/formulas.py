"""Every figure a supervisor sees, with the one sentence that says how it is computed.

The dashboard shows the sentence next to the figure and the report prints it
under its table, so "accuracy" always means the same thing wherever it is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.verdicts import VerdictKind

# The mistakes a station catches, by the name reports use, and the verdict that records it.
MISTAKE_KINDS: dict[str, VerdictKind] = {
    "wrong_item": VerdictKind.WRONG_ITEM,
    "over_scan": VerdictKind.OVER_SCAN,
    "unknown_barcode": VerdictKind.UNKNOWN_BARCODE,
    "wrong_weight": VerdictKind.WEIGHT_MISMATCH,
    "wrong_label": VerdictKind.WRONG_LABEL,
}
MISTAKE_WORDS = {
    "wrong_item": "wrong item",
    "over_scan": "over-scan",
    "unknown_barcode": "unknown barcode",
    "wrong_weight": "wrong weight",
    "wrong_label": "wrong label",
}

# Order events counted as figures.
EXCEPTION_OPENED = "exception_flagged"
EXCEPTION_RESOLVED = ("exception_released", "order_cancelled")
SHORT_SHIPPED = "short_override"
LABEL_VOIDED = "label_voided"
LABEL_REPRINTED = "label_reprinted"

PACKED = (
    "an order is packed in the hour and on the day its last box was sealed (the box whose "
    "number is the order's box count), by the packer logged in then, at that station; its "
    "units and mistakes are what was recorded of it until the day after that day ends"
)


@dataclass(frozen=True)
class Figure:
    name: str  # the key in JSON rows and in orders_behind()
    label: str
    formula: str


FIGURES: tuple[Figure, ...] = (
    Figure("orders", "Orders packed", f"Orders whose last box was sealed in the period; {PACKED}."),
    Figure(
        "units",
        "Units",
        "Units in the orders packed in the period, as their item scans counted them "
        "(a case barcode counts its units).",
    ),
    Figure(
        "orders_with_mistakes",
        "Orders with a mistake",
        "Orders packed in the period on which the station caught at least one mistake "
        "(any scan of the order with a mistake verdict, a wrong label scanned back on one "
        "of its boxes included).",
    ),
    Figure(
        "accuracy_pct",
        "Order accuracy",
        "100 x (orders packed with no mistake caught) / (all orders packed).",
    ),
    Figure(
        "mistakes",
        "Mistakes per 1,000 units",
        "1,000 x (scans in the period with that mistake verdict: wrong item, over-scan, "
        "unknown barcode, wrong weight (scale check failed), wrong label (scan-back)) / units.",
    ),
    Figure(
        "orders_per_hour",
        "Orders per hour",
        "Orders packed / packing hours, a packing hour being the sum over those orders of "
        "the time from the order's first scan to its seal.",
    ),
    Figure(
        "units_per_hour",
        "Units per hour",
        "Units in the orders packed / the same packing hours.",
    ),
    Figure(
        "orders_by_hour",
        "Orders per shift hour",
        "Orders packed in each local clock hour of the day, divided by the days in the period.",
    ),
    Figure(
        "exceptions_opened",
        "Exceptions opened",
        "Orders flagged as an exception in the period, by who flagged them.",
    ),
    Figure(
        "exceptions_resolved",
        "Exceptions resolved",
        "Exceptions released back to packing or cancelled in the period.",
    ),
    Figure(
        "short_shipments",
        "Short shipments",
        "Orders sealed short with a supervisor's approval in the period.",
    ),
    Figure("labels_voided", "Labels voided", "Labels voided (a new number issued) in the period."),
    Figure(
        "labels_reprinted", "Labels reprinted", "Labels printed again on request in the period."
    ),
)
FORMULAS: dict[str, str] = {figure.name: figure.formula for figure in FIGURES}
LABELS: dict[str, str] = {figure.name: figure.label for figure in FIGURES}
