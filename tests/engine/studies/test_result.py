"""StudyResult: one metrics API for every policy and grouping; gains are differences of it."""

from __future__ import annotations

import dataclasses

import pytest

from engine.metrics import metrics, statistics
from engine.studies.result import SolverInfo, StudyResult
from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule


@pytest.fixture(scope="module")
def result() -> StudyResult:
    coordinated = hand_schedule()
    flows = hand_flows()
    flows["grid_import_kw"] *= 2.0
    baseline = dataclasses.replace(coordinated, kind="baseline", flows=flows, status="simulated",
                                   solver="baseline")
    return StudyResult(kind="run", scenario=hand_scenario(),
                       schedules={"coordinated": coordinated, "baseline": baseline},
                       solver=SolverInfo.of(coordinated))


def test_metrics_take_the_same_arguments_for_every_policy(result):
    assert result.primary == "coordinated"
    for policy in result.schedules:
        for by in ("total", "hub", "step"):
            expected = statistics(result.scenario, result.schedules[policy], by=by)
            assert result.metrics(policy, by=by).equals(expected)
    assert result.metrics().equals(result.metrics("coordinated"))


@pytest.mark.parametrize("by", ["total", "hub", "step"])
def test_gains_are_primary_minus_baseline_at_every_grouping(result, by):
    gain = result.gains(by=by)
    assert gain.equals(result.metrics(by=by) - result.metrics("baseline", by=by))
    if by == "hub":
        block = metrics(result.scenario, result.schedules["baseline"])["hubs"]["west"]
        assert gain.loc["west", "cost_cny"] == pytest.approx(5.0 - block["cost_cny"])


def test_result_is_frozen_and_solver_seconds_add_up(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "size"
    solver = SolverInfo(name="HIGHS", status="optimal", build_seconds=0.25, solve_seconds=0.5, objective=1.0)
    assert solver.seconds == pytest.approx(0.75)
