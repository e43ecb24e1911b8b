"""The CSV tables of the outputs: schedules (one row per hub and step, local ISO times) and forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.inputs.scenario import Scenario
from engine.inputs.times import local_iso
from engine.schedule import FLOW_COLUMNS, OPTIONAL_COLUMNS, Schedule

MARGINAL_COLUMNS = {"cost": "marginal_price_cny_per_kwh", "carbon": "marginal_carbon_kgco2_per_kwh",
                    "grid": "marginal_grid_kwh_per_kwh", "carbon_marginal": "marginal_carbon_kgco2_per_kwh"}
"""Column of the power balance's dual in ``schedule.csv``, by the scenario's objective: the hub's
marginal price of power [CNY/kWh] when it minimises cost, else its marginal emissions [kgCO2/kWh] or
grid energy [kWh/kWh]."""


def schedule_table(scenario: Scenario, schedule: Schedule) -> pd.DataFrame:
    """A schedule as the CSV table: ``time`` (local ISO 8601), ``hub``, flows, one column per workload,
    and the hub's marginal price of power when the schedule has duals.

    Rows are sorted by hub (scenario order), then time. The marginal price (the dual of the hub's power
    balance in the step, :attr:`Schedule.marginal_price`) is the last column, named by the objective
    (:data:`MARGINAL_COLUMNS`: ``marginal_price_cny_per_kwh`` for least cost); schedules without duals
    (the baseline, a settled operation) have no such column.
    """
    workload_columns = [f"{workload.name}_it_kw" for workload in scenario.workloads]
    flows = schedule.flows
    hub_order = pd.Categorical(flows["hub"], categories=list(scenario.hubs), ordered=True)
    flows = flows.assign(_hub_order=hub_order).sort_values(["_hub_order", "time"], kind="stable")
    optional = [name for name in (*OPTIONAL_COLUMNS, "unserved_kw") if name in flows]
    table = flows[["time", "hub", *FLOW_COLUMNS, *optional, *workload_columns]].reset_index(drop=True)
    prices = schedule.marginal_price
    if prices is not None:
        rows, columns = prices.index.get_indexer(table["time"]), prices.columns.get_indexer(table["hub"])
        found = (rows >= 0) & (columns >= 0)
        table[MARGINAL_COLUMNS[scenario.objective.minimize]] = np.where(
            found, prices.to_numpy(dtype=float)[rows, columns], np.nan)
    table["time"] = local_iso(table["time"], scenario.timezone).to_numpy()
    return table


def forecast_table(scenario: Scenario, schedule: Schedule,
                   planned_renewable_kw: pd.DataFrame) -> pd.DataFrame:
    """``forecast.csv`` of an operation: ``time`` (local ISO), ``hub``, ``planned_renewable_kw`` (what the
    plan used) and ``actual_renewable_kw`` (solar + wind that came) [kW]."""
    planned = planned_renewable_kw.stack().rename("planned_renewable_kw").reset_index()
    planned.columns = ["time", "hub", "planned_renewable_kw"]
    flows = schedule.flows
    table = planned.merge(flows[["time", "hub", "solar_kw", "wind_kw"]], on=["time", "hub"])
    table["actual_renewable_kw"] = table.pop("solar_kw") + table.pop("wind_kw")
    table["time"] = local_iso(table["time"], scenario.timezone).to_numpy()
    return table
