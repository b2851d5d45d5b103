"""A sound player that remembers what the screen asked it to play."""

from __future__ import annotations

from station.verdicts import Tone


class RecordingSoundPlayer:
    """Keeps every tone asked for, in order, instead of playing it."""

    def __init__(self) -> None:
        self.played: list[Tone] = []

    def play(self, tone: Tone) -> None:
        self.played.append(tone)
