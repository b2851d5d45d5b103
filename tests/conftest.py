import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# GUI tests run without a screen; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Imported after the path is set: tests.helpers needs the project on it.
from tests.helpers import factory, threads

# How long threads still running after the teardown get to finish: only spent
# when one is left, so a clean test pays nothing for it.
STOP_GRACE_S = 5.0


@pytest.fixture(autouse=True)
def _no_thread_outlives_its_test() -> Iterator[None]:
    """Close the sessions the test's benches opened, then fail the test if a thread
    it started (one of ours, or any non-daemon thread) is still running.

    Autouse, so it is set up before the test's other function fixtures and torn
    down after them; threads of wider-scoped fixtures exist before it starts.
    """
    before = set(threading.enumerate())
    first_session = len(factory.open_sessions)
    yield
    factory.close_sessions_from(first_session)
    left = threads.still_running(threads.left_running(before), STOP_GRACE_S)
    if left:
        pytest.fail(f"the test left threads running: {threads.described(left)}; close them")
