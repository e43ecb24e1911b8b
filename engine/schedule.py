"""The result of scheduling: an immutable :class:`Schedule` of tidy DataFrames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.scenario import Scenario

FLOW_COLUMNS = (
    "solar_kw", "wind_kw", "renewable_used_kw", "curtailed_kw", "grid_import_kw",
    "battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh", "it_kw", "facility_kw", "pue",
    "carbon_g_per_kwh", "price_cny_per_kwh",
)
"""Per hub and step, after ``time`` and ``hub``; then one ``<workload>_it_kw`` column per workload.

``renewable_used_kw`` counts renewable power used by the facility *and* to charge the battery;
``renewable_used_kw + curtailed_kw = solar_kw + wind_kw``. ``battery_soc_kwh`` is the state of charge
at the *end* of the step. Power balance: ``renewable_used + grid_import + battery_discharge =
facility + battery_charge`` and ``facility = pue x it``.
"""


@dataclass(frozen=True)
class Schedule:
    """A schedule for every hub and step.

    Attributes
    ----------
    kind : str
        ``"coordinated"`` (the LP) or ``"baseline"`` (running as usual).
    flows : pandas.DataFrame
        One row per hub and step: ``time`` (tz-aware UTC), ``hub``, :data:`FLOW_COLUMNS` and one
        ``<workload>_it_kw`` column per workload [kW].
    status : str
        Solver status (``"optimal"``) or ``"simulated"`` for the baseline.
    objective : float or None
        Objective value in the scenario's objective unit (CNY, kgCO2 or kWh).
    solver : str
        Solver name, or ``"baseline"``.
    build_seconds, solve_seconds : float
        Model build (compile) and solver time [s].
    marginal_price : pandas.DataFrame or None
        Dual of each hub's power balance per step, ``time`` x hub [objective unit per kWh].
    link_value : pandas.Series or None
        Value of one more Gbit/s on each link for the whole horizon, indexed ``"<from>-><to>"``
        [objective unit per Gbit/s] (the summed duals of the link's capacity rows).
    green_floor_cost : float or None
        Cost of the green floor's last percentage point [objective unit per percentage point] (the dual
        of the ``min_green_share`` constraint divided by 100); ``None`` without a floor.
    """

    kind: str
    flows: pd.DataFrame
    status: str
    objective: float | None
    solver: str
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    marginal_price: pd.DataFrame | None = None
    link_value: pd.Series | None = None
    green_floor_cost: float | None = None


OBJECTIVES = ("cost", "carbon", "grid")


def grid_cost_per_kwh(scenario: Scenario, carbon_g_per_kwh: np.ndarray,
                      price_cny_per_kwh: np.ndarray) -> np.ndarray:
    """Objective weight of one kWh imported from the grid, per step and hub.

    ``"cost"``: ``price + carbon_price x intensity / 1e6`` [CNY/kWh]; ``"carbon"``: ``intensity / 1000``
    [kgCO2/kWh]; ``"grid"``: 1 [kWh/kWh].
    """
    goal = scenario.objective.minimize
    if goal == "cost":
        return price_cny_per_kwh + scenario.objective.carbon_price_cny_per_t * carbon_g_per_kwh / 1e6
    if goal == "carbon":
        return carbon_g_per_kwh / 1e3
    if goal == "grid":
        return np.ones_like(carbon_g_per_kwh)
    raise ScenarioError(f"objective.minimize: expected one of {OBJECTIVES}, got {goal!r}; "
                        "set it to 'cost', 'carbon' or 'grid'")


def objective_value(scenario: Scenario, flows: pd.DataFrame) -> float:
    """The scenario's objective evaluated on a schedule's flows (CNY, kgCO2 or kWh).

    Same terms for the coordinated schedule and the baseline: ``sum weight x grid_import x dt`` with the
    weight of :func:`grid_cost_per_kwh` (the battery tie-breaker is not part of it).
    """
    weight = grid_cost_per_kwh(scenario, flows["carbon_g_per_kwh"].to_numpy(float),
                               flows["price_cny_per_kwh"].to_numpy(float))
    return float(weight @ flows["grid_import_kw"].to_numpy(float) * scenario.step_hours)


def flows_frame(scenario: Scenario, index: pd.DatetimeIndex, arrays: dict[str, np.ndarray],
                workload_it_kw: np.ndarray) -> pd.DataFrame:
    """Tidy flows: one row per hub and step (hub-major, steps in time order).

    Parameters
    ----------
    scenario : Scenario
        Supplies hub and workload names.
    index : pandas.DatetimeIndex
        Step starts (UTC).
    arrays : dict
        Every name of :data:`~engine.schedule.FLOW_COLUMNS` (and optional extra columns) -> a
        ``(steps, hubs)`` array.
    workload_it_kw : numpy.ndarray
        ``(steps, hubs, workloads)`` IT power of each workload at each hub [kW].
    """
    hub_names = list(scenario.hubs)
    steps = len(index)
    data: dict[str, object] = {
        "time": index[np.tile(np.arange(steps), len(hub_names))].tz_convert("UTC"),
        "hub": np.repeat(hub_names, steps),
    }
    extra = [name for name in arrays if name not in FLOW_COLUMNS]
    for name in (*FLOW_COLUMNS, *extra):
        data[name] = np.asarray(arrays[name], dtype=float).T.reshape(-1)
    for k, workload in enumerate(scenario.workloads):
        data[f"{workload.name}_it_kw"] = workload_it_kw[:, :, k].T.reshape(-1)
    return pd.DataFrame(data)
