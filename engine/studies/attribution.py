"""Attribution of the gain of coordination to its levers: temporal shifting, spatial shifting, storage.

Each lever is switched off by a scenario transform, and the LP is solved for every subset of levers
switched on (``2^3 = 8`` solves; the full set is the coordinated schedule itself):

- ``temporal`` off: every workload's deadline is one step (work runs in the step it arrives);
- ``spatial`` off: every workload may run only at its origin (``hubs = (origin,)``);
- ``storage`` off: no battery anywhere (batteries idle).

With ``v(S)`` a metric of the LP with the levers ``S`` on, the Shapley value of lever ``i`` is

.. math:: \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}} \\frac{|S|! (n - |S| - 1)!}{n!}
          (v(S \\cup \\{i\\}) - v(S))

and the parts add up to ``v(N) - v(\\emptyset)``. The gain reported is coordinated minus *as usual*
(the simulated baseline), so one more term closes the sum: ``rules = v(\\emptyset) - as_usual``, what
the LP with every lever off does differently from the as-usual rules (chiefly: the baseline's battery
runs on the self-consumption rule, the LP's without storage is idle; export against curtailment).
``sum_i phi_i + rules = coordinated - as_usual`` exactly. A lever the scenario does not have (no
battery; no workload that may move; deadlines of one step already) changes nothing when switched off,
so its Shapley value is exactly 0 (the same solve is reused).

The solves are independent: with ``workers > 1`` they run in parallel on a local Dask cluster
(:mod:`engine.studies.cluster`), each the same LP as in the serial path, so the numbers are the same.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable
from functools import partial

import pandas as pd

from engine.errors import InfeasibleError, SolverError
from engine.inputs.scenario import Scenario
from engine.metrics import statistics
from engine.schedule import Schedule
from engine.studies.cluster import dask_client

LEVERS = ("temporal", "spatial", "storage")
"""The levers, in the order of ``summary.json``."""
ATTRIBUTED = ("carbon_t", "carbon_marginal_t", "cost_cny", "green_share_hourly")
"""The metrics split among the levers."""
Outcome = Schedule | InfeasibleError | SolverError
"""What one lever-off solve gives: its schedule, or the error that made it fail."""


def present_levers(scenario: Scenario) -> tuple[str, ...]:
    """The levers a scenario has: workloads that may wait, may move, batteries."""
    steps = [round(w.deadline_hours / scenario.step_hours) for w in scenario.workloads]
    present = {"temporal": any(s > 1 for s in steps),
               "spatial": any(w.hubs != (w.origin,) for w in scenario.workloads),
               "storage": any(h.battery is not None for h in scenario.hubs.values())}
    return tuple(lever for lever in LEVERS if present[lever])


def without(scenario: Scenario, levers: frozenset[str]) -> Scenario:
    """The scenario with ``levers`` switched off (module docstring)."""
    workloads = scenario.workloads
    if "temporal" in levers:
        workloads = tuple(dataclasses.replace(w, deadline_hours=scenario.step_hours) for w in workloads)
    if "spatial" in levers:
        workloads = tuple(dataclasses.replace(w, hubs=(w.origin,)) for w in workloads)
    hubs = scenario.hubs
    if "storage" in levers:
        hubs = {name: dataclasses.replace(hub, battery=None) for name, hub in hubs.items()}
    return dataclasses.replace(scenario, workloads=workloads, hubs=hubs)


def shapley(values: dict[frozenset[str], pd.Series], levers: tuple[str, ...]) -> dict[str, pd.Series]:
    """Shapley value of every lever from the values ``v(S)`` of every subset ``S`` of ``levers``."""
    n = len(levers)
    parts = {}
    for lever in levers:
        others = [x for x in levers if x != lever]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                base = frozenset(subset)
                total = total + weight * (values[base | {lever}] - values[base])
        parts[lever] = total
    return parts


def attribution(scenario: Scenario, coordinated: Schedule, baseline: Schedule,
                solve: Callable[[Scenario], Schedule], workers: int = 1) -> dict:
    """The ``attribution`` block of ``summary.json`` (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario run.
    coordinated, baseline : Schedule
        Its coordinated (all levers on) and as-usual schedules.
    solve : callable
        Solves a scenario into its coordinated schedule (the run's solver); picklable when
        ``workers > 1``.
    workers : int
        With more than 1, the solves run in parallel on a local Dask cluster of that many workers
        (:func:`engine.studies.cluster.dask_client`, never more workers than solves); with 1 (default),
        one after another here. The numbers are the same either way.

    Returns
    -------
    dict
        ``levers``, ``present`` (the levers the scenario has), ``metrics``, ``total`` (coordinated minus
        as usual), ``parts`` (lever -> metric -> Shapley value), ``rules`` (LP with every lever off
        minus as usual), ``solves``, ``workers`` (1 when serial) and ``seconds`` [s]; or
        ``{"status": "unavailable", "reason": ...}`` when a solve with a lever off is infeasible (e.g.
        work that cannot run in its arrival step).
    """
    started = time.perf_counter()
    present = present_levers(scenario)
    subsets = [frozenset(subset) for size in range(len(present))
               for subset in itertools.combinations(present, size)]
    variants = [without(scenario, frozenset(LEVERS) - on) for on in subsets]
    parallel = workers > 1 and len(variants) > 1
    schedules = _solve_all(solve, variants, workers if parallel else 1)
    for on, schedule in zip(subsets, schedules, strict=False):
        if isinstance(schedule, Exception):
            return {"status": "unavailable", "reason": f"levers on {sorted(on)}: {schedule}"}
    values = {on: statistics(scenario, schedule)[list(ATTRIBUTED)]
              for on, schedule in zip([*subsets, frozenset(present)], [*schedules, coordinated], strict=True)}
    parts = shapley(values, present)
    as_usual = statistics(scenario, baseline)[list(ATTRIBUTED)]
    record = {lever: {m: float(parts[lever][m]) if lever in parts else 0.0 for m in ATTRIBUTED}
              for lever in LEVERS}
    return {"status": "ok", "levers": list(LEVERS), "present": list(present), "metrics": list(ATTRIBUTED),
            "total": {m: float(values[frozenset(present)][m] - as_usual[m]) for m in ATTRIBUTED},
            "parts": record, "rules": {m: float(values[frozenset()][m] - as_usual[m]) for m in ATTRIBUTED},
            "solves": len(variants) + 1, "workers": workers if parallel else 1,
            "seconds": time.perf_counter() - started}


def _solve_all(solve: Callable[[Scenario], Schedule], variants: list[Scenario],
               workers: int) -> list[Outcome]:
    """Each variant's schedule or error, in order (serial: up to the first error).

    With ``workers > 1`` every solve runs as a task of a local Dask cluster, to its end.
    """
    attempt = partial(_attempt, solve)
    if workers > 1:
        with dask_client(None, workers, len(variants)) as client:
            return client.gather(client.map(attempt, variants, pure=False))
    outcomes: list[Outcome] = []
    for variant in variants:
        outcomes.append(attempt(variant))
        if isinstance(outcomes[-1], Exception):
            break
    return outcomes


def _attempt(solve: Callable[[Scenario], Schedule], variant: Scenario) -> Outcome:
    """The variant's schedule, or the error its solve raised: returned, not raised, so that a worker
    does not log an expected failure as a crash."""
    try:
        return solve(variant)
    except (InfeasibleError, SolverError) as error:
        return error
