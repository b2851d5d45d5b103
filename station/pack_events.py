"""What happens at the bench, told to whoever follows the packing (the evidence recorder).

The session tells an `OrderFollower` of every decided input (PackSession.on_step); the
follower turns that into the few events a follower needs: an order came onto the bench,
an input got its verdict, a parcel was sealed, the order left the bench. An order is on
the bench from the scan that opens it until it is sealed and its labels are scanned back
(or the next order opens, or the packer logs out), or it is parked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from station.workflow_types import WorkflowState

# What PackSession.on_step calls: the state before and after an input, its text, its
# verdict, and whether it sealed a parcel (its label is made).
StepListener = Callable[[WorkflowState, WorkflowState, str, str, bool], None]


class PackListener(Protocol):
    """Told of the packing, on the thread that handled the input: must return quickly."""

    def order_opened(self, order: str, packer: str) -> None: ...

    def scanned(self, text: str, verdict: str) -> None: ...

    def parcel_sealed(self) -> None: ...

    def order_closed(self) -> None: ...


class OrderFollower:
    """Turns each decided input into PackListener calls."""

    def __init__(self, listener: PackListener) -> None:
        self._listener = listener
        self._order: str | None = None

    def after_step(
        self, before: WorkflowState, after: WorkflowState, raw: str, verdict: str, sealed: bool
    ) -> None:
        del before  # the state after the input says all; kept for other followers
        if after.order is not None:
            on_bench: str | None = after.order.number
        elif after.pending_labels and after.packer is not None:
            on_bench = self._order  # sealed, its labels not yet scanned back (until logout)
        else:
            on_bench = None
        if on_bench == self._order:
            if on_bench is not None:
                self._listener.scanned(raw, verdict)
                if sealed:
                    self._listener.parcel_sealed()
            return
        if self._order is not None:
            if on_bench is None:
                self._listener.scanned(raw, verdict)  # the input that ended it, on its video
                if sealed:
                    self._listener.parcel_sealed()
            self._listener.order_closed()
        if on_bench is not None:
            self._listener.order_opened(on_bench, after.packer.badge if after.packer else "")
            self._listener.scanned(raw, verdict)
        self._order = on_bench
