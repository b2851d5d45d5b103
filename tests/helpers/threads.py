"""Which threads a test left running (tests/conftest.py fails the test for them)."""

from __future__ import annotations

import threading
import time

# The packages whose threads a test must stop before it ends, daemon or not.
OUR_PACKAGES = frozenset({"station", "devices", "ui", "tests", "main"})
# Library threads that may outlive a test: those of the process pool that renders
# labels (devices/pdf/render_process.py), shared by every test of a worker on
# purpose and joined by the standard library at exit. Any other non-daemon thread
# would hold the worker open at exit, so it counts too.
SHARED_POOL_PACKAGES = frozenset({"concurrent", "multiprocessing"})


def owner_package(thread: threading.Thread) -> str:
    """The top-level package of the code the thread runs."""
    # Thread keeps its target in a private attribute (CPython); a subclass that
    # overrides run() is judged by its class instead.
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__
    return str(module).split(".")[0]


def left_running(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since `before` that must not outlive a test and still run."""
    return [
        thread
        for thread in threading.enumerate()
        if thread not in before
        and not isinstance(thread, threading._DummyThread)  # a foreign (Qt) thread's stand-in
        and (
            owner_package(thread) in OUR_PACKAGES
            or not (thread.daemon or owner_package(thread) in SHARED_POOL_PACKAGES)
        )
    ]


def still_running(threads: list[threading.Thread], grace_s: float) -> list[threading.Thread]:
    """Those of `threads` that do not end within `grace_s` seconds (all together)."""
    deadline = time.monotonic() + grace_s
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread for thread in threads if thread.is_alive()]


def described(threads: list[threading.Thread]) -> str:
    return ", ".join(sorted(f"{t.name!r} ({owner_package(t)})" for t in threads))
