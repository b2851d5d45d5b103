"""Cut a byte stream into frames at a terminator byte."""

from __future__ import annotations

# Longer than any frame of the supported protocols (the CAS 22-byte line is
# the longest); a run of noise without a terminator is cut here, so it can
# neither grow without bound nor hide the next good frame for long.
MAX_FRAME = 64


class Framer:
    """Collects bytes and hands back each complete frame, terminator excluded."""

    def __init__(self, terminator: bytes, max_length: int = MAX_FRAME) -> None:
        if len(terminator) != 1:
            raise ValueError("the terminator is one byte")
        self._terminator = terminator
        self._max_length = max_length
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Add `data`; return the frames it completes, oldest first.

        A stretch longer than `max_length` without a terminator is returned as
        a frame of its own, so the caller sees (and can log) it as garbage.
        """
        self._buffer += data
        frames: list[bytes] = []
        while True:
            end = self._buffer.find(self._terminator)
            if 0 <= end <= self._max_length:
                frames.append(bytes(self._buffer[:end]))
                del self._buffer[: end + 1]
            elif len(self._buffer) > self._max_length:
                frames.append(bytes(self._buffer[: self._max_length]))
                del self._buffer[: self._max_length]
            else:
                return frames

    @property
    def has_partial_frame(self) -> bool:
        """True while the start of a frame waits for the rest of it."""
        return bool(self._buffer)

    def clear(self) -> None:
        """Forget a partial frame (after a flush or a reconnect)."""
        self._buffer.clear()
