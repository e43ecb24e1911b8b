"""The grid: objective weights of import."""

from __future__ import annotations

import numpy as np
import pytest

from engine.model import solve
from tests.engine.builders import hub, scenario, time_index


def test_carbon_price_enters_the_cost_objective():
    """Cost weight = price + carbon price x intensity / 1e6: 0.5 + 200 x 600 / 1e6 = 0.62 CNY/kWh."""
    idx = time_index(3)
    s = scenario(idx, [hub("a", idx, firm_it_kw=100.0)], minimize="cost", carbon_price=200.0)
    result = solve(s)
    assert result.objective == pytest.approx(3 * 100.0 * 0.62)
    np.testing.assert_allclose(result.marginal_price["a"], 0.62, rtol=1e-6)
