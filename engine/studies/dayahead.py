"""Tomorrow's plan from the state now, the flexibility the hubs can offer, and settlement of a past day.

A day-ahead plan starts at local midnight of ``date`` from a :class:`DayState` -- the battery charge and
the deferrable work still open -- and plans on forecasts (the scenario's offline forecast, issued at
``issue_hour`` the day before, or given ones) over a look-ahead of the longest deadline plus a day
(:func:`engine.studies.operate.default_lookahead_hours`) with the rolling planner's LP: soft deadlines
seen ``deadline_buffer_hours`` early, terminal state ``>= min(target, now)``
(:class:`~engine.studies.operate.RollingPlanner`). The first day of the plan is the commitment:

- per hub and step: the IT power budget of every workload class (the quota a Slurm or Kubernetes
  scheduler enforces), firm IT, battery charge and discharge, planned grid import, the renewables it
  was planned on, the expected green share and the marginal price (dual of ``Hub-power_balance``);
- the flexibility offer (:mod:`engine.model.flexibility`): per hub and step how far the facility load
  can rise and fall with every deadline and battery limit still held, and the energy over the day.

:func:`settle_day` settles a planned day against the renewables that came
(:func:`engine.simulate.settle.settle`) and gives the next day's state. ASSUMPTION: arrivals and firm
load were as the scenario says (only the weather is uncertain here).

Open work follows the rule of rolling operation: first in, first out, so the work still open is the
latest arrivals; a state carries its total per workload (and, for people and schedulers, the cohorts
with their arrival and due times).

Demand charge: a state carries each hub's month-to-date peak grid import ``peak_to_date_kw`` [kW], the
highest settled import of the calendar month (local time, :func:`engine.schedule.month_fractions`)
before the state's midnight. The plan pays only on raising it (``peak_to_date_kw`` of
:meth:`~engine.studies.operate.RollingPlanner.plan`, as in rolling operation); settlement carries
``max(peak, settled import of the day)`` forward, and 0 when the next midnight opens a new month.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.arrays import scenario_data
from engine.inputs.deadlines import deadline_steps
from engine.inputs.drain import with_drain
from engine.inputs.forecast_files import with_scenario_forecasts
from engine.inputs.scenario import Scenario
from engine.model.flexibility import Flexibility
from engine.model.results import marginal_price
from engine.schedule import month_fractions
from engine.simulate.settle import HubLimits, settle
from engine.studies.operate import (
    DEADLINE_BUFFER_HOURS,
    RollingPlanner,
    default_forecasts,
    default_lookahead_hours,
    forecast_window,
)
from engine.studies.phases import Phases, unobserved
from weather.forecast import ForecastSet

HOURS_PER_DAY = 24.0
STATE_VERSION = 2
"""Version of the state record (``state.json``); 2 added ``peak_to_date_kw`` (older records are refused)."""

_PLAN_ARRAYS = (
    "pue",
    "renewable_used_kw",
    "grid_import_kw",
    "battery_charge_kw",
    "battery_discharge_kw",
    "firm_it_kw",
)


@dataclass(frozen=True)
class DayState:
    """The state at a local midnight, and (planned) the committed day.

    Attributes
    ----------
    time : pandas.Timestamp
        Start of the day (UTC).
    soc_kwh : dict of str to float
        State of charge of every battery hub [kWh].
    open_kwh : dict of str to float
        Deferrable work arrived and not yet done, per workload [kWh].
    plan : dict or None
        The committed day (arrays ``(steps, hubs)`` of :data:`_PLAN_ARRAYS` and ``workload_it_kw``
        ``(steps, hubs, workloads)``), present in a planned state until it is settled.
    peak_to_date_kw : dict of str to float
        Highest settled grid import of the calendar month before ``time``, per hub [kW] (module
        docstring); a hub left out is at 0.
    """

    time: pd.Timestamp
    soc_kwh: dict
    open_kwh: dict
    plan: dict | None = None
    peak_to_date_kw: dict = field(default_factory=dict)


def day_start(scenario: Scenario, date: str) -> int:
    """Scenario step of local midnight of ``date`` (``YYYY-MM-DD``).

    Raises
    ------
    engine.errors.ScenarioError
        Not a date, or no such midnight in the scenario.
    """
    try:
        midnight = pd.Timestamp(date).tz_localize(scenario.timezone).tz_convert("UTC")
    except (ValueError, TypeError) as error:
        raise ScenarioError(f"--date: expected YYYY-MM-DD, got {date!r}; e.g. 2025-07-02") from error
    steps = scenario.index.get_indexer([midnight])
    if steps[0] < 0:
        local = scenario.index.tz_convert(scenario.timezone)
        raise ScenarioError(
            f"--date: expected a day of the scenario ({local[0]:%Y-%m-%d} to "
            f"{local[-1]:%Y-%m-%d}), got {date}; pick a date inside it"
        )
    return int(steps[0])


def initial_state(scenario: Scenario, start: int = 0) -> DayState:
    """Batteries at their initial state of charge and nothing open (a scenario's first day)."""
    return DayState(
        time=scenario.index[start],
        soc_kwh={
            name: h.battery.initial_soc * h.battery.energy_kwh
            for name, h in scenario.hubs.items()
            if h.battery is not None
        },
        open_kwh={w.name: 0.0 for w in scenario.workloads},
        peak_to_date_kw={name: 0.0 for name in scenario.hubs},
    )


def _done_before(scenario: Scenario, state: DayState, start: int, source: str) -> np.ndarray:
    """Cumulative work done before ``start`` implied by the state's open work (FIFO) [kWh]."""
    arrived = scenario_data(scenario).released_kwh
    before = arrived[start - 1] if start > 0 else np.zeros(len(scenario.workloads))
    open_kwh = np.array([float(state.open_kwh.get(w.name, 0.0)) for w in scenario.workloads])
    too_much = open_kwh > before + 1e-6 * np.maximum(before, 1.0)
    if too_much.any():
        k = int(np.argmax(too_much))
        raise ScenarioError(
            f"{source}: open_kwh.{scenario.workloads[k].name}: expected at most the "
            f"{before[k]:,.1f} kWh that arrived before {state.time}, got {open_kwh[k]:,.1f}; "
            "use the state settle wrote for this scenario"
        )
    return before - open_kwh


def _soc_vector(scenario: Scenario, state: DayState, source: str) -> np.ndarray:
    """``(hubs,)`` state of charge from the state [kWh], checked against each battery."""
    soc = np.zeros(len(scenario.hubs))
    for i, (name, hub) in enumerate(scenario.hubs.items()):
        if hub.battery is None:
            continue
        value = state.soc_kwh.get(name)
        if value is None or not 0.0 <= float(value) <= hub.battery.energy_kwh * (1 + 1e-9):
            raise ScenarioError(
                f"{source}: soc_kwh.{name}: expected a number from 0 to "
                f"{hub.battery.energy_kwh:g} kWh, got {value!r}; use the state settle wrote "
                "for this scenario"
            )
        soc[i] = float(value)
    return soc


def _peak_vector(scenario: Scenario, state: DayState, source: str) -> np.ndarray:
    """``(hubs,)`` month-to-date peak grid import from the state [kW], each a finite number >= 0."""
    peak = np.zeros(len(scenario.hubs))
    for i, name in enumerate(scenario.hubs):
        value = state.peak_to_date_kw.get(name, 0.0)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value < 0:
            raise ScenarioError(
                f"{source}: peak_to_date_kw.{name}: expected a number >= 0 kW (the month's highest "
                f"grid import so far), got {value!r}; use the state settle wrote, or 0 at the start "
                "of a month"
            )
        peak[i] = float(value)
    return peak


def _demand_charge(scenario: Scenario, peak: np.ndarray, grid_import_kw: np.ndarray) -> dict:
    """Hub -> the day's month-to-date peak before and after, its rise [kW] and the charge on it [CNY]."""
    planned = np.maximum(peak, grid_import_kw.max(axis=0, initial=0.0))
    return {
        name: {
            "peak_to_date_kw": float(peak[h]),
            "planned_peak_kw": float(planned[h]),
            "peak_increase_kw": float(planned[h] - peak[h]),
            "demand_charge_increase_cny": float((planned[h] - peak[h]) * hub.demand_charge_cny_per_kw_month),
        }
        for h, (name, hub) in enumerate(scenario.hubs.items())
    }


@dataclass(frozen=True)
class DayAheadPlan:
    """A day-ahead plan (module docstring).

    Attributes
    ----------
    scenario : Scenario
        The scenario with its drain period (:func:`engine.inputs.drain.with_drain`).
    start, steps : int
        First scenario step of the day and steps in the day.
    plan : pandas.DataFrame
        One row per hub and step of the day: ``time`` (UTC), ``hub``, ``firm_it_kw``, ``<workload>_it_kw``
        (budgets), ``battery_charge_kw``, ``battery_discharge_kw``, ``grid_import_kw``,
        ``renewable_forecast_kw``, ``facility_kw`` [kW], ``expected_green_share`` [-],
        ``marginal_price_per_kwh`` [objective unit per kWh], ``flex_up_mw``, ``flex_down_mw`` [MW].
    offer_day : dict
        Hub -> ``{"up_mwh", "down_mwh"}``: facility energy the day's load can rise and fall [MWh].
    demand_charge : dict
        Hub -> ``peak_to_date_kw`` (carried in by the state), ``planned_peak_kw`` (with the day's planned
        import) and ``peak_increase_kw`` [kW], and ``demand_charge_increase_cny``: the increase x the
        hub's demand charge [CNY], what the day's plan adds to the month's bill (a tariff bills the
        whole month's peak; the LP prices the increase prorated over its look-ahead,
        :class:`engine.model.grid.Grid`).
    state : DayState
        The planned state (the day's start and the committed plan), for :func:`settle_day`.
    late_mwh : float
        Most work the plan leaves past a (buffered) deadline at any step [MWh]; 0 when it keeps all.
    settings : dict
        ``date``, ``lookahead_hours``, ``deadline_buffer_hours``, ``issue_hour``, ``forecast_seed``.
    """

    scenario: Scenario
    start: int
    steps: int
    plan: pd.DataFrame
    offer_day: dict
    demand_charge: dict
    state: DayState
    late_mwh: float
    settings: dict


def day_ahead(
    scenario: Scenario,
    date: str,
    *,
    state: DayState | None = None,
    forecasts: Mapping[str, ForecastSet] | None = None,
    issue_hour: int = 12,
    forecast_seed: int = 0,
    deadline_buffer_hours: float = DEADLINE_BUFFER_HOURS,
    solver: str = "HIGHS",
    state_source: str = "state",
    phases: Phases = unobserved,
) -> DayAheadPlan:
    """Plan ``date`` from ``state`` on forecasts, with the flexibility offer (module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario (series, arrivals, hubs); its solar and wind are the truth the offline forecasts
        are made from.
    date : str
        Local day ``YYYY-MM-DD`` inside the scenario.
    state : DayState, optional
        The state at that midnight (default: :func:`initial_state`).
    forecasts : mapping of str to ForecastSet, optional
        Per-hub forecasts, e.g. files read by :func:`engine.inputs.forecast_files.read_hub_forecasts`
        (hubs left out: their scenario forecast file ``hubs.<name>.forecast``, else the offline error
        model, :func:`~engine.studies.operate.default_forecasts`).
    issue_hour : int
        Local hour of the daily issue the plan uses (the day before).
    forecast_seed : int
        Seed of the offline forecasts.
    deadline_buffer_hours : float
        Plans see every deadline this much earlier [h].
    solver : str
        HiGHS (the hot-started model) or another installed cvxpy solver.
    state_source : str
        Name of the state in error messages (its file).
    phases : callable, optional
        Told ``"building"``, ``"solving"`` and ``"solving the flexibility offer"`` as the plan enters
        them (:mod:`engine.studies.phases`).

    Raises
    ------
    engine.errors.ScenarioError
        Date outside the scenario, or a state that does not fit it.
    """
    phases("building")
    drained = with_drain(scenario)
    start = day_start(scenario, date)
    state = initial_state(drained, start) if state is None else state
    if state.time != drained.index[start]:
        raise ScenarioError(
            f"{state_source}: time: expected the state at local midnight of {date}, got "
            f"{state.time.tz_convert(scenario.timezone)}; pass --date of the state's day"
        )
    dt = drained.step_hours
    day = int(round(HOURS_PER_DAY / dt))
    lookahead_hours = default_lookahead_hours(scenario, HOURS_PER_DAY)
    lookahead, buffer = int(round(lookahead_hours / dt)), int(round(deadline_buffer_hours / dt))
    forecasts = with_scenario_forecasts(scenario, forecasts)
    if forecasts is None or set(forecasts) != set(scenario.hubs):
        offline = default_forecasts(drained, issue_hour=issue_hour, seed=forecast_seed,
                                    horizon_hours=lookahead_hours + HOURS_PER_DAY)
        forecasts = {**offline, **(forecasts or {})}
    planner = RollingPlanner(drained, lookahead, buffer)
    renewable = _forecast_kw(drained, forecasts, start, min(lookahead, len(drained.index) - start))
    soc, peak = _soc_vector(drained, state, state_source), _peak_vector(drained, state, state_source)
    phases("solving")
    made = planner.plan(start, renewable, _done_before(drained, state, start, state_source), soc, solver,
                        peak_to_date_kw=peak)
    model = planner.model
    prices = marginal_price(model.layout, model.data, model.components).to_numpy()
    flows = {name: np.asarray(values)[:day].copy() for name, values in made.flows.items()}
    flows["firm_it_kw"] = model.data.firm_it_kw[:day].copy()
    flows["renewable_forecast_kw"] = model.data.renewable_kw[:day].copy()
    phases("solving the flexibility offer")
    offer = Flexibility(model).offer(day)
    frame = _plan_frame(drained, start, flows, prices[:day], offer)
    planned = dataclasses.replace(
        state,
        plan={name: flows[name] for name in (*_PLAN_ARRAYS, "workload_it_kw", "transfer_kw")
              if name in flows},
    )
    settings = {
        "date": date,
        "lookahead_hours": lookahead_hours,
        "deadline_buffer_hours": deadline_buffer_hours,
        "issue_hour": issue_hour,
        "forecast_seed": forecast_seed,
    }
    return DayAheadPlan(
        scenario=drained,
        start=start,
        steps=day,
        plan=frame,
        offer_day={name: {"up_mwh": float(offer["up_kwh_day"][h]) / 1e3,
                          "down_mwh": float(offer["down_kwh_day"][h]) / 1e3}
                   for h, name in enumerate(drained.hubs)},
        demand_charge=_demand_charge(drained, peak, flows["grid_import_kw"]),
        state=planned,
        late_mwh=made.late_mwh,
        settings=settings,
    )


def _forecast_kw(scenario: Scenario, forecasts: Mapping[str, ForecastSet], start: int,
                 steps: int) -> np.ndarray:
    """``(steps, hubs)`` forecast solar + wind from ``start`` as known at that midnight [kW]."""
    dt = scenario.step_hours
    return np.column_stack([
        forecast_window(forecasts[name], hub.series[["solar_kw", "wind_kw"]], start, steps, dt)
        for name, hub in scenario.hubs.items()])


def _plan_frame(scenario: Scenario, start: int, flows: dict, prices: np.ndarray, offer: dict) -> pd.DataFrame:
    """The plan's rows, hub-major (see :class:`DayAheadPlan`)."""
    steps, n_hubs = flows["grid_import_kw"].shape
    facility = flows["pue"] * (flows["firm_it_kw"] + flows["workload_it_kw"].sum(axis=2))
    grid_charged = np.array([bool(h.battery and h.battery.grid_charging) for h in scenario.hubs.values()])
    green = facility - flows["grid_import_kw"] - np.where(grid_charged, flows["battery_discharge_kw"], 0.0)
    share = np.divide(np.clip(green, 0.0, facility), facility, out=np.ones_like(facility), where=facility > 0)
    columns = {
        "firm_it_kw": flows["firm_it_kw"],
        **{f"{w.name}_it_kw": flows["workload_it_kw"][:, :, k] for k, w in enumerate(scenario.workloads)},
        **{
            name: flows[name]
            for name in (
                "battery_charge_kw",
                "battery_discharge_kw",
                "grid_import_kw",
                "renewable_forecast_kw",
            )
        },
        "facility_kw": facility,
        "expected_green_share": share,
        "marginal_price_per_kwh": prices,
        "flex_up_mw": offer["up_kw"] / 1e3,
        "flex_down_mw": offer["down_kw"] / 1e3,
    }
    index = scenario.index[start : start + steps]
    frame = pd.DataFrame({"time": np.tile(index, n_hubs), "hub": np.repeat(list(scenario.hubs), steps)})
    for name, values in columns.items():
        frame[name] = np.asarray(values, dtype=float).T.reshape(-1)
    return frame


def settle_day(
    scenario: Scenario, state: DayState, actual_renewable_kw: np.ndarray, state_source: str = "state"
) -> tuple[pd.DataFrame, DayState]:
    """Settle a planned day against the renewables that came; the next day's state.

    Parameters
    ----------
    scenario : Scenario
        The scenario the day was planned on (without its drain: it is added here).
    state : DayState
        A planned state (:attr:`DayAheadPlan.state`).
    actual_renewable_kw : numpy.ndarray
        ``(steps of the day, hubs)`` solar plus wind that came [kW].
    state_source : str
        Name of the state in error messages.

    Returns
    -------
    tuple of (pandas.DataFrame, DayState)
        The settled flows (one row per hub and step: ``time``, ``hub``, flows [kW], ``battery_soc_kwh``
        [kWh], ``<workload>_it_kw``) and the state at the next midnight (its ``peak_to_date_kw``
        ``max(peak, settled import)`` per hub, 0 when that midnight opens a new calendar month).
    """
    if state.plan is None:
        raise ScenarioError(
            f"{state_source}: plan: expected a planned state (written by `suandian dayahead`), "
            "got a settled one; plan the day first"
        )
    drained = with_drain(scenario)
    start = int(drained.index.get_indexer([state.time])[0])
    plan, dt = state.plan, drained.step_hours
    steps = plan["grid_import_kw"].shape[0]
    result = settle(
        HubLimits.of(drained),
        dt,
        _soc_vector(drained, state, state_source),
        np.asarray(actual_renewable_kw, dtype=float),
        plan,
    )
    arrived = scenario_data(drained).released_kwh
    before = arrived[start - 1] if start > 0 else np.zeros(len(drained.workloads))
    done = result.workload_it_kw.sum(axis=(0, 1)) * dt
    open_before = np.array([float(state.open_kwh.get(w.name, 0.0)) for w in drained.workloads])
    open_next = np.clip(open_before + arrived[start + steps - 1] - before - done, 0.0, None)
    hubs = list(drained.hubs)
    month = month_fractions(drained)[0]
    peak = np.maximum(_peak_vector(drained, state, state_source), result.grid_import_kw.max(axis=0))
    peak = peak if month[start + steps] == month[start] else np.zeros(len(hubs))
    following = DayState(
        time=drained.index[start + steps],
        soc_kwh={
            name: float(result.battery_soc_kwh[-1, i])
            for i, (name, h) in enumerate(drained.hubs.items())
            if h.battery is not None
        },
        open_kwh={w.name: float(open_next[k]) for k, w in enumerate(drained.workloads)},
        peak_to_date_kw={name: float(peak[i]) for i, name in enumerate(hubs)},
    )
    index = drained.index[start : start + steps]
    frame = pd.DataFrame({"time": np.tile(index, len(hubs)), "hub": np.repeat(hubs, steps)})
    for name in (
        "renewable_used_kw",
        "exported_kw",
        "curtailed_kw",
        "grid_import_kw",
        "battery_charge_kw",
        "battery_discharge_kw",
        "battery_soc_kwh",
        "it_kw",
        "facility_kw",
        "transfer_kw",
        "unserved_kw",
    ):
        frame[name] = getattr(result, name).T.reshape(-1)
    for k, w in enumerate(drained.workloads):
        frame[f"{w.name}_it_kw"] = result.workload_it_kw[:, :, k].T.reshape(-1)
    return frame, following


def open_cohorts(scenario: Scenario, state: DayState) -> dict[str, list[dict]]:
    """The open work of a state as cohorts (first in, first out: the latest arrivals).

    Returns
    -------
    dict
        Workload -> list of ``{"arrived": Timestamp, "due": Timestamp, "kwh": float}`` (UTC; ``due`` is
        the end of the cohort's last allowed step, :mod:`engine.inputs.deadlines`).
    """
    drained = with_drain(scenario)
    start = int(drained.index.get_indexer([state.time])[0])
    step = pd.Timedelta(hours=drained.step_hours)
    cohorts = {}
    for w in drained.workloads:
        left, rows = float(state.open_kwh.get(w.name, 0.0)), []
        arrivals = w.arrival_it_kw.to_numpy(dtype=float) * drained.step_hours
        deadline = deadline_steps(w.deadline_hours, drained.step_hours)
        for s in range(start - 1, -1, -1):
            if left <= 1e-9:
                break
            take = min(left, arrivals[s])
            if take > 0:
                rows.append(
                    {"arrived": drained.index[s], "due": drained.index[s] + deadline * step, "kwh": take}
                )
            left -= take
        cohorts[w.name] = rows[::-1]
    return cohorts


def state_record(scenario: Scenario, state: DayState, scenario_path: str) -> dict:
    """A state as the JSON record of ``state.json`` (times local ISO, energies kWh, plan arrays as lists).

    Parameters
    ----------
    scenario : Scenario
        The scenario of the state.
    state : DayState
        Planned or settled.
    scenario_path : str
        The scenario file, recorded so that ``suandian settle`` can read it again.
    """
    zone = scenario.timezone
    record = {"version": STATE_VERSION, "kind": "settled" if state.plan is None else "planned",
              "scenario": scenario_path, "time": state.time.tz_convert(zone).isoformat(),
              "soc_kwh": dict(state.soc_kwh), "open_kwh": dict(state.open_kwh),
              "peak_to_date_kw": {name: float(state.peak_to_date_kw.get(name, 0.0))
                                  for name in scenario.hubs},
              "open_cohorts": {name: [{"arrived": row["arrived"].tz_convert(zone).isoformat(),
                                       "due": row["due"].tz_convert(zone).isoformat(), "kwh": row["kwh"]}
                                      for row in rows]
                               for name, rows in open_cohorts(scenario, state).items()}}
    if state.plan is not None:
        record["plan"] = {name: np.asarray(values).tolist() for name, values in state.plan.items()}
    return record


def state_from_record(record: object, scenario: Scenario, source: str) -> DayState:
    """The :class:`DayState` of a ``state.json`` record, checked against the scenario.

    Raises
    ------
    engine.errors.ScenarioError
        A missing or malformed key (the message names ``source`` and the key, and the fix).
    """
    if not isinstance(record, dict) or record.get("version") != STATE_VERSION:
        got = record.get("version") if isinstance(record, dict) else type(record).__name__
        raise ScenarioError(f"{source}: version: expected a suandian state record of version "
                            f"{STATE_VERSION}, got {got!r}; pass the state.json written by this "
                            "suandian's `dayahead` or `settle` (version 1 has no peak_to_date_kw: re-plan "
                            "the day, or add it per hub in kW and set version 2)")
    try:
        time = pd.Timestamp(record["time"])
        soc, open_kwh = dict(record["soc_kwh"]), dict(record["open_kwh"])
        peak = dict(record["peak_to_date_kw"])
    except (KeyError, TypeError, ValueError) as error:
        raise ScenarioError(f"{source}: expected keys time (ISO with offset), soc_kwh, open_kwh and "
                            f"peak_to_date_kw, got "
                            f"{sorted(record)}; pass the state.json written by suandian") from error
    if time.tzinfo is None:
        raise ScenarioError(f"{source}: time: expected an ISO time with its UTC offset, got "
                            f"{record['time']!r}; write it as e.g. 2025-07-02T00:00:00+08:00")
    unknown = sorted(set(open_kwh) - {w.name for w in scenario.workloads})
    if unknown:
        raise ScenarioError(f"{source}: open_kwh: expected the scenario's workloads "
                            f"{[w.name for w in scenario.workloads]}, got {unknown}; use a state of this "
                            "scenario")
    if set(peak) != set(scenario.hubs):
        raise ScenarioError(f"{source}: peak_to_date_kw: expected the scenario's hubs {list(scenario.hubs)}, "
                            f"got {sorted(peak)}; use a state of this scenario")
    plan = record.get("plan")
    if plan is not None:
        plan = {name: np.asarray(values, dtype=float) for name, values in plan.items()}
    state = DayState(time=time.tz_convert("UTC"), soc_kwh=soc, open_kwh=open_kwh, plan=plan,
                     peak_to_date_kw=peak)
    _peak_vector(scenario, state, source)
    return state
