"""The green floor: infeasibility messages and the cost of its last point."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import InfeasibleError
from engine.inputs.scenario import Battery
from engine.model import CoSchedulingModel, solve
from tests.engine.builders import hub, scenario, time_index


def test_infeasible_green_share_found_by_the_solver():
    """Enough renewable energy in total, but at the wrong hours and no battery: only the solve finds it."""
    idx = time_index(4)
    solar = np.array([400.0, 0, 0, 0])
    s = scenario(idx, [hub("a", idx, solar_kw=solar, firm_it_kw=100.0)], min_green_share=1.0)
    with pytest.raises(InfeasibleError, match=r"min_green_share 1 cannot be met"):
        solve(s)


def _arbitrage(min_green_share: float):
    """One hub, two hours, firm 100 kW at PUE 1, 50 kW of sun each hour, tariff 0.2 then 1.0 CNY/kWh, and a
    grid-charged battery with round trip 0.81 that starts and ends empty."""
    idx = time_index(2)
    battery = Battery(energy_kwh=1000.0, power_kw=1000.0, round_trip_efficiency=0.81, initial_soc=0.0,
                      grid_charging=True)
    a = hub("a", idx, solar_kw=50.0, firm_it_kw=100.0, price_cny_per_kwh=np.array([0.2, 1.0]),
            battery=battery)
    return scenario(idx, [a], minimize="cost", min_green_share=min_green_share)


def test_green_floor_cost_of_its_last_point_in_closed_form():
    """Charging ``x`` kWh from the grid in hour 0 covers ``0.81 x`` of hour 1's 50 kWh deficit.

    Grid ``G = 100 + 0.19 x`` kWh, facility ``F = 200`` kWh, cost ``60 - 0.61 x`` CNY. Without a floor
    ``x = 50 / 0.81``; the floor ``1 - G / F >= s`` caps ``x <= (200 (1 - s) - 100) / 0.19`` (at
    ``s = 0.47``: 31.58 kWh, cost 40.74 CNY). Each point of ``s`` costs ``0.61 x 200 / 0.19 / 100 =
    6.421`` CNY.
    """
    result = solve(_arbitrage(0.47))
    x = (200 * (1 - 0.47) - 100) / 0.19
    assert result.objective == pytest.approx(60 - 0.61 * x, rel=1e-6)
    assert result.green_floor_cost == pytest.approx(0.61 * 200 / 0.19 / 100, rel=1e-4)
    higher = solve(_arbitrage(0.48))
    assert higher.objective - result.objective == pytest.approx(result.green_floor_cost, rel=1e-4)


def test_green_floor_cost_is_none_without_a_floor_and_zero_when_slack():
    assert solve(_arbitrage(0.0)).green_floor_cost is None
    assert solve(_arbitrage(0.3)).green_floor_cost == pytest.approx(0.0, abs=1e-6)


def test_the_pre_check_reads_the_floor_the_model_is_solved_with():
    """Issue 10: a re-plan that drops the floor (Parameter 0) must not fail the scenario's floor check."""
    idx = time_index(4)
    case = scenario(idx, [hub("a", idx, solar_kw=100.0, firm_it_kw=1000.0)], min_green_share=0.9)
    model = CoSchedulingModel(case)
    with pytest.raises(InfeasibleError, match="min_green_share"):
        model.solve()
    model.parameters["min_green_share"].value = 0.0
    assert model.solve().status == "optimal"
