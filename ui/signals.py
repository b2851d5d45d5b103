"""Emit Qt signals from Python without PySide6 6.12's lost reference to `True`.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without taking a
reference for it. On Python 3.11 `True` is an ordinary refcounted object, so
every emit from Python code drops one of its references, and after a few
thousand (an hour or two of scanning) the interpreter aborts with "Fatal Python
error: bool_dealloc". `disconnect()` has the same fault. `emit(signal, *args)`
and `disconnect(signal, slot)` hand the reference back, but only when a probe
at import shows this PySide has the bug: with a fixed PySide (or Python >= 3.12,
where `True` is immortal) they are the plain calls.

Every emit and disconnect in ui/ goes through here; never call them directly.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_reference() -> bool:
    """Emit a few times and see whether True (or False) lost a reference each time."""
    probe = _Probe()
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(_PROBES):
        probe.fired.emit()
    lost_true = true_before - sys.getrefcount(True)
    lost_false = false_before - sys.getrefcount(False)
    # Other threads may take or drop references meanwhile; the bug loses one per emit.
    if lost_true + lost_false < _PROBES // 2:
        return False
    for _ in range(max(lost_true, 0)):  # the probe's own losses, given back
        _give_back(True)
    for _ in range(max(lost_false, 0)):
        _give_back(False)
    return True


def _give_back(result: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


EMIT_STEALS_A_REFERENCE = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: object) -> None:
    """`signal.emit(*args)`, safe to call any number of times."""
    # The stubs say None; PySide really returns a bool, the very object at stake.
    _settle(signal.emit(*args))  # type: ignore[func-returns-value]


def disconnect(signal: SignalInstance, slot: Callable[..., object]) -> None:
    """`signal.disconnect(slot)`, which has the same fault as emit."""
    _settle(signal.disconnect(slot))


def _settle(result: object) -> None:
    if EMIT_STEALS_A_REFERENCE and isinstance(result, bool):
        _give_back(result)
