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
short -- at most a day -- and this flatters only them); so are hours past the latest issue's horizon
(forecasts given for the horizon only, planned into the drain period).

State carried between plans
---------------------------
- Battery: the settled state of charge at the planning time is the look-ahead's initial state; the
  look-ahead ends at ``>= min(initial_soc x energy_kwh, current)``. Past the (drained) scenario end the
  look-ahead is padded with idle steps (no load, no renewables, dear grid).
- Work: with cumulative arrivals ``A`` [kWh] of a workload and cumulative work done ``X`` by the
  planning step ``i0``, the work still to do is first in, first out the latest arrivals. In look-ahead
  step ``k`` (scenario step ``i0 + k``), with the planning deadline ``D' = max(1, D - buffer)``::

      released_k = A[i0 + k] - X
      due_k      = max(A[i0 + k - D' + 1] - X, 0)      (cohorts whose deadline ends by then)

  so backlog keeps its original arrival and deadline; work already late is due at once (``k = 0``,
  soft), and everything is due at the end of the drained scenario.
- Demand charge: the highest settled grid import of the month so far (:meth:`RollingPlanner.peak_to_date`)
  is the floor of the plan's monthly peak; the plan pays only on raising it.

Plans always exist: one LP per re-plan. Deadlines are soft in the look-ahead
(:data:`engine.model.compute.LATE_PENALTY_FACTOR`: a penalty per kWh and hour late so high that the
plan is late only where no plan can keep the deadline; the late MWh are logged per plan), and the
terminal state is ``soc_end >= min(target, soc_now)`` -- a plan never has to refill a battery it cannot
refill, and never ends lower than it started or than the target. A green-share floor that the
look-ahead cannot meet (the pre-check and the solve agree: both read the floor the plan is solved with)
is dropped for that plan and counted in ``result.operation.replans["relaxed"]``.

Robust to forecast error: plans see every deadline ``deadline_buffer_hours`` earlier than it is (the
committed work then has slack for a forecast that promised more sun or wind than came), and may plan on
a pessimistic ``quantile`` of the forecast. Scoring uses the true deadlines.

Settlement holds the peak
-------------------------
A committed plan meets a renewable shortfall from the battery, then the grid (:mod:`engine.simulate.settle`);
left alone, one short hour sets a month's demand-charge peak (measured on the east-west example, seed 0:
the operated demand charge was 2.57 of the 3.47 MCNY lost against perfect foresight, western peaks of
108 / 97 MW against 31 / 21 MW; holding the peak: 2.03 of 2.89 MCNY, 89 / 52 MW, the rest raised by
plans and by work that could not wait). So operation settles each step with the grid import held to
``max(month-to-date peak, planned import)``: the battery covers what it can, flexible work that does not
fit waits as backlog for the next plan (a job scheduler pausing deferrable jobs), firm load that does not
fit raises the peak only as far as it needs.

Work waits only while it can still be caught up before its *true* deadline on what the plan already
knows (no look at the actuals of later steps). After each held step the backlog of a workload ``j`` --
its planned minus its settled work so far this commit, plus that of every workload that may catch up at
a hub ``j`` may use -- must not exceed, for every look-ahead step ``k`` from this one on::

    slack_k + sum over steps s of the look-ahead after the commit, up to k, of room_s   [kWh]

with ``slack_k`` the plan's cumulative work of ``j`` by ``k`` less what is truly due by then
(:meth:`RollingPlanner.due_kwh`), and ``room_s`` the IT power the plan leaves free at the hubs ``j`` may
catch up at, ``min(IT capacity - firm - planned work, (true grid cap - planned import) / PUE)`` times
``dt`` (no room inside the commit, which settlement runs as planned; no room past the look-ahead; only
the origin hub for work that moves data, link room not assumed; ASSUMPTION: the plan's renewables come).
Otherwise the hold is lifted for that step (true grid cap) at the hubs where those workloads are
planned. ``hold_peak=False`` settles as planned. Measured (forecast seeds 0 / 1 / 2, share of the
perfect-foresight gain kept, deadlines met): ``examples/east_west.toml`` 86.0 / 87.4 / 88.5 % (100 %;
a rule that only lifted the hold for work truly due by the next plan: 86.2 / 87.4 / 88.5 %; no hold:
83.4 / 85.1 / 85.1 %), ``examples/east_west_weak_grid.toml`` 90.2 / 91.0 / 90.3 % (100 %, as the
earlier rule; no hold: 90.2 / 91.1 / 90.6 %, the capped western grid leaves the hold little to save).
On 300 random cases of ``tests/engine/studies/test_operate_invariants.py`` at 50 % forecast error this
rule kept every deadline running as usual keeps; the earlier rule missed some in 10 of the first 100.

Fair scoring (:mod:`engine.inputs.drain`): operation, perfect foresight and the baseline all run on the
scenario plus a drain period with no new arrivals, long enough for the longest deadline; the result's
scenario is that drained scenario. Perfect foresight ends with at least the battery state the operation
ended with (equalised end state), so with deadlines met it is never worse than the operation.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import InfeasibleError, ScenarioError
from engine.inputs.arrays import ModelData, scenario_data
from engine.inputs.deadlines import deadline_steps
from engine.inputs.drain import with_drain
from engine.inputs.forecast_files import with_scenario_forecasts
from engine.inputs.scenario import Scenario
from engine.metrics import scored_objective
from engine.model import CoSchedulingModel
from engine.schedule import Schedule, flows_frame, month_fractions, objective_value, optional_columns
from engine.simulate.baseline import run_baseline
from engine.simulate.reference import greedy_online, static_west
from engine.simulate.settle import HubLimits, Settled, settle
from engine.studies.phases import Phases, unobserved
from engine.studies.result import OperationOutcome, SolverInfo, StudyResult
from engine.studies.run import equalised_solve
from weather.catalogue import load_catalogue
from weather.forecast import ForecastErrorModel, ForecastSet, day_ahead_skill, hub_forecasts

PAD_WEIGHT_FACTOR = 10.0
"""Tariff and carbon of the idle steps padded past the scenario end, as a multiple of the scenario's
highest [-]: grid energy there is dear, so no plan defers battery charging past the end."""

BACKLOG_TOLERANCE_KWH = 1e-6
"""Backlog against the plan below which settlement counts it as caught up [kWh] (solver round-off)."""

DEADLINE_BUFFER_HOURS = 6.0
"""Default deadline buffer of rolling plans [h]: plans see each deadline this much earlier.

Measured in issue 10 on the east-west example with western grid caps of 70 / 50 MW: a 6 h buffer kept
100 % of the deadlines running as usual keeps on five forecast seeds, at 86 % of the perfect-foresight
green gain. Re-measured with settlement holding the peak (module docstring), forecast seeds 0 / 1 / 2,
share of the perfect-foresight gain kept (deadlines met): ``examples/east_west.toml`` 6 h: 86.0 / 87.4 /
88.5 % (100 %); 3 h: 82.4 / 88.4 / 88.0 % (100 %); 0 h: 84.0 / 87.0 / 87.3 % (100 %);
``examples/east_west_weak_grid.toml`` 6 h: 90.2 / 91.0 / 90.3 % (100 %); 3 h: 90.5 / 91.9 / 91.1 %
(99.995 / 100 / 99.93 %); 0 h: 90.9 / 92.2 / 91.3 % (97.6 / 99.2 / 97.2 %). With perfect forecasts the
east-west example keeps 93.7 % with the 6 h buffer and 96.0 % without. ASSUMPTION: the same margin suits
other scenarios; pass ``deadline_buffer_hours`` to change it (0 plans on the true deadlines)."""

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(day, days)`` before each re-plan (day ``n`` of ``N``, 1-based)."""

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


@dataclass(frozen=True)
class Plan:
    """One re-plan: the look-ahead's flows, whether its green floor was dropped, and its late work.

    Attributes
    ----------
    flows : dict of str to numpy.ndarray
        The look-ahead plan as arrays (:meth:`engine.model.CoSchedulingModel.solve_flows`).
    status : str
        Solver status.
    relaxed : bool
        The scenario's green floor could not be met over the look-ahead and was dropped.
    late_mwh : float
        Most work past its (planning) deadline at any step of the plan, all workloads [MWh].
    """

    flows: dict
    status: str
    relaxed: bool
    late_mwh: float


class RollingPlanner:
    """The look-ahead LP of a scenario, compiled once and re-planned from any state.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its series give firm load, PUE, tariff and carbon; arrivals give the work).
    lookahead_steps : int
        Steps in each look-ahead.
    buffer_steps : int
        Deadline buffer [steps]: plans use ``max(1, D - buffer_steps)`` deadline steps.

    Attributes
    ----------
    model : CoSchedulingModel
        The compiled look-ahead model (PUE as a Parameter, soft deadlines, HiGHS hot-started from the
        previous plan's basis: :mod:`engine.model.hot_start`).
    deadlines : numpy.ndarray
        ``(workloads,)`` true deadline steps (plans use ``max(1, deadlines - buffer_steps)``).
    buffer_steps : int
        The deadline buffer [steps].
    """

    def __init__(self, scenario: Scenario, lookahead_steps: int, buffer_steps: int = 0) -> None:
        self.scenario = scenario
        self.steps = lookahead_steps
        self.model = CoSchedulingModel(_lookahead_scenario(scenario, lookahead_steps), pue_parameter=True,
                                       soft_deadlines=True, hot_start=True)
        self._full = scenario_data(scenario)
        self.deadlines = np.array([deadline_steps(w.deadline_hours, scenario.step_hours)
                                   for w in scenario.workloads], dtype=int)
        self.buffer_steps = buffer_steps
        self._deadlines = np.maximum(1, self.deadlines - buffer_steps)
        self._soc_target = np.array([h.battery.initial_soc * h.battery.energy_kwh
                                     for h in scenario.hubs.values() if h.battery is not None])
        self._battery_columns = [i for i, h in enumerate(scenario.hubs.values()) if h.battery is not None]
        self._month = month_fractions(scenario)[0]

    def peak_to_date(self, start: int, grid_import_kw: np.ndarray) -> np.ndarray:
        """``(hubs,)`` highest settled grid import of the calendar month of step ``start`` before it [kW].

        Parameters
        ----------
        start : int
            Scenario step of the planning time.
        grid_import_kw : numpy.ndarray
            ``(steps, hubs)`` settled grid import [kW] (steps from ``start`` on are not read).
        """
        earlier = grid_import_kw[:start][self._month[:start] == self._month[start]]
        return earlier.max(axis=0, initial=0.0)

    def due_kwh(self, positions: np.ndarray, true_deadlines: bool = False) -> np.ndarray:
        """``(positions, workloads)`` cumulative arrivals due by the end of each scenario step [kWh].

        Cohorts whose (planning or, with ``true_deadlines``, true) deadline ends by then; everything at
        and past the last step of the drained scenario (module docstring).
        """
        arrived, total = self._full.released_kwh, len(self.scenario.index)
        deadlines = self.deadlines if true_deadlines else self._deadlines
        source = np.asarray(positions)[:, None] - deadlines[None, :] + 1
        column = np.arange(len(deadlines))[None, :]
        due = np.where(source >= 0, arrived[np.clip(source, 0, total - 1), column], 0.0)
        return np.where((np.asarray(positions) >= total - 1)[:, None], arrived[-1][None, :], due)

    def data(self, start: int, renewable_kw: np.ndarray, done_kwh: np.ndarray,
             soc_kwh: np.ndarray, peak_to_date_kw: np.ndarray | None = None) -> ModelData:
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
        peak_to_date_kw : numpy.ndarray, optional
            ``(hubs,)`` grid import peak already reached this month [kW] (:meth:`peak_to_date`): the
            plan pays the demand charge only on raising it (:class:`engine.model.grid.Grid`); default 0.
        """
        full, total, steps = self._full, len(self.scenario.index), self.steps
        position = start + np.arange(steps)
        take = np.minimum(position, total - 1)
        renewable = np.zeros((steps, len(self.scenario.hubs)))
        renewable[: len(renewable_kw)] = renewable_kw
        pad = (position >= total)[:, None]
        released = np.clip(full.released_kwh[take] - done_kwh, 0.0, None)
        due = np.clip(self.due_kwh(position) - done_kwh, 0.0, None)
        soc = np.asarray(soc_kwh, dtype=float)[self._battery_columns]
        return ModelData(
            index=self.scenario.index[take], renewable_kw=renewable,
            firm_it_kw=np.where(pad, 0.0, full.firm_it_kw[take]), pue=np.where(pad, 1.0, full.pue[take]),
            carbon_g_per_kwh=np.where(pad, PAD_WEIGHT_FACTOR * full.carbon_g_per_kwh.max(),
                                      full.carbon_g_per_kwh[take]),
            price_cny_per_kwh=np.where(pad, PAD_WEIGHT_FACTOR * full.price_cny_per_kwh.max(),
                                       full.price_cny_per_kwh[take]),
            released_kwh=released, due_kwh=due, initial_soc_kwh=soc,
            final_soc_kwh=np.minimum(self._soc_target, soc), peak_to_date_kw=peak_to_date_kw)

    def plan(self, start: int, renewable_kw: np.ndarray, done_kwh: np.ndarray, soc_kwh: np.ndarray,
             solver: str = "HIGHS", peak_to_date_kw: np.ndarray | None = None) -> Plan:
        """Re-plan from scenario step ``start``: update the Parameters and re-solve (no recompile).

        One LP (soft deadlines, terminal ``>=``); only when the scenario's green floor cannot be met over
        the look-ahead is it solved once more without the floor (``relaxed``).

        Raises
        ------
        InfeasibleError
            The firm load alone cannot be served (no schedule of the flexible work helps).
        """
        self.model.update(self.data(start, renewable_kw, done_kwh, soc_kwh, peak_to_date_kw))
        relaxed = False
        try:
            flows = self.model.solve_flows(solver)
        except InfeasibleError as error:
            floor = self.model.parameters["min_green_share"]
            if float(floor.value) <= 0:
                when = self.scenario.index[start].tz_convert(self.scenario.timezone)
                raise InfeasibleError(f"operation at {when:%Y-%m-%d %H:%M %z}: {error}") from error
            floor.value, relaxed = 0.0, True
            flows = self.model.solve_flows(solver)
        late = self.model.components["compute"].late_kwh().sum(axis=1)
        return Plan(flows, self.model.problem.status, relaxed, float(late.max(initial=0.0)) / 1e3)


def default_forecasts(scenario: Scenario, *, issue_hour: int = 12, horizon_hours: float = 72.0, seed: int = 0,
                      error_model: ForecastErrorModel | None = None) -> dict[str, ForecastSet]:
    """Day-ahead forecasts of every hub's parks from the offline error model, drawn jointly.

    Errors are correlated between hubs by distance (catalogue positions; a hub not in the catalogue
    gets independent errors), between each hub's solar and wind, and persist across issue days
    (:func:`weather.forecast.hub_forecasts`). Nameplates are the hub's (or its highest output where a
    profile gives power without a nameplate).

    Returns
    -------
    dict of str to ForecastSet
        One forecast set per hub.
    """
    catalogue = load_catalogue()
    actuals = {name: hub.series[["solar_kw", "wind_kw"]] for name, hub in scenario.hubs.items()}
    nameplates = {name: (max(hub.solar_kw_nameplate, float(actuals[name]["solar_kw"].max())),
                         max(hub.wind_kw_nameplate, float(actuals[name]["wind_kw"].max())))
                  for name, hub in scenario.hubs.items()}
    positions = {name: (catalogue[name].lat, catalogue[name].lon)
                 for name in scenario.hubs if name in catalogue}
    return hub_forecasts(actuals, nameplates, positions, issue_hour=issue_hour, horizon_hours=horizon_hours,
                         seed=seed, error_model=error_model)


def forecast_window(forecast: ForecastSet, actual: pd.DataFrame, start: int, steps: int,
                     step_hours: float) -> np.ndarray:
    """Forecast solar + wind [kW] for ``steps`` scenario steps from ``start``, as known at ``start``.

    Steps no forecast covers (before the first issue; past the latest issue's horizon, e.g. a drain
    period beyond the forecasts given) are the actuals (ASSUMPTION, module docstring).
    """
    moment = actual.index[start]
    out = (actual["solar_kw"] + actual["wind_kw"]).to_numpy(dtype=float)[start:start + steps].copy()
    first_issue = forecast.issue_times[0]
    issue, begin = (forecast.latest_issue(moment), moment) if moment >= first_issue else (first_issue,
                                                                                         first_issue)
    offset = int(round((begin - moment) / pd.Timedelta(hours=step_hours)))
    if offset >= steps:
        return out
    window = forecast.issue(issue, None, start=begin)
    values = (window["solar_kw"] + window["wind_kw"]).to_numpy(dtype=float)[: steps - offset]
    out[offset:offset + len(values)] = values
    return out


def planning_steps(scenario: Scenario, issue_hour: int, replan_steps: int) -> np.ndarray:
    """Scenario steps of the planning times: the start, the first local ``issue_hour``, then every
    ``replan_steps`` steps."""
    local = scenario.index.tz_convert(scenario.timezone)
    at_issue = np.flatnonzero((local.hour == issue_hour) & (local.minute == 0))
    first = int(at_issue[0]) if len(at_issue) else len(scenario.index)
    later = np.arange(first, len(scenario.index), replan_steps)
    return np.unique(np.concatenate([[0], later])).astype(int)


def default_lookahead_hours(scenario: Scenario, replan_hours: float) -> float:
    """The default look-ahead: the longest deadline plus the re-plan interval [h] (at least 24 h).

    A plan committed for ``replan_hours`` then still sees the whole window of the last work it commits.
    """
    longest = max((w.deadline_hours for w in scenario.workloads), default=0.0)
    return max(longest + replan_hours, 24.0)


def _check_operation(scenario: Scenario, issue_hour: int, lookahead_hours: float, replan_hours: float,
                     quantile: float | None) -> tuple[int, np.ndarray]:
    """Look-ahead steps and planning steps of an operation, after checking its settings.

    Warns (:class:`UserWarning`) when the look-ahead is shorter than :func:`default_lookahead_hours`.
    """
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
    enough = default_lookahead_hours(scenario, replan_hours)
    if lookahead_hours < enough - 1e-9:
        warnings.warn(f"lookahead_hours {lookahead_hours:g} h is shorter than the longest deadline plus the "
                      f"re-plan interval ({enough:g} h): plans cannot see when committed work falls due and "
                      f"may miss deadlines; pass lookahead_hours >= {enough:g} (or leave it out)",
                      UserWarning, stacklevel=3)
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
            "battery_discharge_kw", "battery_soc_kwh", "it_kw", "facility_kw", "unserved_kw", "exported_kw",
            "transfer_kw")
"""Settled flows of every committed step."""


@dataclass
class _Rolled:
    """What rolling operation accumulates: settled flows, plans, timings (arrays are steps x hubs)."""

    settled: dict
    workload_it_kw: np.ndarray
    planned_renewable_kw: np.ndarray
    seconds: list
    relaxed: list
    late_mwh: list
    initial_soc: list
    status: str = ""
    postponed_kwh: float = 0.0


def _roll(scenario: Scenario, planner: RollingPlanner, planning: Mapping[str, ForecastSet],
          starts: np.ndarray, solver: str, progress: Progress | None = None,
          hold_peak: bool = True) -> _Rolled:
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
                     planned_renewable_kw=np.zeros((total, n_hubs)), seconds=[], relaxed=[], late_mwh=[],
                     initial_soc=[])
    for start, end in zip(starts, np.append(starts[1:], total), strict=True):
        real = min(lookahead, total - start)
        renewable = np.column_stack([forecast_window(planning[name], actual[name], start, real, dt)
                                     for name in scenario.hubs])
        if progress is not None:
            progress(int(start * dt // 24) + 1, int(np.ceil(total * dt / 24)))
        started = time.perf_counter()
        plan = planner.plan(start, renewable, done, soc, solver,
                            planner.peak_to_date(start, rolled.settled["grid_import_kw"]))
        rolled.seconds.append(time.perf_counter() - started)
        rolled.relaxed.append(plan.relaxed)
        rolled.late_mwh.append(plan.late_mwh)
        rolled.initial_soc.append(planner.model.data.initial_soc_kwh)
        rolled.status = plan.status
        commit = end - start
        planned = {name: plan.flows[name][:commit] for name in (*_PLAN_COLUMNS, "workload_it_kw")}
        planned["firm_it_kw"] = planner.model.data.firm_it_kw[:commit]
        planned["transfer_kw"] = plan.flows.get("transfer_kw", np.zeros((lookahead, n_hubs)))[:commit]
        if hold_peak:
            result = _settle_holding_peak(planner, limits, soc, actual_renewable, plan, planned, start,
                                          done, rolled.settled["grid_import_kw"])
        else:
            result = settle(limits, dt, soc, actual_renewable[start:end], planned)
        for name in _SETTLED:
            rolled.settled[name][start:end] = getattr(result, name)
        rolled.workload_it_kw[start:end] = result.workload_it_kw
        rolled.planned_renewable_kw[start:end] = renewable[:commit]
        soc = result.battery_soc_kwh[-1]
        rolled.postponed_kwh += (planned["workload_it_kw"].sum() - result.workload_it_kw.sum()) * dt
        done = done + result.workload_it_kw.sum(axis=(0, 1)) * dt
    return rolled


def _wait_allowance(planner: RollingPlanner, limits: HubLimits, plan: Plan, start: int, commit: int,
                    done: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Most work of each workload that may wait after each committed step, and which workloads share room.

    Returns
    -------
    allowance : numpy.ndarray
        ``(commit, workloads)`` backlog [kWh] that the room the plan leaves after the commit can still
        catch up before every true deadline (module docstring, "Settlement holds the peak").
    shared : numpy.ndarray
        ``(workloads, workloads)`` bool: the two workloads may catch up at a common hub.
    """
    scenario, data, dt = planner.scenario, planner.model.data, planner.scenario.step_hours
    real = min(planner.steps, len(scenario.index) - start)
    work = plan.flows["workload_it_kw"][:real]
    slack = (done + work.sum(axis=1).cumsum(axis=0) * dt
             - planner.due_kwh(start + np.arange(real), true_deadlines=True))
    it_capacity = np.array([h.it_capacity_kw for h in scenario.hubs.values()], dtype=float)
    it_room = it_capacity - data.firm_it_kw[:real] - work.sum(axis=2)
    grid_room = (limits.grid_cap_kw - plan.flows["grid_import_kw"][:real]) / data.pue[:real]
    room = np.clip(np.minimum(it_room, grid_room), 0.0, None)
    room[:commit] = 0.0  # settlement runs no more than planned: catching up starts at the next plan
    reach = np.array([[name == w.origin or (name in w.hubs and w.data_tb_per_mwh <= 0)
                       for w in scenario.workloads] for name in scenario.hubs], dtype=float)  # no link room
    margin = slack + (room @ reach).cumsum(axis=0) * dt
    allowance = np.minimum.accumulate(margin[::-1], axis=0)[::-1][:commit]
    return allowance, reach.T @ reach > 0


def _settle_holding_peak(planner: RollingPlanner, limits: HubLimits, soc: np.ndarray,
                         actual_renewable_kw: np.ndarray, plan: Plan, planned: dict, start: int,
                         done: np.ndarray, grid_import_kw: np.ndarray) -> Settled:
    """Settle a commit step by step, holding grid import to the month's peak (module docstring).

    Parameters
    ----------
    planner : RollingPlanner
        The planner (arrivals, true deadlines, month-to-date peak, the look-ahead's data).
    limits : HubLimits
        The hubs' true limits.
    soc : numpy.ndarray
        ``(hubs,)`` state of charge at ``start`` [kWh].
    actual_renewable_kw : numpy.ndarray
        ``(scenario steps, hubs)`` renewables that came [kW].
    plan : Plan
        The plan over its whole look-ahead (the room it leaves after the commit).
    planned : dict
        The committed plan (:func:`engine.simulate.settle.settle`), from scenario step ``start`` on.
    start : int
        Scenario step of the commit's first step.
    done : numpy.ndarray
        ``(workloads,)`` cumulative work done before ``start`` [kWh].
    grid_import_kw : numpy.ndarray
        ``(scenario steps, hubs)`` settled grid import [kW]; the commit's steps are written into it.
    """
    dt, steps = planner.scenario.step_hours, len(planned["pue"])
    allowance, shared = _wait_allowance(planner, limits, plan, start, steps, done)
    planned_done = done + planned["workload_it_kw"].sum(axis=1).cumsum(axis=0) * dt
    parts = []
    for t in range(steps):
        one = {name: value[t:t + 1] for name, value in planned.items()}
        actual = actual_renewable_kw[start + t:start + t + 1]
        peak = planner.peak_to_date(start + t, grid_import_kw)
        cap = np.minimum(limits.grid_cap_kw, np.maximum(peak, one["grid_import_kw"][0]))
        result = settle(dataclasses.replace(limits, grid_cap_kw=cap), dt, soc, actual, one)
        backlog = shared @ (planned_done[t] - done - result.workload_it_kw[0].sum(axis=0) * dt)
        short = (backlog > BACKLOG_TOLERANCE_KWH) & (backlog > allowance[t] + BACKLOG_TOLERANCE_KWH)
        if short.any():  # the backlog could not be caught up in time: lift the hold where it runs
            runs = (one["workload_it_kw"][0][:, shared[short].any(axis=0)] > 0).any(axis=1)
            cap = np.where(runs, limits.grid_cap_kw, cap)
            result = settle(dataclasses.replace(limits, grid_cap_kw=cap), dt, soc, actual, one)
        elif result.unserved_kw.max() > 0:  # firm load raises the peak, flexible work still waits
            cap = np.minimum(limits.grid_cap_kw, cap + result.unserved_kw[0])
            result = settle(dataclasses.replace(limits, grid_cap_kw=cap), dt, soc, actual, one)
        done = done + result.workload_it_kw[0].sum(axis=0) * dt
        grid_import_kw[start + t] = result.grid_import_kw[0]
        soc = result.battery_soc_kwh[-1]
        parts.append(result)
    return Settled(**{field.name: np.concatenate([getattr(part, field.name) for part in parts])
                      for field in dataclasses.fields(Settled)})


def _operated(scenario: Scenario, rolled: _Rolled, planner: RollingPlanner, solver: str) -> Schedule:
    """The settled schedule of an operation (``kind="operated"``, extra column ``unserved_kw``)."""
    full = scenario_data(scenario)
    settled = dict(rolled.settled)
    optional = optional_columns(scenario, settled.pop("exported_kw"), settled.pop("transfer_kw"))
    arrays = {**settled, **optional,
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
                 "relaxed": int(np.sum(rolled.relaxed)), "late_mwh_max": float(np.max(rolled.late_mwh))},
        settlement={"postponed_it_mwh": rolled.postponed_kwh / 1e3,
                    "unserved_firm_mwh": float(rolled.settled["unserved_kw"].sum() * dt / 1e3)},
        planned_renewable_kw=pd.DataFrame(rolled.planned_renewable_kw, columns=list(scenario.hubs),
                                          index=pd.DatetimeIndex(scenario.index, name="time")),
        plan_log=pd.DataFrame({"seconds": seconds, "relaxed": rolled.relaxed, "late_mwh": rolled.late_mwh,
                               **{f"{name}_initial_soc_kwh": [row[i] for row in rolled.initial_soc]
                                  for i, name in enumerate(planner.model.battery_hubs)}},
                              index=pd.DatetimeIndex(scenario.index[starts], name="time")),
        settings={**settings, "planning_times": [local[i].isoformat() for i in starts]})


def operate(scenario: Scenario, *, issue_hour: int = 12, lookahead_hours: float | None = None,
            replan_hours: float = 24.0, forecast_seed: int = 0, quantile: float | None = None,
            deadline_buffer_hours: float = DEADLINE_BUFFER_HOURS, solver: str = "HIGHS",
            forecasts: Mapping[str, ForecastSet] | None = None, error_model: ForecastErrorModel | None = None,
            progress: Progress | None = None, hold_peak: bool = True,
            phases: Phases = unobserved) -> StudyResult:
    """Operate a scenario rolling: plan on forecasts, commit, settle on actuals (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario; its solar and wind series are what actually comes.
    issue_hour : int
        Local hour of the daily forecast issue, and of the first re-plan.
    lookahead_hours : float, optional
        Length of each plan [h] (a whole number of steps, >= ``replan_hours``); default
        :func:`default_lookahead_hours`; a shorter one warns.
    replan_hours : float
        Time between planning times [h]; the plan is committed for that long.
    forecast_seed : int
        Seed of the offline forecast errors (:func:`default_forecasts`).
    quantile : float, optional
        Plan on this quantile of the renewables (e.g. 0.1, cautious) instead of the point forecast.
    deadline_buffer_hours : float
        Plans see every deadline this much earlier [h] (:data:`DEADLINE_BUFFER_HOURS`).
    solver : str
        Installed cvxpy solver (HiGHS default).
    forecasts : mapping of str to ForecastSet, optional
        Per-hub forecasts to plan on instead of the offline error model (e.g. a perfect forecast, or
        files read by :func:`engine.inputs.forecast_files.read_hub_forecasts`); hubs left out get their
        scenario forecast file (``hubs.<name>.forecast``), else the offline forecasts; steps no issue
        covers are planned on the actuals (module docstring).
    error_model : ForecastErrorModel, optional
        Error levels of the offline forecasts (default: the calibrated Chinese day-ahead levels).
    progress : callable, optional
        ``progress(day, days)`` before each re-plan (the CLI shows it on a terminal).
    hold_peak : bool
        Settlement holds grid import to the month-to-date peak (or the plan's import, if higher) and
        lets flexible work wait instead, unless that misses a deadline before the next plan (module
        docstring, "Settlement holds the peak"); False settles every commit as planned.
    phases : callable, optional
        Told ``"building"``, ``"solving"`` (the re-plans) and ``"solving the perfect-foresight
        schedule"`` as the operation enters them (:mod:`engine.studies.phases`).

    Returns
    -------
    StudyResult
        ``kind="operate"`` on the drained scenario; schedules ``"operated"`` (settled, extra column
        ``unserved_kw``), ``"perfect_foresight"`` (one solve on the actuals, end state equalised),
        ``"baseline"`` and the reference policies ``"static_west"`` and ``"greedy_online"``
        (:mod:`engine.simulate.reference`), all on the same drained scenario;
        :attr:`~StudyResult.operation` holds the forecast skill, re-plan records,
        settlement totals, the share of the perfect-foresight gain kept and the settings.

    Raises
    ------
    engine.errors.ScenarioError
        Look-ahead, re-plan interval, buffer or quantile out of range, or forecasts missing a hub.
    engine.errors.InfeasibleError, engine.errors.SolverError
        The firm load cannot be served, or the perfect-foresight schedule cannot be solved.
    """
    phases("building")
    drained = with_drain(scenario)
    if lookahead_hours is None:
        lookahead_hours = default_lookahead_hours(scenario, replan_hours)
    lookahead, starts = _check_operation(drained, issue_hour, lookahead_hours, replan_hours, quantile)
    buffer = _check_buffer(deadline_buffer_hours, drained.step_hours)
    forecasts = with_scenario_forecasts(scenario, forecasts)
    if forecasts is None or set(forecasts) != set(scenario.hubs):
        offline = default_forecasts(drained, issue_hour=issue_hour, seed=forecast_seed,
                                    error_model=error_model,
                                    horizon_hours=max(lookahead_hours + 24.0, 48.0 - issue_hour))
        forecasts = {**offline, **(forecasts or {})}
    planning = _planning_forecasts(forecasts, drained, quantile)
    planner = RollingPlanner(drained, lookahead, buffer)
    phases("solving")
    rolled = _roll(drained, planner, planning, starts, solver, progress, hold_peak)
    operated = _operated(drained, rolled, planner, solver)
    settings = {"issue_hour": issue_hour, "lookahead_hours": lookahead_hours, "replan_hours": replan_hours,
                "quantile": quantile, "forecast_seed": forecast_seed,
                "deadline_buffer_hours": deadline_buffer_hours, "hold_peak": hold_peak,
                "horizon_steps": len(scenario.index),
                "drain_steps": len(drained.index) - len(scenario.index)}
    end_soc = rolled.settled["battery_soc_kwh"][-1]
    phases("solving the perfect-foresight schedule")
    schedules = {"operated": operated,
                 "perfect_foresight": equalised_solve(drained, end_soc, solver),
                 "baseline": run_baseline(drained), "static_west": static_west(drained),
                 "greedy_online": greedy_online(drained)}
    outcome = _outcome(drained, rolled, planner, starts, forecasts, settings)
    outcome.settlement["perfect_foresight_gain_kept"] = gain_kept(drained, schedules)
    return StudyResult(kind="operate", scenario=drained, schedules=schedules, solver=SolverInfo.of(operated),
                       operation=outcome)


def _check_buffer(hours: float, step_hours: float) -> int:
    """Deadline buffer steps after checking it is a whole number (>= 0) of steps."""
    steps = hours / step_hours if np.isfinite(hours) else -1.0
    if steps < 0 or abs(steps - round(steps)) > 1e-9:
        raise ScenarioError(f"deadline_buffer_hours: expected a whole number (>= 0) of {step_hours:g} h "
                            f"steps, got {hours!r}; pass e.g. 6 (or 0 to plan on the true deadlines)")
    return int(round(steps))


def gain_kept(scenario: Scenario, schedules: Mapping[str, Schedule]) -> float | None:
    """Share of the perfect-foresight gain over the baseline that operation keeps [-].

    ``(J_baseline - J_operated) / (J_baseline - J_perfect)`` on the scored objectives
    (:func:`engine.metrics.scored_objective`: end-of-horizon battery state valued); ``None`` when
    perfect foresight gains nothing.
    """
    scored = {name: scored_objective(scenario, schedules[name])
              for name in ("baseline", "operated", "perfect_foresight")}
    possible = scored["baseline"] - scored["perfect_foresight"]
    if possible <= 1e-9 * max(abs(scored["baseline"]), 1.0):
        return None
    return float((scored["baseline"] - scored["operated"]) / possible)
