"""The run pipeline on a small real scenario: load -> solve + baseline -> metrics -> outputs."""

from __future__ import annotations

import dataclasses
import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from engine.inputs.drain import drain_steps, horizon_steps, with_drain
from engine.inputs.scenario_file import load_scenario
from engine.metrics import METRIC_UNITS, end_soc_kwh, scored_objective
from engine.outputs.files import write_outputs
from engine.schedule import FLOW_COLUMNS
from engine.studies.result import StudyResult
from engine.studies.run import equalised_solve, run

SMALL_SCENARIO = """
name = "small east-west"
start = "2025-07-01 00:00"
hours = 48
step_minutes = 60
timezone = "Asia/Shanghai"

[objective]
minimize = "cost"

[hubs.shanghai]
it_capacity_mw = 60
firm_it_mw = 30
grid_import_mw = 80

[hubs.zhongwei]
it_capacity_mw = 60
firm_it_mw = 10
solar_mw = 60
wind_mw = 30
grid_import_mw = 60

[hubs.zhongwei.battery]
energy_mwh = 40
power_mw = 10

[[workloads]]
name = "training"
origin = "shanghai"
arrival_it_mw = 20
deadline_hours = 24
hubs = ["shanghai", "zhongwei"]
data_tb_per_mwh = 0.5

[[links]]
from = "shanghai"
to = "zhongwei"
gbps = 20
"""
"""Two hubs, two days, one workload that may move west over a 20 Gbit/s link (9 TB/h = 18 MW)."""

DESIGN_METRICS = set(METRIC_UNITS) - {"carbon_cost_cny"}


@pytest.fixture(scope="module")
def small_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(SMALL_SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(small_path) -> StudyResult:
    return run(load_scenario(small_path))


@pytest.fixture(scope="module")
def outputs(result, tmp_path_factory):
    return write_outputs(result, tmp_path_factory.mktemp("out") / "nested")


def test_result_is_frozen(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.schedules = {}


def test_output_files(outputs):
    assert {name: path.name for name, path in outputs.items()} == {
        "summary": "summary.json", "schedule": "schedule.csv", "baseline": "baseline.csv",
        "static_west": "static_west.csv", "greedy_online": "greedy_online.csv", "report": "report.html",
        "manifest": "manifest.json"}
    assert all(path.is_file() and path.stat().st_size > 0 for path in outputs.values())


def test_summary_structure(outputs, result):
    summary = json.loads(outputs["summary"].read_text(encoding="utf-8"))
    assert set(summary) == {"scenario", "coordinated", "baseline", "static_west", "greedy_online", "gains",
                            "value_of_optimisation", "attribution", "duals", "assumed_inputs", "solver"}
    export = {row["input"]: row for row in summary["assumed_inputs"] if row["hub"] == "all"}
    assert export["Fossil marginal factor"]["value"] == pytest.approx(0.8273)
    assert export["Fossil marginal factor"]["unit"] == "kgCO2/kWh"
    assert summary["attribution"] is None  # the Python API runs no attribution unless asked
    assert summary["scenario"]["name"] == "small east-west"
    assert summary["scenario"]["start"] == "2025-07-01T00:00:00+08:00"
    # scored on the 48 h horizon plus a 24 h drain for the longest deadline (fair scoring, issue 10)
    assert summary["scenario"]["steps"] == 48 + 24
    assert summary["scenario"]["settings"]["horizon_steps"] == 48
    assert summary["scenario"]["hubs"] == ["shanghai", "zhongwei"]
    for kind in ("coordinated", "baseline", "static_west", "greedy_online", "gains"):
        assert set(summary[kind]) == DESIGN_METRICS | {"hubs"}
        assert set(summary[kind]["hubs"]) == {"shanghai", "zhongwei"}
        assert all(set(values) == DESIGN_METRICS for values in summary[kind]["hubs"].values())
    solver = summary["solver"]
    assert {"name", "status", "seconds", "build_seconds", "solve_seconds"} <= set(solver)
    assert solver["status"] == "optimal"
    assert solver["seconds"] == pytest.approx(solver["build_seconds"] + solver["solve_seconds"])


def test_gains_are_coordinated_minus_baseline(outputs):
    summary = json.loads(outputs["summary"].read_text(encoding="utf-8"))
    for name in DESIGN_METRICS:
        assert summary["gains"][name] == pytest.approx(
            summary["coordinated"][name] - summary["baseline"][name], abs=1e-9)
        for hub in ("shanghai", "zhongwei"):
            assert summary["gains"]["hubs"][hub][name] == pytest.approx(
                summary["coordinated"]["hubs"][hub][name] - summary["baseline"]["hubs"][hub][name], abs=1e-9)


@pytest.mark.parametrize("name", ["schedule", "baseline", "static_west", "greedy_online"])
def test_csv_tables(outputs, name):
    table = pd.read_csv(outputs[name])
    # the simulated policies have no duals; moving data draws transfer energy at the sender (2 kWh/TB)
    extra = ["transfer_kw", "training_it_kw", "marginal_price_cny_per_kwh"] if name == "schedule" else \
        ["transfer_kw", "unserved_kw", "training_it_kw"]
    assert list(table.columns) == ["time", "hub", *FLOW_COLUMNS, *extra]
    assert len(table) == 2 * (48 + 24)  # horizon plus drain
    assert table.groupby("hub").size().to_dict() == {"shanghai": 72, "zhongwei": 72}
    assert table["time"].iloc[0] == "2025-07-01T00:00:00+08:00"
    assert table["time"].str.endswith("+08:00").all()
    times = pd.to_datetime(table["time"], format="ISO8601")
    assert times.iloc[47] - times.iloc[0] == pd.Timedelta(hours=47)
    supply = table["renewable_used_kw"] + table["grid_import_kw"] + table["battery_discharge_kw"]
    demand = table["facility_kw"] + table["battery_charge_kw"] + table["transfer_kw"]
    np.testing.assert_allclose(supply + table.get("unserved_kw", 0.0), demand, atol=0.01)  # 1 W rounding


def test_coordination_is_never_worse_on_its_objective(result):
    coordinated, baseline = result.metrics(), result.metrics("baseline")
    assert baseline["deadline_met_share"] == pytest.approx(1.0)
    assert coordinated["deadline_met_share"] == pytest.approx(1.0, abs=1e-6)
    assert coordinated["cost_cny"] <= baseline["cost_cny"] * (1 + 1e-6)
    assert result.gains()["cost_cny"] < 0.0  # the link lets work run on western sun


def test_migrated_work_respects_the_link(result):
    dt = result.scenario.step_hours
    flows = result.schedules["coordinated"].flows
    west = flows.loc[flows["hub"] == "zhongwei", "training_it_kw"].to_numpy()
    link_tb_per_step = 20 * 3600 * dt / 8 / 1000  # 20 Gbit/s
    assert (west * dt / 1000 * 0.5 <= link_tb_per_step + 1e-6).all()
    assert result.metrics()["network_tb"] == pytest.approx(0.5 * result.metrics()["migrated_it_mwh"])
    assert result.metrics("baseline")["migrated_it_mwh"] == 0.0


def test_summary_keeps_the_scenario_as_written(outputs, small_path):
    summary = json.loads(outputs["summary"].read_text(encoding="utf-8"))
    written = tomllib.loads(small_path.read_text(encoding="utf-8"))
    settings = summary["scenario"]["settings"]
    assert settings["hubs"]["zhongwei"]["solar_mw"] == written["hubs"]["zhongwei"]["solar_mw"]


def test_every_schedule_is_scored_on_the_drain_with_the_end_state_equalised(result):
    """Fair scoring (issue 10): every policy on horizon + drain; the coordinated battery ends at least as
    full as the as-usual battery, so the gain is not bought by emptying it; work of the last step keeps
    its own deadline in every policy."""
    scenario = result.scenario
    assert len(scenario.index) == horizon_steps(scenario) + drain_steps(scenario) == 48 + 24
    for schedule in result.schedules.values():
        assert schedule.flows["time"].nunique() == 48 + 24
    assert result.metrics("baseline")["deadline_met_share"] == pytest.approx(1.0)
    ends = {name: end_soc_kwh(scenario, schedule) for name, schedule in result.schedules.items()}
    assert (ends["coordinated"] >= ends["baseline"] - 1e-3).all()
    assert scored_objective(scenario, result.schedules["coordinated"]) <= scored_objective(
        scenario, result.schedules["baseline"]) + 1e-6


def test_equalised_solve_falls_back_to_the_scenario_terminal_state(small_path):
    scenario = with_drain(load_scenario(small_path))
    unreachable = np.full(len(scenario.hubs), 1e12)  # more than any battery holds
    schedule = equalised_solve(scenario, unreachable)
    initial = scenario.hubs["zhongwei"].battery.initial_soc * scenario.hubs["zhongwei"].battery.energy_kwh
    assert end_soc_kwh(scenario, schedule)[1] >= initial - 1e-3
