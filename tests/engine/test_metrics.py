"""Metrics on a hand-made 3-step, 2-hub schedule (values computed by hand) and their invariants."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from engine.inputs import scenario as inputs
from engine.inputs.scenario import Battery, HubInputs, Link, Objective, Scenario, Workload
from engine.metrics import METRIC_UNITS, gains, green_power_kw, metrics, statistics
from engine.schedule import FLOW_COLUMNS, Schedule
from engine.simulate.baseline import run_baseline
from tests.engine import builders

INDEX = pd.date_range("2025-07-01 00:00", periods=3, freq="h", tz="UTC")


def _hub(name: str, battery: Battery | None = None) -> HubInputs:
    series = pd.DataFrame({"solar_kw": 0.0, "wind_kw": 0.0, "firm_it_kw": 0.0, "pue": 1.2,
                           "carbon_g_per_kwh": 500.0, "price_cny_per_kwh": 1.0}, index=INDEX)
    return HubInputs(name=name, it_capacity_kw=300.0, grid_import_kw=300.0, series=series, battery=battery)


def hand_scenario(grid_charging: bool = False, carbon_price: float = 0.0) -> Scenario:
    batch = Workload(name="batch", origin="east", arrival_it_kw=pd.Series([30.0, 0.0, 30.0], index=INDEX),
                     deadline_hours=2.0, hubs=("east", "west"), data_tb_per_mwh=0.5)
    battery = Battery(energy_kwh=100.0, power_kw=50.0, grid_charging=grid_charging)
    return Scenario(name="hand", index=INDEX, step_hours=1.0, timezone="Asia/Shanghai",
                    objective=Objective(carbon_price_cny_per_t=carbon_price),
                    hubs={"east": _hub("east"), "west": _hub("west", battery)}, workloads=(batch,),
                    links=(Link(from_hub="east", to_hub="west", gbps=10.0),))


def hand_flows() -> pd.DataFrame:
    east = pd.DataFrame({
        "time": INDEX, "hub": "east", "solar_kw": [0.0, 60.0, 0.0], "wind_kw": 0.0,
        "renewable_used_kw": [0.0, 60.0, 0.0], "curtailed_kw": 0.0, "grid_import_kw": [150.0, 90.0, 195.0],
        "battery_charge_kw": 0.0, "battery_discharge_kw": 0.0, "battery_soc_kwh": 0.0,
        "it_kw": [100.0, 100.0, 130.0], "facility_kw": [150.0, 150.0, 195.0], "pue": 1.5,
        "carbon_g_per_kwh": 500.0, "price_cny_per_kwh": 1.0, "batch_it_kw": [0.0, 0.0, 30.0]})
    west = pd.DataFrame({
        "time": INDEX, "hub": "west", "solar_kw": [0.0, 100.0, 0.0], "wind_kw": [80.0, 0.0, 20.0],
        "renewable_used_kw": [80.0, 90.0, 20.0], "curtailed_kw": [0.0, 10.0, 0.0],
        "grid_import_kw": [0.0, 0.0, 10.0], "battery_charge_kw": [20.0, 30.0, 0.0],
        "battery_discharge_kw": [0.0, 0.0, 18.0], "battery_soc_kwh": [69.0, 97.5, 78.5],
        "it_kw": [50.0, 50.0, 40.0], "facility_kw": [60.0, 60.0, 48.0], "pue": 1.2,
        "carbon_g_per_kwh": 600.0, "price_cny_per_kwh": 0.5, "batch_it_kw": [10.0, 10.0, 0.0]})
    return pd.concat([east, west], ignore_index=True)[["time", "hub", *FLOW_COLUMNS, "batch_it_kw"]]


def hand_schedule(flows: pd.DataFrame | None = None) -> Schedule:
    return Schedule(kind="coordinated", flows=hand_flows() if flows is None else flows, status="optimal",
                    objective=None, solver="HIGHS")


# Hand computation (dt = 1 h). east: facility 150+150+195 = 495 kWh, grid 435 kWh, renewables 60 kWh.
# west: facility 168 kWh, grid 10 kWh, green 168 - 10 = 158 kWh, 200 kWh available, 190 used.
# batch: arrivals [30, 0, 30], done [10, 10, 30] -> cumulative [10, 20, 50], deadline 2 steps:
# met = clip(X[1] - 0, 0, 30) + 0 + clip(X[2] - 30, 0, 30) = 20 + 20 = 40 of 60 kWh.
EXPECTED = {
    "east": {"it_energy_mwh": 0.330, "facility_energy_mwh": 0.495, "renewable_available_mwh": 0.060,
             "renewable_used_mwh": 0.060, "curtailed_mwh": 0.0, "grid_import_mwh": 0.435,
             "green_share_hourly": 60 / 495, "green_share_annual": 60 / 495, "carbon_t": 0.2175,
             "cost_cny": 435.0, "peak_import_mw": 0.195, "deadline_met_share": 2 / 3,
             "migrated_it_mwh": 0.0, "network_tb": 0.0},
    "west": {"it_energy_mwh": 0.140, "facility_energy_mwh": 0.168, "renewable_available_mwh": 0.200,
             "renewable_used_mwh": 0.190, "curtailed_mwh": 0.010, "grid_import_mwh": 0.010,
             "green_share_hourly": 158 / 168, "green_share_annual": 1.0, "carbon_t": 0.006,
             "cost_cny": 5.0, "peak_import_mw": 0.010, "deadline_met_share": 1.0,
             "migrated_it_mwh": 0.020, "network_tb": 0.010},
    "total": {"it_energy_mwh": 0.470, "facility_energy_mwh": 0.663, "renewable_available_mwh": 0.260,
              "renewable_used_mwh": 0.250, "curtailed_mwh": 0.010, "grid_import_mwh": 0.445,
              "green_share_hourly": 218 / 663, "green_share_annual": 260 / 663, "carbon_t": 0.2235,
              "cost_cny": 440.0, "peak_import_mw": 0.205, "deadline_met_share": 2 / 3,
              "migrated_it_mwh": 0.020, "network_tb": 0.010},
}
# No economics in the hand scenario: the cost is the energy cost, nothing exported; consequential carbon
# is the fossil marginal factor 0.8273 kg/kWh (MEE 2023) x grid import.
for _values in EXPECTED.values():
    _values.update(carbon_marginal_t=0.8273 * _values["grid_import_mwh"], exported_mwh=0.0,
                   energy_cost_cny=_values["cost_cny"], demand_charge_cny=0.0, ppa_cost_cny=0.0,
                   transfer_cost_cny=0.0, battery_wear_cny=0.0, export_revenue_cny=0.0)


def test_every_metric_matches_the_hand_computation():
    result = metrics(hand_scenario(), hand_schedule())
    totals = {name: value for name, value in result.items() if name != "hubs"}
    assert totals == pytest.approx(EXPECTED["total"], rel=1e-12, abs=1e-15)
    for hub in ("east", "west"):
        assert result["hubs"][hub] == pytest.approx(EXPECTED[hub], rel=1e-12, abs=1e-15)


def test_metric_names_are_exactly_the_design_names():
    result = metrics(hand_scenario(), hand_schedule())
    design = set(METRIC_UNITS) - {"carbon_cost_cny"}
    assert set(result) - {"hubs"} == design
    assert all(set(values) == design for values in result["hubs"].values())


def test_carbon_price_adds_carbon_cost_and_leaves_energy_cost():
    result = metrics(hand_scenario(carbon_price=100.0), hand_schedule())
    assert result["cost_cny"] == pytest.approx(440.0)
    assert result["carbon_cost_cny"] == pytest.approx(100.0 * 0.2235)
    assert result["hubs"]["west"]["carbon_cost_cny"] == pytest.approx(0.6)


def test_grid_charged_battery_discharge_is_not_counted_green():
    green = green_power_kw(hand_scenario(grid_charging=True), hand_flows())
    west = green[hand_flows()["hub"] == "west"].to_numpy()
    np.testing.assert_allclose(west, [60.0, 60.0, 48.0 - 10.0 - 18.0])
    share = metrics(hand_scenario(grid_charging=True), hand_schedule())["hubs"]["west"]["green_share_hourly"]
    assert share == pytest.approx(140 / 168)


def test_all_work_done_in_time_meets_every_deadline():
    flows = hand_flows()
    flows.loc[(flows["hub"] == "west") & (flows["time"] == INDEX[1]), "batch_it_kw"] = 20.0
    assert metrics(hand_scenario(), hand_schedule(flows))["deadline_met_share"] == pytest.approx(1.0)


def test_no_deferrable_work_meets_its_deadlines_trivially():
    scenario = dataclasses.replace(hand_scenario(), workloads=())
    flows = hand_flows().drop(columns="batch_it_kw")
    result = metrics(scenario, hand_schedule(flows))
    assert result["deadline_met_share"] == 1.0
    assert result["migrated_it_mwh"] == 0.0
    assert result["network_tb"] == 0.0


def test_row_order_does_not_matter():
    shuffled = hand_flows().sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert metrics(hand_scenario(), hand_schedule(shuffled)) == metrics(hand_scenario(), hand_schedule())


def test_invariants_on_random_flows():
    rng = np.random.default_rng(3)
    flows = hand_flows()
    for column in ("solar_kw", "wind_kw", "it_kw", "batch_it_kw"):
        flows[column] = rng.uniform(0.0, 100.0, len(flows))
    flows["facility_kw"] = flows["it_kw"] * flows["pue"]
    flows["renewable_used_kw"] = np.minimum(flows["solar_kw"] + flows["wind_kw"], flows["facility_kw"])
    flows["curtailed_kw"] = flows["solar_kw"] + flows["wind_kw"] - flows["renewable_used_kw"]
    flows["grid_import_kw"] = flows["facility_kw"] - flows["renewable_used_kw"]
    flows[["battery_charge_kw", "battery_discharge_kw"]] = 0.0
    result = metrics(hand_scenario(), hand_schedule(flows))
    for values in (result, *result["hubs"].values()):
        assert values["renewable_used_mwh"] + values["curtailed_mwh"] == pytest.approx(
            values["renewable_available_mwh"])
        assert values["green_share_hourly"] <= values["green_share_annual"] + 1e-12
        assert values["green_share_hourly"] * values["facility_energy_mwh"] == pytest.approx(
            values["facility_energy_mwh"] - values["grid_import_mwh"])
        assert 0.0 <= values["deadline_met_share"] <= 1.0
    for name in ("it_energy_mwh", "grid_import_mwh", "carbon_t", "cost_cny", "migrated_it_mwh"):
        assert result[name] == pytest.approx(sum(hub[name] for hub in result["hubs"].values()))
    assert result["peak_import_mw"] <= sum(hub["peak_import_mw"] for hub in result["hubs"].values())


def test_gains_are_coordinated_minus_baseline_everywhere():
    coordinated = metrics(hand_scenario(), hand_schedule())
    flows = hand_flows()
    flows["grid_import_kw"] *= 2.0
    baseline = metrics(hand_scenario(), hand_schedule(flows))
    difference = gains(coordinated, baseline)
    assert set(difference) == set(coordinated)
    assert difference["grid_import_mwh"] == pytest.approx(-0.445)
    assert difference["carbon_t"] == pytest.approx(-0.2235)
    assert difference["hubs"]["west"]["cost_cny"] == pytest.approx(-5.0)
    for hub, values in difference["hubs"].items():
        for name, value in values.items():
            assert value == coordinated["hubs"][hub][name] - baseline["hubs"][hub][name]
    same = gains(coordinated, coordinated)
    assert all(value == 0.0 for name, value in same.items() if name != "hubs")
    assert not math.isnan(difference["green_share_hourly"])


# ---------------------------------------------------------------------------------------- statistics API
def test_statistics_total_and_hub_are_the_metrics_blocks():
    scenario, schedule = hand_scenario(), hand_schedule()
    block = metrics(scenario, schedule)
    totals = statistics(scenario, schedule)
    assert isinstance(totals, pd.Series)
    assert totals.to_dict() == {name: value for name, value in block.items() if name != "hubs"}
    hubs = statistics(scenario, schedule, by="hub")
    assert list(hubs.index) == ["east", "west"]
    assert hubs.loc["west"].to_dict() == pytest.approx(EXPECTED["west"], rel=1e-12, abs=1e-15)
    assert hubs.attrs["units"]["carbon_t"] == "tCO2"


def test_statistics_by_step_add_up_to_the_totals():
    scenario, schedule = hand_scenario(), hand_schedule()
    steps = statistics(scenario, schedule, by="step")
    assert steps.index.equals(scenario.index)
    for name in ("it_energy_mwh", "grid_import_mwh", "carbon_t", "cost_cny", "migrated_it_mwh", "network_tb"):
        assert steps[name].sum() == pytest.approx(EXPECTED["total"][name], rel=1e-12, abs=1e-15)
    # Coincident import of both hubs per step [MW]: 150, 90, 205 kW.
    np.testing.assert_allclose(steps["peak_import_mw"], [0.150, 0.090, 0.205])
    # Green share of each step: (150 - 150 + 60) / 210, (150 - 90 + 60) / 210, (195 - 195 + 38) / 243.
    np.testing.assert_allclose(steps["green_share_hourly"], [60 / 210, 120 / 210, 38 / 243])
    # The work arriving in step 0 gets 20 of 30 kWh done by its deadline, none arrives in step 1
    # (met trivially), the work of step 2 gets 20 of 30.
    np.testing.assert_allclose(steps["deadline_met_share"], [2 / 3, 1.0, 2 / 3])


def test_statistics_reject_an_unknown_grouping():
    with pytest.raises(ValueError, match="by: expected one of"):
        statistics(hand_scenario(), hand_schedule(), by="month")


def _consequential(firm_it_kw: float, export_kw: float) -> float:
    """``carbon_marginal_t`` of running as usual at a hub with 300 kW of sun for 4 h."""
    idx = builders.time_index(4)
    sunny = builders.hub("a", idx, firm_it_kw=firm_it_kw, solar_kw=300.0, grid_import_kw=500.0)
    s = builders.scenario(idx, [dataclasses.replace(sunny, export_kw=export_kw)])
    return statistics(s, run_baseline(s))["carbon_marginal_t"]


def test_using_would_be_curtailed_output_adds_no_consequential_carbon():
    """No export: 100 kW or 250 kW of load under 300 kW of sun import nothing; the extra 150 kW take
    park output that would have been curtailed, which displaced nothing."""
    assert _consequential(100.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert _consequential(250.0, 0.0) == pytest.approx(0.0, abs=1e-12)


def test_using_would_be_exported_output_adds_consequential_carbon_at_the_marginal_factor():
    """With export the extra 150 kW for 4 h no longer displace fossil power elsewhere:
    +0.8273 kg/kWh x 600 kWh = +0.496 t (MEE 2023 national fossil-only factor)."""
    low, high = _consequential(100.0, 200.0), _consequential(250.0, 200.0)
    assert low == pytest.approx(-inputs.FOSSIL_MARGINAL_KG_PER_KWH * 200.0 * 4 / 1000.0)
    assert high - low == pytest.approx(inputs.FOSSIL_MARGINAL_KG_PER_KWH * 150.0 * 4 / 1000.0)
