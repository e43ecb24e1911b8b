"""Batteries: state of charge recursion, round-trip loss, terminal state."""

from __future__ import annotations

import numpy as np
import pytest

from engine.inputs.scenario import Battery
from engine.model import solve
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
