"""The result of scheduling: an immutable :class:`Schedule` of tidy DataFrames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.scenario import FOSSIL_MARGINAL_KG_PER_KWH, OBJECTIVES, Scenario

FLOW_COLUMNS = (
    "solar_kw", "wind_kw", "renewable_used_kw", "curtailed_kw", "grid_import_kw",
    "battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh", "it_kw", "facility_kw", "pue",
    "carbon_g_per_kwh", "price_cny_per_kwh",
)
"""Per hub and step, after ``time`` and ``hub``; then one ``<workload>_it_kw`` column per workload.

Optional columns (:data:`OPTIONAL_COLUMNS`, zero when absent): ``exported_kw`` (park surplus sold to the
grid) and ``transfer_kw`` (transfer energy of data sent from this hub, load beside the facility). With
them: ``renewable_used + exported + curtailed = solar + wind`` and the balance gains ``+ exported +
transfer`` on the demand side.

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


OPTIONAL_COLUMNS = ("exported_kw", "transfer_kw")
"""Flow columns a schedule may lack (read as zero): see :data:`FLOW_COLUMNS`."""
KWH_PER_MWH = 1000.0
HOURS_PER_DAY = 24.0
COST_PARTS = ("energy_cost_cny", "demand_charge_cny", "ppa_cost_cny", "transfer_cost_cny",
              "battery_wear_cny", "export_revenue_cny")
"""The cost split [CNY]; ``cost_cny = sum of the parts - export_revenue_cny``."""


def grid_cost_per_kwh(scenario: Scenario, carbon_g_per_kwh: np.ndarray,
                      price_cny_per_kwh: np.ndarray) -> np.ndarray:
    """Objective weight of one kWh imported from the grid, per step and hub.

    ``"cost"``: ``price + carbon_price x intensity / 1e6`` [CNY/kWh]; ``"carbon"``: ``intensity / 1000``
    [kgCO2/kWh]; ``"carbon_marginal"``: the fossil marginal factor [kgCO2/kWh]; ``"grid"``: 1 [kWh/kWh].
    """
    goal = scenario.objective.minimize
    if goal == "cost":
        return price_cny_per_kwh + scenario.objective.carbon_price_cny_per_t * carbon_g_per_kwh / 1e6
    if goal == "carbon":
        return carbon_g_per_kwh / 1e3
    if goal == "carbon_marginal":
        return np.full_like(carbon_g_per_kwh, FOSSIL_MARGINAL_KG_PER_KWH)
    if goal == "grid":
        return np.ones_like(carbon_g_per_kwh)
    raise ScenarioError(f"objective.minimize: expected one of {OBJECTIVES}, got {goal!r}; "
                        "set it to 'cost', 'carbon' or 'grid'")


def objective_value(scenario: Scenario, flows: pd.DataFrame) -> float:
    """The scenario's objective evaluated on a schedule's flows (CNY, kgCO2 or kWh).

    Same terms for the coordinated schedule and every reference policy: ``sum weight x grid_import x
    dt`` with the weight of :func:`grid_cost_per_kwh` (the battery tie-breaker is not part of it); for
    ``"cost"`` plus the economics of :func:`cost_rows` (demand charge, PPA, transfer, wear, minus export
    revenue); for ``"carbon_marginal"`` minus the marginal factor x export.
    """
    weight = grid_cost_per_kwh(scenario, flows["carbon_g_per_kwh"].to_numpy(float),
                               flows["price_cny_per_kwh"].to_numpy(float))
    value = float(weight @ flows["grid_import_kw"].to_numpy(float) * scenario.step_hours)
    goal = scenario.objective.minimize
    if goal == "cost":
        parts = cost_rows(scenario, flows).sum()
        value += float(parts.drop(["energy_cost_cny", "export_revenue_cny"]).sum()
                       - parts["export_revenue_cny"])
    elif goal == "carbon_marginal":
        value -= FOSSIL_MARGINAL_KG_PER_KWH * float(column(flows, "exported_kw").sum()) * scenario.step_hours
    return value


def column(flows: pd.DataFrame, name: str) -> np.ndarray:
    """A flow column as floats, zeros for an absent :data:`OPTIONAL_COLUMNS` column."""
    if name in flows:
        return flows[name].to_numpy(dtype=float)
    return np.zeros(len(flows))


def optional_columns(scenario: Scenario, exported_kw: np.ndarray, transfer_kw: np.ndarray) -> dict:
    """The :data:`OPTIONAL_COLUMNS` a scenario's schedules carry: ``exported_kw`` when a hub may export,
    ``transfer_kw`` when moving data draws energy (``(steps, hubs)`` arrays [kW])."""
    columns = {}
    if any(hub.export_kw > 0 for hub in scenario.hubs.values()):
        columns["exported_kw"] = exported_kw
    if scenario.transfer.energy_kwh_per_tb > 0:
        columns["transfer_kw"] = transfer_kw
    return columns


def month_fractions(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Calendar month (local time) of every step and the share of each month the horizon covers.

    Returns
    -------
    tuple of numpy.ndarray
        ``(steps,)`` month position ``0..M-1`` and ``(M,)`` covered hours over the month's hours [-]. A
        demand charge of ``rate`` [CNY per kW-month] costs ``rate x fraction_m x peak_m`` (ASSUMPTION:
        prorated, so a fortnight pays about half a month's charge on its own peak).
    """
    local = scenario.index.tz_convert(scenario.timezone)
    months = local.year * 12 + local.month - 1
    labels, position = np.unique(np.asarray(months), return_inverse=True)
    covered = np.bincount(position, minlength=labels.size) * scenario.step_hours
    days = np.array([pd.Period(year=int(m // 12), month=int(m % 12) + 1, freq="M").days_in_month
                     for m in labels], dtype=float)
    return position, covered / (days * HOURS_PER_DAY)


def cost_rows(scenario: Scenario, flows: pd.DataFrame) -> pd.DataFrame:
    """The cost split of every flows row (:data:`COST_PARTS`) [CNY], in the row order of ``flows``.

    - ``energy_cost_cny``: grid import x tariff x dt;
    - ``demand_charge_cny``: each hub's peak import in each calendar month x its demand charge x the
      covered share of the month (:func:`month_fractions`), on the row of the peak;
    - ``ppa_cost_cny``: park energy taken (used and exported) x the hub's PPA price;
    - ``transfer_cost_cny``: data moved to this hub [TB] x the transfer price (the receiving hub, like
      ``network_tb``);
    - ``battery_wear_cny``: battery discharge [MWh] x its wear cost;
    - ``export_revenue_cny``: exported energy x the export price (a revenue, subtracted in ``cost_cny``).
    """
    dt = scenario.step_hours
    hub = flows["hub"].to_numpy()
    imports = flows["grid_import_kw"].to_numpy(dtype=float)
    exported = column(flows, "exported_kw")
    keys = ("export_price_cny_per_kwh", "ppa_price_cny_per_kwh", "demand_charge_cny_per_kw_month")
    per_hub = {name: np.array([getattr(h, key) for key in keys]
                              + [h.battery.wear_cny_per_mwh if h.battery is not None else 0.0])
               for name, h in scenario.hubs.items()}
    export_price, ppa, demand_rate, wear = np.array([per_hub[name] for name in hub]).T.reshape(4, -1)
    moved_tb = np.zeros(len(flows))
    for workload in scenario.workloads:
        moved_tb += ((hub != workload.origin) * flows[f"{workload.name}_it_kw"].to_numpy(dtype=float) * dt
                     / KWH_PER_MWH * workload.data_tb_per_mwh)
    return pd.DataFrame({
        "energy_cost_cny": imports * flows["price_cny_per_kwh"].to_numpy(dtype=float) * dt,
        "demand_charge_cny": _demand_charge_rows(scenario, flows, demand_rate),
        "ppa_cost_cny": (flows["renewable_used_kw"].to_numpy(dtype=float) + exported) * ppa * dt,
        "transfer_cost_cny": moved_tb * scenario.transfer.price_cny_per_tb,
        "battery_wear_cny": flows["battery_discharge_kw"].to_numpy(dtype=float) * dt / KWH_PER_MWH * wear,
        "export_revenue_cny": exported * export_price * dt,
    }, index=flows.index)


def _demand_charge_rows(scenario: Scenario, flows: pd.DataFrame, rate: np.ndarray) -> np.ndarray:
    """Demand charge of each (hub, month) on the row of its peak import [CNY] (:func:`cost_rows`).

    ``rate`` is each row's hub's charge [CNY per kW-month]. The peak row of a (hub, month) group is its
    first row of largest import (as ``idxmax``).
    """
    charge = np.zeros(len(flows))
    if not rate.any():
        return charge
    position, fraction = month_fractions(scenario)
    month = position[scenario.index.get_indexer(flows["time"])]
    _, hub_code = np.unique(flows["hub"].to_numpy(), return_inverse=True)
    group = hub_code * fraction.size + month
    kw = flows["grid_import_kw"].to_numpy(dtype=float)
    order = np.lexsort((-kw, group))  # by group, largest import first, ties in row order (stable)
    sorted_group = group[order]
    peak = order[np.r_[True, sorted_group[1:] != sorted_group[:-1]]]
    charge[peak] = kw[peak] * rate[peak] * fraction[month[peak]]
    return charge


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
