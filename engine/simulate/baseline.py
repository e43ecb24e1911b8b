"""Running as usual: the schedule the hubs would follow without coordination.

Every workload runs at its origin as soon as it arrives; when the IT capacity left by the firm load (or
the power the grid cap and renewables can supply) is short, the backlog waits and is served first in,
first out by arrival step across the workloads of the hub (ties within one arrival step shared in
proportion). The hubs are served by the self-consumption rule of :mod:`engine.simulate.battery_rule`:
renewables first, a surplus charges the battery, then is exported up to the hub's export cap, then
curtailed; a shortfall is met from the battery, then the grid up to its cap (valley-tariff grid charging
only where the battery allows grid charging). Work not done by its deadline keeps waiting (late), and
work still undone at the end of the horizon stays undone: both show in the metrics, never hidden. Firm
load that even the grid cap cannot cover is recorded in the extra column ``unserved_kw``; the baseline
is a simulation and does not raise.
"""

from __future__ import annotations

import numpy as np

from engine.inputs.arrays import scenario_data
from engine.inputs.scenario import Scenario
from engine.schedule import Schedule
from engine.simulate.reference import it_room_kw, policy_schedule


def _serve_fifo(released_kwh: np.ndarray, done_kwh: np.ndarray, t: int, capacity_kwh: float) -> np.ndarray:
    """IT energy of each workload run in step ``t`` at one hub, oldest arrivals first [kWh].

    Parameters
    ----------
    released_kwh : numpy.ndarray
        ``(steps, workloads)`` cumulative arrivals of the hub's workloads [kWh].
    done_kwh : numpy.ndarray
        ``(workloads,)`` cumulative work done before step ``t`` [kWh].
    t : int
        Current step.
    capacity_kwh : float
        IT energy the hub can run for these workloads in step ``t`` [kWh].
    """
    outstanding = np.clip(released_kwh[t] - done_kwh, 0.0, None)
    if outstanding.sum() <= capacity_kwh:
        return outstanding
    # f(s) = work arrived by step s and still outstanding; the largest s with f(s) <= capacity is served
    # in full, the next arrival step shares what capacity is left (binary search: O(workloads log steps)).
    def backlog(s: int) -> np.ndarray:
        return np.clip(released_kwh[s] - done_kwh, 0.0, None)

    low, high = -1, t  # backlog(low) fits (low = -1: nothing), backlog(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        if backlog(middle).sum() <= capacity_kwh:
            low = middle
        else:
            high = middle
    served = backlog(low) if low >= 0 else np.zeros_like(done_kwh)
    next_step = backlog(high) - served
    return served + next_step * (capacity_kwh - served.sum()) / next_step.sum()


def run_baseline(scenario: Scenario) -> Schedule:
    """Simulate running as usual.

    Parameters
    ----------
    scenario : Scenario
        The problem (its objective is only used to score the result).

    Returns
    -------
    Schedule
        ``kind="baseline"``, ``status="simulated"``, ``solver="baseline"``; flows with the extra column
        ``unserved_kw`` (firm facility load the grid cap and renewables could not cover) [kW], and the
        objective on the same terms as the coordinated schedule.

    Notes
    -----
    The queue is a per-step loop: what runs at step ``t`` depends on the backlog left by step ``t - 1``.
    It costs O(steps x workloads x log steps), no LP.
    """
    data = scenario_data(scenario)
    dt = scenario.step_hours
    hub_names = list(scenario.hubs)
    steps, n_hubs, n_work = len(scenario.index), len(hub_names), len(scenario.workloads)
    room_kw = it_room_kw(scenario, data)
    origin = np.array([hub_names.index(w.origin) for w in scenario.workloads], dtype=int)
    by_hub = [np.flatnonzero(origin == h) for h in range(n_hubs)]
    run_kwh = np.zeros((steps, n_work))
    done = np.zeros(n_work)
    for t in range(steps):
        for h, members in enumerate(by_hub):
            if members.size:
                run = _serve_fifo(data.released_kwh[:, members], done[members], t, room_kw[t, h] * dt)
                run_kwh[t, members] = run
                done[members] += run
    workload_it = np.zeros((steps, n_hubs, n_work))
    workload_it[:, origin, np.arange(n_work)] = run_kwh / dt
    return policy_schedule(scenario, workload_it, "baseline")
