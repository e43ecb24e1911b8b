"""The persistent, hot-started HiGHS model gives the answers of problem.solve, re-plan after re-plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.inputs.arrays import scenario_data
from engine.model import CoSchedulingModel
from tests.engine.studies.test_operate import two_hubs


def test_hot_start_matches_a_cold_solve_over_changing_data():
    case = two_hubs(48)
    hot = CoSchedulingModel(case, pue_parameter=True, hot_start=True)
    cold = CoSchedulingModel(case, pue_parameter=True)
    data = scenario_data(case)
    rng = np.random.default_rng(0)
    for k in range(3):
        changed = dataclasses.replace(data, renewable_kw=data.renewable_kw * rng.uniform(0.5, 1.5),
                                      pue=data.pue * (1.0 + 0.05 * k))  # PUE multiplies variables
        hot.update(changed)
        cold.update(changed)
        hot_plan, cold_plan = hot.solve(), cold.solve()
        assert hot_plan.objective == pytest.approx(cold_plan.objective, rel=1e-7)
        assert hot.problem.value == pytest.approx(cold.problem.value, rel=1e-7)
        assert np.isfinite(hot_plan.marginal_price.to_numpy()).all()  # duals unpacked too
    assert hot._hot.highs is not None  # one persistent model


def test_a_hot_solution_outside_the_tolerance_is_solved_again_from_scratch(monkeypatch):
    # Measured once on a three-day operation: a hot start ended 3.7e-6 outside a battery recursion. The
    # check reports such a residual here for the first hot solution only; the retry passes the LP anew.
    from engine.model.hot_start import HotStartHighs

    case = two_hubs(48)
    hot = CoSchedulingModel(case, pue_parameter=True, hot_start=True)
    expected = CoSchedulingModel(case, pue_parameter=True).solve().objective
    hot.solve()
    first_model = hot._hot.highs
    measured = HotStartHighs.max_residual
    reports = iter([3.7e-6])
    monkeypatch.setattr(HotStartHighs, "max_residual", lambda self: next(reports, None) or measured(self))
    assert hot.solve().objective == pytest.approx(expected, rel=1e-7)
    assert hot._hot.highs is not first_model  # solved again on a new HiGHS model
