"""Running as usual: FIFO at the origin, the self-consumption battery rule, renewables first, grid
up to its cap."""

from __future__ import annotations

import numpy as np
import pytest

from engine.inputs.scenario import Battery
from engine.schedule import FLOW_COLUMNS
from engine.simulate.baseline import run_baseline
from tests.engine.builders import hub, scenario, time_index, workload


def test_fifo_across_workloads_when_capacity_is_short():
    """Room 100 kW: step 0 runs 100 of w1's 150; step 1 the older 50 of w1 then 50 of w2; step 2 w2's 50."""
    idx = time_index(4)
    s = scenario(idx, [hub("a", idx, it_capacity_kw=100.0)],
                 [workload("w1", "a", idx, [150.0, 0, 0, 0], 24),
                  workload("w2", "a", idx, [0, 100.0, 0, 0], 24)])
    flows = run_baseline(s).flows
    np.testing.assert_allclose(flows["w1_it_kw"], [100, 50, 0, 0])
    np.testing.assert_allclose(flows["w2_it_kw"], [0, 50, 50, 0])


def test_battery_rule_discharges_on_shortfall_and_charges_from_surplus():
    """Facility 240 kW; sun 0, 150, 400 kW; battery 1000 kWh / 500 kW at 400 kWh, eta = sqrt(0.9).

    Step 0 short 240: discharged (the battery can give 400 eta = 379 kW), state 400 - 240 / eta.
    Step 1 short 90: discharged, state - 90 / eta. Step 2 surplus 160: charged, state + 160 eta.
    """
    idx = time_index(3)
    battery = Battery(energy_kwh=1000.0, power_kw=500.0, initial_soc=0.4)
    solar = np.array([0.0, 150.0, 400.0])
    s = scenario(idx, [hub("a", idx, solar_kw=solar, firm_it_kw=100.0, pue=1.2, battery=battery)],
                 [workload("w", "a", idx, 100.0, 1)], minimize="cost")
    result = run_baseline(s)
    flows = result.flows
    eta = np.sqrt(0.9)
    assert (result.kind, result.status, result.solver) == ("baseline", "simulated", "baseline")
    assert list(flows.columns) == ["time", "hub", *FLOW_COLUMNS, "unserved_kw", "w_it_kw"]
    np.testing.assert_allclose(flows["battery_discharge_kw"], [240, 90, 0])
    np.testing.assert_allclose(flows["battery_charge_kw"], [0, 0, 160])
    np.testing.assert_allclose(flows["battery_soc_kwh"],
                               400 - np.cumsum([240 / eta, 90 / eta, -160 * eta]))
    np.testing.assert_allclose(flows["facility_kw"], 240.0)
    np.testing.assert_allclose(flows["renewable_used_kw"], [0, 150, 400])
    np.testing.assert_allclose(flows["curtailed_kw"], 0.0, atol=1e-9)
    np.testing.assert_allclose(flows["grid_import_kw"], 0.0, atol=1e-9)
    assert result.objective == pytest.approx(0.0, abs=1e-9)


def test_battery_rule_two_steps_surplus_then_shortfall():
    """Empty battery 100 kWh / 50 kW, round trip 0.81 (eta 0.9): a 80 kW surplus charges 50 kW (30 kW
    curtailed), state 45 kWh; the next step's 60 kW shortfall takes 40.5 kW from it, 19.5 kW from the grid."""
    idx = time_index(2)
    battery = Battery(energy_kwh=100.0, power_kw=50.0, round_trip_efficiency=0.81, initial_soc=0.0)
    s = scenario(idx, [hub("a", idx, solar_kw=np.array([180.0, 40.0]), firm_it_kw=100.0, pue=1.0,
                           battery=battery)])
    flows = run_baseline(s).flows
    np.testing.assert_allclose(flows["battery_charge_kw"], [50, 0])
    np.testing.assert_allclose(flows["curtailed_kw"], [30, 0])
    np.testing.assert_allclose(flows["battery_soc_kwh"], [45, 0], atol=1e-9)
    np.testing.assert_allclose(flows["battery_discharge_kw"], [0, 40.5])
    np.testing.assert_allclose(flows["grid_import_kw"], [0, 19.5])


def test_battery_charges_from_the_grid_only_in_valley_hours_and_only_when_allowed():
    """Tariff 0.2 in step 0 (the valley), 0.5 after; no sun. A grid-charging battery fills at its power in
    the valley and discharges after it; one without grid charging stays idle."""
    idx = time_index(2)
    price = np.array([0.2, 0.5])
    for grid_charging, charge in ((True, [40.0, 0.0]), (False, [0.0, 0.0])):
        battery = Battery(energy_kwh=100.0, power_kw=40.0, round_trip_efficiency=1.0, initial_soc=0.0,
                          grid_charging=grid_charging)
        s = scenario(idx, [hub("a", idx, firm_it_kw=100.0, battery=battery, price_cny_per_kwh=price)])
        flows = run_baseline(s).flows
        np.testing.assert_allclose(flows["battery_charge_kw"], charge)
        np.testing.assert_allclose(flows["battery_discharge_kw"], [0.0, charge[0]])
        np.testing.assert_allclose(flows["grid_import_kw"], [100 + charge[0], 100 - charge[0]])


def test_grid_cap_holds_back_deferrable_work():
    """Grid cap 150 kW at PUE 1.5 runs 100 kW of IT: 200 kWh arriving at once take two steps."""
    idx = time_index(3)
    s = scenario(idx, [hub("a", idx, grid_import_kw=150.0, pue=1.5)],
                 [workload("w", "a", idx, [200.0, 0, 0], 24)])
    flows = run_baseline(s).flows
    np.testing.assert_allclose(flows["w_it_kw"], [100, 100, 0])
    assert flows["grid_import_kw"].max() <= 150.0 + 1e-9


def test_unserved_firm_load_is_recorded_not_raised():
    idx = time_index(2)
    s = scenario(idx, [hub("a", idx, grid_import_kw=10.0, solar_kw=5.0, firm_it_kw=30.0)])
    flows = run_baseline(s).flows
    np.testing.assert_allclose(flows["unserved_kw"], 15.0)
    np.testing.assert_allclose(flows["grid_import_kw"], 10.0)


def test_work_beyond_capacity_stays_undone():
    idx = time_index(3)
    s = scenario(idx, [hub("a", idx, it_capacity_kw=100.0)], [workload("w", "a", idx, [500.0, 0, 0], 24)])
    flows = run_baseline(s).flows
    assert flows["w_it_kw"].sum() == pytest.approx(300.0)


def test_work_runs_only_at_its_origin():
    idx = time_index(2)
    s = scenario(idx, [hub("e", idx), hub("w", idx, solar_kw=1000.0)],
                 [workload("job", "e", idx, 50.0, 24, hubs=("e", "w"))])
    flows = run_baseline(s).flows
    np.testing.assert_allclose(flows.loc[flows["hub"] == "e", "job_it_kw"], 50.0)
    np.testing.assert_allclose(flows.loc[flows["hub"] == "w", "job_it_kw"], 0.0)
