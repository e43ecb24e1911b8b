"""Invariants of rolling operation on small random scenarios that are feasible by construction.

Feasible by construction (as in tests/engine/model/test_invariants.py): each workload's arrivals fit its
origin's IT capacity left by the firm load in every step, and every grid cap covers the hub's whole
facility at full IT capacity, so running as usual is feasible for every plan whatever the forecast.

- operated is never better than perfect foresight: perfect foresight ends with at least the operated
  battery state (equalised end state) and, when the operation met every deadline, the settled operated
  schedule is feasible for it, so its scored objective (:func:`engine.metrics.scored_objective`, end
  state valued) can only be lower;
- operated meets deadlines at least as often as running as usual.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.inputs.scenario import Battery, Link
from engine.metrics import scored_objective
from engine.studies.operate import operate
from tests.engine.builders import hub, scenario, time_index, workload
from weather.forecast import ForecastErrorModel

CAPACITY_KW = 1000.0
FIRM_HIGH_KW = 300.0


def random_operation_case(seed: int, days: int, minimize: str):
    """Two hubs with sun, wind and maybe a battery; one or two workloads of deadlines up to 12 h."""
    rng = np.random.default_rng(seed)
    steps = 24 * days
    index = time_index(steps)
    hours = index.tz_convert("Asia/Shanghai").hour.to_numpy()
    sun = np.clip(np.sin((hours - 6) / 12 * np.pi), 0.0, None)
    hubs = []
    for name in ("west", "east"):
        battery = None
        if rng.random() < 0.6:
            battery = Battery(energy_kwh=rng.uniform(100, 2000), power_kw=rng.uniform(50, 500),
                              round_trip_efficiency=rng.uniform(0.8, 0.95), initial_soc=rng.uniform(0, 1),
                              grid_charging=bool(rng.random() < 0.5))
        hubs.append(hub(name, index, it_capacity_kw=CAPACITY_KW, grid_import_kw=1.5 * CAPACITY_KW,
                        solar_kw=sun * rng.uniform(0, 2000), wind_kw=rng.uniform(0, 600, steps),
                        firm_it_kw=rng.uniform(0, FIRM_HIGH_KW, steps), pue=rng.uniform(1.1, 1.4, steps),
                        carbon_g_per_kwh=rng.uniform(300, 900, steps),
                        price_cny_per_kwh=rng.uniform(0.2, 1.2, steps), battery=battery))
    workloads, links = [], []
    for k in range(int(rng.integers(1, 3))):
        origin = ("west", "east")[int(rng.integers(2))]
        data = float(rng.choice([0.0, 0.5]))
        # Two workloads of at most 340 kW fit the origin's room left by the firm load (<= 300 kW).
        workloads.append(workload(f"w{k}", origin, index, rng.uniform(0, 340, steps),
                                  float(rng.integers(1, 13)), hubs=("west", "east"), data_tb_per_mwh=data))
        other = "east" if origin == "west" else "west"
        if data > 0 and not any(link.from_hub == origin for link in links):
            links.append(Link(origin, other, float(rng.uniform(0.1, 5.0))))
    return scenario(index, hubs, workloads, tuple(links), minimize=minimize,
                    carbon_price=float(rng.uniform(0, 100)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), days=st.integers(2, 3), minimize=st.sampled_from(["cost", "grid"]),
       solar_nrmse=st.floats(0.0, 0.5), forecast_seed=st.integers(0, 1000))
# IT capacity nearly saturated by arrivals: work held back for a deadline after the next plan could never be
# caught up (a hold that waited on it met 99.49 % and 98.56 % of the deadlines, running as usual 100 %).
@example(seed=263274, days=3, minimize="cost", solar_nrmse=0.5, forecast_seed=1)
@example(seed=907777644, days=3, minimize="grid", solar_nrmse=0.5, forecast_seed=589)
def test_operation_invariants(seed, days, minimize, solar_nrmse, forecast_seed):
    case = random_operation_case(seed, days, minimize)
    result = operate(case, forecast_seed=forecast_seed,
                     error_model=ForecastErrorModel(solar_nrmse=solar_nrmse, wind_nrmse=solar_nrmse))
    met = {name: result.metrics(name)["deadline_met_share"] for name in ("operated", "baseline")}
    assert met["operated"] >= met["baseline"] - 1e-9
    if met["operated"] >= 1.0 - 1e-9:
        scored = {name: scored_objective(result.scenario, result.schedules[name])
                  for name in ("operated", "perfect_foresight")}
        assert scored["perfect_foresight"] <= scored["operated"] + 1e-6 * abs(scored["operated"]) + 1e-3
