"""Rolling operation: perfect-forecast reproduction, settlement invariants, state carry-over, no recompile."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from cvxpy.reductions.solvers.solving_chain import SolvingChain

from engine.errors import ScenarioError
from engine.inputs.arrays import scenario_data
from engine.inputs.scenario import Battery
from engine.metrics import scored_objective
from engine.studies.operate import RollingPlanner, default_forecasts, default_lookahead_hours, operate
from tests.engine.builders import hub, scenario, time_index, workload
from weather.forecast import ForecastErrorModel

PERFECT = ForecastErrorModel(solar_nrmse=0.0, wind_nrmse=0.0)


def two_hubs(steps: int = 96):
    """West (sun, wind, battery) and east (dear power, the work's origin); four days, least cost."""
    index = time_index(steps)
    hours = index.tz_convert("Asia/Shanghai").hour.to_numpy()
    solar = np.clip(np.sin((hours - 6) / 12 * np.pi), 0.0, None) * 3000.0
    wind = np.clip(800.0 + np.cumsum(np.random.default_rng(1).normal(0.0, 150.0, steps)), 0.0, 2000.0)
    price = np.where((hours >= 8) & (hours < 22), 1.0, 0.3)
    west = hub("west", index, it_capacity_kw=2000, grid_import_kw=3000, solar_kw=solar, wind_kw=wind,
               firm_it_kw=500, pue=1.2, price_cny_per_kwh=price,
               battery=Battery(energy_kwh=2000, power_kw=500))
    east = hub("east", index, it_capacity_kw=1500, grid_import_kw=2500, solar_kw=0.2 * solar, firm_it_kw=800,
               pue=1.3, price_cny_per_kwh=1.2 * price)
    batch = workload("batch", "east", index, 400.0, 12, hubs=("east", "west"))
    return scenario(index, [west, east], [batch], minimize="cost")


def grid_capped(steps: int = 96, grid_import_kw: float = 900.0, sun: float = 1.0):
    """One sunny hub whose grid cap leaves the daytime work to the sun: forecast error bites."""
    index = time_index(steps)
    hours = index.tz_convert("Asia/Shanghai").hour.to_numpy()
    solar = np.clip(np.sin((hours - 6) / 12 * np.pi), 0.0, None) * 3000.0 * sun
    west = hub("west", index, it_capacity_kw=3000, grid_import_kw=grid_import_kw, solar_kw=solar,
               firm_it_kw=500, pue=1.2, battery=Battery(energy_kwh=1000, power_kw=300))
    batch = workload("batch", "west", index, np.where((hours >= 8) & (hours < 16), 1200.0, 0.0), 24)
    return scenario(index, [west], [batch], minimize="grid")


@pytest.fixture(scope="module")
def perfect_run():
    case = two_hubs()
    return operate(case, forecasts=default_forecasts(case, error_model=PERFECT), deadline_buffer_hours=0)


@pytest.fixture(scope="module")
def forecast_run():
    return operate(two_hubs(), forecast_seed=3)


def arrays(result, name):
    hubs = list(result.scenario.hubs)
    return result.schedules["operated"].flows[name].to_numpy().reshape(len(hubs), -1).T


def objective(result, policy="operated"):
    return result.schedules[policy].objective


def test_perfect_forecast_reproduces_the_one_shot_objective(perfect_run):
    # Tolerance 1 %: each look-ahead must end at (at least) the initial state of charge and cannot see
    # past its end, which the one-shot solve over the whole horizon can; with daily cycles that costs
    # little. No deadline buffer: the plans see the true deadlines.
    assert objective(perfect_run) == pytest.approx(objective(perfect_run, "perfect_foresight"), rel=0.01)
    assert objective(perfect_run) >= objective(perfect_run, "perfect_foresight") * (1 - 1e-6)
    assert perfect_run.metrics()["deadline_met_share"] == pytest.approx(1.0)
    # Planning times: the start, then 12:00 local every day of the four days and the one-day drain.
    assert perfect_run.operation.replans["count"] == 6 and perfect_run.operation.replans["relaxed"] == 0
    assert perfect_run.operation.forecast["hubs"]["west"]["solar_nrmse"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("run", ["perfect_run", "forecast_run"])
def test_settled_energy_balance_closes_every_step(run, request):
    result = request.getfixturevalue(run)
    flows = result.schedules["operated"].flows
    supply = flows.renewable_used_kw + flows.grid_import_kw + flows.battery_discharge_kw + flows.unserved_kw
    np.testing.assert_allclose(supply, flows.facility_kw + flows.battery_charge_kw, atol=1e-6)
    np.testing.assert_allclose(flows.renewable_used_kw + flows.curtailed_kw, flows.solar_kw + flows.wind_kw,
                               atol=1e-6)
    np.testing.assert_allclose(flows.facility_kw, flows.pue * flows.it_kw, rtol=1e-9)
    assert (flows.curtailed_kw >= -1e-9).all()
    assert (flows.battery_charge_kw <= flows.renewable_used_kw + 1e-6).all()  # renewables-only charging
    caps = flows.hub.map({name: h.grid_import_kw for name, h in result.scenario.hubs.items()})
    assert (flows.grid_import_kw <= caps + 1e-6).all()


@pytest.mark.parametrize("run", ["perfect_run", "forecast_run"])
def test_battery_state_is_continuous_across_replans(run, request):
    result = request.getfixturevalue(run)
    battery = result.scenario.hubs["west"].battery
    eta = np.sqrt(battery.round_trip_efficiency)
    soc = arrays(result, "battery_soc_kwh")[:, 0]
    charge = arrays(result, "battery_charge_kw")[:, 0]
    discharge = arrays(result, "battery_discharge_kw")[:, 0]
    before = np.concatenate([[battery.initial_soc * battery.energy_kwh], soc[:-1]])
    dt = result.scenario.step_hours
    np.testing.assert_allclose(soc, before + (eta * charge - discharge / eta) * dt, atol=1e-6)
    # Each plan starts where settlement left the battery.
    starts = result.scenario.index.get_indexer(result.operation.plan_log.index)
    initial = result.operation.plan_log["west_initial_soc_kwh"].to_numpy()
    np.testing.assert_allclose(initial[1:], soc[starts[1:] - 1], atol=1e-9)


def sunny_forecasts():
    """Perfect forecasts of the full sun of :func:`grid_capped`."""
    return default_forecasts(grid_capped(), error_model=PERFECT)


def test_work_is_conserved_and_misses_are_reported():
    case = grid_capped(sun=0.4)  # the forecast promises 2.5 x the sun that comes
    result = operate(case, forecasts=sunny_forecasts(), deadline_buffer_hours=0)
    arrived = case.workloads[0].arrival_it_kw.sum()
    done = result.schedules["operated"].flows["batch_it_kw"].sum()
    assert done <= arrived + 1e-6
    assert result.operation.settlement["postponed_it_mwh"] > 0.1
    assert result.metrics()["deadline_met_share"] < 1.0
    assert result.operation.replans["late_mwh_max"] > 0.1  # soft deadlines report the work late
    assert objective(result) > objective(result, "perfect_foresight")


def test_a_deadline_buffer_keeps_the_deadlines_a_bad_forecast_breaks():
    result = operate(grid_capped(sun=0.4), forecasts=sunny_forecasts())  # default 6 h buffer
    assert result.metrics("baseline")["deadline_met_share"] == pytest.approx(1.0)
    assert result.metrics()["deadline_met_share"] == pytest.approx(1.0)


def test_replans_do_not_recompile(monkeypatch):
    case = two_hubs()
    compiles = []
    original = SolvingChain.apply

    def counting(self, problem, verbose=False):
        compiles.append(problem)
        return original(self, problem, verbose)

    monkeypatch.setattr(SolvingChain, "apply", counting)
    result = operate(case, forecasts=default_forecasts(case, error_model=PERFECT))
    # One full compile for the look-ahead model (6 plans) and one for the one-shot perfect foresight.
    assert result.operation.replans["count"] == 6
    assert len(compiles) == 2

    planner = RollingPlanner(case, 48)
    data = scenario_data(case)
    planner.plan(0, data.renewable_kw[:48], np.zeros(1), np.array([1000.0, 0.0]))
    compiled = planner.model.problem._cache.param_prog
    planner.plan(24, 0.5 * data.renewable_kw[24:72], np.array([5000.0]), np.array([400.0, 0.0]))
    assert planner.model.problem._cache.param_prog is compiled
    assert planner.model.problem.is_dcp(dpp=True)


def test_the_month_to_date_peak_is_the_settled_import_of_this_month_before_the_plan():
    case = two_hubs()
    planner = RollingPlanner(case, 48)
    imports = np.zeros((len(case.index), 2))
    imports[3], imports[30] = [500.0, 70.0], [900.0, 900.0]  # step 30 is not before the plan at 24
    np.testing.assert_allclose(planner.peak_to_date(24, imports), [500.0, 70.0])
    np.testing.assert_allclose(planner.peak_to_date(0, imports), [0.0, 0.0])


def test_due_work_is_the_arrivals_whose_deadline_ends_by_then():
    # 400 kW of batch work every hour, deadline 12 h: by the end of step p the arrivals of steps
    # 0 .. p - 11 are due (p - 5 with a 6 h buffer), and everything at the last step.
    case = two_hubs()
    planner = RollingPlanner(case, 48, buffer_steps=6)
    positions = np.array([0, 10, 11, 30, len(case.index) - 1])
    np.testing.assert_allclose(planner.due_kwh(positions, true_deadlines=True)[:, 0],
                               [0.0, 0.0, 400.0, 8000.0, 400.0 * len(case.index)])
    np.testing.assert_allclose(planner.due_kwh(positions)[:, 0],
                               [0.0, 2400.0, 2800.0, 10400.0, 400.0 * len(case.index)])


def test_worse_forecasts_land_between_baseline_and_perfect_foresight():
    case = two_hubs()
    objectives = []
    for error in (ForecastErrorModel(), ForecastErrorModel(solar_nrmse=0.27, wind_nrmse=0.45)):
        result = operate(case, forecast_seed=3, error_model=error)
        assert objective(result, "perfect_foresight") <= objective(result) <= objective(result, "baseline")
        assert result.gains()["cost_cny"] < 0
        objectives.append(objective(result))
    assert objectives[1] > objective(result, "perfect_foresight")


def test_cautious_quantile_plans_on_less_sun():
    # The 10 % quantile of the forecast is below the point forecast wherever the sun shines, so the
    # plans count on less of it (the margin a cautious operator keeps).
    case = grid_capped(grid_import_kw=700.0)
    error = ForecastErrorModel(solar_nrmse=0.25, wind_nrmse=0.3)
    point = operate(case, error_model=error, forecast_seed=3, deadline_buffer_hours=0)
    cautious = operate(case, error_model=error, forecast_seed=3, quantile=0.1, deadline_buffer_hours=0)
    planned = {name: run.operation.planned_renewable_kw["west"].sum() for name, run in
               (("point", point), ("cautious", cautious))}
    assert planned["cautious"] < 0.95 * planned["point"]
    assert cautious.operation.settlement["postponed_it_mwh"] <= point.operation.settlement["postponed_it_mwh"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"replan_hours": 72, "lookahead_hours": 48}, "replan_hours"),
    ({"lookahead_hours": 0.5}, "lookahead_hours"), ({"deadline_buffer_hours": -6}, "deadline_buffer_hours"),
    ({"quantile": 1.5}, "quantile"), ({"lookahead_hours": 6, "replan_hours": 6}, "lookahead_hours")])
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(ScenarioError, match=field):
        operate(two_hubs(48), **kwargs)


def test_a_short_lookahead_warns_with_the_fix():
    with pytest.warns(UserWarning, match="lookahead_hours >= 36"):
        operate(two_hubs(48), lookahead_hours=24)


def test_default_lookahead_is_the_longest_deadline_plus_the_replan_interval():
    case = two_hubs(48)
    assert default_lookahead_hours(case, 24.0) == 36.0
    result = operate(case, replan_hours=12)
    assert result.operation.settings["lookahead_hours"] == 24.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_operated_is_never_better_than_perfect_foresight(seed):
    # Perfect foresight ends with at least the operated battery state and the operated settled schedule
    # is feasible for it (deadlines met), so the scored objective can only be lower.
    for case in (two_hubs(), grid_capped()):
        result = operate(case, forecast_seed=seed, error_model=ForecastErrorModel(solar_nrmse=0.3))
        assert result.metrics()["deadline_met_share"] == pytest.approx(1.0)
        scored = {name: scored_objective(result.scenario, result.schedules[name])
                  for name in ("operated", "perfect_foresight")}
        assert scored["perfect_foresight"] <= scored["operated"] * (1 + 1e-6) + 1e-3
        assert objective(result, "perfect_foresight") <= objective(result) * (1 + 1e-6) + 1e-3
        kept = result.operation.settlement["perfect_foresight_gain_kept"]
        assert kept is None or kept <= 1.0 + 1e-6


def test_work_arriving_at_the_last_step_keeps_its_own_deadline():
    # All work arrives in the last hour, and the grid is cheap only 6 h later: the drain period lets
    # every policy finish it inside its own 12 h window -- not missed, not forced into the last hour.
    steps = 48
    index = time_index(steps)
    hours = index.tz_convert("Asia/Shanghai").hour.to_numpy()
    site = hub("site", index, it_capacity_kw=2000, firm_it_kw=200,
               price_cny_per_kwh=np.where(hours == 5, 0.1, 1.0))
    arrivals = np.zeros(steps)
    arrivals[-1] = 1000.0
    case = scenario(index, [site], [workload("late", "site", index, arrivals, 12)], minimize="cost")
    result = operate(case, deadline_buffer_hours=0)
    assert len(result.scenario.index) == steps + 24
    assert result.operation.settings["drain_steps"] == 24
    for policy in ("operated", "perfect_foresight", "baseline"):
        assert result.metrics(policy)["deadline_met_share"] == pytest.approx(1.0)
    flows = result.schedules["perfect_foresight"].flows.set_index("time")["late_it_kw"]
    local = flows.index.tz_convert("Asia/Shanghai")
    assert flows[local.hour == 5].sum() == pytest.approx(1000.0)  # the cheap hour after the horizon
    assert flows.iloc[steps - 1] == pytest.approx(0.0, abs=1e-6)


def demand_charged(case, rate_cny_per_kw_month: float = 40.0):
    """``case`` at least cost with a demand charge on every hub."""
    hubs = {name: dataclasses.replace(h, demand_charge_cny_per_kw_month=rate_cny_per_kw_month)
            for name, h in case.hubs.items()}
    least_cost = dataclasses.replace(case.objective, minimize="cost")
    return dataclasses.replace(case, hubs=hubs, objective=least_cost)


def test_holding_the_peak_lets_flexible_work_wait_instead_of_raising_it():
    # The forecast promises 1 / 0.7 of the sun that comes. Settled as planned, the shortfall is imported
    # and sets the month's peak; holding the peak, the battery covers what it can and the batch work
    # waits for the next plan -- import stays at the firm load (500 kW x PUE 1.2) and every deadline holds.
    case = demand_charged(grid_capped(sun=0.7))
    held, loose = (operate(case, forecasts=sunny_forecasts(), hold_peak=hold) for hold in (True, False))
    assert held.schedules["operated"].flows["grid_import_kw"].max() == pytest.approx(600.0, abs=1e-3)
    assert loose.schedules["operated"].flows["grid_import_kw"].max() > 800.0
    assert held.metrics()["deadline_met_share"] == pytest.approx(1.0)
    assert held.operation.settlement["postponed_it_mwh"] > 0.1
    assert held.metrics()["cost_cny"] < loose.metrics()["cost_cny"]


def test_work_due_before_the_next_plan_never_waits_for_the_peak():
    # 12 h deadlines, plans every 24 h: all work committed falls due before the next plan, so holding the
    # peak changes nothing -- the shortfall on the promised afternoon sun is imported, the work runs.
    index = time_index(72)
    hours = index.tz_convert("Asia/Shanghai").hour.to_numpy()

    def afternoon(sun):
        solar = np.clip(np.sin((hours - 6) / 12 * np.pi), 0.0, None) * 3000.0 * sun
        site = hub("west", index, it_capacity_kw=3000, grid_import_kw=3000, solar_kw=solar, firm_it_kw=500,
                   pue=1.2)
        work = workload("batch", "west", index, np.where((hours >= 12) & (hours < 16), 1500.0, 0.0), 12)
        return demand_charged(scenario(index, [site], [work]))

    forecasts = default_forecasts(afternoon(1.0), error_model=PERFECT)
    held, loose = (operate(afternoon(0.3), forecasts=forecasts, hold_peak=hold) for hold in (True, False))
    assert held.metrics()["deadline_met_share"] == pytest.approx(1.0)
    assert held.schedules["operated"].flows["grid_import_kw"].max() > 1000.0
    np.testing.assert_allclose(held.schedules["operated"].flows["batch_it_kw"],
                               loose.schedules["operated"].flows["batch_it_kw"], atol=1e-6)


def test_work_waits_only_while_it_can_still_be_caught_up():
    # 36 h deadlines, plans every 24 h: the first afternoon's batch is planned in its sun and due only after
    # the next plan, but from the next plan on the firm load fills the IT capacity, so work held back could
    # never be caught up. Holding the peak then runs the batch as planned (the shortfall on the promised
    # sun is imported) and every deadline holds; with room after the commit the batch waits instead.
    index = time_index(72)
    local = index.tz_convert("Asia/Shanghai")
    hours = local.hour.to_numpy()
    full_from = np.flatnonzero((hours == 12) & (np.arange(72) > 12))[0]

    def afternoon(sun, room):
        later = np.arange(72) >= full_from  # from the next plan on: less sun; the firm load may fill the IT
        solar = np.clip(np.sin((hours - 6) / 12 * np.pi), 0.0, None) * 3000.0 * sun * np.where(later, 0.5, 1)
        firm = np.where(later & (not room), 3000.0, 500.0)
        site = hub("west", index, it_capacity_kw=3000, grid_import_kw=4000, solar_kw=solar, firm_it_kw=firm,
                   pue=1.2)
        batch = np.where((hours >= 12) & (hours < 16) & (np.arange(72) < full_from), 1500.0, 0.0)
        return demand_charged(scenario(index, [site], [workload("batch", "west", index, batch, 36)]))

    for room in (False, True):
        forecasts = default_forecasts(afternoon(1.0, room), error_model=PERFECT)
        held, loose = (operate(afternoon(0.3, room), forecasts=forecasts, hold_peak=hold)
                       for hold in (True, False))
        assert held.metrics()["deadline_met_share"] == pytest.approx(1.0)
        postponed = held.operation.settlement["postponed_it_mwh"]
        if room:
            assert postponed > 0.1
        else:
            assert postponed == pytest.approx(0.0, abs=1e-6)
            np.testing.assert_allclose(held.schedules["operated"].flows["batch_it_kw"],
                                       loose.schedules["operated"].flows["batch_it_kw"], atol=1e-6)
