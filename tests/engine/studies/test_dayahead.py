"""Day-ahead plans, settlement and the state between days; the flexibility offer inside the LP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.actuals import read_actuals
from engine.inputs.drain import with_drain
from engine.model.flexibility import Flexibility
from engine.studies.dayahead import day_ahead, initial_state, settle_day, state_from_record, state_record
from engine.studies.operate import RollingPlanner
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
