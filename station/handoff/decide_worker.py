"""The dock's load decisions: each parcel loaded here confirmed centrally, on a thread of its own.

No scan waits for the network (the p99 20 ms bar): a label scanned onto the
load is decided at once from the store and its mirror (`loaded`), and only
then is the central database asked which load has the parcel
(station.handoff.central.decide_load). Two docks that scan one parcel at the
same moment both ask; one wins, both hear the same answer, and the other
takes the parcel off its open load with a loud stop (LoadingSession.taken_off,
a `loaded_elsewhere` scan). While the link is down the parcels wait here and
are asked again every `retry_s`; a load closed before its answers came is
never changed, and a parcel on two closed loads is the `double_loaded`
conflict at sync, as before. A restart asks again for every parcel of the
open load (the answer to a parcel already decided is the same): that is why
`stop` never waits on the network. A question under way when the dock closes
is abandoned on its daemon thread; its answer, if any, is kept centrally and
heard at the next start, so nothing is lost by not waiting for it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from station.central.connect import (
    CONNECT_TIMEOUT_S,
    CentralError,
    CentralUnreachable,
    central_engine,
)
from station.handoff import loads
from station.handoff.central import decide_load
from station.handoff.dock_state import LoadAnswer
from station.handoff.engine import LoadingSession

log = logging.getLogger(__name__)

RETRY_S = 5.0  # how soon an unreachable central database is asked again
WAIT_S = float(CONNECT_TIMEOUT_S) + 1  # a replay waits this long at most for one answer

TakenOff = Callable[[LoadAnswer], None]


class LoadDecider:
    """Confirms this dock's loaded parcels centrally; takes off those another dock won."""

    def __init__(self, url: str, session: LoadingSession, *, retry_s: float = RETRY_S) -> None:
        self._engine = central_engine(url)  # its pool keeps the connection between calls
        self._session, self._retry_s = session, retry_s
        self._waiting: dict[uuid.UUID, uuid.UUID] = {}  # parcel -> the load it went on here
        self._changed = threading.Condition()  # guards _waiting; told when a round ends
        self._wake = threading.Event()
        self._stopping = threading.Event()
        # Held while an answer changes the dock: stop() takes it, so none changes it after.
        self._acting = threading.Lock()
        self._resumed = False  # the open load's parcels were read (on the thread)
        self._online = False
        self._started = self._done = 0  # rounds of asking begun and ended, for settle()
        self._problem = ""  # the last login problem, logged once
        self._down = False  # the last call failed: nobody waits for an answer meanwhile
        # Set while a question is under way (one parcel asked, no answer yet): a wait that
        # runs out meanwhile marks the link stuck. An Event so a test can wait for it.
        self.asking = threading.Event()
        # A wait ran out while a question was under way (a server that stopped answering, a
        # link that hangs): nobody waits for an answer again until that question ends.
        self._stuck = False
        self._listener: TakenOff | None = None
        self._thread = threading.Thread(target=self._loop, name="central-loads", daemon=True)

    def online(self) -> bool:
        return self._online

    def on_taken_off(self, listener: TakenOff) -> None:
        """Call `listener` (on this worker's thread) with the stop of each parcel taken off."""
        self._listener = listener

    def start(self) -> None:
        """Start asking: first for the open load's parcels (a restart), read on the
        decider's thread (the caller may be the UI's), then for each one loaded."""
        self._session.use_central(self.confirm)
        self._thread.start()

    def _resume(self) -> None:
        session = self._session
        try:
            # Under _acting: once stop() returns, this thread reads the store no more.
            with self._acting, session.lock:
                if self._stopping.is_set():
                    return
                load = session.state.load
                if load is not None:
                    with session.store.session() as db:
                        parcels = loads.loaded_parcels(db, load.id)
                    with self._changed:
                        for parcel in parcels:
                            self._waiting.setdefault(parcel.id, load.id)
        finally:
            with self._changed:
                self._resumed = True
                self._changed.notify_all()

    def confirm(self, parcel_id: uuid.UUID, load_id: uuid.UUID) -> None:
        """A parcel went on this dock's load: ask the central database (LoadingSession calls)."""
        with self._changed:
            self._waiting[parcel_id] = load_id
        self._wake.set()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every parcel given so far was asked about once; True if in time (tests)."""
        with self._changed:
            target = self._started + 1  # a round that begins after this call
            self._wake.set()
            return self._changed.wait_for(lambda: self._done >= target, timeout)

    def wait_for(self, parcel_id: uuid.UUID, timeout: float = WAIT_S) -> None:
        """Wait (at most `timeout`) for the central answer on one parcel, unless the link is
        known down or hanging (a replay outruns the round trip, as it waits for a claim)."""
        self._wait(lambda: parcel_id not in self._waiting, timeout)

    def wait_for_all(self, timeout: float = WAIT_S) -> None:
        """Before a close: wait (at most `timeout`) for the answers still out, unless the link
        is known down or hanging, so a parcel another dock has is off this load before it is
        sealed for good (a closed load never changes)."""
        self._wait(lambda: not self._waiting, timeout)

    def _wait(self, answered: Callable[[], bool], timeout: float) -> None:
        self._wake.set()
        with self._changed:
            if self._changed.wait_for(
                lambda: self._resumed and (answered() or self._down or self._stuck), timeout
            ):
                return
            if self.asking.is_set():  # one wait for a hanging link, not one per parcel or close
                log.warning(
                    "central loads: no answer in %.0f s; not waiting for it meanwhile", timeout
                )
                self._stuck = True

    def stop(self) -> None:
        """Stop asking, without waiting on the network (a hung server must not hold the
        dock's exit): once this returns no answer changes the dock any more."""
        with self._acting:  # an answer being applied (a local commit) ends first
            self._stopping.set()
        self._wake.set()

    def _loop(self) -> None:
        try:
            self._resume()
            self._ask_until_stopped()
        finally:
            self._engine.dispose()  # here: the thread may still be using it when stop returns

    def _ask_until_stopped(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            with self._changed:
                self._started += 1
            try:
                self._ask_waiting()
            except Exception:
                # A bug must not end the thread: the dock loads on, the log tells.
                log.exception("central load decision failed")
            with self._changed:
                self._done += 1
                self._changed.notify_all()
                waiting = bool(self._waiting)
            self._wake.wait(self._retry_s if waiting else None)

    def _ask_waiting(self) -> None:
        with self._changed:
            asked = list(self._waiting.items())
        for parcel_id, load_id in asked:
            if self._stopping.is_set():
                return
            with self._changed:
                self.asking.set()
            try:
                decision = decide_load(self._engine, parcel_id, load_id)
            except CentralUnreachable:
                if self._online:
                    log.info("central loads: the central database cannot be reached")
                self._went_down()
                return
            except CentralError as exc:
                if str(exc) != self._problem:  # told once, not at every retry
                    log.warning("central load decisions stopped: %s", exc)
                self._problem = str(exc)
                self._went_down()
                return
            finally:
                with self._changed:
                    self.asking.clear()
                    self._stuck = False
            self._online, self._problem = True, ""
            with self._acting:
                if self._stopping.is_set():
                    return  # abandoned: asked again at the next start
                if decision.load_id != load_id:
                    answer = self._session.taken_off(parcel_id, load_id, decision)
                    if answer is not None and self._listener is not None:
                        self._listener(answer)
            with self._changed:  # after the take-off: a replay waiting reads it next
                self._down = False
                if self._waiting.get(parcel_id) == load_id:
                    del self._waiting[parcel_id]
                self._changed.notify_all()

    def _went_down(self) -> None:
        with self._changed:
            self._online, self._down = False, True
            self._changed.notify_all()


@contextmanager
def dock_decisions(
    session: LoadingSession, url: str, *, retry_s: float = RETRY_S
) -> Iterator[LoadDecider]:
    """Central load decisions for a dock's session while the block runs."""
    decider = LoadDecider(url, session, retry_s=retry_s)
    decider.start()
    try:
        yield decider
    finally:
        decider.stop()
