"""Attribution of the gain to temporal shifting, spatial shifting and storage (Shapley values)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from engine.inputs.scenario import Battery, Link
from engine.model import solve
from engine.simulate.baseline import run_baseline
from engine.studies.attribution import ATTRIBUTED, LEVERS, attribution, present_levers, shapley
from tests.engine.builders import hub, scenario, time_index, workload


def _attribute(s):
    return attribution(s, solve(s), run_baseline(s), solve)


def _substitutes(battery: Battery | None = None):
    """100 kW of work arriving at step 0 at a grid-only eastern hub, due within 2 h. Waiting for the
    eastern sun of step 1 (temporal) or moving to the western sun of step 0 (spatial) each make it
    green, and both together do no better: the two levers are symmetric."""
    idx = time_index(2)
    east = hub("e", idx, solar_kw=[0.0, 100.0], battery=battery)
    west = hub("w", idx, solar_kw=[100.0, 0.0])
    work = workload("job", "e", idx, [100.0, 0.0], 2, hubs=("e", "w"))
    return scenario(idx, [east, west], [work], links=(Link("e", "w", 10.0),), minimize="carbon")


def test_symmetric_levers_get_equal_shares_and_an_absent_battery_gets_zero():
    record = _attribute(_substitutes())
    assert record["status"] == "ok"
    assert record["present"] == ["temporal", "spatial"]
    parts = record["parts"]
    total_carbon = record["total"]["carbon_t"]
    assert total_carbon == pytest.approx(-100.0 * 600.0 / 1e6)  # 100 kWh no longer from the grid
    for metric in ATTRIBUTED:
        assert parts["temporal"][metric] == pytest.approx(parts["spatial"][metric], abs=1e-9)
        assert parts["storage"][metric] == 0.0
    assert parts["temporal"]["carbon_t"] == pytest.approx(total_carbon / 2)


def test_parts_and_rules_add_up_to_the_total():
    record = _attribute(_three_levers())
    assert record["present"] == list(LEVERS)
    assert record["solves"] == 8
    for metric in ATTRIBUTED:
        added = sum(record["parts"][lever][metric] for lever in LEVERS) + record["rules"][metric]
        assert added == pytest.approx(record["total"][metric], abs=1e-9)


def test_no_battery_means_no_storage_lever():
    assert "storage" not in present_levers(_substitutes())
    assert "storage" in present_levers(_substitutes(Battery(energy_kwh=100.0, power_kw=50.0)))


def test_shapley_values_of_a_game_in_closed_form():
    """v(S) = 10 [a in S] + 10 [b in S] + 4 [a, b in S] + 1 [c in S]: a and b symmetric (12 each),
    c alone (1); the parts add up to v(N) - v(empty) = 25."""
    levers = ("a", "b", "c")

    def value(subset: frozenset) -> float:
        both = {"a", "b"} <= subset
        return 10.0 * ("a" in subset) + 10.0 * ("b" in subset) + 4.0 * both + 1.0 * ("c" in subset)

    values = {frozenset(s): pd.Series({"x": value(frozenset(s))})
              for size in range(4) for s in itertools.combinations(levers, size)}
    parts = shapley(values, levers)
    assert parts["a"]["x"] == pytest.approx(12.0)
    assert parts["b"]["x"] == pytest.approx(12.0)
    assert parts["c"]["x"] == pytest.approx(1.0)


def _three_levers():
    """All three levers present: a battery at the eastern hub, charged by a west-shifted day."""
    idx = time_index(6)
    east = hub("e", idx, solar_kw=[0.0, 300.0, 300.0, 0.0, 0.0, 0.0], firm_it_kw=100.0,
               battery=Battery(energy_kwh=200.0, power_kw=100.0, initial_soc=0.0))
    west = hub("w", idx, solar_kw=[200.0, 200.0, 0.0, 0.0, 0.0, 200.0])
    work = workload("job", "e", idx, [100.0, 0.0, 100.0, 0.0, 100.0, 0.0], 2, hubs=("e", "w"))
    return scenario(idx, [east, west], [work], links=(Link("e", "w", 10.0),), minimize="carbon")


def test_parallel_solves_give_the_serial_numbers():
    """The 7 lever-off solves on a 2-worker local cluster: every number as in the serial path."""
    s = _three_levers()
    coordinated, baseline = solve(s), run_baseline(s)
    serial = attribution(s, coordinated, baseline, solve)
    parallel = attribution(s, coordinated, baseline, solve, workers=2)
    assert serial["workers"] == 1 and parallel["workers"] == 2
    assert parallel["solves"] == serial["solves"] == 8
    for key in ("present", "total", "parts", "rules"):
        assert parallel[key] == serial[key]


def test_an_infeasible_lever_off_solve_makes_the_attribution_unavailable_in_both_paths(capfd):
    """100 kW arriving at a hub that imports at most 60 kW, with a small battery: fine over its 2-h
    deadline, infeasible in its arrival step with the battery off too (temporal and storage off); it
    cannot move (no spatial lever). No worker logs the expected failure as a crash."""
    idx = time_index(2)
    work = workload("job", "e", idx, [100.0, 0.0], 2)
    battery = Battery(energy_kwh=10.0, power_kw=5.0, initial_soc=0.0)
    s = scenario(idx, [hub("e", idx, grid_import_kw=60.0, battery=battery)], [work])
    coordinated, baseline = solve(s), run_baseline(s)
    serial = attribution(s, coordinated, baseline, solve)
    parallel = attribution(s, coordinated, baseline, solve, workers=2)
    assert serial["status"] == "unavailable" and "levers on []" in serial["reason"]
    assert parallel == serial
    assert "Compute Failed" not in capfd.readouterr().err
