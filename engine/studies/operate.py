"""Rolling operation: plan on forecasts, commit, settle against the weather that actually came.

At each planning time the scenario's co-scheduling LP is solved over a look-ahead of ``lookahead_hours``
on *forecast* solar and wind (the other series -- firm load, PUE, tariff, carbon -- are the scenario's),
starting from the state operation has reached: the battery state of charge and the work not yet done.
The plan is committed up to the next planning time and settled against the *actual* renewables
(:mod:`engine.simulate.settle`). The look-ahead model (:class:`RollingPlanner`) is compiled once; every
re-plan
only assigns Parameter values (:meth:`engine.model.lp.CoSchedulingModel.update`) and re-solves.

Planning times: the scenario start, then the first daily forecast issue (``issue_hour`` local time) and
every ``replan_hours`` after it. Each plan uses the latest issue at or before its planning time. No
forecast exists before the first issue (the weather before the scenario start is unknown), so the hours
from the scenario start to the first issue are planned on the actual renewables (ASSUMPTION: they are
short -- at most a day -- and this flatters only them).

State carried between plans
---------------------------
- Battery: the settled state of charge at the planning time is the look-ahead's initial state. Terminal
  condition: every look-ahead ends at the scenario's own terminal state ``initial_soc x energy_kwh``
  (the one-shot schedule's condition, applied at each look-ahead end so no plan empties the battery at
  its horizon edge). Past the scenario end the look-ahead is padded with idle steps (no load, no
  renewables, dear grid), so the battery's state at the scenario end is the terminal one whenever the
  plan holds.
- Work: with cumulative arrivals ``A`` [kWh] of a workload and cumulative work done ``X`` by the
  planning step ``i0``, the work still to do is first in, first out the latest arrivals. In look-ahead
  step ``k`` (scenario step ``i0 + k``)::

      released_k = A[i0 + k] - X
      due_k      = max(A[i0 + k - D + 1] - X, 0)      (cohorts whose deadline ends by then)

  so backlog keeps its original arrival and deadline; work already late is due at once (``k = 0``), and
  everything is due at the scenario end (the one-shot's horizon clip).

If a look-ahead cannot be planned (e.g. the battery cannot get back to the terminal state on a calm,
dark forecast, or late work cannot be caught up at once), it is planned once more relaxed: the terminal
state becomes ``min(terminal, current)``, late work is due at the end of the look-ahead, and the
green-share floor is dropped for that plan. If even that fails, the plan finishes by the scenario end
only the largest feasible share of the work whose deadline the end cuts short (a finite look-ahead does
not see the end coming, and a cautious forecast may leave too little power), and last scales every
deadline requirement down by the largest feasible share (bisection). The work left undone shows as
missed deadlines. Relaxed plans are counted in ``result.operation.replans["relaxed"]``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import InfeasibleError, ScenarioError
from engine.inputs.arrays import ModelData, scenario_data
from engine.inputs.deadlines import deadline_steps
from engine.inputs.scenario import Scenario
from engine.model import CoSchedulingModel, solve
from engine.schedule import Schedule, flows_frame, objective_value
from engine.simulate.baseline import run_baseline
from engine.simulate.settle import HubLimits, settle
from engine.studies.result import OperationOutcome, SolverInfo, StudyResult
from weather.forecast import ForecastErrorModel, ForecastSet, day_ahead_forecast, day_ahead_skill

PAD_WEIGHT_FACTOR = 10.0
"""Tariff and carbon of the idle steps padded past the scenario end, as a multiple of the scenario's
highest [-]: grid energy there is dear, so no plan defers battery charging past the end."""

BISECTION_STEPS = 6
"""Bisection steps on the share of deadline requirements a degraded plan keeps (resolution 1/64)."""

_PLAN_COLUMNS = ("pue", "renewable_used_kw", "grid_import_kw", "battery_charge_kw",
                 "battery_discharge_kw")


def _check_hours(name: str, hours: float, step_hours: float) -> int:
    steps = hours / step_hours
    if not np.isfinite(steps) or steps < 1 or abs(steps - round(steps)) > 1e-9:
        raise ScenarioError(f"{name}: expected a whole number (>= 1) of {step_hours:g} h steps, got "
                            f"{hours!r} h; pass a multiple of the scenario's step, e.g. 24")
    return int(round(steps))


def _lookahead_scenario(scenario: Scenario, steps: int) -> Scenario:
    """A scenario of the look-ahead's shape (same hubs, workloads, links; ``steps`` steps)."""
    step = pd.Timedelta(hours=scenario.step_hours)
    index = pd.date_range(scenario.index[0], periods=steps, freq=step)
    take = np.minimum(np.arange(steps), len(scenario.index) - 1)
    hubs = {name: dataclasses.replace(hub, series=hub.series.iloc[take].set_axis(index))
            for name, hub in scenario.hubs.items()}
    workloads = tuple(dataclasses.replace(w, arrival_it_kw=pd.Series(0.0, index=index))
                      for w in scenario.workloads)
    return dataclasses.replace(scenario, index=index, hubs=hubs, workloads=workloads)


class RollingPlanner:
    """The look-ahead LP of a scenario, compiled once and re-planned from any state.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its series give firm load, PUE, tariff and carbon; arrivals give the work).
    lookahead_steps : int
        Steps in each look-ahead.

    Attributes
    ----------
    model : CoSchedulingModel
        The compiled look-ahead model (PUE as a Parameter).
    """

    def __init__(self, scenario: Scenario, lookahead_steps: int) -> None:
        self.scenario = scenario
        self.steps = lookahead_steps
        self.model = CoSchedulingModel(_lookahead_scenario(scenario, lookahead_steps), pue_parameter=True)
        self._full = scenario_data(scenario)
        self._deadlines = np.array([deadline_steps(w.deadline_hours, scenario.step_hours)
                                    for w in scenario.workloads], dtype=int)
        self._soc_target = np.array([h.battery.initial_soc * h.battery.energy_kwh
                                     for h in scenario.hubs.values() if h.battery is not None])
        self._battery_columns = [i for i, h in enumerate(scenario.hubs.values()) if h.battery is not None]

    def data(self, start: int, renewable_kw: np.ndarray, done_kwh: np.ndarray, soc_kwh: np.ndarray, *,
             relaxed: bool = False, end_share: float = 1.0) -> ModelData:
        """The look-ahead's :class:`ModelData` from scenario step ``start`` (module docstring).

        Parameters
        ----------
        start : int
            Scenario step of the planning time.
        renewable_kw : numpy.ndarray
            ``(real steps, hubs)`` forecast solar plus wind for the look-ahead steps inside the scenario
            [kW]; padded with zeros past the end.
        done_kwh : numpy.ndarray
            ``(workloads,)`` cumulative work done before ``start`` [kWh].
        soc_kwh : numpy.ndarray
            ``(hubs,)`` state of charge at ``start`` [kWh] (only battery hubs are read).
        relaxed : bool
            The relaxed look-ahead (terminal state and late work; module docstring).
        end_share : float
            Share of the work whose deadline the scenario end cuts short (arrived within a deadline of
            the end) that must be done by the end [-]; 1 is the one-shot's rule.
        """
        full, total, steps = self._full, len(self.scenario.index), self.steps
        position = start + np.arange(steps)
        real = position < total
        take = np.minimum(position, total - 1)
        renewable = np.zeros((steps, len(self.scenario.hubs)))
        renewable[: len(renewable_kw)] = renewable_kw
        pad = ~real[:, None]
        arrived = full.released_kwh  # cumulative arrivals A [kWh]
        released = np.clip(arrived[take] - done_kwh, 0.0, None)
        source = position[:, None] - self._deadlines[None, :] + 1
        column = np.arange(len(self._deadlines))[None, :]
        due = np.where(source >= 0, arrived[np.clip(source, 0, total - 1), column], 0.0) - done_kwh
        due = np.clip(due, 0.0, None)
        at_end = (position >= total - 1)[:, None]
        naturally = arrived[np.clip(total - self._deadlines, 0, total - 1), column[0]]
        due_naturally = np.clip(naturally - done_kwh, 0.0, None)
        due = np.where(at_end, due_naturally + end_share * (released - due_naturally), due)
        soc = np.asarray(soc_kwh, dtype=float)[self._battery_columns]
        final = self._soc_target.copy()
        if relaxed:
            late_source = start - self._deadlines
            late = np.where(late_source >= 0, arrived[np.maximum(late_source, 0), column[0]], 0.0) - done_kwh
            last = due[-1].copy()
            due = np.where(at_end, due, np.clip(due - np.clip(late, 0.0, None), 0.0, None))
            due[-1] = last
            final = np.minimum(final, soc)
        return ModelData(
            index=self.scenario.index[take], renewable_kw=renewable,
            firm_it_kw=np.where(pad, 0.0, full.firm_it_kw[take]), pue=np.where(pad, 1.0, full.pue[take]),
            carbon_g_per_kwh=np.where(pad, PAD_WEIGHT_FACTOR * full.carbon_g_per_kwh.max(),
                                      full.carbon_g_per_kwh[take]),
            price_cny_per_kwh=np.where(pad, PAD_WEIGHT_FACTOR * full.price_cny_per_kwh.max(),
                                       full.price_cny_per_kwh[take]),
            released_kwh=released, due_kwh=due, initial_soc_kwh=soc, final_soc_kwh=final)

    def plan(self, start: int, renewable_kw: np.ndarray, done_kwh: np.ndarray, soc_kwh: np.ndarray,
             solver: str = "HIGHS") -> tuple[Schedule, bool]:
        """Re-plan from scenario step ``start``: update the Parameters and re-solve (no recompile).

        Tries the strict look-ahead, then the relaxed one; then, keeping the relaxed deadlines, finishes
        by the scenario end only the largest feasible share of the work whose deadline the end cuts
        short (bisection to 1/64: earlier plans could not see the end coming); and last, scales every
        deadline requirement by the largest feasible share. Work left undone shows as missed deadlines.

        Returns
        -------
        tuple of (Schedule, bool)
            The look-ahead plan and whether it had to be relaxed.

        Raises
        ------
        InfeasibleError
            Not even the relaxed look-ahead without deadline requirements can be planned.
        """
        try:
            return self._solve(self.data(start, renewable_kw, done_kwh, soc_kwh), solver), False
        except InfeasibleError as error:
            failure = error
        relaxed = self.data(start, renewable_kw, done_kwh, soc_kwh, relaxed=True)
        try:
            return self._solve(relaxed, solver, green_floor=False), True
        except InfeasibleError:
            pass
        if start + self.steps >= len(self.scenario.index):
            without_end = self.data(start, renewable_kw, done_kwh, soc_kwh, relaxed=True, end_share=0.0)
            try:
                return self._largest_feasible(relaxed, without_end, solver), True
            except InfeasibleError:
                pass
        nothing_due = dataclasses.replace(relaxed, due_kwh=np.zeros_like(relaxed.due_kwh))
        try:
            return self._largest_feasible(relaxed, nothing_due, solver), True
        except InfeasibleError as error:
            when = self.scenario.index[start].tz_convert(self.scenario.timezone)
            raise InfeasibleError(f"operation at {when:%Y-%m-%d %H:%M %z}: the look-ahead cannot be planned "
                                  f"even without deadlines: {error}") from failure

    def _largest_feasible(self, full: ModelData, least: ModelData, solver: str) -> Schedule:
        """Solve with ``due = least + share x (full - least)`` for the largest feasible share (bisection).

        Raises
        ------
        InfeasibleError
            ``least`` itself is infeasible.
        """
        def with_share(share: float) -> Schedule:
            due = least.due_kwh + share * (full.due_kwh - least.due_kwh)
            return self._solve(dataclasses.replace(least, due_kwh=due), solver, green_floor=False)

        plan, low, high, plan_share = with_share(0.0), 0.0, 1.0, 0.0
        for _ in range(BISECTION_STEPS):
            middle = 0.5 * (low + high)
            try:
                plan, plan_share = with_share(middle), middle
                low = middle
            except InfeasibleError:
                high = middle
        return plan if plan_share == low else with_share(low)

    def _solve(self, data: ModelData, solver: str, *, green_floor: bool = True) -> Schedule:
        self.model.update(data)
        if not green_floor:
            self.model.parameters["min_green_share"].value = 0.0
        return self.model.solve(solver)


def default_forecasts(scenario: Scenario, *, issue_hour: int = 12, horizon_hours: float = 72.0, seed: int = 0,
                      error_model: ForecastErrorModel | None = None) -> dict[str, ForecastSet]:
    """Day-ahead forecasts of every hub's parks from the offline error model.

    Hub ``k`` (scenario order) uses seed ``seed x 1009 + k`` so that hubs' errors are independent.
    Nameplates are the hub's (or its highest output where a profile gives power without a nameplate).

    Returns
    -------
    dict of str to ForecastSet
        One forecast set per hub (:func:`weather.forecast.day_ahead_forecast`).
    """
    forecasts = {}
    for k, (name, hub) in enumerate(scenario.hubs.items()):
        actual = hub.series[["solar_kw", "wind_kw"]]
        forecasts[name] = day_ahead_forecast(
            actual, max(hub.solar_kw_nameplate, float(actual["solar_kw"].max())),
            max(hub.wind_kw_nameplate, float(actual["wind_kw"].max())), issue_hour=issue_hour,
            horizon_hours=horizon_hours, seed=seed * 1009 + k, error_model=error_model)
    return forecasts


def _forecast_window(forecast: ForecastSet, actual: pd.DataFrame, start: int, steps: int,
                     step_hours: float) -> np.ndarray:
    """Forecast solar + wind [kW] for ``steps`` scenario steps from ``start``, as known at ``start``."""
    moment = actual.index[start]
    first_issue = forecast.issue_times[0]
    if moment >= first_issue:
        window = forecast.issue(forecast.latest_issue(moment), steps * step_hours, start=moment)
        return (window["solar_kw"] + window["wind_kw"]).to_numpy(dtype=float)
    known = min(steps, int(round((first_issue - moment) / pd.Timedelta(hours=step_hours))))
    head = (actual["solar_kw"] + actual["wind_kw"]).to_numpy(dtype=float)[start:start + known]
    if known == steps:
        return head
    window = forecast.issue(first_issue, (steps - known) * step_hours, start=first_issue)
    return np.concatenate([head, (window["solar_kw"] + window["wind_kw"]).to_numpy(dtype=float)])


def planning_steps(scenario: Scenario, issue_hour: int, replan_steps: int) -> np.ndarray:
    """Scenario steps of the planning times: the start, the first local ``issue_hour``, then every
    ``replan_steps`` steps."""
    local = scenario.index.tz_convert(scenario.timezone)
    at_issue = np.flatnonzero((local.hour == issue_hour) & (local.minute == 0))
    first = int(at_issue[0]) if len(at_issue) else len(scenario.index)
    later = np.arange(first, len(scenario.index), replan_steps)
    return np.unique(np.concatenate([[0], later])).astype(int)


def _check_operation(scenario: Scenario, issue_hour: int, lookahead_hours: float, replan_hours: float,
                     quantile: float | None) -> tuple[int, np.ndarray]:
    """Look-ahead steps and planning steps of an operation, after checking its settings."""
    dt = scenario.step_hours
    lookahead = _check_hours("lookahead_hours", lookahead_hours, dt)
    replan = _check_hours("replan_hours", replan_hours, dt)
    if replan > lookahead:
        raise ScenarioError(f"replan_hours: expected at most lookahead_hours ({lookahead_hours:g} h), got "
                            f"{replan_hours:g} h; commit no more than each plan covers")
    if quantile is not None and not 0.0 < quantile < 1.0:
        raise ScenarioError(f"quantile: expected a probability strictly between 0 and 1, got {quantile!r}; "
                            "pass e.g. 0.1 for cautious planning")
    starts = planning_steps(scenario, issue_hour, replan)
    if len(starts) > 1 and starts[1] > lookahead:
        raise ScenarioError(f"lookahead_hours: expected at least the {starts[1] * dt:g} h from the scenario "
                            f"start to the first {issue_hour}:00 issue, got {lookahead_hours:g} h; "
                            "lengthen the look-ahead")
    return lookahead, starts


def _planning_forecasts(forecasts: Mapping[str, ForecastSet], scenario: Scenario,
                        quantile: float | None) -> dict[str, ForecastSet]:
    """The forecasts the plans use: the point forecasts, or their ``quantile``."""
    missing = [name for name in scenario.hubs if name not in forecasts]
    if missing:
        raise ScenarioError(f"forecasts: expected a ForecastSet for every hub, missing {missing}; pass one "
                            "per hub or leave forecasts out for the offline error model")
    if quantile is None:
        return dict(forecasts)
    return {name: dataclasses.replace(fs, **fs.quantiles((quantile,))[quantile])
            for name, fs in forecasts.items()}


_SETTLED = ("renewable_used_kw", "curtailed_kw", "grid_import_kw", "battery_charge_kw",
            "battery_discharge_kw", "battery_soc_kwh", "it_kw", "facility_kw", "unserved_kw")
"""Settled flows of every committed step."""


@dataclass
class _Rolled:
    """What rolling operation accumulates: settled flows, plans, timings (arrays are steps x hubs)."""

    settled: dict
    workload_it_kw: np.ndarray
    planned_renewable_kw: np.ndarray
    seconds: list
    relaxed: list
    initial_soc: list
    status: str = ""
    postponed_kwh: float = 0.0


def _roll(scenario: Scenario, planner: RollingPlanner, planning: Mapping[str, ForecastSet],
          starts: np.ndarray, solver: str) -> _Rolled:
    """Plan at every planning step, commit up to the next one and settle on the actual renewables."""
    dt, total, n_hubs = scenario.step_hours, len(scenario.index), len(scenario.hubs)
    lookahead, n_work = planner.steps, len(scenario.workloads)
    actual = {name: hub.series[["solar_kw", "wind_kw"]] for name, hub in scenario.hubs.items()}
    actual_renewable = np.column_stack([a["solar_kw"] + a["wind_kw"] for a in actual.values()])
    limits = HubLimits.of(scenario)
    soc = np.array([h.battery.initial_soc * h.battery.energy_kwh if h.battery else 0.0
                    for h in scenario.hubs.values()])
    done = np.zeros(n_work)
    rolled = _Rolled(settled={name: np.zeros((total, n_hubs)) for name in _SETTLED},
                     workload_it_kw=np.zeros((total, n_hubs, n_work)),
                     planned_renewable_kw=np.zeros((total, n_hubs)), seconds=[], relaxed=[], initial_soc=[])
    for start, end in zip(starts, np.append(starts[1:], total), strict=True):
        real = min(lookahead, total - start)
        renewable = np.column_stack([_forecast_window(planning[name], actual[name], start, real, dt)
                                     for name in scenario.hubs])
        started = time.perf_counter()
        plan, relaxed = planner.plan(start, renewable, done, soc, solver)
        rolled.seconds.append(time.perf_counter() - started)
        rolled.relaxed.append(relaxed)
        rolled.initial_soc.append(planner.model.data.initial_soc_kwh)
        rolled.status = plan.status
        commit, flows = end - start, plan.flows
        planned = {name: flows[name].to_numpy(float).reshape(n_hubs, lookahead).T[:commit]
                   for name in _PLAN_COLUMNS}
        planned["firm_it_kw"] = planner.model.data.firm_it_kw[:commit]
        planned["workload_it_kw"] = np.stack(
            [flows[f"{w.name}_it_kw"].to_numpy(float).reshape(n_hubs, lookahead).T[:commit]
             for w in scenario.workloads], axis=2) if n_work else np.zeros((commit, n_hubs, 0))
        result = settle(limits, dt, soc, actual_renewable[start:end], planned)
        for name in _SETTLED:
            rolled.settled[name][start:end] = getattr(result, name)
        rolled.workload_it_kw[start:end] = result.workload_it_kw
        rolled.planned_renewable_kw[start:end] = renewable[:commit]
        soc = result.battery_soc_kwh[-1]
        rolled.postponed_kwh += (planned["workload_it_kw"].sum() - result.workload_it_kw.sum()) * dt
        done = done + result.workload_it_kw.sum(axis=(0, 1)) * dt
    return rolled


def _operated(scenario: Scenario, rolled: _Rolled, planner: RollingPlanner, solver: str) -> Schedule:
    """The settled schedule of an operation (``kind="operated"``, extra column ``unserved_kw``)."""
    full = scenario_data(scenario)
    arrays = {**rolled.settled,
              "solar_kw": np.column_stack([hub.series["solar_kw"] for hub in scenario.hubs.values()]),
              "wind_kw": np.column_stack([hub.series["wind_kw"] for hub in scenario.hubs.values()]),
              "pue": full.pue, "carbon_g_per_kwh": full.carbon_g_per_kwh,
              "price_cny_per_kwh": full.price_cny_per_kwh}
    flows = flows_frame(scenario, scenario.index, arrays, rolled.workload_it_kw)
    return Schedule(kind="operated", flows=flows, status=f"settled ({rolled.status} plans)",
                    objective=objective_value(scenario, flows), solver=solver.upper(),
                    build_seconds=planner.model.problem.compilation_time or 0.0,
                    solve_seconds=float(np.sum(rolled.seconds)))


def _outcome(scenario: Scenario, rolled: _Rolled, planner: RollingPlanner, starts: np.ndarray,
             forecasts: Mapping[str, ForecastSet], settings: dict) -> OperationOutcome:
    """The re-plan records, settlement totals and forecast skill of an operation."""
    seconds, dt = rolled.seconds, scenario.step_hours
    local = scenario.index.tz_convert(scenario.timezone)
    skill = {name: day_ahead_skill(hub.series[["solar_kw", "wind_kw"]], forecasts[name])
             for name, hub in scenario.hubs.items()}
    return OperationOutcome(
        forecast={"hubs": skill, "quantile": settings["quantile"], "issue_hour": settings["issue_hour"],
                  "seed": settings["forecast_seed"],
                  "source": {name: fs.source for name, fs in forecasts.items()}},
        replans={"count": len(seconds), "mean_seconds": float(np.mean(seconds)),
                 "max_seconds": float(np.max(seconds)), "first_seconds": float(seconds[0]),
                 "relaxed": int(np.sum(rolled.relaxed))},
        settlement={"postponed_it_mwh": rolled.postponed_kwh / 1e3,
                    "unserved_firm_mwh": float(rolled.settled["unserved_kw"].sum() * dt / 1e3)},
        planned_renewable_kw=pd.DataFrame(rolled.planned_renewable_kw, columns=list(scenario.hubs),
                                          index=pd.DatetimeIndex(scenario.index, name="time")),
        plan_log=pd.DataFrame({"seconds": seconds, "relaxed": rolled.relaxed,
                               **{f"{name}_initial_soc_kwh": [row[i] for row in rolled.initial_soc]
                                  for i, name in enumerate(planner.model.battery_hubs)}},
                              index=pd.DatetimeIndex(scenario.index[starts], name="time")),
        settings={**settings, "planning_times": [local[i].isoformat() for i in starts]})


def operate(scenario: Scenario, *, issue_hour: int = 12, lookahead_hours: float = 48.0,
            replan_hours: float = 24.0, forecast_seed: int = 0, quantile: float | None = None,
            solver: str = "HIGHS", forecasts: Mapping[str, ForecastSet] | None = None,
            error_model: ForecastErrorModel | None = None) -> StudyResult:
    """Operate a scenario rolling: plan on forecasts, commit, settle on actuals (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario; its solar and wind series are what actually comes.
    issue_hour : int
        Local hour of the daily forecast issue, and of the first re-plan.
    lookahead_hours : float
        Length of each plan [h] (a whole number of steps, >= ``replan_hours``).
    replan_hours : float
        Time between planning times [h]; the plan is committed for that long.
    forecast_seed : int
        Seed of the offline forecast errors (:func:`default_forecasts`).
    quantile : float, optional
        Plan on this quantile of the renewables (e.g. 0.1, cautious) instead of the point forecast.
    solver : str
        Installed cvxpy solver (HiGHS default).
    forecasts : mapping of str to ForecastSet, optional
        Per-hub forecasts to plan on instead of the offline error model (e.g. a perfect forecast).
    error_model : ForecastErrorModel, optional
        Error levels of the offline forecasts (default: the calibrated Chinese day-ahead levels).

    Returns
    -------
    StudyResult
        ``kind="operate"``; schedules ``"operated"`` (settled, extra column ``unserved_kw``),
        ``"perfect_foresight"`` (one solve on the actuals) and ``"baseline"``; :attr:`~StudyResult.operation`
        holds the forecast skill, re-plan records, settlement totals and settings.

    Raises
    ------
    engine.errors.ScenarioError
        Look-ahead, re-plan interval or quantile out of range, or forecasts missing a hub.
    engine.errors.InfeasibleError, engine.errors.SolverError
        A look-ahead (even relaxed) or the perfect-foresight schedule cannot be solved.
    """
    lookahead, starts = _check_operation(scenario, issue_hour, lookahead_hours, replan_hours, quantile)
    if forecasts is None:
        forecasts = default_forecasts(scenario, issue_hour=issue_hour, seed=forecast_seed,
                                      error_model=error_model,
                                      horizon_hours=max(lookahead_hours + 24.0, 48.0 - issue_hour))
    planning = _planning_forecasts(forecasts, scenario, quantile)
    planner = RollingPlanner(scenario, lookahead)
    rolled = _roll(scenario, planner, planning, starts, solver)
    operated = _operated(scenario, rolled, planner, solver)
    settings = {"issue_hour": issue_hour, "lookahead_hours": lookahead_hours, "replan_hours": replan_hours,
                "quantile": quantile, "forecast_seed": forecast_seed}
    schedules = {"operated": operated, "perfect_foresight": solve(scenario, solver=solver),
                 "baseline": run_baseline(scenario)}
    return StudyResult(kind="operate", scenario=scenario, schedules=schedules, solver=SolverInfo.of(operated),
                       operation=_outcome(scenario, rolled, planner, starts, forecasts, settings))
