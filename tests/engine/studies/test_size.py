"""Capacity sizing (engine.studies.size): closed-form optima, bounds, monotone cost, plan-then-run,
[plan] errors."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.errors import InfeasibleError, ScenarioError
from engine.inputs.plan_settings import read_plan
from engine.inputs.scenario import Battery
from engine.inputs.scenario_file import load_scenario, scenario_from_dict
from engine.metrics import metrics
from engine.model import CoSchedulingModel
from engine.outputs.files import write_outputs
from engine.studies.benders import YearOperation
from engine.studies.phases import unobserved
from engine.studies.run import run
from engine.studies.size import (
    _period,
    _period_sizing,
    _planning_scenario,
    _size,
    _size_by_years,
    _size_over_years,
    _sizing,
    _year_slices,
    _year_work,
    planned_overrides,
    size,
    size_across_years,
)
from engine.studies.sweep import point_columns
from tests.engine.builders import hub, scenario, time_index, workload

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "zhongwei_plan_green.toml"
COSTS = {"solar_cny_per_kw_year": 300.0, "wind_cny_per_kw_year": 200.0,
         "battery_energy_cny_per_kwh_year": 100.0, "battery_power_cny_per_kw_year": 50.0}
LOAD_KW = 100.0


def _day_night(days: int) -> np.ndarray:
    """Solar per kW: 6 h dark, 12 h at 1 kW/kW, 6 h dark, each day."""
    day = np.r_[np.zeros(6), np.ones(12), np.zeros(6)]
    return np.tile(day, days)


def _solar_battery_case(share: float = 1.0, days: int = 2, plan_hub: dict | None = None,
                        price: float = 0.5):
    """One hub, constant 100 kW load, PUE 1, day/night solar, a lossless battery at half charge."""
    index = time_index(24 * days)
    inputs = hub("solo", index, it_capacity_kw=200.0, grid_import_kw=1e4, solar_kw=_day_night(days) * 1000.0,
                 firm_it_kw=LOAD_KW, price_cny_per_kwh=price,
                 battery=Battery(energy_kwh=0.0, power_kw=0.0, round_trip_efficiency=1.0, initial_soc=0.5))
    inputs = dataclasses.replace(inputs, solar_kw_nameplate=1000.0)
    case = scenario(index, [inputs], minimize="cost", min_green_share=share)
    table = plan_hub or {"solar_mw": {"max": 10.0}, "battery_energy_mwh": {"max": 10.0},
                         "battery_power_mw": {"max": 10.0}}
    return _with_plan(case, {"hubs": {"solo": table}, "costs": COSTS})


def _with_plan(case, table: dict):
    """``case`` with ``table`` as its validated ``[plan]``."""
    return dataclasses.replace(case, plan=read_plan(table, tuple(case.hubs), case.objective.min_green_share))


def test_closed_form_solar_and_battery_for_100_percent():
    """Lossless battery, 12 h of sun a day: S = 2 L, E = 12 L (6 dark hours each side), P = L."""
    result = size(_solar_battery_case(days=2))
    chosen = result.sizing.capacities["solo"]
    assert chosen["solar_mw"] == pytest.approx(2 * LOAD_KW / 1000, rel=1e-5)
    assert chosen["battery_energy_mwh"] == pytest.approx(12 * LOAD_KW / 1000, rel=1e-5)
    assert chosen["battery_power_mw"] == pytest.approx(LOAD_KW / 1000, rel=1e-5)
    years = 48 / 8760
    expected = (200 * 300.0 + 1200 * 100.0 + 100 * 50.0) * years
    assert result.sizing.total_cost_cny == pytest.approx(expected, rel=1e-5)
    assert result.sizing.costs_cny["operation"] == pytest.approx(0.0, abs=1e-3)
    assert result.metrics()["green_share_hourly"] == pytest.approx(1.0, abs=1e-6)
    assert result.sizing.cost_per_mwh_it_cny == pytest.approx(expected / (LOAD_KW * 48 / 1000), rel=1e-5)


def test_cheaper_technology_runs_to_its_bound():
    """Flat 0.5 kW/kW wind (cheaper) capped at 100 kW; solar (dearer, same profile) covers the rest."""
    index = time_index(24)
    inputs = hub("solo", index, grid_import_kw=1e4, solar_kw=500.0, wind_kw=500.0, firm_it_kw=LOAD_KW)
    inputs = dataclasses.replace(inputs, solar_kw_nameplate=1000.0, wind_kw_nameplate=1000.0)
    case = scenario(index, [inputs], minimize="cost", min_green_share=1.0)
    sized = {"solar_mw": {"max": 1.0}, "wind_mw": {"min": 0.0, "max": 0.1}}
    case = _with_plan(case, {"hubs": {"solo": sized}, "costs": COSTS})
    chosen = size(case).sizing.capacities["solo"]
    assert chosen["wind_mw"] == pytest.approx(0.1, rel=1e-6)
    assert chosen["solar_mw"] == pytest.approx(0.1, rel=1e-6)  # (100 - 0.5 x 100) / 0.5 kW


def test_bounds_are_respected():
    table = {"solar_mw": {"min": 0.3, "max": 10.0}, "battery_energy_mwh": {"max": 10.0},
             "battery_power_mw": {"min": 0.0, "max": 0.08}}
    chosen = size(_solar_battery_case(share=0.8, plan_hub=table)).sizing.capacities["solo"]
    assert chosen["solar_mw"] >= 0.3 - 1e-9
    assert chosen["battery_power_mw"] <= 0.08 + 1e-9


def test_target_beyond_the_upper_bounds_is_infeasible():
    table = {"solar_mw": {"max": 10.0}, "battery_energy_mwh": {"max": 1.0}, "battery_power_mw": {"max": 1.0}}
    with pytest.raises(InfeasibleError, match="min_green_share"):
        size(_solar_battery_case(share=1.0, plan_hub=table))


def test_raising_the_target_never_lowers_the_cost():
    # Grid energy at 0.01 CNY/kWh is cheaper than solar (300 CNY/kW-year at 50 % capacity factor is
    # 0.068 CNY/kWh), so the floor binds.
    costs = [size(_solar_battery_case(share=share, price=0.01)).sizing.total_cost_cny
             for share in (0.0, 0.5, 0.8, 0.95, 1.0)]
    assert all(b >= a - 1e-6 * abs(a) for a, b in zip(costs, costs[1:], strict=False))
    assert costs[-1] > costs[0]


def test_plan_then_run_reproduces_the_target_in_memory():
    result = size(_solar_battery_case(share=1.0))
    replay = run(result.scenario)
    assert replay.metrics()["green_share_hourly"] >= result.sizing.min_green_share - 1e-6
    assert point_columns(result)["plan_total_cost_cny"] == result.sizing.total_cost_cny


def _example_raw(hours: int) -> dict:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["hours"] = hours
    return raw


@pytest.mark.parametrize("share", [0.8, 1.0])
def test_plan_then_run_from_the_scenario_file(tmp_path, share):
    """The planned capacities, put into the scenario file's keys, make `suandian run` meet the target."""
    path = tmp_path / "short.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("hours = 8760", "hours = 72")
    path.write_text(text.replace("min_green_share = 1.0", f"min_green_share = {share}"), encoding="utf-8")
    result = size(load_scenario(path))
    replay = run(load_scenario(path, **planned_overrides(result)))
    assert replay.metrics()["green_share_hourly"] >= share - 1e-6
    written = write_outputs(result, tmp_path / "out")
    assert all(p.is_file() for p in written.values())
    assert "Plan: least-cost capacities" in written["report"].read_text(encoding="utf-8")


def test_sized_model_keeps_the_fixed_model_dpp():
    from engine.studies.size import _planning_scenario, _sizing, plan_settings

    case = _solar_battery_case()
    settings = plan_settings(case)
    planning = _planning_scenario(case, settings)
    assert CoSchedulingModel(planning, sizing=_sizing(case, planning, settings)).problem.is_dcp(dpp=True)


@pytest.mark.parametrize(("change", "key"), [
    (lambda raw: raw["plan"]["hubs"]["zhongwei"].update(solar=1), "plan.hubs.zhongwei.solar"),
    (lambda raw: raw["plan"]["hubs"].update(nowhere={}), "plan.hubs.nowhere"),
    (lambda raw: raw["plan"].update(target=1.0), "plan.target"),
    (lambda raw: raw["plan"]["hubs"]["zhongwei"]["wind_mw"].pop("max"), "plan.hubs.zhongwei.wind_mw.max"),
    (lambda raw: raw["plan"]["hubs"]["zhongwei"]["wind_mw"].update(min=3000),
     "plan.hubs.zhongwei.wind_mw.max"),
    (lambda raw: raw["plan"]["hubs"]["zhongwei"].pop("battery_power_mw"),
     "plan.hubs.zhongwei.battery_power_mw"),
    (lambda raw: raw["plan"].update(costs={"solar_cny_per_kw": 1}), "plan.costs.solar_cny_per_kw"),
    (lambda raw: raw["plan"].update(costs={"wind_cny_per_kw_year": -1}), "plan.costs.wind_cny_per_kw_year"),
    (lambda raw: raw["plan"].update(min_green_share=0.9), "plan.min_green_share"),
    (lambda raw: raw["objective"].update(minimize="carbon"), "objective.minimize"),
])
def test_invalid_plan_table_names_the_key(change, key):
    raw = _example_raw(24)
    change(raw)
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        scenario_from_dict(raw, EXAMPLE.parent)


def test_scenarios_without_plan_are_not_plannable():
    raw = _example_raw(24)
    del raw["plan"]
    case = scenario_from_dict(raw, EXAMPLE.parent)
    with pytest.raises(ScenarioError, match=r"\[plan\]"):
        size(case)


def test_unit_profile_without_a_park_is_the_1_mw_output():
    """A hub with no solar park: sizing uses park_output of 1 MW on its typical year (linear in size)."""
    raw = _example_raw(48)
    raw["hubs"]["zhongwei"]["solar_mw"] = 0
    with_park = _example_raw(48)
    with_park["hubs"]["zhongwei"]["solar_mw"] = 1
    from engine.studies.size import unit_profile_kw_per_kw

    profile = unit_profile_kw_per_kw(scenario_from_dict(raw, EXAMPLE.parent), "zhongwei", "solar")
    expected = scenario_from_dict(with_park, EXAMPLE.parent).hubs["zhongwei"].series["solar_kw"] / 1000.0
    np.testing.assert_allclose(profile, expected.to_numpy(), rtol=1e-9, atol=1e-12)
    assert 0 < profile.max() <= 1.0


def test_full_year_example_meets_100_percent():
    result = size(load_scenario(EXAMPLE))
    assert result.solver.status == "optimal"
    assert result.metrics()["green_share_hourly"] >= 1.0 - 1e-6
    assert result.sizing.horizon_hours == 8760
    recomputed = metrics(result.scenario, result.schedules["coordinated"])
    assert recomputed["it_energy_mwh"] == pytest.approx(30 * 8760, rel=1e-6)
    costs = result.sizing.costs_cny
    assert costs["total"] == pytest.approx(costs["capacity"] + costs["operation"], rel=1e-9)


def _new_year_case(share: float):
    """100 kW load over 31 Dec 2025 and 1 Jan 2026 (local), no battery: 12 h of sun on the first day,
    6 h on the second."""
    index = time_index(48, start="2025-12-31 00:00")
    day1 = np.r_[np.zeros(6), np.ones(12), np.zeros(6)]
    day2 = np.r_[np.zeros(9), np.ones(6), np.zeros(9)]
    inputs = hub("solo", index, grid_import_kw=1e4, solar_kw=np.r_[day1, day2] * 1000.0,
                 firm_it_kw=LOAD_KW, price_cny_per_kwh=0.01)
    inputs = dataclasses.replace(inputs, solar_kw_nameplate=1000.0)
    case = scenario(index, [inputs], minimize="cost", min_green_share=share)
    return _with_plan(case, {"hubs": {"solo": {"solar_mw": {"max": 1.0}}}, "costs": COSTS})


def test_every_year_floor_is_the_closed_form_and_tighter_than_the_average():
    """Target 25%: over both days 18 S >= 0.25 x 4800 kWh gives S = 66.7 kW; in each year separately
    12 S >= 600 and 6 S >= 600 give S = 100 kW."""
    case = _new_year_case(0.25)
    average = _size(case, "HIGHS", year_floors=False).sizing.capacities["solo"]["solar_mw"]
    every = _size(case, "HIGHS", year_floors=True).sizing.capacities["solo"]["solar_mw"]
    assert average == pytest.approx(1200 / 18 / 1000, rel=1e-5)
    assert every == pytest.approx(0.1, rel=1e-5)


@pytest.mark.parametrize(("change", "key"), [({"years": 0}, "plan.years"), ({"years": 2.5}, "plan.years"),
                                             ({"target": "median"}, "plan.target"),
                                             ({"out_of_sample_years": -1}, "plan.out_of_sample_years")])
def test_invalid_years_keys_name_the_key(change, key):
    table = {"hubs": {"solo": {"solar_mw": {"max": 1.0}}}, **change}
    with pytest.raises(ScenarioError, match=rf"^{key}: "):
        read_plan(table, ("solo",), 1.0)


def _years_scenario(**plan):
    raw = {"start": "2025-01-01 00:00", "hours": 8760,
           "hubs": {"zhongwei": {"it_capacity_mw": 20, "firm_it_mw": 10, "grid_import_mw": 20}},
           "objective": {"minimize": "cost", "min_green_share": 0.5},
           "plan": {"hubs": {"zhongwei": {"solar_mw": {"max": 500}, "wind_mw": {"max": 500}}}, **plan}}
    return scenario_from_dict(raw)


def test_sizing_across_years_meets_the_target_every_year_and_scores_out_of_sample():
    plan = size_across_years(_years_scenario(years=2, out_of_sample_years=1))
    years = plan.years
    assert list(years["year"]) == [2025, 2026, 2027]
    assert list(years["sample"]) == ["sized", "sized", "out_of_sample"]
    sized = years[years["sample"] == "sized"]
    assert (sized["green_share_hourly"] >= 0.5 - 1e-6).all()
    # Per year: the annual capacity cost plus that year's grid energy at the tariff (demand charges,
    # in the sizing's total, are not split by year).
    costs = plan.result.sizing.costs_cny
    assert costs["capacity"] < sized["cost_cny"].sum() <= costs["total"] + 1e-6
    assert (years["peak_grid_import_mw"] > 0).all()  # firm backup still needed below 100 %
    spread = plan.spread()
    assert set(spread) == {"sized", "out_of_sample"}
    assert spread["sized"]["green_share_hourly"]["min"] >= 0.5 - 1e-6


def test_sizing_across_years_needs_one_calendar_year():
    case = scenario_from_dict({**{k: v for k, v in tomllib.loads('start = "2025-07-01 00:00"').items()},
                               "hours": 48,
                               "hubs": {"zhongwei": {"it_capacity_mw": 20, "firm_it_mw": 10,
                                                     "grid_import_mw": 20}},
                               "plan": {"years": 2, "hubs": {"zhongwei": {"solar_mw": {"max": 5}}}}})
    with pytest.raises(ScenarioError, match=r"^plan\.years: .*one whole local calendar year"):
        size_across_years(case)


# ------------------------------------------------------------------------------------------------------
# Benders over the weather years against the monolithic LP
# ------------------------------------------------------------------------------------------------------

YEAR_COSTS = {"solar_cny_per_kw_year": 3000.0, "wind_cny_per_kw_year": 4000.0,
              "battery_energy_cny_per_kwh_year": 500.0, "battery_power_cny_per_kw_year": 300.0}
"""Capacity costs high enough against 0.5 CNY/kWh that the target, not the tariff, sizes the parks."""


def _two_years_case(share: float = 0.8, target: str = "every_year", method: str = "benders",
                    late_kw: float = 0.0):
    """Three days at the end of 2025 and three in 2026: cloudy-day solar, random wind, a lossy battery,
    firm load and deferrable work, solar, wind and battery all sized. ``late_kw``: a second workload
    arriving in the 12 h before (local) New Year only, due within 36 h: work the decomposition must
    carry across New Year to match the monolithic LP."""
    days = 6
    index = time_index(24 * days, start="2025-12-29 00:00")
    rng = np.random.default_rng(7)
    solar = _day_night(days) * np.repeat(rng.uniform(0.1, 1.0, days), 24)
    wind = rng.uniform(0.0, 1.0, 24 * days) ** 2
    inputs = hub("solo", index, it_capacity_kw=300.0, grid_import_kw=1e4, solar_kw=solar * 1000.0,
                 wind_kw=wind * 1000.0, firm_it_kw=LOAD_KW, price_cny_per_kwh=0.5,
                 battery=Battery(energy_kwh=0.0, power_kw=0.0, round_trip_efficiency=0.9, initial_soc=0.5))
    inputs = dataclasses.replace(inputs, solar_kw_nameplate=1000.0, wind_kw_nameplate=1000.0)
    hours_to_new_year = (pd.Timestamp("2026-01-01", tz="Asia/Shanghai") - index) / pd.Timedelta(hours=1)
    late = np.where((hours_to_new_year > 0) & (hours_to_new_year <= 12), late_kw, 0.0)
    workloads = [workload("batch", "solo", index, 50.0, 12.0)]
    workloads += [workload("late", "solo", index, late, 36.0)] if late_kw else []
    case = scenario(index, [inputs], workloads=workloads, minimize="cost", min_green_share=share)
    sized = {"solar_mw": {"max": 2.0}, "wind_mw": {"max": 2.0}, "battery_energy_mwh": {"max": 5.0},
             "battery_power_mw": {"max": 1.0}}
    return _with_plan(case, {"hubs": {"solo": sized}, "costs": YEAR_COSTS, "target": target,
                             "method": method})


def _year_shares(result) -> list[float]:
    flows = result.schedules["coordinated"].flows
    local = pd.DatetimeIndex(flows["time"]).tz_convert("Asia/Shanghai").year
    return [1.0 - rows["grid_import_kw"].sum() / rows["facility_kw"].sum()
            for _, rows in flows.groupby(local)]


@pytest.mark.parametrize("share", [0.6, 0.9])
def test_benders_equals_the_monolithic_lp_with_the_target_every_year(share):
    """The decomposition's design and operation are feasible for the monolithic LP (the battery's state
    at New Year is a master variable), so its cost is no lower; the brief's bound is 0.5% above."""
    case = _two_years_case(share)
    monolithic = _size(case, "HIGHS", year_floors=True).sizing.total_cost_cny
    result, solution = _size_by_years(case, "HIGHS", None)
    cost = result.sizing.total_cost_cny
    assert monolithic * (1 - 1e-6) <= cost <= monolithic * 1.005
    assert solution.lower_bound <= cost * (1 + 1e-6) and cost <= solution.upper_bound * (1 + 1e-6)
    assert min(_year_shares(result)) >= share - 1e-6


def test_benders_carries_deferrable_work_across_new_year():
    """Work arriving on New Year's Eve, due the next day: the monolithic LP runs it on 1 January's sun;
    the decomposition matches it within 0.5% only by carrying it across New Year (master ``w``)."""
    case = _two_years_case(0.9, late_kw=120.0)
    monolithic = _size(case, "HIGHS", year_floors=True).sizing.total_cost_cny
    result, solution = _size_by_years(case, "HIGHS", None)
    cost = result.sizing.total_cost_cny
    assert monolithic * (1 - 1e-6) <= cost <= monolithic * 1.005
    carried = solution.point["carried_out"][0]
    assert carried[1] > 100.0  # kWh of the late work done in 2026
    assert min(_year_shares(result)) >= 0.9 - 1e-6


def test_benders_average_target_equals_the_monolithic_lp():
    case = _two_years_case(0.8, target="average")
    monolithic = _size(case, "HIGHS", year_floors=False).sizing.total_cost_cny
    result, _ = _size_by_years(case, "HIGHS", None)
    assert monolithic * (1 - 1e-6) <= result.sizing.total_cost_cny <= monolithic * 1.005
    shares, energy = _year_shares(result), result.metrics()["green_share_hourly"]
    assert float(energy) >= 0.8 - 1e-6
    assert min(shares) < 0.8 - 1e-3  # the years trade: one below the target, made up by the other


def test_benders_design_meets_the_target_in_every_year_when_run():
    """The planned scenario (capacities rounded up) operated over both years with the hard floor in
    each year: feasible, and each year at the target."""
    result, _ = _size_by_years(_two_years_case(0.9), "HIGHS", None)
    planned = result.scenario
    periods = {str(year): rows for year, rows in _year_slices(planned)}
    schedule = CoSchedulingModel(planned, green_floor_periods=periods).solve()
    for rows in periods.values():
        year = schedule.flows.iloc[rows]
        assert 1.0 - year["grid_import_kw"].sum() / year["facility_kw"].sum() >= 0.9 - 1e-6


def test_benders_is_deterministic():
    first, _ = _size_by_years(_two_years_case(0.9), "HIGHS", None)
    second, _ = _size_by_years(_two_years_case(0.9), "HIGHS", None)
    assert first.sizing.capacities == second.sizing.capacities
    assert first.sizing.costs_cny == second.sizing.costs_cny


def test_benders_on_dask_actors_equals_in_process():
    in_process, _ = _size_by_years(_two_years_case(0.9), "HIGHS", None)
    on_dask, _ = _size_by_years(_two_years_case(0.9), "HIGHS", 1)
    assert on_dask.sizing.capacities == in_process.sizing.capacities


def test_year_operation_gradient_is_a_subgradient():
    """``f(x + d) >= f(x) + g d`` for any direction (convexity), the value falls with capacity and with
    the work left to the next year and rises with the work taken over. The operation is the 2025 part
    of the case with the late work, its deadlines cut from the horizon's."""
    case = _two_years_case(0.9, late_kw=120.0)
    settings = case.plan
    planning = _planning_scenario(case, settings)
    sizing = _sizing(case, planning, settings)
    slices = [rows for _, rows in _year_slices(planning)]
    work, carry_kwh = _year_work(planning, slices)
    rows = slices[0]
    operation = YearOperation(_period(planning, rows), _period_sizing(sizing, rows, len(planning.index)),
                              "HIGHS", work[0])
    x, states = np.array([200.0, 100.0, 200.0, 100.0]), np.array([100.0, 100.0])
    carried = np.array([30.0, 40.0, 20.0, 0.5 * carry_kwh[0, 1]])  # in (batch, late), out (batch, late)
    assert carry_kwh[0, 1] == pytest.approx(120.0 * 12)
    at_x = operation.evaluate(x, 0.0, 1000.0, states[:1], states[1:], carried[:2], carried[2:])
    assert (at_x["gradient"] <= 1e-9).all() and at_x["start_gradient"] <= 0 <= at_x["end_gradient"]
    assert (at_x["in_gradient"] > 0).all() and (at_x["out_gradient"] < 0).all()  # short of green
    slopes = np.r_[at_x["gradient"], at_x["start_gradient"], at_x["end_gradient"], at_x["in_gradient"],
                   at_x["out_gradient"]]
    rng = np.random.default_rng(3)
    for _ in range(4):
        step = np.r_[rng.uniform(-50.0, 50.0, 6), rng.uniform(-20.0, 20.0, 4)]
        moved = operation.evaluate(x + step[:4], 0.0, 1000.0, states[:1] + step[4:5], states[1:] + step[5:6],
                                   carried[:2] + step[6:8], carried[2:] + step[8:])
        assert moved["value"] >= at_x["value"] + slopes @ step - 1e-6 * abs(at_x["value"])


def test_invalid_plan_method_names_the_key():
    with pytest.raises(ScenarioError, match=r"^plan\.method: expected one of benders, monolithic, got 'dan"):
        read_plan({"hubs": {"solo": {"solar_mw": {"max": 1.0}}}, "method": "dantzig"}, ("solo",), 1.0)


def test_average_target_a_year_cannot_meet_alone_is_sized_as_the_monolithic_lp():
    """Target 30% on average over the two days (18 S >= 0.3 x 4800 kWh: S = 80 kW, 165 CNY, the
    monolithic LP). Benders' start, each year's own design at 30%, is infeasible for one of the days
    (measured: InfeasibleError from _size_by_years); the plan falls back to the one LP and its cost."""
    case = _new_year_case(0.3)
    case = dataclasses.replace(case, plan=dataclasses.replace(case.plan, target="average"))
    monolithic = _size(case, "HIGHS", year_floors=False).sizing.total_cost_cny
    assert monolithic == pytest.approx(165.107, rel=1e-4)
    told = []
    result = _size_over_years(case, "HIGHS", None, told.append)
    assert result.sizing.total_cost_cny == pytest.approx(monolithic, rel=1e-6)
    assert any("one LP" in phase for phase in told)


def test_work_that_must_cross_new_year_is_sized_as_the_monolithic_lp():
    """200 kW arriving in the 12 h before New Year on 150 kW of free IT room cannot all be done by
    midnight, which Benders' start points ask (measured: InfeasibleError from _size_by_years); the
    monolithic LP carries it over (22,643 CNY) and the plan falls back to it."""
    case = _two_years_case(0.6, late_kw=200.0)
    monolithic = _size(case, "HIGHS", year_floors=True).sizing.total_cost_cny
    assert monolithic == pytest.approx(22643.3, rel=1e-4)
    result = _size_over_years(case, "HIGHS", None, unobserved)
    assert result.sizing.total_cost_cny == pytest.approx(monolithic, rel=1e-6)
