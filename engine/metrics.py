"""Metrics of a schedule, per hub and in total, and the gains of coordination over the baseline.

Every metric name is fixed by DESIGN.md (units in the names):

- ``it_energy_mwh``, ``facility_energy_mwh``: IT and facility (PUE x IT) energy [MWh];
- ``renewable_available_mwh``, ``renewable_used_mwh``, ``curtailed_mwh``: solar + wind available, used by
  the facility or to charge the battery, and curtailed [MWh];
- ``grid_import_mwh`` [MWh] and ``peak_import_mw`` [MW] (in total: the coincident peak of all hubs);
- ``green_share_hourly`` [-]: energy that served the facility from renewables in the same step, or from a
  battery charged by renewables, over facility energy;
- ``green_share_annual`` [-]: ``min(1, renewable available / facility energy)`` (annual matching);
- ``carbon_t``: ``sum grid_import x carbon_g_per_kwh x dt / 1e6`` [tCO2];
- ``cost_cny``: ``sum grid_import x price_cny_per_kwh x dt`` [CNY], the energy cost; renewables are taken
  at zero marginal cost (ASSUMPTION: on-site or contracted parks). When the scenario sets a carbon price,
  ``carbon_cost_cny = carbon_price_cny_per_t x carbon_t`` [CNY] is reported as its own key;
- ``deadline_met_share`` [-]: share of deferrable work done by its deadline (first in, first out);
- ``migrated_it_mwh`` [MWh] and ``network_tb`` [TB]: work run away from its origin and the data moved
  for it.

Per-hub attribution: ``deadline_met_share`` belongs to a workload's origin hub (1.0 at a hub where no
deferrable work originates); ``migrated_it_mwh`` and ``network_tb`` belong to the hub that *ran* the
migrated work (the hub that received it). Totals are sums over hubs, shares are ratios of sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.inputs.deadlines import deadline_steps, window_end
from engine.inputs.scenario import Scenario, Workload
from engine.schedule import Schedule

METRIC_UNITS = {
    "it_energy_mwh": "MWh",
    "facility_energy_mwh": "MWh",
    "renewable_available_mwh": "MWh",
    "renewable_used_mwh": "MWh",
    "curtailed_mwh": "MWh",
    "grid_import_mwh": "MWh",
    "green_share_hourly": "-",
    "green_share_annual": "-",
    "carbon_t": "tCO2",
    "cost_cny": "CNY",
    "carbon_cost_cny": "CNY",
    "peak_import_mw": "MW",
    "deadline_met_share": "-",
    "migrated_it_mwh": "MWh",
    "network_tb": "TB",
}
"""Every metric name and its unit (``carbon_cost_cny`` appears only with a carbon price)."""

_KWH_PER_MWH = 1000.0
_G_PER_T = 1e6


def green_power_kw(scenario: Scenario, flows: pd.DataFrame) -> pd.Series:
    """Facility power served by renewables in the same step or by renewable-charged batteries [kW].

    Without grid charging a battery holds renewable energy only and the grid serves nothing but the
    facility, so green power is ``facility_kw - grid_import_kw``. At a hub whose battery may charge from
    the grid the split of the battery's energy is not in the flows; the conservative rule counts no
    battery discharge as green there: ``facility_kw - grid_import_kw - battery_discharge_kw``. Both are
    clipped to ``[0, facility_kw]``.

    Parameters
    ----------
    scenario : Scenario
        The scenario the flows belong to.
    flows : pandas.DataFrame
        :attr:`Schedule.flows` rows (``hub``, ``facility_kw``, ``grid_import_kw``,
        ``battery_discharge_kw``).

    Returns
    -------
    pandas.Series
        Green power per row of ``flows`` [kW].
    """
    grid_charged_hubs = [name for name, hub in scenario.hubs.items()
                         if hub.battery is not None and hub.battery.grid_charging]
    facility = flows["facility_kw"].to_numpy(dtype=float)
    green = facility - flows["grid_import_kw"].to_numpy(dtype=float)
    grid_charged = flows["hub"].isin(grid_charged_hubs).to_numpy()
    green = green - np.where(grid_charged, flows["battery_discharge_kw"].to_numpy(dtype=float), 0.0)
    return pd.Series(np.clip(green, 0.0, facility), index=flows.index, name="green_kw")


def deadline_met_energy_kwh(scenario: Scenario, schedule: Schedule, workload: Workload) -> float:
    """Energy of a workload's work done by its deadline, first in, first out [kWh].

    With arrivals ``a_s`` and cumulative arrivals ``A``, cumulative work done ``X`` (all hubs) at the end
    of each step and ``D`` deadline steps, the work arriving in step ``s`` that is done by its deadline
    is ``clip(X[min(s + D - 1, T - 1)] - A[s - 1], 0, a_s)`` (the horizon clips the window).

    Parameters
    ----------
    scenario : Scenario
        The scenario (index, step length).
    schedule : Schedule
        A schedule with a ``<workload>_it_kw`` column.
    workload : Workload
        The workload.
    """
    column = f"{workload.name}_it_kw"
    done = schedule.flows.groupby("time")[column].sum().reindex(scenario.index, fill_value=0.0)
    arrivals = workload.arrival_it_kw.reindex(scenario.index, fill_value=0.0).to_numpy(dtype=float)
    done_cumulative = np.cumsum(done.to_numpy(dtype=float))
    arrived_before = np.concatenate(([0.0], np.cumsum(arrivals)[:-1]))
    steps = len(scenario.index)
    due = window_end(steps, deadline_steps(workload.deadline_hours, scenario.step_hours))
    met = np.clip(done_cumulative[due] - arrived_before, 0.0, arrivals)
    return float(met.sum() * scenario.step_hours)


def _hub_energy_metrics(scenario: Scenario, flows: pd.DataFrame) -> pd.DataFrame:
    """Additive per-hub quantities (energies [MWh], emissions [t], cost [CNY], green energy)."""
    dt = scenario.step_hours
    frame = pd.DataFrame({
        "hub": flows["hub"],
        "it_energy_mwh": flows["it_kw"],
        "facility_energy_mwh": flows["facility_kw"],
        "renewable_available_mwh": flows["solar_kw"] + flows["wind_kw"],
        "renewable_used_mwh": flows["renewable_used_kw"],
        "curtailed_mwh": flows["curtailed_kw"],
        "grid_import_mwh": flows["grid_import_kw"],
        "green_mwh": green_power_kw(scenario, flows),
        "carbon_t": flows["grid_import_kw"] * flows["carbon_g_per_kwh"] * _KWH_PER_MWH / _G_PER_T,
        "cost_cny": flows["grid_import_kw"] * flows["price_cny_per_kwh"] * _KWH_PER_MWH,
    })
    migrated = np.zeros(len(flows))
    network = np.zeros(len(flows))
    for workload in scenario.workloads:
        away = (flows["hub"] != workload.origin).to_numpy() * flows[f"{workload.name}_it_kw"].to_numpy()
        migrated += away
        network += away * workload.data_tb_per_mwh
    frame["migrated_it_mwh"] = migrated
    frame["network_tb"] = network
    sums = frame.groupby("hub", sort=False).sum() * dt / _KWH_PER_MWH
    return sums.reindex(list(scenario.hubs), fill_value=0.0)


def _finish(values: dict, carbon_price: float) -> dict:
    """Shares from sums, the carbon cost, and metrics in DESIGN.md order."""
    facility = values["facility_energy_mwh"]
    values["green_share_hourly"] = values.pop("green_mwh") / facility if facility > 0 else 1.0
    values["green_share_annual"] = (min(1.0, values["renewable_available_mwh"] / facility)
                                    if facility > 0 else 1.0)
    if carbon_price > 0:
        values["carbon_cost_cny"] = carbon_price * values["carbon_t"]
    return {name: float(values[name]) for name in METRIC_UNITS if name in values}


def metrics(scenario: Scenario, schedule: Schedule) -> dict:
    """All metrics of a schedule, in total and per hub.

    Parameters
    ----------
    scenario : Scenario
        The scenario that was scheduled.
    schedule : Schedule
        The coordinated or baseline schedule.

    Returns
    -------
    dict
        ``{metric: value, ..., "hubs": {hub: {metric: value}}}`` with the names and units of
        :data:`METRIC_UNITS` (module docstring for the definitions).
    """
    flows = schedule.flows
    carbon_price = scenario.objective.carbon_price_cny_per_t
    sums = _hub_energy_metrics(scenario, flows)
    peak_kw = flows.groupby("hub", sort=False)["grid_import_kw"].max().reindex(list(scenario.hubs),
                                                                             fill_value=0.0)
    total_peak_kw = flows.groupby("time")["grid_import_kw"].sum().max() if len(flows) else 0.0

    arrived = dict.fromkeys(scenario.hubs, 0.0)
    met = dict.fromkeys(scenario.hubs, 0.0)
    for workload in scenario.workloads:
        arrived[workload.origin] += float(workload.arrival_it_kw.sum()) * scenario.step_hours
        met[workload.origin] += deadline_met_energy_kwh(scenario, schedule, workload)

    def met_share(arrived_kwh: float, met_kwh: float) -> float:
        return met_kwh / arrived_kwh if arrived_kwh > 0 else 1.0

    hubs = {}
    for name in scenario.hubs:
        values = sums.loc[name].to_dict()
        values["peak_import_mw"] = peak_kw[name] / _KWH_PER_MWH
        values["deadline_met_share"] = met_share(arrived[name], met[name])
        hubs[name] = _finish(values, carbon_price)
    totals = sums.sum().to_dict()
    totals["peak_import_mw"] = total_peak_kw / _KWH_PER_MWH
    totals["deadline_met_share"] = met_share(sum(arrived.values()), sum(met.values()))
    return {**_finish(totals, carbon_price), "hubs": hubs}


def gains(coordinated: dict, baseline: dict) -> dict:
    """Coordinated minus baseline for every metric, in total and per hub.

    Parameters
    ----------
    coordinated, baseline : dict
        Results of :func:`metrics` for the same scenario.

    Returns
    -------
    dict
        ``{metric: coordinated - baseline, ..., "hubs": {hub: {metric: difference}}}``; a negative
        ``carbon_t`` gain is carbon saved.
    """
    difference = {name: coordinated[name] - baseline[name]
                  for name in coordinated if name != "hubs" and name in baseline}
    difference["hubs"] = {
        hub: {name: values[name] - baseline["hubs"][hub][name] for name in values}
        for hub, values in coordinated["hubs"].items()
    }
    return difference
