"""Links: bandwidth caps on migrated work and the value of bandwidth."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.errors import InfeasibleError
from engine.inputs.scenario import Link, Transfer
from engine.metrics import statistics
from engine.model import solve
from tests.engine.builders import hub, scenario, time_index, workload
from tests.engine.model.helpers import by_hub


def binding_link_scenario(gbps: float = 10.0):
    """Six hours; 20 MW of work due within its hour at an eastern hub, free sun in the west, and a
    10 Gbit/s link (4.5 TB/h, 9 MWh/h of work at 0.5 TB/MWh) that binds in every hour."""
    idx = time_index(6)
    east = hub("e", idx, it_capacity_kw=30_000.0, grid_import_kw=1e5)
    west = hub("w", idx, it_capacity_kw=30_000.0, grid_import_kw=1e5, solar_kw=100_000.0)
    work = workload("job", "e", idx, 20_000.0, 1, hubs=("e", "w"), data_tb_per_mwh=0.5)
    return scenario(idx, [east, west], [work], links=(Link("e", "w", gbps),))


def test_link_caps_migrated_work_at_its_bandwidth():
    """10 Gbit/s carry 10 x 3600 / 8 / 1000 = 4.5 TB per hour; at 0.5 TB/MWh that is 9 MWh of work.

    Work (20 MW, due within its hour) would rather run at the sunny western hub, but only 9 MW can move.
    """
    result = solve(binding_link_scenario())
    np.testing.assert_allclose(by_hub(result.flows, "w")["job_it_kw"], 9000.0, rtol=1e-7)
    np.testing.assert_allclose(by_hub(result.flows, "e")["grid_import_kw"], 11_000.0, rtol=1e-7)


def test_infeasible_link_bandwidth_found_by_the_solver():
    idx = time_index(2)
    east = hub("e", idx, it_capacity_kw=10_000.0)
    west = hub("w", idx, it_capacity_kw=30_000.0)
    work = workload("job", "e", idx, 20_000.0, 1, hubs=("e", "w"), data_tb_per_mwh=0.5)
    s = scenario(idx, [east, west], [work], links=(Link("e", "w", 10.0),))
    with pytest.raises(InfeasibleError, match=r"link bandwidth \(e->w\)"):
        solve(s)


def test_link_value_is_the_grid_energy_one_more_gbps_saves():
    """The 10 Gbit/s link binds in all 6 hours (see above). One more Gbit/s carries 0.45 TB/h more, i.e.
    0.9 MWh/h of work at 0.5 TB/MWh, which then runs on free western sun instead of the eastern grid
    (PUE 1): 6 h x 900 kWh = 5,400 kWh of grid import less per Gbit/s over the horizon.
    """
    result = solve(binding_link_scenario())
    assert list(result.link_value.index) == ["e->w"]
    assert result.link_value["e->w"] == pytest.approx(5400.0, rel=1e-6)
    # The same number by finite difference: re-solve with 11 Gbit/s.
    wider = binding_link_scenario(gbps=11.0)
    assert result.objective - solve(wider).objective == pytest.approx(5400.0, rel=1e-6)


def test_no_links_no_link_value():
    idx = time_index(2)
    assert solve(scenario(idx, [hub("a", idx, firm_it_kw=10.0)])).link_value is None


def _migrating(price_cny_per_tb: float):
    """1 MW of work at a dear eastern hub (1.0 CNY/kWh), a cheap western one (0.3), 1 TB per MWh."""
    idx = time_index(4)
    east = hub("e", idx, it_capacity_kw=2000.0, price_cny_per_kwh=1.0)
    west = hub("w", idx, it_capacity_kw=2000.0, price_cny_per_kwh=0.3)
    work = workload("job", "e", idx, 1000.0, 1, hubs=("e", "w"), data_tb_per_mwh=1.0)
    s = scenario(idx, [east, west], [work], links=(Link("e", "w", 100.0),), minimize="cost")
    return dataclasses.replace(s, transfer=Transfer(price_cny_per_tb=price_cny_per_tb))


def test_a_transfer_price_reduces_migration():
    """Moving saves 0.7 CNY per kWh of work. Free transfer: all 4 MWh move. At 1000 CNY/TB moving a MWh
    (1 TB) costs 1000 CNY, more than the 700 CNY it saves: nothing moves."""
    free, dear = _migrating(0.0), _migrating(1000.0)
    moved_free = statistics(free, solve(free))
    moved_dear = statistics(dear, solve(dear))
    assert moved_free["migrated_it_mwh"] == pytest.approx(4.0, rel=1e-6)
    assert moved_dear["migrated_it_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert moved_dear["transfer_cost_cny"] == pytest.approx(0.0, abs=1e-6)
    assert moved_free["network_tb"] == pytest.approx(4.0, rel=1e-6)
