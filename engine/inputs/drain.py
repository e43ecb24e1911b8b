"""The drain period: the scenario's horizon plus time for the last arrivals to meet their own deadlines.

Every schedule a comparison puts side by side (one-shot, operated, reference policies) is scored on the
same drained scenario (DESIGN.md, "Scoring"): the horizon, then :func:`drain_steps` more steps with no
new arrivals. Work arriving near the horizon end keeps its own deadline -- it is neither counted missed
nor forced into the last hour -- and every policy pays for finishing it.

ASSUMPTION: over the drain the hubs see the horizon's last whole days again (weather, firm load, PUE,
tariff and carbon repeat the final ``drain_steps`` steps, so the time-of-use pattern stays aligned with
the clock). The drain only has to be plausible and the same for every policy; its length is a whole
number of days covering the longest deadline.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from engine.inputs.scenario import Scenario

HOURS_PER_DAY = 24.0


def drain_steps(scenario: Scenario) -> int:
    """Steps of the drain: the longest deadline rounded up to whole days (0 without workloads) [-]."""
    longest = max((w.deadline_hours for w in scenario.workloads), default=0.0)
    if longest <= 0:
        return 0
    days = math.ceil(longest / HOURS_PER_DAY - 1e-9)
    return int(round(days * HOURS_PER_DAY / scenario.step_hours))


def with_drain(scenario: Scenario, steps: int | None = None) -> Scenario:
    """The scenario extended by a drain period with no new arrivals (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario; its horizon is ``scenario.index``.
    steps : int, optional
        Drain length [steps]; default :func:`drain_steps`.

    Returns
    -------
    Scenario
        Same hubs, workloads and links on ``len(index) + steps`` steps; arrivals are zero in the drain,
        and ``settings["horizon_steps"]`` records the original horizon. Unchanged when ``steps`` is 0.
    """
    steps = drain_steps(scenario) if steps is None else int(steps)
    if steps <= 0:
        return scenario
    total = len(scenario.index)
    step = pd.Timedelta(hours=scenario.step_hours)
    index = pd.date_range(scenario.index[0], periods=total + steps, freq=step)
    # Repeat the last `period` steps, a whole number of days when the horizon has one (time of day kept).
    day = int(round(HOURS_PER_DAY / scenario.step_hours))
    period = steps if steps <= total else (total // day) * day or total
    source = total - period + np.arange(steps) % period
    take = np.concatenate([np.arange(total), source.astype(int)])
    hubs = {name: dataclasses.replace(hub, series=hub.series.iloc[take].set_axis(index))
            for name, hub in scenario.hubs.items()}
    workloads = tuple(dataclasses.replace(
        w, arrival_it_kw=pd.Series(np.concatenate([w.arrival_it_kw.to_numpy(dtype=float), np.zeros(steps)]),
                                   index=index, name=w.arrival_it_kw.name))
        for w in scenario.workloads)
    settings = {**scenario.settings, "horizon_steps": horizon_steps(scenario)}
    return dataclasses.replace(scenario, index=index, hubs=hubs, workloads=workloads, settings=settings)


def horizon_steps(scenario: Scenario) -> int:
    """Steps of the scenario's own horizon (without a drain added by :func:`with_drain`) [-]."""
    return int(scenario.settings.get("horizon_steps", len(scenario.index)))
