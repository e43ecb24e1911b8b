"""Day-ahead plans, settlement and the state between days; the flexibility offer inside the LP."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.actuals import read_actuals
from engine.inputs.drain import with_drain
from engine.model.flexibility import Flexibility
from engine.studies.dayahead import day_ahead, initial_state, settle_day, state_from_record, state_record
from engine.studies.operate import RollingPlanner
from tests.engine.builders import time_index
from tests.engine.studies.test_operate import two_hubs


@pytest.fixture(scope="module")
def case():
    return two_hubs(96)


def actual_day(case, start, steps, factor=0.8):
    drained = with_drain(case)
    return factor * np.column_stack(
        [
            (h.series["solar_kw"] + h.series["wind_kw"]).to_numpy()[start : start + steps]
            for h in drained.hubs.values()
        ]
    )


def test_day_one_plan_settle_day_two_plan(case):
    first = day_ahead(case, "2025-07-02")
    assert first.steps == 24 and len(first.plan) == 24 * len(case.hubs)
    assert first.late_mwh == pytest.approx(0.0, abs=1e-6)
    budgets = first.plan["batch_it_kw"].to_numpy()
    assert (budgets >= -1e-9).all()
    assert first.plan["expected_green_share"].between(0.0, 1.0).all()
    settled, following = settle_day(case, first.state, actual_day(case, first.start, 24))
    # Settled energy balance and work accounting.
    supply = (
        settled.renewable_used_kw
        + settled.grid_import_kw
        + settled.battery_discharge_kw
        + settled.unserved_kw
    )
    np.testing.assert_allclose(supply, settled.facility_kw + settled.battery_charge_kw, atol=1e-6)
    arrived = case.workloads[0].arrival_it_kw.to_numpy()[first.start : first.start + 24].sum()
    done = settled["batch_it_kw"].sum()
    assert following.open_kwh["batch"] == pytest.approx(max(arrived - done, 0.0), abs=1e-6)
    assert following.time == case.index[first.start + 24]
    # The state survives its JSON record, and day two plans from it.
    again = state_from_record(state_record(case, following, "case.toml"), case, "state.json")
    assert again.soc_kwh == pytest.approx(following.soc_kwh) and again.plan is None
    second = day_ahead(case, "2025-07-03", state=again)
    assert second.state.soc_kwh["west"] == pytest.approx(
        settled[settled.hub == "west"].battery_soc_kwh.iloc[-1]
    )
    assert second.late_mwh == pytest.approx(0.0, abs=1e-6)


def test_a_state_for_another_day_is_refused_with_the_fix(case):
    state = initial_state(case, 0)
    with pytest.raises(ScenarioError, match="state.json: time: expected the state at local midnight"):
        day_ahead(case, "2025-07-03", state=state, state_source="state.json")
    with pytest.raises(ScenarioError, match="--date: expected a day of the scenario"):
        day_ahead(case, "2026-01-01")


def test_the_offered_moves_stay_feasible_and_no_more():
    case = two_hubs(72)
    planner = RollingPlanner(with_drain(case), 48, 0)
    data = planner.data(
        0,
        np.column_stack(
            [(h.series["solar_kw"] + h.series["wind_kw"]).to_numpy()[:48] for h in case.hubs.values()]
        ),
        np.zeros(1),
        np.array([1000.0, 0.0]),
    )
    assert data.due_kwh.shape == (48, 1)
    planner.plan(0, data.renewable_kw, np.zeros(1), np.array([1000.0, 0.0]))
    flexibility = Flexibility(planner.model)
    planned = flexibility.planned_kw
    offer = flexibility.offer(24)
    pue = planner.model.data.pue
    checked = 0
    for t, h in [(t, h) for t in range(0, 24, 5) for h in range(2)]:
        for move, sign in ((offer["up_kw"][t, h], 1.0), (offer["down_kw"][t, h], -1.0)):
            if move <= 1.0:
                continue
            target = planned[t, h] + sign * move / pue[t, h]
            assert flexibility.feasible(t, h, target)
            assert not flexibility.feasible(t, h, target + sign * (0.02 * move / pue[t, h] + 1.0))
            checked += 1
    assert checked >= 4
    assert (offer["up_kwh_day"] >= 0).all() and (offer["down_kwh_day"] >= 0).all()


def write_actuals(path, case, start, steps, hubs=None, drop=0, step_hours=1.0):
    drained = with_drain(case)
    index = drained.index[start : start + steps : int(step_hours)]
    rows = []
    for name in hubs or list(case.hubs):
        local = index.tz_convert("Asia/Shanghai")
        rows.append(
            pd.DataFrame(
                {"time": [t.isoformat() for t in local], "hub": name, "solar_kw": 1.0, "wind_kw": 2.0}
            ).iloc[drop:]
        )
    pd.concat(rows).to_csv(path, index=False)
    return drained.index[start : start + steps]


def test_actuals_are_read_and_bad_files_name_the_fix(case, tmp_path):
    good = tmp_path / "good.csv"
    index = write_actuals(good, case, 24, 24)
    np.testing.assert_allclose(read_actuals(good, index, list(case.hubs)), 3.0)
    wrong_hub = tmp_path / "hub.csv"
    write_actuals(wrong_hub, case, 24, 24, hubs=["west", "north"])
    with pytest.raises(ScenarioError, match=r"hub.csv: hub: expected the scenario's hubs .*north"):
        read_actuals(wrong_hub, index, list(case.hubs))
    gap = tmp_path / "gap.csv"
    write_actuals(gap, case, 24, 24, drop=3)
    with pytest.raises(ScenarioError, match="gap.csv: hub west: expected every step of the day.*fill"):
        read_actuals(gap, index, list(case.hubs))
    coarse = tmp_path / "coarse.csv"
    write_actuals(coarse, case, 24, 24, step_hours=2.0)
    with pytest.raises(ScenarioError, match="coarse.csv: time: expected steps of 0 days 01:00:00"):
        read_actuals(coarse, index, list(case.hubs))
    naive = tmp_path / "naive.csv"
    pd.read_csv(good).assign(time=lambda f: f["time"].str[:19]).to_csv(naive, index=False)
    with pytest.raises(ScenarioError, match="naive.csv: time: expected times with a UTC offset"):
        read_actuals(naive, index, list(case.hubs))


DEMAND_CHARGE = 36.1
"""CNY per kW-month: Guangdong two-part tariff, 1-10 kV, Feb 2026 (../shared/FACTS.md)."""


def charged(case):
    """``case`` with the demand charge on every hub."""
    hubs = {name: dataclasses.replace(h, demand_charge_cny_per_kw_month=DEMAND_CHARGE)
            for name, h in case.hubs.items()}
    return dataclasses.replace(case, hubs=hubs)


@pytest.fixture(scope="module")
def month_start():
    """Day 1 planned from nothing, settled, and day 2 planned from the settled state."""
    case = charged(two_hubs(96))
    first = day_ahead(case, "2025-07-02")
    settled, following = settle_day(case, first.state, actual_day(case, first.start, 24))
    again = state_from_record(state_record(case, following, "case.toml"), case, "state.json")
    return case, first, settled, again, day_ahead(case, "2025-07-03", state=again)


def test_the_month_to_date_peak_is_carried_from_day_to_day(month_start):
    case, first, settled, again, second = month_start
    assert first.demand_charge["west"]["peak_to_date_kw"] == 0.0
    for name in case.hubs:
        day_one = settled[settled.hub == name].grid_import_kw.max()
        assert day_one > 0.0
        assert again.peak_to_date_kw[name] == pytest.approx(day_one)
        assert second.state.peak_to_date_kw[name] == pytest.approx(day_one)
        charge = second.demand_charge[name]
        assert charge["peak_to_date_kw"] == pytest.approx(day_one)
        # Day 2 pays only on what it plans above the carried peak, at the full monthly rate.
        planned = second.plan[second.plan.hub == name].grid_import_kw.max()
        assert charge["peak_increase_kw"] == pytest.approx(max(planned - day_one, 0.0))
        cny = DEMAND_CHARGE * charge["peak_increase_kw"]
        assert charge["demand_charge_increase_cny"] == pytest.approx(cny)
        # From nothing, day 1 pays on its whole planned peak.
        whole = first.plan[first.plan.hub == name].grid_import_kw.max()
        assert first.demand_charge[name]["peak_increase_kw"] == pytest.approx(whole)


def test_a_carried_peak_above_the_grid_cap_leaves_nothing_to_pay(month_start):
    case, _, _, again, second = month_start
    caps = {name: h.grid_import_kw for name, h in case.hubs.items()}
    high = dataclasses.replace(again, peak_to_date_kw=caps)
    plan = day_ahead(case, "2025-07-03", state=high)
    for name in case.hubs:
        assert plan.demand_charge[name]["peak_increase_kw"] == 0.0
        assert plan.demand_charge[name]["demand_charge_increase_cny"] == 0.0
        assert plan.demand_charge[name]["planned_peak_kw"] == caps[name]
    assert plan.state.peak_to_date_kw == caps
    # The LP sees the carried peak: with nothing left to pay it no longer shaves the peak it would
    # shave from 0 (measured: west 1,023.8 kW against 1,004.7 kW; east 1,040.0 kW both).
    fresh = day_ahead(case, "2025-07-03", state=dataclasses.replace(again, peak_to_date_kw={}))
    assert fresh.demand_charge["west"]["peak_to_date_kw"] == 0.0
    peaks = [p.plan.groupby("hub").grid_import_kw.max() for p in (plan, fresh)]
    assert (peaks[0] >= peaks[1] - 1e-6).all() and peaks[0].sum() > peaks[1].sum() + 1.0


def month_end(steps: int = 72):
    """The two hubs over 30 July to 1 August local: a new month at the third midnight."""
    case = charged(two_hubs(steps))
    index = time_index(steps, start="2025-07-30 00:00")
    hubs = {name: dataclasses.replace(h, series=h.series.set_axis(index)) for name, h in case.hubs.items()}
    workloads = tuple(dataclasses.replace(w, arrival_it_kw=w.arrival_it_kw.set_axis(index))
                      for w in case.workloads)
    return dataclasses.replace(case, index=index, hubs=hubs, workloads=workloads)


def test_the_peak_resets_at_the_first_midnight_of_a_month():
    case = month_end()
    first = day_ahead(case, "2025-07-30")
    _, following = settle_day(case, first.state, actual_day(case, first.start, 24))
    assert min(following.peak_to_date_kw.values()) > 0.0
    last = day_ahead(case, "2025-07-31", state=following)
    assert last.demand_charge["east"]["peak_to_date_kw"] == following.peak_to_date_kw["east"]
    _, august = settle_day(case, last.state, actual_day(case, last.start, 24))
    assert august.time.tz_convert("Asia/Shanghai") == pd.Timestamp("2025-08-01", tz="Asia/Shanghai")
    assert august.peak_to_date_kw == {"west": 0.0, "east": 0.0}


@pytest.mark.parametrize("value", [-5.0, "high", None, float("nan"), True])
def test_a_bad_peak_in_the_state_names_the_file_field_and_fix(month_start, value):
    case, _, _, again, _ = month_start
    record = state_record(case, again, "case.toml")
    record["peak_to_date_kw"]["west"] = value
    with pytest.raises(ScenarioError, match=r"^state.json: peak_to_date_kw.west: expected a number >= 0 kW.*"
                                            r"use the state settle wrote") as error:
        state_from_record(record, case, "state.json")
    assert "\n" not in str(error.value)


def test_a_state_without_the_peak_is_refused_with_the_fix(month_start):
    case, _, _, again, _ = month_start
    record = state_record(case, again, "case.toml")
    old = {key: value for key, value in record.items() if key != "peak_to_date_kw"} | {"version": 1}
    with pytest.raises(ScenarioError, match="state.json: version: expected .* version 2, got 1; .*re-plan"):
        state_from_record(old, case, "state.json")
    record.pop("peak_to_date_kw")
    with pytest.raises(ScenarioError, match="state.json: expected keys .*peak_to_date_kw"):
        state_from_record(record, case, "state.json")
