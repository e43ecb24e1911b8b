"""Cheap necessary conditions checked before a solve, with messages that say what to change.

1. Firm load (:func:`engine.inputs.checks.firm_load_violation`): ``pue x firm_it <= grid cap +
   renewables + battery power`` and ``firm_it <= it_capacity`` at every hub and step.
2. Deadlines: for each workload (and all together), the IT energy due by the end of step ``t`` must not
   exceed the spare IT capacity of its hubs up to ``t``; spare IT power is
   ``min(it_capacity, (grid cap + renewables + battery power) / pue) - firm_it``.
3. ``min_green_share``: ``share x`` the least possible facility energy (firm load, and all work at the
   lowest PUE it may meet) must not exceed the renewable energy available.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import InfeasibleError
from engine.inputs.arrays import ModelData
from engine.inputs.checks import exceeds, firm_load_violation
from engine.model.layout import Layout


@dataclass(frozen=True)
class Capacities:
    """The most each hub can draw, for the pre-checks.

    Attributes
    ----------
    it_kw, grid_kw, battery_kw : numpy.ndarray
        ``(hubs,)`` IT capacity, grid import cap and largest battery power [kW].
    renewable_kw : numpy.ndarray
        ``(steps, hubs)`` largest available renewable power [kW].
    """

    it_kw: np.ndarray
    grid_kw: np.ndarray
    battery_kw: np.ndarray
    renewable_kw: np.ndarray

    @property
    def supply_kw(self) -> np.ndarray:
        """``(steps, hubs)`` grid cap + renewables + battery power [kW]."""
        return self.grid_kw + self.renewable_kw + self.battery_kw


def local_time(layout: Layout, moment: pd.Timestamp) -> str:
    """A timestamp as local wall time with its UTC offset, e.g. ``2025-07-02 00:00 +08:00``."""
    text = moment.tz_convert(layout.scenario.timezone).strftime("%Y-%m-%d %H:%M %z")
    return f"{text[:-2]}:{text[-2:]}"


def check_feasibility(layout: Layout, data: ModelData, capacities: Capacities, *,
                      min_green_share: float | None = None, deadlines: bool = True) -> None:
    """Raise :class:`~engine.errors.InfeasibleError` naming the first necessary condition that fails.

    Parameters
    ----------
    layout : Layout
        The model's shape.
    data : ModelData
        The numbers the model is about to be solved with.
    capacities : Capacities
        What each hub can draw at most.
    min_green_share : float, optional
        The floor the model is solved with (its Parameter's value, which a re-plan may change) [-];
        default the scenario's.
    deadlines : bool
        Check condition 2 (False for soft deadlines, which any capacity can meet).
    """
    check_firm_load(layout, data, capacities)
    if deadlines:
        check_deadlines(layout, data, capacities)
    check_green_share(layout, data, capacities, min_green_share)


def check_firm_load(layout: Layout, data: ModelData, capacities: Capacities) -> None:
    """Condition 1 of the module docstring."""
    c = capacities
    violation = firm_load_violation(data.firm_it_kw, c.it_kw, pue=data.pue, supply_kw=c.supply_kw)
    if violation is None:
        return
    t, h = violation.step, violation.hub
    hub, when = layout.hub_names[h], local_time(layout, data.index[t])
    if violation.kind == "power":
        raise InfeasibleError(
            f"hub {hub}: firm load needs {violation.need_kw / 1e3:,.1f} MW at {when} but grid_import_mw "
            f"{c.grid_kw[h] / 1e3:,.1f} + renewables {c.renewable_kw[t, h] / 1e3:,.1f} + battery "
            f"{c.battery_kw[h] / 1e3:,.1f} MW give {violation.have_kw / 1e3:,.1f} MW; raise grid_import_mw "
            "or lower firm_it_mw")
    raise InfeasibleError(
        f"hub {hub}: firm IT load {violation.need_kw / 1e3:,.1f} MW at {when} exceeds it_capacity_mw "
        f"{c.it_kw[h] / 1e3:,.1f}; raise it_capacity_mw or lower firm_it_mw")


def check_deadlines(layout: Layout, data: ModelData, capacities: Capacities) -> None:
    """Condition 2 of the module docstring."""
    scenario, dt = layout.scenario, layout.step_hours
    spare_kw = np.clip(np.minimum(capacities.it_kw, capacities.supply_kw / data.pue) - data.firm_it_kw,
                       0.0, None)
    cumulative_spare = np.cumsum(spare_kw, axis=0) * dt
    position = {name: i for i, name in enumerate(layout.hub_names)}
    groups = [(f"workload {w.name}", [k], [position[n] for n in w.hubs])
              for k, w in enumerate(scenario.workloads)]
    if len(scenario.workloads) > 1:
        groups.append(("all deferrable workloads together", list(range(len(scenario.workloads))),
                       sorted({position[n] for w in scenario.workloads for n in w.hubs})))
    for label, members, hub_ids in groups:
        due = data.due_kwh[:, members].sum(axis=1)
        have = cumulative_spare[:, hub_ids].sum(axis=1)
        short = due > have * (1 + 1e-7) + 1e-6
        if short.any():
            t = int(np.argmax(short))
            end = data.index[t] + pd.Timedelta(hours=dt)
            raise InfeasibleError(
                f"{label}: {due[t] / 1e3:,.0f} MWh is due by {local_time(layout, end)} but the hubs it may "
                f"use have only {have[t] / 1e3:,.0f} MWh of spare IT capacity before then; raise "
                "it_capacity_mw or grid_import_mw, extend deadline_hours or allow more hubs")


def check_green_share(layout: Layout, data: ModelData, capacities: Capacities,
                      min_green_share: float | None = None) -> None:
    """Condition 3 of the module docstring, for the floor the model is solved with (default the
    scenario's)."""
    scenario, dt = layout.scenario, layout.step_hours
    share = scenario.objective.min_green_share if min_green_share is None else min_green_share
    if share <= 0:
        return
    position = {name: i for i, name in enumerate(layout.hub_names)}
    facility = (data.pue * data.firm_it_kw).sum() * dt
    for k, workload in enumerate(scenario.workloads):
        lowest_pue = data.pue[:, [position[n] for n in workload.hubs]].min()
        facility += lowest_pue * data.released_kwh[-1, k]
    green = capacities.renewable_kw.sum() * dt
    if exceeds(share * facility, green):
        raise InfeasibleError(
            f"min_green_share {share:g} needs {share * facility / 1e3:,.0f} MWh of green energy but only "
            f"{green / 1e3:,.0f} MWh of renewables are available; lower min_green_share or add solar_mw / "
            "wind_mw")
