"""Batteries: state of charge recursion, round-trip loss, terminal state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.inputs.arrays import scenario_data
from engine.inputs.scenario import Battery
from engine.model import CoSchedulingModel, solve
from tests.engine.builders import hub, scenario, time_index
from tests.engine.model.helpers import by_hub


def test_battery_bridges_a_gap_with_its_round_trip_loss():
    """10 MWh of surplus in step 0, 12 MWh of deficit after; round trip 0.9 -> 9 MWh delivered.

    Starting and ending empty, the grid supplies exactly 12 - 0.9 x 10 = 3 MWh.
    """
    idx = time_index(4)
    solar = np.array([11_000.0, 0.0, 0.0, 0.0])
    firm = np.array([1000.0, 4000.0, 4000.0, 4000.0])
    battery = Battery(energy_kwh=20_000.0, power_kw=20_000.0, round_trip_efficiency=0.9, initial_soc=0.0)
    s = scenario(idx, [hub("a", idx, it_capacity_kw=5000.0, solar_kw=solar, firm_it_kw=firm,
                           battery=battery)])
    result = solve(s)
    flows = by_hub(result.flows, "a")
    assert flows["grid_import_kw"].sum() == pytest.approx(3000.0, rel=1e-7)
    assert flows["battery_charge_kw"][0] == pytest.approx(10_000.0, rel=1e-7)
    assert flows["battery_discharge_kw"].sum() == pytest.approx(9000.0, rel=1e-7)
    assert flows["battery_soc_kwh"].iloc[-1] == pytest.approx(0.0, abs=1e-6)
    assert flows["battery_soc_kwh"][0] == pytest.approx(10_000.0 * np.sqrt(0.9), rel=1e-7)


def test_terminal_state_is_a_lower_bound_never_an_equality():
    """A battery fuller than its target at the horizon end is feasible (issue 10: the relaxed terminal
    equality failed for a battery fuller than its target); it ends at least at the target."""
    idx = time_index(3)
    battery = Battery(energy_kwh=1000.0, power_kw=10.0, round_trip_efficiency=0.81, initial_soc=0.9)
    case = scenario(idx, [hub("a", idx, solar_kw=0.0, firm_it_kw=100.0, battery=battery)])
    model = CoSchedulingModel(case)
    model.update(dataclasses.replace(scenario_data(case), final_soc_kwh=np.array([100.0])))
    flows = by_hub(model.solve().flows, "a")
    # 30 kWh discharge at most: it cannot reach 100 kWh, and >= lets it stop anywhere above the target.
    assert flows["battery_soc_kwh"].iloc[-1] >= 100.0 - 1e-6
    assert "Battery-terminal" in model.constraints
