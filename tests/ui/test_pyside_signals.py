"""Guards the PySide6 pin: 6.12.0 dropped a reference to True on every emit,
which aborts the interpreter after a few thousand scans."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    fired = Signal(int)


def test_emitting_keeps_the_interpreter_alive(qapp: object) -> None:
    source = _Source()
    received: list[int] = []
    source.fired.connect(received.append)
    before = sys.getrefcount(True)
    for value in range(500):
        source.fired.emit(value)
    assert len(received) == 500
    lost = before - sys.getrefcount(True)
    # Other code may take or drop a stray reference meanwhile; the bug lost one per emit.
    assert lost < 50
