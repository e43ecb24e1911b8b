"""The grid: objective weights of import."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.inputs.arrays import scenario_data
from engine.metrics import statistics
from engine.model import CoSchedulingModel, solve
from tests.engine.builders import hub, scenario, time_index, workload


def test_carbon_price_enters_the_cost_objective():
    """Cost weight = price + carbon price x intensity / 1e6: 0.5 + 200 x 600 / 1e6 = 0.62 CNY/kWh."""
    idx = time_index(3)
    s = scenario(idx, [hub("a", idx, firm_it_kw=100.0)], minimize="cost", carbon_price=200.0)
    result = solve(s)
    assert result.objective == pytest.approx(3 * 100.0 * 0.62)
    np.testing.assert_allclose(result.marginal_price["a"], 0.62, rtol=1e-6)


def _sunny_hub(export_price: float):
    """100 kW firm load under 300 kW of sun: 200 kW surplus per step, exportable up to 200 kW; the
    parks' energy costs 0.1 CNY/kWh (PPA), so exporting below that price loses money."""
    idx = time_index(4)
    base = hub("a", idx, firm_it_kw=100.0, solar_kw=300.0, grid_import_kw=500.0)
    exporting = dataclasses.replace(base, export_kw=200.0, export_price_cny_per_kwh=export_price,
                                    ppa_price_cny_per_kwh=0.1)
    return scenario(idx, [exporting], minimize="cost")


def test_an_export_price_lowers_curtailment():
    """At 0 CNY/kWh the surplus is curtailed (selling it would cost the PPA); at 0.3 CNY/kWh the whole
    200 kW surplus is sold: cost = 4 h x (300 kW x 0.1 - 200 kW x 0.3) = -120 CNY."""
    unpaid = statistics(_sunny_hub(0.0), solve(_sunny_hub(0.0)))
    paid_scenario = _sunny_hub(0.3)
    paid = statistics(paid_scenario, solve(paid_scenario))
    assert paid["curtailed_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert paid["exported_mwh"] == pytest.approx(4 * 200.0 / 1000.0)
    assert unpaid["curtailed_mwh"] == pytest.approx(4 * 200.0 / 1000.0)
    assert unpaid["exported_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert paid["cost_cny"] == pytest.approx(4 * (300.0 * 0.1 - 200.0 * 0.3))


def _peaky(demand_charge: float):
    """200 kWh of work arriving at step 0, due in 4 h; step 0 is the cheapest (0.3 vs 0.5 CNY/kWh)."""
    idx = time_index(4)
    base = hub("a", idx, firm_it_kw=100.0, price_cny_per_kwh=[0.3, 0.5, 0.5, 0.5])
    charged = dataclasses.replace(base, demand_charge_cny_per_kw_month=demand_charge)
    work = workload("job", "a", idx, [200.0, 0.0, 0.0, 0.0], 4)
    return scenario(idx, [charged], [work], minimize="cost")


def test_a_demand_charge_lowers_the_peak():
    """Without a charge all the work runs in the cheap step (peak 300 kW). With 5000 CNY/kW-month
    (prorated over 4 h of a 31-day July: 5000 x 4 / 744 = 26.9 CNY/kW) each kW of peak costs more than
    the 0.2 CNY/kWh the cheap hour saves, so the work spreads evenly: peak 100 + 200 / 4 = 150 kW."""
    free = statistics(_peaky(0.0), solve(_peaky(0.0)))
    charged = statistics(_peaky(5000.0), solve(_peaky(5000.0)))
    assert free["peak_import_mw"] == pytest.approx(0.3, rel=1e-6)
    assert charged["peak_import_mw"] == pytest.approx(0.15, rel=1e-6)
    assert charged["demand_charge_cny"] == pytest.approx(150.0 * 5000.0 * 4 / 744, rel=1e-6)


def _peaky_model(floor_kw: float, *, hot_start: bool = False):
    """:func:`_peaky` with 5000 CNY/kW-month and a month-to-date peak of ``floor_kw``, solved."""
    problem = _peaky(5000.0)
    model = CoSchedulingModel(problem, hot_start=hot_start)
    model.update(dataclasses.replace(scenario_data(problem), peak_to_date_kw=np.array([floor_kw])))
    return model


CHARGE_PER_KW = 5000.0 * 4 / 744
"""The demand charge of :func:`_peaky_model` per kW of peak, prorated over 4 h of July [CNY/kW]."""


def test_a_plan_under_the_month_to_date_peak_pays_no_demand_charge():
    """Month-to-date peak 400 kW: the cheap-step plan (peak 300 kW) raises no peak, so the LP pays
    energy only (300 kW x 0.3 + 3 x 100 kW x 0.5 = 240 CNY) and runs all the work in the cheap step."""
    model = _peaky_model(400.0)
    assert model.problem.is_dcp(dpp=True)
    schedule = model.solve()
    assert model.problem.value == pytest.approx(240.0, rel=1e-6)
    assert model.components["grid"].increase_kw.value.max() == pytest.approx(0.0, abs=1e-6)
    assert statistics(model.scenario, schedule)["peak_import_mw"] == pytest.approx(0.3, rel=1e-6)


@pytest.mark.parametrize("hot_start", [False, True])
def test_a_plan_above_the_month_to_date_peak_pays_only_the_increase(hot_start):
    """Month-to-date peak 120 kW: spreading evenly (peak 150 kW) is still best, and the LP pays the
    charge on the 30 kW increase only: energy 150 x 0.3 + 3 x 150 x 0.5 = 270 CNY plus 30 kW of charge.
    The hot-started model re-planned from the 400 kW case gives the same (Parameters only)."""
    model = _peaky_model(400.0, hot_start=hot_start)
    model.solve()
    model.update(dataclasses.replace(model.data, peak_to_date_kw=np.array([120.0])))
    model.solve()
    assert model.problem.value == pytest.approx(270.0 + 30.0 * CHARGE_PER_KW, rel=1e-6)
    assert model.components["grid"].increase_kw.value.max() == pytest.approx(30.0, rel=1e-6)
