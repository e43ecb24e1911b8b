"""Pre-checks before a solve: messages that name the field and the fix."""

from __future__ import annotations

import pytest

from engine.errors import InfeasibleError
from engine.model import solve
from tests.engine.builders import hub, scenario, time_index, workload


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
