"""Closed-form cases, DPP, re-solve and infeasibility messages of the co-scheduling LP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.errors import InfeasibleError, SolverError
from engine.inputs.arrays import scenario_data
from engine.inputs.deadlines import cumulative_work
from engine.inputs.scenario import Battery, Link
from engine.model import CoSchedulingModel, solve
from engine.schedule import FLOW_COLUMNS
from tests.engine.builders import hub, scenario, time_index, workload


def by_hub(flows: pd.DataFrame, name: str) -> pd.DataFrame:
    return flows[flows["hub"] == name].reset_index(drop=True)


def test_cumulative_work_window_includes_arrival_step():
    released, due = cumulative_work(np.array([1.0, 2.0, 3.0, 4.0]), deadline=2, step_hours=1.0)
    np.testing.assert_allclose(released, [1, 3, 6, 10])
    # Work of step s is due by the end of step s + 1; the last step is due in full.
    np.testing.assert_allclose(due, [0, 1, 3, 10])


def test_flexible_work_lands_in_the_only_renewable_hours():
    """Sun 500 kW only in hours 10-13; 400 kWh of flexible work arrive in hours 0-9 with a 24 h deadline.

    Least grid energy: all of it runs in the sunny hours (1,600 kWh of surplus there), so the grid
    serves only the firm 100 kW in the other 20 hours: 2,000 kWh.
    """
    idx = time_index(24)
    solar = np.zeros(24)
    solar[10:14] = 500.0
    arrivals = np.where(np.arange(24) < 10, 40.0, 0.0)
    s = scenario(idx, [hub("a", idx, solar_kw=solar, firm_it_kw=100.0)],
                 [workload("w", "a", idx, arrivals, 24)])
    result = solve(s)
    flows = by_hub(result.flows, "a")
    sunny = np.zeros(24, dtype=bool)
    sunny[10:14] = True
    assert result.kind == "coordinated" and result.status == "optimal" and result.solver == "HIGHS"
    np.testing.assert_allclose(flows["w_it_kw"][~sunny], 0.0, atol=1e-6)
    assert flows["w_it_kw"][sunny].sum() == pytest.approx(400.0)
    np.testing.assert_allclose(flows["grid_import_kw"][~sunny], 100.0, atol=1e-6)
    np.testing.assert_allclose(flows["grid_import_kw"][sunny], 0.0, atol=1e-6)
    assert result.objective == pytest.approx(2000.0)
    assert list(result.flows.columns) == ["time", "hub", *FLOW_COLUMNS, "w_it_kw"]
    assert str(result.flows["time"].dt.tz) == "UTC"


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


def test_link_caps_migrated_work_at_its_bandwidth():
    """10 Gbit/s carry 10 x 3600 / 8 / 1000 = 4.5 TB per hour; at 0.5 TB/MWh that is 9 MWh of work.

    Work (20 MW, due within its hour) would rather run at the sunny western hub, but only 9 MW can move.
    """
    idx = time_index(6)
    east = hub("e", idx, it_capacity_kw=30_000.0, grid_import_kw=1e5)
    west = hub("w", idx, it_capacity_kw=30_000.0, grid_import_kw=1e5, solar_kw=100_000.0)
    work = workload("job", "e", idx, 20_000.0, 1, hubs=("e", "w"), data_tb_per_mwh=0.5)
    s = scenario(idx, [east, west], [work], links=(Link("e", "w", 10.0),))
    result = solve(s)
    np.testing.assert_allclose(by_hub(result.flows, "w")["job_it_kw"], 9000.0, rtol=1e-7)
    np.testing.assert_allclose(by_hub(result.flows, "e")["grid_import_kw"], 11_000.0, rtol=1e-7)


def test_cost_objective_puts_work_in_the_valley_hour_and_duals_are_the_tariff():
    idx = time_index(6)
    price = np.array([1.0, 1.0, 1.0, 0.3, 1.0, 1.0])
    arrivals = np.array([500.0, 0, 0, 0, 0, 0])
    s = scenario(idx, [hub("a", idx, price_cny_per_kwh=price, firm_it_kw=100.0)],
                 [workload("w", "a", idx, arrivals, 24)], minimize="cost")
    result = solve(s)
    flows = by_hub(result.flows, "a")
    np.testing.assert_allclose(flows["w_it_kw"], [0, 0, 0, 500.0, 0, 0], atol=1e-6)
    # 500 kWh at 0.3 CNY/kWh plus the firm 100 kW: 150 + 100 x (5 x 1.0 + 0.3) = 680 CNY.
    assert result.objective == pytest.approx(680.0)
    # The grid imports (above its bound 0) in every step: the balance dual is the tariff [CNY/kWh].
    np.testing.assert_allclose(result.marginal_price["a"], price, rtol=1e-6)
    assert result.marginal_price.index.equals(idx)


def test_carbon_price_enters_the_cost_objective():
    """Cost weight = price + carbon price x intensity / 1e6: 0.5 + 200 x 600 / 1e6 = 0.62 CNY/kWh."""
    idx = time_index(3)
    s = scenario(idx, [hub("a", idx, firm_it_kw=100.0)], minimize="cost", carbon_price=200.0)
    result = solve(s)
    assert result.objective == pytest.approx(3 * 100.0 * 0.62)
    np.testing.assert_allclose(result.marginal_price["a"], 0.62, rtol=1e-6)


def test_problem_is_dpp_and_resolves_without_recompiling():
    idx = time_index(12)
    price = np.linspace(1.0, 0.5, 12)
    s = scenario(idx, [hub("a", idx, price_cny_per_kwh=price)], [workload("w", "a", idx, 30.0, 12)],
                 minimize="cost")
    model = CoSchedulingModel(s)
    assert model.problem.is_dcp(dpp=True)
    first = model.solve()
    first_compile = model.problem.compilation_time
    data = scenario_data(s)
    reversed_price = data.price_cny_per_kwh[::-1].copy()
    model.update(type(data)(**{**data.__dict__, "price_cny_per_kwh": reversed_price}))
    second = model.solve()
    assert model.problem.compilation_time < first_compile / 3
    # Falling prices: all 360 kWh wait for the last hour. Rising prices: each hour's work runs at once.
    w_first = by_hub(first.flows, "a")["w_it_kw"].to_numpy()
    w_second = by_hub(second.flows, "a")["w_it_kw"].to_numpy()
    np.testing.assert_allclose(w_first, [0.0] * 11 + [360.0], atol=1e-6)
    np.testing.assert_allclose(w_second, 30.0, atol=1e-6)
    assert second.objective == pytest.approx(solve(_with_price(s, reversed_price)).objective, rel=1e-7)


def _with_price(s, price):
    a = s.hubs["a"]
    series = a.series.copy()
    series["price_cny_per_kwh"] = price
    return scenario(s.index, [type(a)(**{**a.__dict__, "series": series})], s.workloads, minimize="cost")


def test_long_horizons_compile_pue_as_a_constant():
    idx = time_index(48)
    s = scenario(idx, [hub("a", idx, firm_it_kw=10.0)])
    assert CoSchedulingModel(s, pue_parameter=False).solve().objective == pytest.approx(480.0)
    assert CoSchedulingModel(s).pue_parameter


def test_infeasible_deadline_names_workload_energy_and_time():
    idx = time_index(4)
    s = scenario(idx, [hub("a", idx, it_capacity_kw=100_000.0, grid_import_kw=1e6, firm_it_kw=40_000.0)],
                 [workload("ai-training", "a", idx, [90_000.0, 0, 0, 0], 1)])
    with pytest.raises(InfeasibleError, match=r"workload ai-training: 90 MWh is due by 2025-07-01 01:00 "
                                               r"\+08:00 but the hubs it may use have only 60 MWh"):
        solve(s)


def test_infeasible_firm_load_names_hub_and_grid_cap():
    idx = time_index(3)
    s = scenario(idx, [hub("zhongwei", idx, grid_import_kw=10_000.0, solar_kw=5000.0, firm_it_kw=30_000.0,
                           it_capacity_kw=50_000.0)])
    with pytest.raises(InfeasibleError, match=r"hub zhongwei: firm load needs 30.0 MW at 2025-07-01 00:00 "
                                               r"\+08:00 but grid_import_mw 10.0 \+ renewables 5.0"):
        solve(s)


def test_infeasible_green_share_against_renewable_energy():
    idx = time_index(4)
    s = scenario(idx, [hub("a", idx, solar_kw=50.0, firm_it_kw=100.0)], min_green_share=1.0)
    with pytest.raises(InfeasibleError, match=r"min_green_share 1 needs 0 MWh of green energy but only "
                                               r"0 MWh"):
        solve(s)


def test_infeasible_green_share_found_by_the_solver():
    """Enough renewable energy in total, but at the wrong hours and no battery: only the solve finds it."""
    idx = time_index(4)
    solar = np.array([400.0, 0, 0, 0])
    s = scenario(idx, [hub("a", idx, solar_kw=solar, firm_it_kw=100.0)], min_green_share=1.0)
    with pytest.raises(InfeasibleError, match=r"min_green_share 1 cannot be met"):
        solve(s)


def test_infeasible_link_bandwidth_found_by_the_solver():
    idx = time_index(2)
    east = hub("e", idx, it_capacity_kw=10_000.0)
    west = hub("w", idx, it_capacity_kw=30_000.0)
    work = workload("job", "e", idx, 20_000.0, 1, hubs=("e", "w"), data_tb_per_mwh=0.5)
    s = scenario(idx, [east, west], [work], links=(Link("e", "w", 10.0),))
    with pytest.raises(InfeasibleError, match=r"link bandwidth \(e->w\)"):
        solve(s)


def test_unknown_solver_is_a_solver_error():
    idx = time_index(2)
    with pytest.raises(SolverError, match="not installed"):
        solve(scenario(idx, [hub("a", idx)]), solver="NO_SUCH_SOLVER")
