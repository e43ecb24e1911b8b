"""The [plan] table: cost data and its validation when the scenario is read."""

from __future__ import annotations

import re

import pytest

from engine.errors import ScenarioError
from engine.inputs.fields import Problems
from engine.inputs.plan_settings import COST_DEFAULTS, annualised_cost, read_plan

HUBS = ("zhongwei", "shanghai")


def test_annualised_cost_is_capital_recovery_plus_om():
    # CRF at 6 % over 20 years = 0.0871846 (standard annuity tables).
    assert annualised_cost(1000.0, 20, 0.06, 0.02) == pytest.approx(1000 * (0.0871846 + 0.02), rel=1e-6)
    assert annualised_cost(1000.0, 10, 0.0, 0.0) == pytest.approx(100.0)
    assert 250 < COST_DEFAULTS["solar_cny_per_kw_year"] < 400
    assert 400 < COST_DEFAULTS["wind_cny_per_kw_year"] < 700


@pytest.mark.parametrize(("name", "high"), [("solar_mw", "100000"), ("battery_energy_mwh", "2.4e+06")])
def test_plan_bounds_have_the_plausible_power_and_energy_bounds(name, high):
    expected = re.escape(f"plan.hubs.zhongwei.{name}.max: expected a number in [0, {high}]")
    with pytest.raises(ScenarioError, match=expected):
        read_plan({"hubs": {"zhongwei": {name: {"max": 1e9}}}}, HUBS, objective_share=None)


def test_plan_table_is_read_into_kw_bounds_and_costs():
    sized = {"solar_mw": {"max": 2}, "battery_energy_mwh": {"min": 1, "max": 4},
             "battery_power_mw": {"max": 1}}
    settings = read_plan({"hubs": {"zhongwei": sized}, "costs": {"solar_cny_per_kw_year": 230}}, HUBS,
                         objective_share=0.9)
    assert settings.min_green_share == 0.9
    assert settings.bounds_kw["zhongwei"] == {"solar_mw": (0.0, 2000.0), "battery_power_mw": (0.0, 1000.0),
                                              "battery_energy_mwh": (1000.0, 4000.0)}
    assert settings.costs["solar_cny_per_kw_year"] == 230
    assert settings.costs["wind_cny_per_kw_year"] == COST_DEFAULTS["wind_cny_per_kw_year"]


def test_plan_target_replaces_the_objective_unless_both_disagree():
    table = {"min_green_share": 1.0, "hubs": {"zhongwei": {"solar_mw": {"max": 2}}}}
    assert read_plan(table, HUBS, objective_share=0.0).min_green_share == 1.0
    assert read_plan(table, HUBS, objective_share=1.0, written_share=1.0).min_green_share == 1.0
    with pytest.raises(ScenarioError, match=r"plan\.min_green_share: 1 differs"):
        read_plan(table, HUBS, objective_share=0.5, written_share=0.5)


def test_every_problem_of_the_plan_table_is_reported():
    table = {"hubs": {"zhongwei": {"solar_mw": {"min": 5, "max": 1}, "battery_power_mw": {"max": 1}},
                      "nowhere": {}},
             "costs": {"wind_cny_per_kw_year": -1}}
    with pytest.raises(ScenarioError) as caught:
        read_plan(table, HUBS, objective_share=1.0)
    message = str(caught.value)
    assert message.startswith("4 problems in the scenario:")
    for key in ("plan.hubs.nowhere", "plan.hubs.zhongwei.solar_mw.max",
                "plan.hubs.zhongwei.battery_energy_mwh", "plan.costs.wind_cny_per_kw_year"):
        assert key in message


def test_plan_problems_can_be_collected_with_the_rest_of_a_file():
    problems = Problems("scenario.toml")
    problems.add("name: some other problem. Fix: it.")
    assert read_plan({"hubs": {}}, HUBS, objective_share=1.0, problems=problems) is None
    assert len(problems.messages) == 2 and problems.messages[1].startswith("plan.hubs: expected at least one")
