"""The assembled LP: DPP, re-solve, PUE as a constant, solver errors, named constraints and duals."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import SolverError
from engine.inputs.arrays import scenario_data
from engine.inputs.scenario import Battery, Link
from engine.model import CoSchedulingModel, solve
from tests.engine.builders import hub, scenario, time_index, workload
from tests.engine.model.helpers import by_hub


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


def test_pue_is_a_constant_unless_built_for_replans():
    idx = time_index(48)
    s = scenario(idx, [hub("a", idx, firm_it_kw=10.0)])
    assert not CoSchedulingModel(s).pue_parameter
    assert CoSchedulingModel(s).solve().objective == pytest.approx(480.0)
    assert CoSchedulingModel(s, pue_parameter=True).solve().objective == pytest.approx(480.0)


def test_unknown_solver_is_a_solver_error():
    idx = time_index(2)
    with pytest.raises(SolverError, match="not installed"):
        solve(scenario(idx, [hub("a", idx)]), solver="NO_SUCH_SOLVER")


def _every_component():
    """Two hubs, a battery charged from renewables only, a migrating workload over a link, a green floor."""
    idx = time_index(6)
    solar = np.array([0.0, 300.0, 900.0, 900.0, 300.0, 0.0])
    battery = Battery(energy_kwh=500.0, power_kw=200.0, initial_soc=0.5, grid_charging=False)
    east = hub("e", idx, firm_it_kw=200.0, pue=1.3, price_cny_per_kwh=0.8)
    west = hub("w", idx, firm_it_kw=100.0, pue=1.1, solar_kw=solar, battery=battery)
    work = workload("job", "e", idx, 100.0, 3, hubs=("e", "w"), data_tb_per_mwh=0.5)
    return scenario(idx, [east, west], [work], links=(Link("e", "w", 0.1),), minimize="cost",
                    min_green_share=0.2)


NAMED = ("Hub-power_balance", "Hub-it_capacity", "Workload-done_recursion", "Link-capacity",
         "Battery-soc_recursion", "Battery-terminal", "Battery-renewable_charging",
         "GreenFloor-facility_total", "GreenFloor-min_share")


def test_named_constraints_and_parameters_each_with_a_dual_after_solve():
    model = CoSchedulingModel(_every_component(), pue_parameter=True)
    assert set(NAMED) <= set(model.constraints)
    assert list(model.problem.constraints) == list(model.constraints.values())
    assert {"min_green_share", "renewable_kw", "firm_facility_kw", "it_headroom_kw", "pue", "released_kwh",
            "due_kwh", "grid_weight_per_kw", "initial_soc_kwh", "final_soc_kwh"} <= set(model.parameters)
    assert model.problem.is_dcp(dpp=True)
    result = model.solve()
    for name, constraint in model.constraints.items():
        assert constraint.dual_value is not None, name
    assert result.marginal_price.shape == (6, 2)
    assert list(result.link_value.index) == ["e->w"]
    assert result.green_floor_cost is not None


def test_balance_is_the_sum_of_every_component_contribution():
    model = CoSchedulingModel(_every_component())
    result = model.solve()
    parts = model.components.values()
    supply = sum(p.supply.value for p in parts if p.supply is not None)
    demand = sum(p.demand.value for p in parts if p.demand is not None)
    firm = model.parameters["firm_facility_kw"].value
    np.testing.assert_allclose(supply - demand, firm, atol=1e-6)
    # And the energy balance closes in the flows at every hub and step.
    flows = result.flows
    np.testing.assert_allclose(flows["renewable_used_kw"] + flows["grid_import_kw"]
                               + flows["battery_discharge_kw"],
                               flows["facility_kw"] + flows["battery_charge_kw"], atol=1e-6)
