"""Workloads: deadline windows, IT capacity and where flexible work lands."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.errors import InfeasibleError
from engine.inputs.arrays import scenario_data
from engine.inputs.deadlines import cumulative_work
from engine.model import CoSchedulingModel, solve
from engine.schedule import FLOW_COLUMNS
from tests.engine.builders import hub, scenario, time_index, workload
from tests.engine.model.helpers import by_hub


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


def test_soft_deadlines_plan_what_hard_ones_cannot_and_report_the_late_energy():
    """2000 kW of work for 1 h on 1000 kW of room: hard deadlines are infeasible; soft ones run 1000 kW
    at once and the rest in the next step, 1000 kWh late for one step."""
    idx = time_index(3)
    arrivals = np.array([2000.0, 0.0, 0.0])
    case = scenario(idx, [hub("a", idx, it_capacity_kw=1000.0)], [workload("w", "a", idx, arrivals, 1)])
    data = scenario_data(case)
    due = np.array([[2000.0], [2000.0], [2000.0]])  # all of it due after the first step
    with pytest.raises(InfeasibleError, match="deadline"):
        hard = CoSchedulingModel(case)
        hard.update(dataclasses.replace(data, due_kwh=due))
        hard.solve()
    soft = CoSchedulingModel(case, soft_deadlines=True)
    soft.update(dataclasses.replace(data, due_kwh=due))
    flows = soft.solve().flows
    np.testing.assert_allclose(flows["w_it_kw"].to_numpy(), [1000.0, 1000.0, 0.0], atol=1e-6)
    late = soft.components["compute"].late_kwh()[:, 0]
    np.testing.assert_allclose(late, [1000.0, 0.0, 0.0], atol=1e-6)
    assert soft.problem.is_dcp(dpp=True)
