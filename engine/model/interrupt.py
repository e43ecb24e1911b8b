"""Solves that Ctrl-C and SIGTERM stop at once.

Python runs a signal handler in the main thread between bytecodes, so a long solver call in C (HiGHS
holds no GIL while it runs, but the main thread waits inside it) would delay ``KeyboardInterrupt`` until
the solve ends (measured: 11.9 s for a half-year east-west run). :func:`call_interruptibly` runs the
call in a daemon thread and waits for it in short joins: the interrupt is raised in the main thread
within :data:`POLL_SECONDS`, and the abandoned solve ends with the process. The model that was being
solved must not be solved again (:class:`~engine.model.assembly.CoSchedulingModel` refuses it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.1
"""Longest wait between two chances for a signal handler to run [s]."""


def call_interruptibly(function: Callable[[], T]) -> T:
    """Call ``function()`` in a worker thread; return its value or raise its exception.

    Parameters
    ----------
    function : callable
        The solver call (no arguments).

    Returns
    -------
    object
        What ``function`` returns.

    Raises
    ------
    KeyboardInterrupt
        At once on Ctrl-C (or a SIGTERM turned into one), leaving the call running in its daemon thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return function()  # signals reach the main thread only (e.g. a Dask worker thread)
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="suandian-solve", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_SECONDS)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
