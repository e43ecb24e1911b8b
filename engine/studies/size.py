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

Sizing across weather years (:func:`size_across_years`) holds the target in every year or on average and
is solved by ``plan.method``:

- ``"benders"`` (default): :mod:`engine.studies.benders`, a master LP over the capacities and one
  operation subproblem per year, each year's model compiled once and re-solved from its basis, the years
  on Dask actors when workers are given. It starts from each year's own least-cost design (one 1-year
  sizing LP per year, which also gives a first cut for free) and their per-capacity maximum;
- ``"monolithic"``: the sizing LP on all years as one horizon, with a floor per calendar year
  (``GreenFloor-min_share_<year>``); the reference.

Measured on ``examples/zhongwei_plan_green.toml`` at 100% hourly green (2-core machine shared with other
jobs; load average in brackets). The monolithic LP grows faster than its years: 1 year 7.4 s (0.7;
HiGHS dual simplex, cvxpy compile 0.5 s of it), 2 years 63 s (3.5), 3 years 39-85 s (3-5), 10 years
364 s (0.2-4) and 615 s in an earlier, busier session. HiGHS's interior point is slower on this LP:
1 year 33 s without crossover, 39 s with it, so the simplex stays. Benders on 2 workers
(``benchmarks/bench_plan.py --json``), with the open work crossing New Year as master variables: 10
years 374 s (2.0-2.7), 1,421.6 M CNY (652 MW solar, 59 MW wind, 605 MWh / 90 MW), 0.04% above the
monolithic LP's 1,421.04 M (652, 59, 605 / 92; 1,421 s at load 0.2-1); without deferrable work the two
agree to 1e-9 (the history of both figures: :mod:`engine.studies.benders`). Measured before the
example's export price became 0.148 CNY/kWh (issue 9), so its costs differ today. Where Benders cannot
start from the years alone (:func:`_size_over_years`), the monolithic LP sizes the plan. The latest
``bench_plan.py --years 10``: Benders 228.7 s, under the 5-minute target (374 s above was at load 2-2.7).

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

from engine.errors import InfeasibleError, ScenarioError
from engine.inputs.arrays import scenario_data
from engine.inputs.hub_series import TYPICAL, hub_series, years_weather
from engine.inputs.plan_settings import PLAN_HUB_KEYS, PlanSettings
from engine.inputs.scenario import Battery, Objective, Scenario, plan_settings
from engine.metrics import statistics
from engine.model import CoSchedulingModel, Sizing
from engine.schedule import Schedule, objective_value
from engine.simulate.baseline import run_baseline
from engine.studies.benders import BendersSolution, benders, year_operations
from engine.studies.phases import Phases, unobserved
from engine.studies.result import SizingOutcome, SolverInfo, StudyResult
from weather.catalogue import load_catalogue
from weather.power import HOURS_PER_YEAR

KW_PER_MW = 1000.0


COST_PARTS = (
    "solar",
    "wind",
    "battery_energy",
    "battery_power",
    "capacity",
    "operation",
    "export_revenue",
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
    costs["operation"] = float(planned["cost_cny"])
    costs["export_revenue"] = float(planned.get("export_revenue_cny", 0.0))
    costs["carbon"] = float(planned.get("carbon_cost_cny", 0.0))
    costs["total"] = costs["capacity"] + costs["operation"] + costs["carbon"]
    it_mwh = float(planned["it_energy_mwh"])
    return SizingOutcome(min_green_share=settings.min_green_share, capacities=capacities, costs_cny=costs,
                         cost_per_mwh_it_cny=costs["total"] / it_mwh if it_mwh > 0 else math.nan,
                         horizon_hours=horizon_hours, unit_costs=dict(settings.costs))


def size(scenario: Scenario, *, solver: str = "HIGHS", phases: Phases = unobserved) -> StudyResult:
    """Choose the capacities of a scenario's ``[plan]`` table and their operation at least total cost.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``[plan]`` table and ``objective.minimize = "cost"``.
    solver : str
        An installed cvxpy solver (default HiGHS).
    phases : callable, optional
        Told ``"building"`` and ``"solving"`` as the sizing enters them (:mod:`engine.studies.phases`).

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
    return _size(scenario, solver, year_floors=False, phases=phases)


def _size(scenario: Scenario, solver: str, year_floors: bool, phases: Phases = unobserved) -> StudyResult:
    """:func:`size`, with the target in every calendar year as well when ``year_floors``."""
    phases("building")
    settings = plan_settings(scenario)
    planning = _planning_scenario(scenario, settings)
    periods = {str(year): rows for year, rows in _year_slices(planning)} if year_floors else None
    model = CoSchedulingModel(planning, sizing=_sizing(scenario, planning, settings),
                              green_floor_periods=periods)
    phases("solving")
    schedule = model.solve(solver=solver)
    return _result(scenario, planning, settings, model.sized_capacities(), schedule)


def _result(scenario: Scenario, planning: Scenario, settings: PlanSettings, chosen_kw: Mapping,
            schedule: Schedule) -> StudyResult:
    """The sizing's :class:`StudyResult` from its chosen capacities [kW, kWh] and planned operation."""
    outcome = _sizing_outcome(scenario, settings, chosen_kw, statistics(planning, schedule, by="total"))
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


# ------------------------------------------------------------------------------------------------------
# Sizing across weather years
# ------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class YearsPlan:
    """One design sized for several weather years, and how it does in each year.

    Attributes
    ----------
    result : StudyResult
        The sizing (:func:`size`) over the sized years as one horizon.
    years : pandas.DataFrame
        One row per weather year: ``year`` (local calendar year), ``sample`` (``"sized"`` or
        ``"out_of_sample"``), ``cost_cny`` (annual capacity cost + that year's grid energy at the tariff
        [CNY]; demand charges and other economics stay in the sizing's total, not split by year),
        ``cost_per_mwh_it_cny`` [CNY/MWh], ``green_share_hourly`` [-] and ``peak_grid_import_mw``
        (the firm backup still needed [MW]).
    target : str
        ``"every_year"`` or ``"average"`` (:data:`engine.inputs.plan_settings.TARGETS`).
    """

    result: StudyResult
    years: pd.DataFrame
    target: str

    def spread(self) -> dict:
        """Per sample, the min, mean and max of each per-year figure (same units as :attr:`years`)."""
        figures = ["cost_cny", "cost_per_mwh_it_cny", "green_share_hourly", "peak_grid_import_mw"]
        return {sample: {name: {"min": float(rows[name].min()), "mean": float(rows[name].mean()),
                                "max": float(rows[name].max())} for name in figures}
                for sample, rows in self.years.groupby("sample")}


def _one_calendar_year(scenario: Scenario) -> int:
    """The local calendar year a scenario covers exactly, or a ScenarioError naming ``plan.years``."""
    local = scenario.index.tz_convert(scenario.timezone)
    year = local[0].year
    whole = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq=pd.Timedelta(hours=scenario.step_hours),
                          inclusive="left", tz=scenario.timezone)
    if len(local) != len(whole) or local[0] != whole[0]:
        raise ScenarioError(
            f"plan.years: sizing across weather years needs a scenario of one whole local calendar year, "
            f"got {len(local)} steps from {local[0]}. Fix: start = \"{year}-01-01 00:00\" and "
            f"hours = {len(whole) * scenario.step_hours:g}.")
    return year


def years_scenario(scenario: Scenario, first: int, count: int) -> Scenario:
    """The scenario over ``count`` synthetic weather years, from year ``first`` after its own.

    Every hub gets :func:`engine.inputs.hub_series.years_weather` (year i with typical-year seed
    ``weather_seed x 1000 + i`` and the i-th correlated anomaly), parks at their nameplates (a park the
    plan sizes at least 1 MW, so its output per kW is known); firm load, PUE and workload arrivals repeat
    the scenario's year; carbon and price follow the catalogue on the longer calendar.
    """
    year0 = _one_calendar_year(scenario)
    step = pd.Timedelta(hours=scenario.step_hours)
    local = pd.date_range(f"{year0 + first}-01-01", f"{year0 + first + count}-01-01", freq=step,
                          inclusive="left", tz=scenario.timezone)
    index = local.tz_convert("UTC")
    sized = scenario.plan.bounds_kw if scenario.plan is not None else {}
    catalogue, hubs = load_catalogue(), {}
    for name, hub in scenario.hubs.items():
        if name not in catalogue or hub.weather != TYPICAL:
            raise ScenarioError(f"hubs.{name}.weather: sizing across weather years uses the synthetic years "
                                "of a catalogue hub, got a weather file or a custom hub. Fix: remove "
                                f"hubs.{name}.weather, or set plan.years = 1.")
        record = years_weather(catalogue[name], year0, first + count, hub.weather_seed)
        keep = record.data.index.tz_convert(scenario.timezone).year >= year0 + first
        record = dataclasses.replace(record, data=record.data.loc[keep])
        nameplates = {park: max(getattr(hub, f"{park}_kw_nameplate"),
                                KW_PER_MW if f"{park}_mw" in sized.get(name, {}) else 0.0)
                      for park in ("solar", "wind")}
        repeated = pd.DataFrame({column: np.resize(hub.series[column].to_numpy(), len(index))
                                 for column in ("firm_it_kw", "pue")}, index=index)
        series = hub_series(catalogue[name], index, step, key=f"hubs.{name}", solar_kw=nameplates["solar"],
                            wind_kw=nameplates["wind"], tracking=hub.tracking, weather=record,
                            profiles=repeated)
        hubs[name] = dataclasses.replace(hub, series=series, solar_kw_nameplate=nameplates["solar"],
                                         wind_kw_nameplate=nameplates["wind"])
    workloads = tuple(dataclasses.replace(w, arrival_it_kw=pd.Series(
        np.resize(w.arrival_it_kw.to_numpy(), len(index)), index=index, name=w.arrival_it_kw.name))
        for w in scenario.workloads)
    return dataclasses.replace(scenario, index=index, hubs=hubs, workloads=workloads)


def _period(scenario: Scenario, rows: slice) -> Scenario:
    """The scenario on the steps ``rows`` of its index only (series, arrivals)."""
    hubs = {name: dataclasses.replace(hub, series=hub.series.iloc[rows])
            for name, hub in scenario.hubs.items()}
    workloads = tuple(dataclasses.replace(w, arrival_it_kw=w.arrival_it_kw.iloc[rows])
                      for w in scenario.workloads)
    return dataclasses.replace(scenario, index=scenario.index[rows], hubs=hubs, workloads=workloads)


_CAPACITY_FAMILIES = (("solar_kw", "solar_cost_per_kw"), ("wind_kw", "wind_cost_per_kw"),
                      ("battery_energy_kwh", "battery_energy_cost_per_kwh"),
                      ("battery_power_kw", "battery_power_cost_per_kw"))
"""(Bounds, cost) fields of :class:`Sizing` in the order of the Benders capacity vector."""


def _size_by_years(scenario: Scenario, solver: str,
                   workers: int | None) -> tuple[StudyResult, BendersSolution]:
    """:func:`_size` with the target in every year (or on average) by Benders over the calendar years
    (:mod:`engine.studies.benders`): one operation subproblem per year."""
    settings = plan_settings(scenario)
    planning = _planning_scenario(scenario, settings)
    sizing = _sizing(scenario, planning, settings)
    horizon, slices = len(planning.index), [rows for _, rows in _year_slices(planning)]
    work, carry_kwh = _year_work(planning, slices)
    years = [(_period(planning, rows), _period_sizing(sizing, rows, horizon), own)
             for rows, own in zip(slices, work, strict=True)]
    cost = np.concatenate([getattr(sizing, price) for _, price in _CAPACITY_FAMILIES])
    bounds = np.concatenate([getattr(sizing, bound) for bound, _ in _CAPACITY_FAMILIES], axis=1)
    with year_operations(years, solver, workers) as operations:
        n_hubs, sized = len(planning.hubs), sizing.batteries
        shares = np.array([planning.hubs[name].battery.initial_soc for name in sized])
        solution = benders(operations.evaluate, cost, bounds, operations.own_designs(),
                           settings.target == "average", settings.min_green_share,
                           (slice(2 * n_hubs, 2 * n_hubs + len(sized)), shares), carry_kwh)
        schedules = operations.schedules(solution)
    flows = pd.concat([s.flows[s.flows["hub"] == hub] for hub in planning.hubs for s in schedules],
                      ignore_index=True)  # hub-major, steps in time order, as every Schedule's flows
    schedule = Schedule(
        kind="coordinated", flows=flows, status=schedules[0].status,
        objective=objective_value(planning, flows), solver=schedules[0].solver,
        build_seconds=sum(s.build_seconds for s in schedules),
        solve_seconds=sum(s.solve_seconds for s in schedules),
        marginal_price=pd.concat([s.marginal_price for s in schedules]),
        link_value=None if schedules[0].link_value is None else sum(s.link_value for s in schedules))
    chosen = _chosen_kw(planning, sizing, solution.point["capacities"])
    return _result(scenario, planning, settings, chosen, schedule), solution


def _year_work(planning: Scenario, slices: list[slice]) -> tuple[list, np.ndarray]:
    """The horizon's deadlines cut into years (:meth:`engine.studies.benders.YearOperation.set_work`):
    per year released and due cumulative IT energy less the released at its start [kWh], and the work
    that has arrived but is not yet due at each New Year between two years, ``(years - 1, workloads)``
    [kWh] (the most the next year can take over)."""
    data = scenario_data(planning)
    released, due = data.released_kwh, np.minimum(data.due_kwh, data.released_kwh)
    work = []
    for rows in slices:
        before = released[rows.start - 1] if rows.start else np.zeros(released.shape[1])
        work.append((released[rows] - before, due[rows] - before))
    ends = [rows.stop - 1 for rows in slices[:-1]]
    return work, released[ends] - due[ends]


def _period_sizing(sizing: Sizing, rows: slice, horizon_steps: int) -> Sizing:
    """The sizing on the steps ``rows`` of a ``horizon_steps`` horizon: those steps' profiles and costs."""
    share = (rows.stop - rows.start) / horizon_steps
    return dataclasses.replace(sizing, solar_kw_per_kw=sizing.solar_kw_per_kw[rows],
                               wind_kw_per_kw=sizing.wind_kw_per_kw[rows],
                               **{price: getattr(sizing, price) * share for _, price in _CAPACITY_FAMILIES})


def _chosen_kw(planning: Scenario, sizing: Sizing, capacities: np.ndarray) -> dict[str, dict[str, float]]:
    """The Benders capacity vector as :meth:`CoSchedulingModel.sized_capacities` gives it [kW, kWh]."""
    sizes = [len(planning.hubs), len(planning.hubs), len(sizing.batteries), len(sizing.batteries)]
    parts = dict(zip([bound for bound, _ in _CAPACITY_FAMILIES], np.split(capacities, np.cumsum(sizes)[:3]),
                     strict=True))
    chosen = {name: {"solar_kw": float(parts["solar_kw"][h]), "wind_kw": float(parts["wind_kw"][h])}
              for h, name in enumerate(planning.hubs)}
    for i, name in enumerate(sizing.batteries):
        chosen[name]["battery_energy_kwh"] = float(parts["battery_energy_kwh"][i])
        chosen[name]["battery_power_kw"] = float(parts["battery_power_kw"][i])
    return chosen


def _year_slices(scenario: Scenario) -> list[tuple[int, slice]]:
    """(local calendar year, slice of its steps) of a scenario's index."""
    years = scenario.index.tz_convert(scenario.timezone).year.to_numpy()
    return [(int(y), slice(int(np.argmax(years == y)), int(len(years) - np.argmax(years[::-1] == y))))
            for y in np.unique(years)]


def year_figures(scenario: Scenario, schedule: Schedule, capacity_cost_cny_per_year: float,
                 sample: str) -> pd.DataFrame:
    """Per local calendar year of a schedule: cost, green share and firm backup (:class:`YearsPlan`)."""
    flows = schedule.flows
    hubs = [flows[flows["hub"] == name] for name in scenario.hubs]
    dt = scenario.step_hours

    def total(column: str) -> np.ndarray:
        return sum(rows[column].to_numpy(dtype=float) for rows in hubs)

    grid, facility, it = total("grid_import_kw"), total("facility_kw"), total("it_kw")
    grid_cost = sum((rows["grid_import_kw"] * rows["price_cny_per_kwh"]).to_numpy(dtype=float)
                    for rows in hubs)
    records = []
    for year, rows in _year_slices(scenario):
        cost = capacity_cost_cny_per_year + float(grid_cost[rows].sum() * dt)
        it_mwh = float(it[rows].sum() * dt / KW_PER_MW)
        records.append({"year": year, "sample": sample, "cost_cny": cost,
                        "cost_per_mwh_it_cny": cost / it_mwh if it_mwh > 0 else math.nan,
                        "green_share_hourly": 1.0 - float(grid[rows].sum() / facility[rows].sum()),
                        "peak_grid_import_mw": float(grid[rows].max() / KW_PER_MW)})
    return pd.DataFrame(records)


def _design_scenario(scenario: Scenario, result: StudyResult) -> Scenario:
    """The scenario with the planned capacities (rounded up) as its parks and batteries, no green floor,
    least grid import: how green the design runs in a year it was not sized on."""
    hubs = {}
    for name, hub in scenario.hubs.items():
        chosen = result.sizing.capacities.get(name, {})
        changes: dict[str, Any] = {f"{park}_kw_nameplate": _rounded_up(chosen[f"{park}_mw"]) * KW_PER_MW
                                   for park in ("solar", "wind") if f"{park}_mw" in chosen}
        if "battery_energy_mwh" in chosen:
            changes["battery"] = result.scenario.hubs[name].battery
        hubs[name] = dataclasses.replace(hub, **changes)
    objective = dataclasses.replace(scenario.objective, minimize="grid", min_green_share=0.0)
    return dataclasses.replace(scenario, hubs=hubs, objective=objective, plan=None)


def _size_over_years(sized: Scenario, solver: str, workers: int | None, phases: Phases) -> StudyResult:
    """The sizing of ``sized`` (several calendar years) by its ``plan.method`` (:func:`size_across_years`).

    Benders starts from each year's own design with no work crossing New Year: a year that cannot meet
    the target alone (the average target), or that must leave work undone at midnight, cannot start it
    though the years together can. Then the monolithic LP sizes the years, which has neither limit and
    names the binding requirement when the target truly cannot be met.
    """
    settings = plan_settings(sized)
    year_floors = settings.target == "every_year"
    if settings.method == "monolithic":
        return _size(sized, solver, year_floors=year_floors, phases=phases)
    phases("solving")
    try:
        return _size_by_years(sized, solver, workers)[0]
    except InfeasibleError:
        phases("solving all years as one LP (a year cannot start the decomposition alone)")
        return _size(sized, solver, year_floors=year_floors, phases=phases)


def size_across_years(scenario: Scenario, *, solver: str = "HIGHS", workers: int | None = None,
                      phases: Phases = unobserved) -> YearsPlan:
    """One design for ``plan.years`` weather years, scored on them and on ``plan.out_of_sample_years``.

    ``plan.target = "every_year"`` (default) holds the green floor in each calendar year; ``"average"``
    only over all years. ``plan.method = "benders"`` (default) decomposes the sizing into one operation
    subproblem per year under a master LP over the capacities and the batteries' state at each New Year
    (:mod:`engine.studies.benders`); ``"monolithic"`` solves the sizing LP of :func:`size` on all the
    years as one horizon, the reference.
    Each further year is then operated with the design (rounded up), least grid import, no floor.

    Parameters
    ----------
    scenario : Scenario
        A scenario of one whole local calendar year with a ``[plan]`` table, catalogue hubs on the
        typical weather.
    solver : str
        An installed cvxpy solver (default HiGHS).
    workers : int, optional
        Benders only: local Dask worker processes, each year's subproblem on one of them (a Dask actor);
        default ``None``, every year in this process.
    phases : callable, optional
        Told ``"building"`` (monolithic), ``"solving"`` and ``"solving the out-of-sample years"`` as the
        plan enters them (:mod:`engine.studies.phases`); Benders that cannot start from the years
        alone is told so and falls back to the monolithic LP.

    Returns
    -------
    YearsPlan
        The sizing and one row of figures per year.

    Raises
    ------
    ScenarioError
        Not one calendar year, a weather file or custom hub, or an invalid ``[plan]`` table.
    engine.errors.InfeasibleError
        The target cannot be met (in some year) within the capacity bounds.
    """
    settings = plan_settings(scenario)
    sized = years_scenario(scenario, 0, settings.years)
    result = _size_over_years(sized, solver, workers, phases)
    annual = result.sizing.costs_cny["capacity"] / settings.years
    figures = [year_figures(sized, result.schedules["coordinated"], annual, "sized")]
    if settings.out_of_sample_years:
        later = years_scenario(_design_scenario(scenario, result), settings.years,
                               settings.out_of_sample_years)
        phases("solving the out-of-sample years")
        operated = CoSchedulingModel(later).solve(solver=solver)
        figures.append(year_figures(later, operated, annual, "out_of_sample"))
    return YearsPlan(result=result, years=pd.concat(figures, ignore_index=True), target=settings.target)
