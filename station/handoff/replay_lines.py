"""Loading at the dock, headless: the lines of a replay that belong to the dock.

`CMD-LOAD` switches a replay to the dock (a dock station's replay starts
there): the next line is the courier's id, label scans answer the loading
verdicts, `@driver NAME` names the driver and `CMD-CLOSE-LOAD` closes the load.
A replayed close has no drawn signature and its manifest says so; a parcel
of the courier not scanned onto the load is left with a recorded reason.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.barcodes import parse_scan
from station.couriers.plan import CourierBook
from station.handoff import remote
from station.handoff.closing import Handover, ManifestPrinter, close_load
from station.handoff.engine import DockAwaiting, LoadAnswer, LoadingSession
from station.handoff.manifest_data import PdfRenderer
from station.handoff.readiness import parcel_and_order
from station.session import PackSession
from station.verdicts import VerdictKind

if TYPE_CHECKING:
    from station.handoff.decide_worker import LoadDecider

DRIVER_LINE = re.compile(r"@driver(?:\s+(.*))?", re.IGNORECASE)
REPLAYED_LEFT = "not scanned onto the load (replayed close)"


class DockReplay:
    """Answers the replay lines meant for the dock, once the replay is there."""

    def __init__(
        self,
        loading: LoadingSession,
        data_dir: Path,
        render_pdf: PdfRenderer,
        printer: ManifestPrinter | None = None,
        decider: LoadDecider | None = None,
    ) -> None:
        self._loading = loading
        self._data_dir = data_dir
        self._render_pdf = render_pdf
        self._printer = printer
        self._decider = decider
        self._taken_off: dict[str | None, LoadAnswer] = {}  # by tracking number
        if decider is not None:
            decider.on_taken_off(self._heard_taken_off)
        state = loading.state
        self._active = (
            loading.settings.role == "dock"
            or state.load is not None
            or state.awaiting is not DockAwaiting.NOTHING
        )

    def takes(self, line: str) -> bool:
        """Whether `line` goes to the dock (from the first `CMD-LOAD` or `CMD-CLOSE-LOAD` on)."""
        commands = self._loading.settings.commands
        if parse_scan(line).text in (commands.load, commands.close_load):
            self._active = True
        return self._active

    def answer(self, line: str) -> dict[str, Any]:
        text = parse_scan(line).text
        driver = DRIVER_LINE.fullmatch(text)
        if driver is not None:
            with self._loading.lock:  # (a stop from the decider's thread lands before or after)
                refused = self._loading.refuse_while_stopped(text, "Driver not recorded")
                if refused is None:
                    refused = self._loading.record_driver(driver.group(1) or "", scan=text)
            return refused.as_json()
        if text == self._loading.settings.commands.close_load:
            if self._decider is not None:
                # Not under the lock: the decider's thread takes it to take a parcel off.
                self._decider.wait_for_all()  # a parcel another dock has comes off first
            return self._close(text).as_json()
        answer = self._loading.handle_scan(line, source="replay")
        if self._decider is None or answer.kind is not VerdictKind.LOADED:
            return answer.as_json()
        # With a central database the script waits for its answer on the parcel, as a
        # bench's replay waits for a claim: one another dock has is answered loaded_elsewhere.
        tracking = answer.verdict.tracking
        if tracking:
            self._decider.wait_for(self._parcel_id(tracking))
        decided = self._taken_off.pop(tracking, answer).as_json()
        # Answered on the line of its scan, named as every answer is: by the line read
        # (the take-off's stored input names the central decision instead).
        return {**decided, "scan": answer.verdict.scan}

    def _close(self, text: str) -> LoadAnswer:
        # While a stop waits the close is refused as the window refuses a scanned one
        # (stored, answered needs_acknowledgement): nobody has seen the stop yet.
        with self._loading.lock:
            refused = self._loading.refuse_while_stopped(text, "Not closed")
            if refused is not None:
                return refused
            return close_load(
                self._loading,
                Handover(driver=""),
                self._data_dir,
                self._render_pdf,
                default_reason=REPLAYED_LEFT,
                printer=self._printer,
                source="replay",
            )

    def close(self) -> None:
        """Stop asking the central database (the replay ended)."""
        if self._decider is not None:
            self._decider.stop()

    def _heard_taken_off(self, answer: LoadAnswer) -> None:  # on the decider's thread
        self._taken_off[answer.verdict.tracking] = answer

    def _parcel_id(self, tracking: str) -> uuid.UUID:
        with self._loading.store.session() as db:
            found = parcel_and_order(db, tracking)
            if found is not None:
                return found[0].id
            mirrored = remote.find(db, tracking, scan_back_required=False)
            assert mirrored is not None, "a parcel just loaded is known"
            return mirrored.parcel.id


def dock_replay(
    pack: PackSession,
    couriers: CourierBook,
    data_dir: Path,
    render_pdf: PdfRenderer,
    printer: ManifestPrinter | None = None,
) -> DockReplay:
    """The dock of a replay, numbering its events in the pack session's one sequence."""
    loading = LoadingSession(pack.store, pack.settings, couriers, pack.sequence, pack.station)
    decider = None
    if pack.settings.central.url is not None:
        from station.handoff.decide_worker import LoadDecider  # the PostgreSQL driver

        decider = LoadDecider(pack.settings.central.url, loading)
        decider.start()
    return DockReplay(loading, data_dir, render_pdf, printer, decider)
