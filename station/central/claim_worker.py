"""The bench's claim worker: central claims taken, renewed and released on a thread of its own.

No verdict waits for the network: the session decides an order's opening
from the local mirror (station/claims.py) and the worker's view of the link,
and after each committed input the worker is told which order came onto or
left the bench. It then takes the claim at once, renews it while the order
stays open, releases it when the order leaves (parked, in exception; finished
as packed when sealed), and records every answer in the mirror. A claim
refused because another station holds the order is reported (`on_lost`): the
session then takes the order off the bench (PackSession.recheck_claim).

While the link is up, an order is not sealed before its claim is granted
(`claim_pending`): a bench that seals within the claim's round trip (a
replay, a fast packer) would otherwise pack an order another station won.
The seal is refused at once, never kept waiting: once the link is known to be
down (a call failed, or one hangs past STALL_S) the offline rules apply.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from station import claims
from station.barcodes import parse_scan
from station.central.claims import (
    LEASE_S,
    Claim,
    claim_by_number,
    claim_order,
    release_order,
)
from station.central.connect import (
    CONNECT_TIMEOUT_S,
    CentralError,
    CentralUnreachable,
    central_engine,
    connected,
)
from station.models import OrderEvent
from station.store import Store
from station.sync import identity
from station.verdicts import VerdictKind
from station.workflow_types import WorkflowState

if TYPE_CHECKING:
    from station.session import PackSession

log = logging.getLogger(__name__)

RETRY_S = 5.0  # how soon an unreachable central database is tried again
STALL_S = float(CONNECT_TIMEOUT_S)  # a call unanswered this long: the link counts as down


@dataclass(frozen=True)
class _Task:
    # "take", "release", "finish" (released as packed), "look" (an order refused from the
    # mirror, by `number`); "settle" and "stop" mark the queue.
    kind: str
    order_id: uuid.UUID | None = None
    number: str = ""


class ClaimWorker:
    """Takes, renews and releases one bench's claims; answers `online()` from memory."""

    def __init__(
        self,
        url: str,
        store: Store,
        station: str,
        next_seq: Callable[[], int],
        *,
        lease_s: int = LEASE_S,
        retry_s: float = RETRY_S,
        stall_s: float = STALL_S,
    ) -> None:
        self._engine = central_engine(url)  # its pool keeps the connection between calls
        self._store, self._station, self._next_seq = store, station, next_seq
        self._lease_s, self._retry_s, self._stall_s = lease_s, retry_s, stall_s
        self._on_lost: Callable[[], None] | None = None
        self._tasks: queue.Queue[_Task] = queue.Queue()
        # Offline until the central database answers (the first call goes out at once):
        # a bench never counts on a link nobody has seen yet.
        self._online = False
        self._holding: Claim | None = None  # the open order's claim, once granted
        self._wanted: uuid.UUID | None = None  # the open order, granted or not yet
        # Releases the server has not heard yet, and whether the order was packed.
        self._unreleased: dict[uuid.UUID, tuple[Claim, bool]] = {}
        self._markers: list[threading.Event] = []  # settle() waiting for the tasks before it
        self._problem = ""  # the last login or schema problem, logged once
        self._login_checked = False  # the login is this station's (asked once)
        # What a seal asks (claim_pending), from the bench's thread: takes given and not yet
        # tried, per order; whether any call ended yet; since when one is running.
        self._asked: dict[uuid.UUID, int] = {}
        self._asked_lock = threading.RLock()
        self._answered = threading.Condition(self._asked_lock)  # a take or a call ended
        self._heard = False
        self._busy_since: float | None = None
        self._not_central: set[uuid.UUID] = set()  # imported here only: nothing to claim
        self._thread = threading.Thread(target=self._loop, name="central-claims", daemon=True)

    # -- what the bench calls -------------------------------------------------

    def online(self) -> bool:
        return self._online

    def claim_pending(self, order_id: uuid.UUID) -> bool:
        """Whether a seal of the order must wait for the claim's answer (see the module)."""
        if self._link_down():
            return False
        if self._unanswered(order_id):
            return True
        if order_id in self._not_central:
            return False
        held = self._holding
        return held is None or held.order_id != order_id

    def _link_down(self) -> bool:
        """Known out of reach: the last call failed, or the one running hangs."""
        if not self._online:
            return self._heard  # before the first answer the link is not known down
        since = self._busy_since
        return since is not None and time.monotonic() - since > self._stall_s

    def _unanswered(self, order_id: uuid.UUID) -> bool:
        with self._asked_lock:
            return bool(self._asked.get(order_id))

    def wait_for_claim(self, order_id: uuid.UUID) -> None:
        """Wait (at most about STALL_S) until the takes asked for the order were answered or
        the link is down (replay). A refusal is then in the mirror for the next input."""
        with self._answered:
            self._answered.wait_for(
                lambda: self._link_down() or not self._unanswered(order_id), self._stall_s + 1
            )

    def start(self, open_order: uuid.UUID | None = None) -> None:
        """Start the thread; `open_order` is the order open at the bench (after a restart)."""
        if open_order is not None:
            self.take(open_order)
        self._thread.start()

    def on_lost(self, listener: Callable[[], None]) -> None:
        """Call `listener` (on this worker's thread) when the open order's claim is refused."""
        self._on_lost = listener

    def take(self, order_id: uuid.UUID) -> None:
        with self._asked_lock:
            self._asked[order_id] = self._asked.get(order_id, 0) + 1
        self._tasks.put(_Task("take", order_id))

    def release(self, order_id: uuid.UUID, *, packed: bool = False) -> None:
        self._tasks.put(_Task("finish" if packed else "release", order_id))

    def follow(
        self, before: WorkflowState, after: WorkflowState, raw: str, verdict: str, sealed: bool
    ) -> None:
        """PackSession.on_step listener: claim the order that came on, release the one that left
        (as packed when it was sealed). One that left because another station holds it is not
        ours to release.
        """
        left, came = before.order, after.order
        if verdict == VerdictKind.ORDER_CLAIMED_ELSEWHERE and left is None and came is None:
            # Refused from the mirror: ask the central database, so that a claim let go
            # since the last sync does not keep the order from the next scan.
            self._tasks.put(_Task("look", number=parse_scan(raw).text))
            return
        if (left.id if left else None) == (came.id if came else None):
            if verdict == VerdictKind.ORDER_NEEDS_CLAIM and came is not None:
                # A seal refused for want of the claim: ask again (a refusal heard
                # meanwhile may have lapsed), so the next SEAL has a fresh answer.
                self.take(came.id)
            return
        if left is not None and verdict != VerdictKind.ORDER_CLAIMED_ELSEWHERE:
            self.release(left.id, packed=sealed)
        if came is not None:
            self.take(came.id)

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every task given so far was tried; True if it was in time (tests)."""
        done = threading.Event()
        self._markers.append(done)
        self._tasks.put(_Task("settle"))  # the loop sets `done` when it gets here
        return done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the tasks given so far (a release queued at the last input is sent)."""
        self._tasks.put(_Task("stop"))
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._engine.dispose()

    # -- the thread -----------------------------------------------------------

    def _loop(self) -> None:
        # Renewals go by the clock, however many tasks come in between; the first one,
        # at once, tells whether the central database is there.
        next_renewal = time.monotonic()
        while True:
            if time.monotonic() >= next_renewal:
                self._guarded(self._renew)
                every = self._lease_s / 3 if self._online else self._retry_s
                next_renewal = time.monotonic() + every
            try:
                task = self._tasks.get(timeout=max(0.0, next_renewal - time.monotonic()))
            except queue.Empty:
                continue
            if task.kind == "stop":
                return
            if task.kind == "settle":
                self._markers.pop(0).set()
                continue
            self._guarded(lambda: self._do(task))  # noqa: B023 (called at once)

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:
            # A bug must not end the thread: the bench packs on, the log tells.
            log.exception("central claim task failed")

    def _do(self, task: _Task) -> None:
        if task.kind == "look":
            self._call(lambda: self._look(task.number))
            return
        order = task.order_id
        assert order is not None
        if task.kind == "take":
            self._wanted = order
            try:
                self._call(lambda: self._take(order))
            finally:
                with self._answered:
                    self._asked[order] -= 1
                    if not self._asked[order]:
                        del self._asked[order]
                    self._answered.notify_all()
        else:
            if self._wanted == task.order_id:
                self._wanted = None
            held = self._holding
            self._holding = None if held and held.order_id == task.order_id else held
            if held is not None and held.order_id == task.order_id:
                self._unreleased[task.order_id] = (held, task.kind == "finish")
                self._forget(held)
            self._call(self._release_waiting)

    def _renew(self) -> None:
        """Renew the open order's claim (or take it, if the link was down), retry releases."""
        if self._wanted is not None:
            wanted = self._wanted
            self._call(lambda: self._take(wanted))
        if self._unreleased or self._wanted is None:
            self._call(self._release_waiting)

    def _call(self, action: Callable[[], None]) -> None:
        """One central call; what it says of the link is what `online()` answers next."""
        self._busy_since = time.monotonic()
        try:
            action()
        except CentralUnreachable:
            if self._online:
                log.info("central claims: the central database cannot be reached")
            self._online = False
        except CentralError as exc:
            if str(exc) != self._problem:  # told once, not at every retry
                log.warning("central claims stopped: %s", exc)
            self._online, self._problem = False, str(exc)
        else:
            self._online, self._problem = True, ""
        finally:
            # After `_online`: a seal asking in between must not see a link down.
            with self._answered:
                self._busy_since, self._heard = None, True
                self._answered.notify_all()

    def _check_login(self, *, again: bool = False) -> None:
        """The login must be this station's: with another's, every claim would look taken."""
        if self._login_checked and not again:
            return
        with connected(self._engine) as connection:
            owner = connection.execute(text("SELECT central_current_station()")).scalar()
        if owner != self._station:
            raise CentralError(
                f"The central login belongs to station {owner!r}, not to this station "
                f"{self._station!r}: no order is claimed. Use this station's own login "
                "(main.py central add-station) in [central] url."
            )
        # Another store under this station's name would hold claims the station's own
        # store takes for its own: two benches on one order, neither refused.
        bound = identity.bound_store(self._engine, self._station)
        identity.refuse_another_store(bound, identity.store_id(self._store), self._station)
        self._login_checked = True

    def _take(self, order_id: uuid.UUID) -> None:
        self._check_login()
        try:
            claim = claim_order(self._engine, order_id, self._lease_s)
        except IntegrityError:
            # Imported at this station only: nobody else can pack it, nothing to claim.
            log.warning("order %s is not in the central database: not claimed", order_id)
            self._not_central.add(order_id)
            if self._wanted == order_id:
                self._wanted = None
            return
        mine = claim.held_by(self._station)
        with self._store.write_lock, self._store.session() as db:
            claims.remember(
                db, order_id, claim.station, claim.fence, claim.lease_left_s, packed=claim.packed
            )
            known = self._holding
            if mine and (known is None or known.fence != claim.fence):
                # The fence goes out with the station's events, so each one can be
                # checked against the holder of the order at the time.
                db.add(
                    OrderEvent(
                        station=self._station,
                        seq=self._next_seq(),
                        order_id=order_id,
                        kind="claim_taken",
                        note=f"lease {self._lease_s} s",
                        fence=claim.fence,
                    )
                )
            db.commit()
        if mine:
            self._holding = claim
            return
        self._holding, self._wanted = None, None
        log.warning("order %s is claimed by %s: it leaves this bench", order_id, claim.station)
        if self._on_lost is not None:
            self._on_lost()

    def _look(self, number: str) -> None:
        """Bring the mirror's claim on one order up to the central database's."""
        self._check_login()
        known = claim_by_number(self._engine, number)
        if known is None:
            return
        with self._store.write_lock, self._store.session() as db:
            if known.holds and known.station is not None and known.fence is not None:
                claims.remember(
                    db,
                    known.order_id,
                    known.station,
                    known.fence,
                    known.lease_left_s,
                    packed=known.packed,
                )
            else:
                claims.forget(db, known.order_id, fence=known.fence)
            db.commit()

    def _forget(self, claim: Claim) -> None:
        with self._store.write_lock, self._store.session() as db:
            claims.forget(db, claim.order_id, fence=claim.fence)
            db.commit()

    def _release_waiting(self) -> None:
        if not self._unreleased:
            # Nothing to release: a cheap call tells whether the link is back.
            self._check_login(again=True)
            return
        for order_id, (claim, packed) in list(self._unreleased.items()):
            # False: it lapsed or moved on; either way there is nothing left to release.
            release_order(self._engine, claim, packed=packed)
            del self._unreleased[order_id]


@contextmanager
def bench_claims(
    session: PackSession,
    url: str,
    *,
    lease_s: int = LEASE_S,
    retry_s: float = RETRY_S,
    stall_s: float = STALL_S,
) -> Iterator[ClaimWorker]:
    """Claims for a bench's session while the block runs: the worker started, then stopped."""
    worker = ClaimWorker(
        url,
        session.store,
        session.station,
        session.sequence,
        lease_s=lease_s,
        retry_s=retry_s,
        stall_s=stall_s,
    )
    session.use_central(worker, worker.follow)
    worker.start(session.open_order_id)
    try:
        yield worker
    finally:
        worker.stop()
