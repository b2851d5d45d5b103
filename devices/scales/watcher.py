"""Watch a scale for parcels: each new stable weight is reported once.

While armed (the station waits for a parcel's weight) a thread of its own asks
the scale for a stable weight again and again. A parcel left on the platter
keeps answering the same weight; it is reported once, and again only once the
weight changed by more than `change_g`, or the platter was emptied (below
`min_grams`), or the weight was seen moving in between: a parcel lifted and
put back is weighed again. Plain Python; ui/ turns `on_weight` into a signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from devices.scales.reading import Reading
from devices.scales.state import MAY_READ, ScaleState

log = logging.getLogger(__name__)

# How long one read waits for a stable weight. It also bounds how late a
# disarm() or close() is noticed by a read already under way.
READ_TIMEOUT_S = 2.0
# How long to wait before asking a disconnected scale again (it reconnects by itself).
RETRY_S = 0.5


class StableScale(Protocol):
    """What the watcher needs of a scale (devices.scales.serial_scale.SerialScale)."""

    @property
    def state(self) -> ScaleState: ...

    def read_stable(self, timeout: float = 2.0) -> Reading | None: ...


class ScaleWatcher:
    """Reports new stable weights of `scale` to `on_weight`, on its own thread, while armed.

    Args:
        scale: a started scale.
        on_weight: called on the watcher's thread with each new stable weight in grams.
        min_grams: lighter is an empty platter, never a parcel.
        change_g: a stable weight within this of the last one reported is the same parcel.
    """

    def __init__(
        self,
        scale: StableScale,
        on_weight: Callable[[int], None],
        min_grams: int = 10,
        *,
        change_g: int = 5,
    ) -> None:
        self._scale = scale
        self._on_weight = on_weight
        self._min_grams = min_grams
        self._change_g = change_g
        self._cond = threading.Condition()
        self._armed = False
        self._closing = False
        self._generation = 0  # bumped by arm/disarm: a read begun before is stale
        self._last: int | None = None  # the weight last reported, until it goes away
        self._thread = threading.Thread(target=self._run, name="scale watcher", daemon=True)
        self._thread.start()

    @property
    def armed(self) -> bool:
        with self._cond:
            return self._armed

    def arm(self) -> None:
        """Start reporting. Arming anew forgets the last weight: a new parcel is asked for.

        Arming while armed changes nothing, so the same parcel is not reported twice.
        """
        with self._cond:
            if self._armed or self._closing:
                return
            self._armed = True
            self._generation += 1
            self._last = None
            self._cond.notify_all()

    def disarm(self) -> None:
        """Stop reporting; a read under way is let finish and its weight dropped."""
        with self._cond:
            if not self._armed:
                return
            self._armed = False
            self._generation += 1
            self._cond.notify_all()

    def observe(self, reading: Reading) -> None:
        """Be told of every reading (the scale's `on_reading`), to see a weight moving.

        Optional: without it only an empty platter or a changed weight starts a new parcel.
        """
        if not reading.stable:
            with self._cond:
                self._last = None

    def close(self, timeout: float = READ_TIMEOUT_S + 1.0) -> None:
        """Stop the thread (it finishes the read under way). Does not close the scale."""
        with self._cond:
            self._closing = True
            self._armed = False
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    # --- the watcher thread -------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._armed or self._closing)
                if self._closing:
                    return
                generation = self._generation
            reading = self._scale.read_stable(READ_TIMEOUT_S)
            grams = self._new_weight(reading, generation)
            if grams is not None:
                self._report(grams)

    def _new_weight(self, reading: Reading | None, generation: int) -> int | None:
        """The weight to report, if this reading is news for the current arming."""
        with self._cond:
            if generation != self._generation:
                return None  # disarmed (or re-armed) while the read was under way
            if reading is None or reading.grams is None:
                if self._scale.state not in MAY_READ:
                    # Answered at once: wait for the reconnect instead of spinning.
                    self._cond.wait_for(
                        lambda: self._closing or generation != self._generation, RETRY_S
                    )
                else:
                    self._last = None  # no stable weight for a whole read: it moved
                return None
            grams = reading.grams
            if grams < self._min_grams:
                self._last = None  # the platter is empty: the next parcel is new
                return None
            if self._last is not None and abs(grams - self._last) <= self._change_g:
                return None
            self._last = grams
            return grams

    def _report(self, grams: int) -> None:
        try:
            self._on_weight(grams)
        except Exception:  # a listener bug must not stop the watcher
            log.exception("scale watcher: weight listener failed")
