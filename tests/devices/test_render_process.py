"""The label render child is started and loaded at the station's start, not at its
first label (which waited 15 s for it on a busy bench)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.pdf import render_process
from tests.helpers.render_child import label_renderer_loaded


@pytest.fixture
def fresh_single_child(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # One child only, so the probe runs where the warm-up ran; a fresh pool, so no
    # earlier test's labels loaded it.
    render_process.shutdown()
    monkeypatch.setattr(render_process, "RENDER_PROCESSES", 1)
    yield
    render_process.shutdown()


@pytest.mark.slow
@pytest.mark.usefixtures("fresh_single_child")
def test_a_warmed_up_child_has_the_label_renderer_before_the_first_label() -> None:
    warming = render_process.warm_up()
    warming.join(timeout=120)

    assert not warming.is_alive()
    assert render_process.render_elsewhere(label_renderer_loaded, None) is True


@pytest.mark.slow
@pytest.mark.usefixtures("fresh_single_child")
def test_without_a_warm_up_the_first_label_finds_a_cold_child() -> None:
    # What the warm-up saves: the child the first label starts has loaded nothing yet.
    assert render_process.render_elsewhere(label_renderer_loaded, None) is False
