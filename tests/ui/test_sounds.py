"""Generated tone files and the players."""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station.settings import Settings
from station.verdicts import Tone
from ui import sounds
from ui.sounds import (
    SOUNDS_DIR,
    QtSoundPlayer,
    SilentSoundPlayer,
    generate_sounds,
    make_sound_player,
)


def duration_ms(path: Path) -> float:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return 1000 * wav.getnframes() / wav.getframerate()


def test_every_tone_gets_its_own_file(tmp_path: Path) -> None:
    paths = generate_sounds(tmp_path)
    assert set(paths) == set(Tone)
    lengths = {tone: duration_ms(path) for tone, path in paths.items()}
    assert lengths[Tone.SUCCESS] < 200, "a success beep is short"
    assert lengths[Tone.ERROR] > 700, "an error buzz is long"
    assert lengths[Tone.SUCCESS] < lengths[Tone.COMPLETE] < lengths[Tone.ERROR]
    assert len({path.read_bytes() for path in paths.values()}) == len(Tone)


def test_the_committed_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    fresh = generate_sounds(tmp_path)
    for tone, path in fresh.items():
        assert (SOUNDS_DIR / path.name).read_bytes() == path.read_bytes(), tone


def test_missing_files_are_made_again_and_others_kept(tmp_path: Path) -> None:
    paths = generate_sounds(tmp_path)
    paths[Tone.ERROR].unlink()
    paths[Tone.SUCCESS].write_bytes(b"kept")
    generate_sounds(tmp_path)
    assert paths[Tone.ERROR].exists()
    assert paths[Tone.SUCCESS].read_bytes() == b"kept"


def test_settings_choose_the_player(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_sound_player(Settings(station="b", sounds=False)), SilentSoundPlayer)
    monkeypatch.setattr(sounds, "_load_effects", lambda paths, parent: {})
    assert isinstance(make_sound_player(Settings(station="b")), QtSoundPlayer)


def test_without_qtmultimedia_it_beeps_and_says_so_once(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    def unavailable(paths: object, parent: object) -> dict[Tone, object]:
        raise ImportError("libpulse.so.0: cannot open shared object file")

    beeps: list[bool] = []
    monkeypatch.setattr(sounds, "_load_effects", unavailable)
    monkeypatch.setattr(sounds.QApplication, "beep", lambda: beeps.append(True))
    with caplog.at_level(logging.WARNING, logger="ui.sounds"):
        player = QtSoundPlayer(tmp_path)
        player.play(Tone.SUCCESS)
        player.play(Tone.ERROR)
    assert len(beeps) == 2, "one beep per verdict"
    warnings = [r for r in caplog.records if r.name == "ui.sounds"]
    assert len(warnings) == 1 and "libpulse" in warnings[0].getMessage()


# The multimedia backend reports the libraries it probes for (PipeWire, VA-API)
# as warnings: facts about the test machine. pytest-qt matches message text,
# not the qt.multimedia.* category the pyproject setting names.
@pytest.mark.qt_log_ignore(r"^Couldn't (load|resolve) ")
def test_the_real_player_plays_or_falls_back_without_failing(qtbot: QtBot, tmp_path: Path) -> None:
    player = QtSoundPlayer(tmp_path)
    for tone in Tone:
        player.play(tone)
    assert (tmp_path / "error.wav").exists()
