"""Render documents in child processes, so their CPU never delays a scan.

Rendering a PDF label is pure-Python work that holds the interpreter lock for
several milliseconds; done on the print thread it stretches the verdict of the
next scans. A long-lived child (a second one while renders overlap), shared by
every printer in the process, does it instead; the print thread only waits for
the bytes.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
RENDER_TIMEOUT_S = 30.0
# A second child starts only when two renders overlap (a bulk run renders the
# next labels ahead, see station.bulk_print): one label at a time costs one child.
RENDER_PROCESSES = 2

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def render_elsewhere(render: Callable[[T], R], item: T) -> R:
    """`render(item)` in the shared child; in this process if no child can run."""
    pool = _shared_pool()
    if pool is not None:
        try:
            return pool.submit(render, item).result(timeout=RENDER_TIMEOUT_S)
        except (BrokenProcessPool, RuntimeError, TimeoutError) as exc:
            # The child died, hung or could not start (e.g. at interpreter exit):
            # this label renders here, the next one in a fresh child.
            log.warning("render process unusable (%r); rendering in-process", exc)
            _discard(pool)
    return render(item)


def warm_up() -> threading.Thread:
    """Start the shared child and load its renderers now, on a thread of its own.

    A spawned child imports the station's modules and the PDF library before its
    first render: the first label after a start waited 15 s for it on a busy
    2-core bench (65 ms for the next). Warmed at start, it waits for neither.
    """
    thread = threading.Thread(target=_warm_child, name="render-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_child() -> None:
    pool = _shared_pool()
    if pool is None:
        return
    started = time.monotonic()
    try:
        pool.submit(load_renderers).result(timeout=RENDER_TIMEOUT_S)
    except Exception as exc:  # a head start only: the first label still renders (or says why)
        log.warning("render process not warmed up (%r)", exc)
        return
    log.info("render process ready in %.1f s", time.monotonic() - started)


def load_renderers() -> None:
    """In the child: import the label renderer and draw one throwaway label, so fonts
    and the PDF library are loaded before a real label comes."""
    from devices.pdf.pdf_label import render_label_pdf
    from station.labels import sample_label

    render_label_pdf(sample_label())


def shutdown() -> None:
    with _lock:
        global _pool
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def _shared_pool() -> ProcessPoolExecutor | None:
    global _pool
    with _lock:
        if _pool is None:
            try:
                # "spawn" everywhere: forking a process that runs Qt and
                # database threads can copy a lock held by another thread.
                context = multiprocessing.get_context("spawn")
                _pool = ProcessPoolExecutor(max_workers=RENDER_PROCESSES, mp_context=context)
            except (OSError, ValueError) as exc:
                log.warning("no render process (%s); rendering in-process", exc)
                return None
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)
