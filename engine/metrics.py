"""Metrics of a schedule -- in total, per hub or per step -- and the gains of coordination.

One API scores every policy (PyPSA's statistics idea: every metric takes the same arguments):
``statistics(scenario, schedule, by="total" | "hub" | "step")`` returns every metric below as a pandas
Series (total) or DataFrame (hub x metric, time x metric). :func:`metrics` is its JSON block (totals and
``"hubs"``) for ``summary.json``; study results call it as ``result.metrics(policy, by=...)``.

Every metric name is fixed by DESIGN.md (units in the names):

- ``it_energy_mwh``, ``facility_energy_mwh``: IT and facility (PUE x IT) energy [MWh];
- ``renewable_available_mwh``, ``renewable_used_mwh``, ``curtailed_mwh``: solar + wind available, used by
  the facility or to charge the battery, and curtailed [MWh];
- ``grid_import_mwh`` [MWh] and ``peak_import_mw`` [MW] (in total: the coincident peak of all hubs);
- ``green_share_hourly`` [-]: energy that served the facility from renewables in the same step, or from a
  battery charged by renewables, over facility energy;
- ``green_share_annual`` [-]: ``min(1, renewable available / facility energy)`` (annual matching);
- ``carbon_t``: ``sum grid_import x carbon_g_per_kwh x dt / 1e6`` [tCO2];
- ``carbon_marginal_t``: consequential carbon, ``0.8273 kg/kWh x (grid_import - exported) x dt / 1000``
  [tCO2] (:data:`~engine.inputs.scenario.FOSSIL_MARGINAL_KG_PER_KWH`, a model choice: export displaces
  fossil generation elsewhere, curtailment displaces nothing); ``exported_mwh`` [MWh] park surplus sold;
- ``cost_cny`` [CNY]: the sum of the cost split :data:`engine.schedule.COST_PARTS` --
  ``energy_cost_cny`` (``sum grid_import x price_cny_per_kwh x dt``), ``demand_charge_cny``,
  ``ppa_cost_cny``, ``transfer_cost_cny``, ``battery_wear_cny`` -- minus ``export_revenue_cny``
  (:func:`engine.schedule.cost_rows`); with no economics set it is the energy cost, renewables at zero
  marginal cost (ASSUMPTION: on-site or contracted parks). When the scenario sets a carbon price,
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
from engine.inputs.scenario import FOSSIL_MARGINAL_KG_PER_KWH, Scenario, Workload
from engine.schedule import COST_PARTS, Schedule, column, cost_rows, grid_cost_per_kwh

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
    "carbon_marginal_t": "tCO2",
    "exported_mwh": "MWh",
    "cost_cny": "CNY",
    **{part: "CNY" for part in COST_PARTS},
    "carbon_cost_cny": "CNY",
    "peak_import_mw": "MW",
    "deadline_met_share": "-",
    "migrated_it_mwh": "MWh",
    "network_tb": "TB",
}
"""Every metric name and its unit (``carbon_cost_cny`` appears only with a carbon price)."""

GROUPINGS = ("total", "hub", "step")
"""The groupings of :func:`statistics`."""

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


def deadline_met_kw(scenario: Scenario, flows: pd.DataFrame, workload: Workload) -> np.ndarray:
    """Arrivals of a workload done by their deadline, first in, first out, per arrival step [kW].

    With arrivals ``a_s`` and cumulative arrivals ``A``, cumulative work done ``X`` (all hubs) at the end
    of each step and ``D`` deadline steps, the work arriving in step ``s`` that is done by its deadline
    is ``clip(X[min(s + D - 1, T - 1)] - A[s - 1], 0, a_s)`` (the horizon clips the window;
    :func:`engine.inputs.deadlines.window_end`).

    Parameters
    ----------
    scenario : Scenario
        The scenario (index, step length).
    flows : pandas.DataFrame
        :attr:`Schedule.flows` with a ``<workload>_it_kw`` column.
    workload : Workload
        The workload.

    Returns
    -------
    numpy.ndarray
        ``(steps,)`` power of the arrivals of each step that met their deadline [kW].
    """
    column = f"{workload.name}_it_kw"
    done = flows.groupby("time")[column].sum().reindex(scenario.index, fill_value=0.0)
    arrivals = workload.arrival_it_kw.reindex(scenario.index, fill_value=0.0).to_numpy(dtype=float)
    done_cumulative = np.cumsum(done.to_numpy(dtype=float))
    arrived_before = np.concatenate(([0.0], np.cumsum(arrivals)[:-1]))
    due = window_end(len(scenario.index), deadline_steps(workload.deadline_hours, scenario.step_hours))
    return np.clip(done_cumulative[due] - arrived_before, 0.0, arrivals)


_ADDITIVE = ("it_energy_mwh", "facility_energy_mwh", "renewable_available_mwh", "renewable_used_mwh",
             "curtailed_mwh", "grid_import_mwh", "green_mwh", "carbon_t", "carbon_marginal_t", "exported_mwh",
             "cost_cny", *COST_PARTS, "migrated_it_mwh", "network_tb", "arrived_mwh", "met_mwh")
"""Quantities that add over hubs and steps (``green_mwh``, ``arrived_mwh`` and ``met_mwh`` make the
shares)."""


def _row_quantities(scenario: Scenario, flows: pd.DataFrame) -> pd.DataFrame:
    """Each flows row (hub, step; sorted by hub in scenario order, then time) as energies [MWh],
    emissions [t], cost [CNY], data [TB], import power [MW] and the deferrable work that arrived at its
    origin hub in that step and met its deadline [MWh]."""
    order = pd.Categorical(flows["hub"], categories=list(scenario.hubs), ordered=True)
    flows = flows.assign(_order=order).sort_values(["_order", "time"], kind="stable").reset_index(drop=True)
    mwh = scenario.step_hours / _KWH_PER_MWH
    import_kw = flows["grid_import_kw"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "hub": flows["hub"], "time": flows["time"],
        "it_energy_mwh": flows["it_kw"] * mwh,
        "facility_energy_mwh": flows["facility_kw"] * mwh,
        "renewable_available_mwh": (flows["solar_kw"] + flows["wind_kw"]) * mwh,
        "renewable_used_mwh": flows["renewable_used_kw"] * mwh,
        "curtailed_mwh": flows["curtailed_kw"] * mwh,
        "grid_import_mwh": import_kw * mwh,
        "green_mwh": green_power_kw(scenario, flows) * mwh,
        "carbon_t": import_kw * flows["carbon_g_per_kwh"] * scenario.step_hours / _G_PER_T,
        "carbon_marginal_t": ((import_kw - column(flows, "exported_kw")) * FOSSIL_MARGINAL_KG_PER_KWH
                              * scenario.step_hours / _KWH_PER_MWH),
        "exported_mwh": column(flows, "exported_kw") * mwh,
        "import_mw": import_kw / _KWH_PER_MWH,
    })
    costs = cost_rows(scenario, flows)
    frame = frame.assign(**costs, cost_cny=costs.drop(columns="export_revenue_cny").sum(axis=1)
                         - costs["export_revenue_cny"])
    step = scenario.index.get_indexer(flows["time"])
    hub = flows["hub"].to_numpy()
    migrated, arrived, met = (np.zeros(len(flows)) for _ in range(3))
    network = np.zeros(len(flows))
    for workload in scenario.workloads:
        away = (hub != workload.origin) * flows[f"{workload.name}_it_kw"].to_numpy(dtype=float) * mwh
        migrated += away
        network += away * workload.data_tb_per_mwh
        at_origin = hub == workload.origin
        arrivals = workload.arrival_it_kw.reindex(scenario.index, fill_value=0.0).to_numpy(dtype=float)
        arrived += np.where(at_origin, arrivals[step], 0.0) * mwh
        met += np.where(at_origin, deadline_met_kw(scenario, flows, workload)[step], 0.0) * mwh
    return frame.assign(migrated_it_mwh=migrated, network_tb=network, arrived_mwh=arrived, met_mwh=met)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    """``numerator / denominator``, 1 where the denominator is 0 (nothing to serve: all of it green)."""
    top, bottom = numerator.to_numpy(dtype=float), denominator.to_numpy(dtype=float)
    return np.divide(top, bottom, out=np.ones_like(top), where=bottom > 0)


def statistics(scenario: Scenario, schedule: Schedule, *, by: str = "total") -> pd.Series | pd.DataFrame:
    """Every metric of a schedule, in total, per hub or per step (the one metrics API).

    Every policy's schedule (coordinated, baseline, operated, ...) is scored by this function with the
    same arguments; study results call it as ``result.metrics(policy, by=...)``.

    Parameters
    ----------
    scenario : Scenario
        The scenario that was scheduled.
    schedule : Schedule
        Any schedule of it.
    by : {"total", "hub", "step"}
        ``"total"``: over all hubs and steps; ``"hub"``: per hub over the horizon; ``"step"``: per step
        over all hubs (energies are those of the step; ``peak_import_mw`` is the step's import;
        ``deadline_met_share`` is that of the work arriving in the step).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``"total"``: a Series indexed by metric; ``"hub"``: hub x metric; ``"step"``: time (UTC) x
        metric. Names and units are those of :data:`METRIC_UNITS` (also in ``.attrs["units"]``); the
        module docstring defines them.

    Raises
    ------
    ValueError
        ``by`` is not one of :data:`GROUPINGS`.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by: expected one of {GROUPINGS}, got {by!r}")
    rows = _row_quantities(scenario, schedule.flows)
    group = {"total": pd.Series("total", index=rows.index), "hub": rows["hub"], "step": rows["time"]}[by]
    sums = rows[list(_ADDITIVE)].groupby(group.to_numpy(), sort=False).sum()
    per_step = rows["import_mw"].groupby([group.to_numpy(), rows["time"].to_numpy()], sort=False).sum()
    sums["peak_import_mw"] = per_step.groupby(level=0, sort=False).max()
    sums["green_share_hourly"] = _ratio(sums["green_mwh"], sums["facility_energy_mwh"])
    sums["green_share_annual"] = np.minimum(
        1.0, _ratio(sums["renewable_available_mwh"], sums["facility_energy_mwh"]))
    sums["deadline_met_share"] = _ratio(sums["met_mwh"], sums["arrived_mwh"])
    carbon_price = scenario.objective.carbon_price_cny_per_t
    if carbon_price > 0:
        sums["carbon_cost_cny"] = carbon_price * sums["carbon_t"]
    table = sums[[name for name in METRIC_UNITS if name in sums]].astype(float)
    table.attrs["units"] = {name: METRIC_UNITS[name] for name in table.columns}
    if by == "total":
        totals = table.iloc[0].rename(None)
        totals.attrs["units"] = table.attrs["units"]
        return totals
    if by == "hub":
        return table.reindex(list(scenario.hubs)).rename_axis("hub")
    return table.reindex(scenario.index).rename_axis("time")


def metrics(scenario: Scenario, schedule: Schedule) -> dict:
    """All metrics of a schedule, in total and per hub, as one JSON-ready block.

    The block of ``summary.json``: :func:`statistics` by ``"total"`` and by ``"hub"``.

    Parameters
    ----------
    scenario : Scenario
        The scenario that was scheduled.
    schedule : Schedule
        The coordinated, baseline or any other schedule.

    Returns
    -------
    dict
        ``{metric: value, ..., "hubs": {hub: {metric: value}}}`` with the names and units of
        :data:`METRIC_UNITS` (module docstring for the definitions).
    """
    totals = statistics(scenario, schedule, by="total")
    hubs = statistics(scenario, schedule, by="hub")
    per_hub = {hub: {name: float(value) for name, value in row.items()} for hub, row in hubs.iterrows()}
    return {**{name: float(value) for name, value in totals.items()}, "hubs": per_hub}


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


def stored_energy_value(scenario: Scenario, schedule: Schedule) -> float:
    """Value of the change of battery energy over the horizon [objective unit] (positive: ends fuller).

    Every comparison of schedules values the end-of-horizon battery state (DESIGN.md, "Scoring"):
    ``sum_b (soc_end - soc_initial) x eta_b x w_b`` with ``eta_b = sqrt(round_trip_efficiency)`` (a kWh
    stored delivers ``eta`` kWh) and ``w_b`` the mean grid weight per kWh at the battery's hub over the
    horizon (:func:`engine.schedule.grid_cost_per_kwh`: tariff plus carbon price, carbon or energy).
    ASSUMPTION: stored energy displaces grid energy at its average weight -- a documented, neutral
    price, neither the dearest hour nor the valley.

    Parameters
    ----------
    scenario : Scenario
        The scenario that was scheduled.
    schedule : Schedule
        Any schedule of it (``battery_soc_kwh`` is the state at the end of each step).
    """
    value = 0.0
    flows = schedule.flows
    for name, hub in scenario.hubs.items():
        if hub.battery is None:
            continue
        rows = flows[flows["hub"] == name].sort_values("time")
        change = float(rows["battery_soc_kwh"].iloc[-1]) - hub.battery.initial_soc * hub.battery.energy_kwh
        weight = grid_cost_per_kwh(scenario, rows["carbon_g_per_kwh"].to_numpy(float),
                                   rows["price_cny_per_kwh"].to_numpy(float))
        value += change * np.sqrt(hub.battery.round_trip_efficiency) * float(np.mean(weight))
    return value


def end_soc_kwh(scenario: Scenario, schedule: Schedule) -> np.ndarray:
    """``(hubs,)`` battery state of charge at the end of a schedule [kWh] (0 at hubs without a battery).

    The end state other schedules are equalised with (:func:`engine.studies.run.equalised_solve`).
    """
    flows = schedule.flows
    last = flows.sort_values("time").groupby("hub", sort=False)["battery_soc_kwh"].last()
    return np.array([float(last.get(name, 0.0)) if hub.battery is not None else 0.0
                     for name, hub in scenario.hubs.items()])


def scored_objective(scenario: Scenario, schedule: Schedule) -> float:
    """The schedule's objective minus :func:`stored_energy_value` [objective unit]: the number to compare
    schedules by, whatever battery state each ends with."""
    return float(schedule.objective) - stored_energy_value(scenario, schedule)
