"""The Dask client of a study: on a given scheduler, or on a local cluster closed on exit (the sweep's
points, the sizing's weather years)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from engine.errors import ScenarioError

LOCALHOST = "127.0.0.1"
"""The only interface the local cluster listens on."""


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None, n_todo: int, processes: bool,
                memory_limit: str | float | None, security: Any = None) -> Iterator:
    """A Client on the given scheduler (with ``security``), or on a LocalCluster closed on exit.

    The local cluster listens on 127.0.0.1 only: scheduler, workers and the scheduler's small HTTP
    server (health and metrics; the dashboard is off) on free ports, never a fixed 8787 that another
    cluster on the machine may hold (thread workers talk in-process and listen on no socket).
    """
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, security=security) as client:
            yield client
        return
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers < 1:
        raise ScenarioError(f"workers: expected at least 1 worker, got {n_workers}; give --workers 1 or more")
    network = {"host": LOCALHOST, "worker_dashboard_address": f"{LOCALHOST}:0"} if processes else {}
    cluster = LocalCluster(n_workers=min(n_workers, n_todo), threads_per_worker=1, processes=processes,
                           dashboard_address=f"{LOCALHOST}:0", scheduler_kwargs={"dashboard": False},
                           memory_limit=memory_limit, **network)
    with cluster, Client(cluster) as client:
        yield client
