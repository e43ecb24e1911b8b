"""Capacity planning: how much wind, solar and storage a scenario needs for its green-share target.

A scenario's ``[plan]`` table (its keys and cost defaults: :mod:`engine.inputs.plan_settings`, read with
the scenario into :attr:`~engine.inputs.scenario.Scenario.plan`) names the capacities that become
decisions of the co-scheduling LP.

One cvxpy LP (:class:`engine.model.lp.CoSchedulingModel` with a :class:`~engine.model.lp.Sizing`) chooses
the capacities and the operation together, at least total cost over the horizon:

    sum_tech annual_cost_tech x capacity_tech x horizon_hours / 8760  +  grid energy cost  +  carbon cost

subject to every constraint of the schedule and the hourly green-share floor. A full year (8760 h) costs
exactly the annual capacity costs. Available solar (wind) power at a sized hub is its nameplate times the
hub's output per kW of nameplate: the scenario's series divided by its nameplate, or, when the scenario
gives no park, :func:`weather.power.park_output` of 1 MW on the hub's typical year (park output is linear
in the nameplate).

The green-share target is ``plan.min_green_share`` when given, else ``objective.min_green_share``
(the key a sweep varies); giving both with different values is an error, never a silent choice. The
objective must be ``"cost"``: capacity costs and grid energy are both in CNY.

Running the scenario with the planned capacities (the result's ``scenario``, or
``load_scenario(path, **planned_overrides(result))``) reproduces the target: the planned operation is a
feasible schedule of that run. Capacities are rounded *up* to whole kW (kWh), a planner's resolution,
so that solver round-off never makes the run infeasible; rounding up only relaxes its constraints.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.hub_series import TYPICAL, hub_series
from engine.inputs.plan_settings import PLAN_HUB_KEYS, PlanSettings
from engine.inputs.scenario import Battery, Objective, Scenario, plan_settings
from engine.metrics import statistics
from engine.model import CoSchedulingModel, Sizing
from engine.schedule import Schedule
from engine.simulate.baseline import run_baseline
from engine.studies.result import SizingOutcome, SolverInfo, StudyResult
from weather.catalogue import load_catalogue

HOURS_PER_YEAR = 8760.0
KW_PER_MW = 1000.0


COST_PARTS = (
    "solar",
    "wind",
    "battery_energy",
    "battery_power",
    "capacity",
    "grid_energy",
    "carbon",
    "total",
)
"""Keys of :attr:`engine.studies.result.SizingOutcome.costs_cny`."""


# ------------------------------------------------------------------------------------------------------
# The LP
# ------------------------------------------------------------------------------------------------------


def unit_profile_kw_per_kw(scenario: Scenario, hub_name: str, park: str) -> np.ndarray:
    """Available power of a hub's solar or wind park per kW of nameplate, per step [kW/kW].

    The scenario's series over its nameplate when it has a park; otherwise 1 MW of
    :func:`weather.power.park_output` on the hub's typical year (catalogue hubs with the default
    weather only).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    hub_name : str
        A hub of the scenario.
    park : str
        ``"solar"`` or ``"wind"``.
    """
    hub = scenario.hubs[hub_name]
    nameplate = hub.solar_kw_nameplate if park == "solar" else hub.wind_kw_nameplate
    if nameplate > 0:
        return hub.series[f"{park}_kw"].to_numpy(dtype=float) / nameplate
    catalogue = load_catalogue()
    if hub_name not in catalogue or hub.weather != TYPICAL:
        raise ScenarioError(
            f"hubs.{hub_name}.{park}_mw: sizing {park} here needs the park's output profile, and the hub "
            "uses its own weather (or is a custom hub) with no park to scale. Fix: set "
            f"hubs.{hub_name}.{park}_mw to any positive size; its output per MW is then scaled."
        )
    step = pd.Timedelta(hours=scenario.step_hours)
    one_mw = {
        "solar_kw": KW_PER_MW if park == "solar" else 0.0,
        "wind_kw": KW_PER_MW if park == "wind" else 0.0,
    }
    series = hub_series(
        catalogue[hub_name],
        scenario.index,
        step,
        key=f"hubs.{hub_name}",
        tracking=hub.tracking,
        weather_seed=hub.weather_seed,
        **one_mw,
    )
    return series[f"{park}_kw"].to_numpy(dtype=float) / KW_PER_MW


def _planning_scenario(scenario: Scenario, settings: PlanSettings) -> Scenario:
    """The scenario the sizing LP runs on: sized parks' series at zero (the LP adds them), a battery
    placeholder at hubs that size one without having one, and the target as the green-share floor."""
    hubs = {}
    for name, hub in scenario.hubs.items():
        sized = settings.bounds_kw.get(name, {})
        series = hub.series.copy()
        changes: dict[str, Any] = {}
        if "solar_mw" in sized:
            series["solar_kw"] = 0.0
            changes["solar_kw_nameplate"] = 0.0
        if "wind_mw" in sized:
            series["wind_kw"] = 0.0
            changes["wind_kw_nameplate"] = 0.0
        if "battery_energy_mwh" in sized:
            # Its energy and power are variables; the loader's defaults for the rest when there is none.
            changes["battery"] = (
                hub.battery if hub.battery is not None else Battery(energy_kwh=0.0, power_kw=0.0)
            )
        hubs[name] = dataclasses.replace(hub, series=series, **changes)
    objective = dataclasses.replace(scenario.objective, min_green_share=settings.min_green_share)
    return dataclasses.replace(scenario, hubs=hubs, objective=objective)


def _sizing(scenario: Scenario, planning: Scenario, settings: PlanSettings) -> Sizing:
    steps, hub_names = len(scenario.index), list(scenario.hubs)
    horizon_years = steps * scenario.step_hours / HOURS_PER_YEAR
    profiles = {park: np.zeros((steps, len(hub_names))) for park in ("solar", "wind")}
    bounds = {park: np.zeros((2, len(hub_names))) for park in ("solar", "wind")}
    for h, name in enumerate(hub_names):
        for park in ("solar", "wind"):
            if f"{park}_mw" in settings.bounds_kw.get(name, {}):
                profiles[park][:, h] = unit_profile_kw_per_kw(scenario, name, park)
                bounds[park][:, h] = settings.bounds_kw[name][f"{park}_mw"]
    batteries = tuple(
        name for name in planning.hubs if "battery_energy_mwh" in settings.bounds_kw.get(name, {})
    )
    costs, n_batteries = settings.costs, len(batteries)

    def battery_bounds(key: str) -> np.ndarray:
        return np.array([settings.bounds_kw[n][key] for n in batteries]).T.reshape(2, n_batteries)

    return Sizing(
        solar_kw_per_kw=profiles["solar"],
        wind_kw_per_kw=profiles["wind"],
        solar_kw=bounds["solar"],
        wind_kw=bounds["wind"],
        solar_cost_per_kw=np.full(len(hub_names), costs["solar_cny_per_kw_year"] * horizon_years),
        wind_cost_per_kw=np.full(len(hub_names), costs["wind_cny_per_kw_year"] * horizon_years),
        batteries=batteries,
        battery_energy_kwh=battery_bounds("battery_energy_mwh"),
        battery_power_kw=battery_bounds("battery_power_mw"),
        battery_energy_cost_per_kwh=np.full(
            n_batteries, costs["battery_energy_cny_per_kwh_year"] * horizon_years
        ),
        battery_power_cost_per_kw=np.full(
            n_batteries, costs["battery_power_cny_per_kw_year"] * horizon_years
        ),
    )


_PRICE_OF = {
    "solar_mw": ("solar", "solar_cny_per_kw_year", "solar_kw"),
    "wind_mw": ("wind", "wind_cny_per_kw_year", "wind_kw"),
    "battery_energy_mwh": ("battery_energy", "battery_energy_cny_per_kwh_year", "battery_energy_kwh"),
    "battery_power_mw": ("battery_power", "battery_power_cny_per_kw_year", "battery_power_kw"),
}
"""Capacity key -> (cost part, annual cost key, key of the model's sized capacities)."""


def _sizing_outcome(scenario: Scenario, settings: PlanSettings, chosen_kw: Mapping,
                    planned: pd.Series) -> SizingOutcome:
    """Capacities [MW, MWh] and the cost split over the horizon [CNY] of a solved sizing."""
    horizon_hours = len(scenario.index) * scenario.step_hours
    years = horizon_hours / HOURS_PER_YEAR
    capacities: dict[str, dict[str, float]] = {}
    costs = dict.fromkeys(COST_PARTS, 0.0)
    for hub, sized in settings.bounds_kw.items():
        capacities[hub] = {}
        for name in PLAN_HUB_KEYS:
            if name in sized:
                part, cost_key, model_key = _PRICE_OF[name]
                value_kw = chosen_kw[hub][model_key]
                capacities[hub][name] = value_kw / KW_PER_MW
                costs[part] += value_kw * settings.costs[cost_key] * years
    costs["capacity"] = sum(costs[part] for part in ("solar", "wind", "battery_energy", "battery_power"))
    costs["grid_energy"] = float(planned["cost_cny"])
    costs["carbon"] = float(planned.get("carbon_cost_cny", 0.0))
    costs["total"] = costs["capacity"] + costs["grid_energy"] + costs["carbon"]
    it_mwh = float(planned["it_energy_mwh"])
    return SizingOutcome(min_green_share=settings.min_green_share, capacities=capacities, costs_cny=costs,
                         cost_per_mwh_it_cny=costs["total"] / it_mwh if it_mwh > 0 else math.nan,
                         horizon_hours=horizon_hours, unit_costs=dict(settings.costs))


def size(scenario: Scenario, *, solver: str = "HIGHS") -> StudyResult:
    """Choose the capacities of a scenario's ``[plan]`` table and their operation at least total cost.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``[plan]`` table and ``objective.minimize = "cost"``.
    solver : str
        An installed cvxpy solver (default HiGHS).

    Returns
    -------
    StudyResult
        ``kind="size"``: the scenario with the chosen capacities (rounded up to whole kW and kWh) and the
        target as its floor; schedules ``"coordinated"`` (the planned operation, flows include the chosen
        parks' output) and ``"baseline"`` (running as usual with the chosen capacities);
        :attr:`~engine.studies.result.StudyResult.sizing` holds the capacities and the cost split.

    Raises
    ------
    ScenarioError
        The ``[plan]`` table is invalid (:func:`plan_settings`).
    engine.errors.InfeasibleError
        The target cannot be met even at the upper bounds of the capacities.
    engine.errors.SolverError
        The solver failed or is not installed.
    """
    settings = plan_settings(scenario)
    planning = _planning_scenario(scenario, settings)
    model = CoSchedulingModel(planning, sizing=_sizing(scenario, planning, settings))
    schedule = model.solve(solver=solver)
    outcome = _sizing_outcome(scenario, settings, model.sized_capacities(),
                              statistics(planning, schedule, by="total"))
    planned = _planned_scenario(planning, outcome, schedule)
    return StudyResult(kind="size", scenario=planned,
                       schedules={"coordinated": schedule, "baseline": run_baseline(planned)},
                       solver=SolverInfo.of(schedule), sizing=outcome)


# ------------------------------------------------------------------------------------------------------
# Running the plan
# ------------------------------------------------------------------------------------------------------


def _rounded_up(value: float) -> float:
    """A capacity in MW (MWh) rounded up to whole kW (kWh) [MW]."""
    return math.ceil(value * KW_PER_MW - 1e-6) / KW_PER_MW


def planned_overrides(result: StudyResult) -> dict[str, float]:
    """Scenario keys that give a scenario file the planned capacities (rounded up to whole kW, kWh).

    Use with :func:`engine.inputs.scenario_file.load_scenario`: ``load_scenario(path,
    **planned_overrides(result))`` is the scenario to ``suandian run``; the target is set as
    ``objective.min_green_share``.

    Parameters
    ----------
    result : StudyResult
        A sizing (:func:`size`).

    Returns
    -------
    dict
        Dotted key -> value: ``hubs.<hub>.solar_mw``, ``hubs.<hub>.wind_mw``,
        ``hubs.<hub>.battery.energy_mwh``, ``hubs.<hub>.battery.power_mw`` and
        ``objective.min_green_share``.
    """
    keys = {
        "solar_mw": "solar_mw",
        "wind_mw": "wind_mw",
        "battery_energy_mwh": "battery.energy_mwh",
        "battery_power_mw": "battery.power_mw",
    }
    sizing = result.sizing
    overrides = {
        f"hubs.{hub}.{keys[name]}": _rounded_up(value)
        for hub, chosen in sizing.capacities.items()
        for name, value in chosen.items()
    }
    overrides["objective.min_green_share"] = sizing.min_green_share
    return overrides


def _planned_scenario(planning: Scenario, sizing: SizingOutcome, schedule: Schedule) -> Scenario:
    """The scenario with the planned capacities (rounded up to whole kW, kWh) and the target as its floor.

    Park series are the planned output per kW times the rounded nameplate, plus any parks the plan did
    not size.
    """
    flows = schedule.flows
    hubs = {}
    for name, hub in planning.hubs.items():
        chosen = sizing.capacities.get(name, {})
        changes: dict[str, Any] = {}
        series = hub.series.copy()
        rows = flows[flows["hub"] == name]
        for park in ("solar", "wind"):
            if f"{park}_mw" in chosen:
                planned_mw = chosen[f"{park}_mw"]
                output = rows[f"{park}_kw"].to_numpy(dtype=float)
                scale = _rounded_up(planned_mw) / planned_mw if planned_mw > 0 else 0.0
                series[f"{park}_kw"] = output * scale
                changes[f"{park}_kw_nameplate"] = _rounded_up(planned_mw) * KW_PER_MW
        if "battery_energy_mwh" in chosen:
            changes["battery"] = dataclasses.replace(
                hub.battery,
                energy_kwh=_rounded_up(chosen["battery_energy_mwh"]) * KW_PER_MW,
                power_kw=_rounded_up(chosen["battery_power_mw"]) * KW_PER_MW,
            )
        hubs[name] = dataclasses.replace(hub, series=series, **changes)
    objective = Objective(
        minimize=planning.objective.minimize,
        carbon_price_cny_per_t=planning.objective.carbon_price_cny_per_t,
        min_green_share=sizing.min_green_share,
    )
    return dataclasses.replace(planning, hubs=hubs, objective=objective)
