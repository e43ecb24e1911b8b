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
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable

import pandas as pd

from engine.errors import InfeasibleError, SolverError
from engine.inputs.scenario import Scenario
from engine.metrics import statistics
from engine.schedule import Schedule

LEVERS = ("temporal", "spatial", "storage")
"""The levers, in the order of ``summary.json``."""
ATTRIBUTED = ("carbon_t", "carbon_marginal_t", "cost_cny", "green_share_hourly")
"""The metrics split among the levers."""


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
                solve: Callable[[Scenario], Schedule]) -> dict:
    """The ``attribution`` block of ``summary.json`` (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario run.
    coordinated, baseline : Schedule
        Its coordinated (all levers on) and as-usual schedules.
    solve : callable
        Solves a scenario into its coordinated schedule (the run's solver).

    Returns
    -------
    dict
        ``levers``, ``present`` (the levers the scenario has), ``metrics``, ``total`` (coordinated minus
        as usual), ``parts`` (lever -> metric -> Shapley value), ``rules`` (LP with every lever off
        minus as usual), ``solves`` and ``seconds``; or ``{"status": "unavailable", "reason": ...}``
        when a solve with a lever off is infeasible (e.g. work that cannot run in its arrival step).
    """
    started = time.perf_counter()
    present = present_levers(scenario)
    values: dict[frozenset[str], pd.Series] = {}
    solves = 0
    for size in range(len(present) + 1):
        for subset in itertools.combinations(present, size):
            on = frozenset(subset)
            if on == frozenset(present):
                schedule = coordinated
            else:
                try:
                    schedule = solve(without(scenario, frozenset(LEVERS) - on))
                except (InfeasibleError, SolverError) as error:
                    return {"status": "unavailable", "reason": f"levers on {sorted(on)}: {error}"}
                solves += 1
            values[on] = statistics(scenario, schedule)[list(ATTRIBUTED)]
    parts = shapley(values, present)
    as_usual = statistics(scenario, baseline)[list(ATTRIBUTED)]
    record = {lever: {m: float(parts[lever][m]) if lever in parts else 0.0 for m in ATTRIBUTED}
              for lever in LEVERS}
    return {"status": "ok", "levers": list(LEVERS), "present": list(present), "metrics": list(ATTRIBUTED),
            "total": {m: float(values[frozenset(present)][m] - as_usual[m]) for m in ATTRIBUTED},
            "parts": record, "rules": {m: float(values[frozenset()][m] - as_usual[m]) for m in ATTRIBUTED},
            "solves": solves + 1, "seconds": time.perf_counter() - started}
