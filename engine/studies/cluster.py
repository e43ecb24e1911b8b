"""The Dask client the studies that solve in parallel share (a sweep's points, an attribution's solves).

A local cluster binds to 127.0.0.1 only: scheduler, workers and their small HTTP servers (health and
metrics; the dashboard is off), on free ports, never a fixed 8787 that another cluster on the machine
may hold; thread workers talk in-process and listen on no socket. Each worker has one thread: a solve
uses one core. Workers keep the HiGHS banner off their output as every solve does
(:func:`engine.model.solvers.silence_highs_banner`, on the solve's path), and Dask's own logs below
CRITICAL off the terminal: a worker's heartbeat racing the cluster's close logs an ERROR traceback
(seen at the end of a 10-year sizing on 2 workers); a failed task reaches the study through its future.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

from engine.errors import ScenarioError

LOCALHOST = "127.0.0.1"
"""The only interface the local cluster listens on."""


def check_workers(workers: int) -> int:
    """``workers`` if it is a whole number of at least 1, else one line naming the fix (ScenarioError)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ScenarioError(f"workers: expected at least 1 worker, got {workers!r}; give --workers 1 or more")
    return workers


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None, n_tasks: int, processes: bool = True,
                memory_limit: str | float | None = "auto", security: Any = None) -> Iterator:
    """A Client on the given scheduler (with ``security``), or on a LocalCluster closed on exit.

    Parameters
    ----------
    scheduler : str or None
        Address of a running Dask scheduler; None for a local cluster (module docstring).
    workers : int or None
        Workers of the local cluster; default the CPU count. Ignored with ``scheduler``.
    n_tasks : int
        Tasks to run: the local cluster never starts more workers than that.
    processes : bool
        Local workers as processes (default) or threads in this process.
    memory_limit : str or float, optional
        Memory limit per local worker, as Dask takes it (``"auto"``: the machine's memory shared
        between the workers).
    security : distributed.security.Security, optional
        TLS settings for the connection to ``scheduler``.

    Raises
    ------
    engine.errors.ScenarioError
        Fewer than one worker asked for.
    """
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, security=security) as client:
            yield client
        return
    n_workers = check_workers(workers if workers is not None else (os.cpu_count() or 1))
    network = {"host": LOCALHOST, "worker_dashboard_address": f"{LOCALHOST}:0"} if processes else {}
    cluster = LocalCluster(n_workers=min(n_workers, n_tasks), threads_per_worker=1, processes=processes,
                           dashboard_address=f"{LOCALHOST}:0", scheduler_kwargs={"dashboard": False},
                           memory_limit=memory_limit, silence_logs=logging.CRITICAL, **network)
    with cluster, Client(cluster) as client:
        yield client
