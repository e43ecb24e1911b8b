"""Files of ``suandian dayahead`` and ``suandian settle``: CSV and JSON a job scheduler can read.

dayahead ``--out DIR``:

- ``plan.csv``: one row per hub and step of the day -- ``time`` (local ISO with offset), ``hub``, the IT
  power budget of every workload class ``<workload>_it_kw`` (the quota a Slurm or Kubernetes scheduler
  enforces), ``firm_it_kw``, ``battery_charge_kw``, ``battery_discharge_kw``, ``grid_import_kw``,
  ``renewable_forecast_kw``, ``facility_kw`` [kW], ``expected_green_share`` [-],
  ``marginal_price_per_kwh`` [objective unit per kWh], and the flexibility offer ``flex_up_mw``,
  ``flex_down_mw`` [MW] (each hour on its own);
- ``plan.json``: the same per hub as lists by hour, the day's energy offer per hub [MWh], the demand
  charge per hub (``peak_to_date_kw`` carried in, ``planned_peak_kw``, ``peak_increase_kw`` [kW],
  ``demand_charge_increase_cny`` [CNY]: what the plan adds to the month's bill), settings;
- ``state.json``: the planned state (start of the day, each hub's month-to-date peak grid import
  ``peak_to_date_kw`` [kW] and the committed plan), the input of ``settle``.

settle ``--out DIR``: ``settled.csv`` (flows that ran, per hub and step), ``state.json`` (the next
day's state with the month-to-date peak carried forward, the input of the next ``dayahead --state``)
and ``summary.json`` (energies, work open and overdue, the next state's ``peak_to_date_kw``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from engine.atomic import write_atomic, write_json
from engine.inputs.scenario import Scenario
from engine.inputs.times import local_iso
from engine.studies.dayahead import DayAheadPlan, DayState, open_cohorts, state_record


def _local(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    table = frame.copy()
    table["time"] = local_iso(pd.DatetimeIndex(frame["time"]), scenario.timezone).to_numpy()
    return table


def write_dayahead(plan: DayAheadPlan, out: str | Path, scenario_path: str) -> dict[str, Path]:
    """Write ``plan.csv``, ``plan.json`` and ``state.json`` into ``out`` (created) (module docstring)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    scenario = plan.scenario
    table = _local(plan.plan, scenario)
    by_hub = {
        hub: rows.drop(columns="hub").to_dict(orient="list") for hub, rows in table.groupby("hub", sort=False)
    }
    record = {
        "scenario": scenario_path,
        "date": plan.settings["date"],
        "settings": plan.settings,
        "late_mwh": plan.late_mwh,
        "offer_day_mwh": plan.offer_day,
        "demand_charge": plan.demand_charge,
        "units": {
            "*_kw": "kW",
            "*_cny": "CNY",
            "flex_*_mw": "MW",
            "expected_green_share": "-",
            "marginal_price_per_kwh": f"objective ({scenario.objective.minimize}) per kWh",
        },
        "hubs": by_hub,
    }
    return {
        "plan_csv": write_atomic(
            out / "plan.csv", lambda path: table.to_csv(path, index=False, float_format="%.4f")
        ),
        "plan_json": write_json(out / "plan.json", record),
        "state": write_json(out / "state.json", state_record(scenario, plan.state, scenario_path)),
    }


def write_settlement(
    scenario: Scenario, settled: pd.DataFrame, following: DayState, out: str | Path, scenario_path: str
) -> dict[str, Path]:
    """Write ``settled.csv``, ``state.json`` and ``summary.json`` into ``out`` (created)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    dt = scenario.step_hours
    overdue = {
        name: sum(row["kwh"] for row in rows if row["due"] <= following.time) / 1e3
        for name, rows in open_cohorts(scenario, following).items()
    }
    summary = {
        "scenario": scenario_path,
        "next_state_time": following.time.tz_convert(scenario.timezone).isoformat(),
        "grid_import_mwh": float(settled["grid_import_kw"].sum() * dt / 1e3),
        "renewable_used_mwh": float(settled["renewable_used_kw"].sum() * dt / 1e3),
        "curtailed_mwh": float(settled["curtailed_kw"].sum() * dt / 1e3),
        "unserved_firm_mwh": float(settled["unserved_kw"].sum() * dt / 1e3),
        "open_mwh": {name: value / 1e3 for name, value in following.open_kwh.items()},
        "overdue_mwh": overdue,
        "soc_kwh": following.soc_kwh,
        "peak_to_date_kw": following.peak_to_date_kw,
    }
    table = _local(settled, scenario)
    return {
        "settled_csv": write_atomic(
            out / "settled.csv", lambda path: table.to_csv(path, index=False, float_format="%.4f")
        ),
        "state": write_json(out / "state.json", state_record(scenario, following, scenario_path)),
        "summary": write_json(out / "summary.json", summary),
    }
