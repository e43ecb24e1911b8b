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

Running the scenario with the planned capacities (:func:`planned_scenario`, or
``load_scenario(path, **planned_overrides(result))``) reproduces the target: the planned operation is a
feasible schedule of that run. Capacities are rounded *up* to whole kW (kWh), a planner's resolution,
so that solver round-off never makes the run infeasible; rounding up only relaxes its constraints.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.hub_series import TYPICAL, hub_series
from engine.inputs.plan_settings import CAPACITY_UNITS, PLAN_HUB_KEYS, PlanSettings
from engine.inputs.scenario import Battery, Objective, Scenario, plan_settings
from engine.metrics import gains, metrics
from engine.model import CoSchedulingModel, Sizing
from engine.outputs.report import render_report
from engine.schedule import Schedule
from engine.simulate.baseline import run_baseline
from engine.studies.run import RunResult, horizon_record, schedule_table
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
"""Keys of :attr:`PlanResult.costs_cny`."""


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
    settings = scenario.settings.get("hubs", {}).get(hub_name, {})
    catalogue = load_catalogue()
    if hub_name not in catalogue or settings.get("weather", TYPICAL) != TYPICAL:
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
        tracking=bool(settings.get("tracking", False)),
        weather_seed=int(settings.get("weather_seed", 0)),
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


@dataclass(frozen=True)
class PlanResult:
    """The outcome of a sizing.

    Costs are over the scenario's horizon (capacity costs at ``horizon_hours / 8760`` of their annual
    value); for a full-year horizon they are annual costs.

    Attributes
    ----------
    scenario : Scenario
        The scenario as planned: sized parks' series at zero, the target as its green-share floor
        (:func:`planned_scenario` fills in the chosen capacities).
    min_green_share : float
        The hourly-matched green-share target [-].
    capacities : dict
        Hub -> chosen ``solar_mw``, ``wind_mw`` [MW], ``battery_energy_mwh`` [MWh], ``battery_power_mw``
        [MW] for the capacities the plan sized (hubs without sized capacities are left out).
    costs_cny : dict
        :data:`COST_PARTS` -> cost over the horizon [CNY]: capacity by technology, ``capacity`` (their
        sum), ``grid_energy`` (tariff x import), ``carbon`` (carbon price x emissions), ``total``.
    total_cost_cny : float
        ``costs_cny["total"]`` [CNY].
    cost_per_mwh_it_cny : float
        Total cost per MWh of IT energy served [CNY/MWh].
    horizon_hours : float
        Length of the horizon [h].
    unit_costs : dict
        The annual capacity costs used (:data:`COST_DEFAULTS` keys) [CNY per kW-year or kWh-year].
    metrics : dict
        :func:`engine.metrics.metrics` of the planned schedule (totals and ``"hubs"``).
    schedule : Schedule
        The planned operation (flows include the chosen parks' output).
    """

    scenario: Scenario
    min_green_share: float
    capacities: dict
    costs_cny: dict
    total_cost_cny: float
    cost_per_mwh_it_cny: float
    horizon_hours: float
    unit_costs: dict
    metrics: dict
    schedule: Schedule

    @property
    def status(self) -> str:
        """Solver status of the sizing LP."""
        return self.schedule.status

    @property
    def solve_seconds(self) -> float:
        """Model build plus solver time [s]."""
        return self.schedule.build_seconds + self.schedule.solve_seconds


def plan(scenario: Scenario, *, solver: str = "HIGHS") -> PlanResult:
    """Choose the capacities of a scenario's ``[plan]`` table and their operation at least total cost.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``[plan]`` table and ``objective.minimize = "cost"``.
    solver : str
        An installed cvxpy solver (default HiGHS).

    Returns
    -------
    PlanResult

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
    chosen_kw = model.sized_capacities()
    horizon_hours = len(scenario.index) * scenario.step_hours
    years = horizon_hours / HOURS_PER_YEAR
    capacities: dict[str, dict[str, float]] = {}
    costs = dict.fromkeys(COST_PARTS, 0.0)
    price_of = {
        "solar_mw": ("solar", "solar_cny_per_kw_year"),
        "wind_mw": ("wind", "wind_cny_per_kw_year"),
        "battery_energy_mwh": ("battery_energy", "battery_energy_cny_per_kwh_year"),
        "battery_power_mw": ("battery_power", "battery_power_cny_per_kw_year"),
    }
    model_key = {
        "solar_mw": "solar_kw",
        "wind_mw": "wind_kw",
        "battery_energy_mwh": "battery_energy_kwh",
        "battery_power_mw": "battery_power_kw",
    }
    for hub, sized in settings.bounds_kw.items():
        capacities[hub] = {}
        for name in PLAN_HUB_KEYS:
            if name in sized:
                value_kw = chosen_kw[hub][model_key[name]]
                capacities[hub][name] = value_kw / KW_PER_MW
                part, cost_key = price_of[name]
                costs[part] += value_kw * settings.costs[cost_key] * years
    planned_metrics = metrics(planning, schedule)
    costs["capacity"] = sum(costs[part] for part in ("solar", "wind", "battery_energy", "battery_power"))
    costs["grid_energy"] = planned_metrics["cost_cny"]
    costs["carbon"] = planned_metrics.get("carbon_cost_cny", 0.0)
    costs["total"] = costs["capacity"] + costs["grid_energy"] + costs["carbon"]
    it_mwh = planned_metrics["it_energy_mwh"]
    return PlanResult(
        scenario=planning,
        min_green_share=settings.min_green_share,
        capacities=capacities,
        costs_cny=costs,
        total_cost_cny=costs["total"],
        cost_per_mwh_it_cny=costs["total"] / it_mwh if it_mwh > 0 else math.nan,
        horizon_hours=horizon_hours,
        unit_costs=dict(settings.costs),
        metrics=planned_metrics,
        schedule=schedule,
    )


# ------------------------------------------------------------------------------------------------------
# Running the plan
# ------------------------------------------------------------------------------------------------------


def _rounded_up(value: float) -> float:
    """A capacity in MW (MWh) rounded up to whole kW (kWh) [MW]."""
    return math.ceil(value * KW_PER_MW - 1e-6) / KW_PER_MW


def planned_overrides(result: PlanResult) -> dict[str, float]:
    """Scenario keys that give a scenario file the planned capacities (rounded up to whole kW, kWh).

    Use with :func:`engine.inputs.scenario_file.load_scenario`: ``load_scenario(path,
    **planned_overrides(result))`` is the scenario to ``suandian run``; the target is set as
    ``objective.min_green_share``.

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
    overrides = {
        f"hubs.{hub}.{keys[name]}": _rounded_up(value)
        for hub, chosen in result.capacities.items()
        for name, value in chosen.items()
    }
    overrides["objective.min_green_share"] = result.min_green_share
    return overrides


def planned_scenario(result: PlanResult) -> Scenario:
    """The scenario with the planned capacities (rounded up to whole kW, kWh) and the target as its floor.

    Park series are the output per kW of the plan times the rounded nameplate, plus any parks the plan did
    not size; the Scenario can be passed to :func:`engine.studies.run.run`.
    """
    scenario = result.scenario
    flows = result.schedule.flows
    hubs = {}
    for name, hub in scenario.hubs.items():
        chosen = result.capacities.get(name, {})
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
        minimize=scenario.objective.minimize,
        carbon_price_cny_per_t=scenario.objective.carbon_price_cny_per_t,
        min_green_share=result.min_green_share,
    )
    return dataclasses.replace(scenario, hubs=hubs, objective=objective)


def sweep_columns(result: PlanResult) -> dict[str, float]:
    """Flat headline numbers of a plan for a sweep's results table.

    ``coordinated_<metric>`` (totals of the planned schedule), ``plan_total_cost_cny``,
    ``plan_cost_per_mwh_it_cny``, ``plan_min_green_share``, ``plan_costs_cny_<part>`` and
    ``plan_capacities_<hub>_<capacity>``; nothing that depends on timing.
    """
    columns = {
        f"coordinated_{name}": float(value) for name, value in result.metrics.items() if name != "hubs"
    }
    columns.update(
        {
            "plan_total_cost_cny": result.total_cost_cny,
            "plan_cost_per_mwh_it_cny": result.cost_per_mwh_it_cny,
            "plan_min_green_share": result.min_green_share,
        }
    )
    columns.update({f"plan_costs_cny_{part}": value for part, value in result.costs_cny.items()})
    columns.update(
        {
            f"plan_capacities_{hub}_{name}": value
            for hub, chosen in result.capacities.items()
            for name, value in chosen.items()
        }
    )
    return columns


# ------------------------------------------------------------------------------------------------------
# Outputs
# ------------------------------------------------------------------------------------------------------


def plan_summary(result: PlanResult) -> dict:
    """The content of ``plan.json``: scenario, target, capacities, costs, metrics, overrides, solver."""
    scenario = result.scenario
    schedule = result.schedule
    return {
        "scenario": {
            **horizon_record(scenario),
            "horizon_hours": result.horizon_hours,
            "hubs": list(scenario.hubs),
            "settings": scenario.settings,
        },
        "min_green_share": result.min_green_share,
        "capacities": result.capacities,
        "costs_cny": result.costs_cny,
        "total_cost_cny": result.total_cost_cny,
        "cost_per_mwh_it_cny": result.cost_per_mwh_it_cny,
        "unit_costs": result.unit_costs,
        "metrics": result.metrics,
        "planned_overrides": planned_overrides(result),
        "solver": {
            "name": schedule.solver,
            "status": schedule.status,
            "seconds": schedule.build_seconds + schedule.solve_seconds,
            "build_seconds": schedule.build_seconds,
            "solve_seconds": schedule.solve_seconds,
        },
    }


def _plan_section(result: PlanResult) -> str:
    """HTML tables of the chosen capacities and the cost split."""
    rows = "".join(
        f"<tr><td>{html.escape(hub)}</td><td>{html.escape(name)}</td>"
        f"<td>{value:,.1f} {CAPACITY_UNITS[name]}</td></tr>"
        for hub, chosen in result.capacities.items()
        for name, value in chosen.items()
    )
    costs = "".join(
        f"<tr><td>{part.replace('_', ' ')}</td><td>{value / 1e6:,.2f}</td></tr>"
        for part, value in result.costs_cny.items()
    )
    return (
        f"<h2>Plan: least-cost capacities for {result.min_green_share:.0%} hourly-matched green power</h2>"
        "<table><tr><th>hub</th><th>capacity</th><th>chosen</th></tr>"
        f"{rows}</table>"
        f"<p>Cost over the {result.horizon_hours:,.0f} h horizon (annual for a full year) [million CNY]; "
        f"{result.cost_per_mwh_it_cny:,.1f} CNY per MWh of IT energy. Annualised capacity costs: "
        + ", ".join(f"{html.escape(k)} {v:,.1f}" for k, v in result.unit_costs.items())
        + " (engine/plan.py: sources and ASSUMPTIONS).</p>"
        f"<table><tr><th>part</th><th>million CNY</th></tr>{costs}</table>"
    )


def write_plan_outputs(result: PlanResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``plan.json``, ``schedule.csv`` and ``report.html`` into a folder.

    The report is the engine's run report of the planned scenario (the planned operation against running
    as usual with the planned capacities), headed by the capacities and the cost split.

    Parameters
    ----------
    result : PlanResult
        The plan to write.
    out_dir : str or pathlib.Path
        Output folder; created if missing, files in it are overwritten.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"plan": ..., "schedule": ..., "report": ...}``.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "plan": folder / "plan.json",
        "schedule": folder / "schedule.csv",
        "report": folder / "report.html",
    }
    paths["plan"].write_text(
        json.dumps(plan_summary(result), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    schedule_table(result.scenario, result.schedule).to_csv(paths["schedule"], index=False)
    scenario = planned_scenario(result)
    baseline = run_baseline(scenario)
    baseline_metrics = metrics(scenario, baseline)
    run_result = RunResult(
        scenario=scenario,
        coordinated=result.schedule,
        baseline=baseline,
        coordinated_metrics=result.metrics,
        baseline_metrics=baseline_metrics,
        gains=gains(result.metrics, baseline_metrics),
    )
    page = render_report(run_result)
    marker = "<h2>Headline"
    page = page.replace(marker, _plan_section(result) + "\n" + marker, 1)
    paths["report"].write_text(page, encoding="utf-8")
    return paths
