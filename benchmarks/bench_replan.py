"""Time the rolling re-plan: 48-hour look-ahead at 4 and 10 hubs.

For each size, a :class:`engine.studies.operate.RollingPlanner` is compiled once and re-planned every
24 h over
a fortnight on perturbed renewables (a stand-in for forecasts: actual x U(0.7, 1.3), ASSUMPTION for
timing only), starting each plan from the state the previous plan reached at its commit end. Reported:
the median seconds per re-plan (:meth:`RollingPlanner.plan`: building the look-ahead data, the pre-checks,
cvxpy's cached parameter application, the persistent hot-started HiGHS model of :mod:`engine.model.hot_start`
and unpacking the solution into arrays), and the reference: the same LP re-solved straight in HiGHS after a
vector update -- ``get_problem_data`` once, one persistent ``highspy.Highs``, then per re-plan new costs,
column bounds and row bounds (from cvxpy's cached parameter map) and ``run()`` from the
previous basis. PUE is held constant in this benchmark so the constraint matrix does not change between
re-plans (the reference can then keep its matrix; the engine handles a changing PUE too).

Scenarios come from ``bench_model.synthetic_scenario`` (10 workload classes, a battery at every hub).

Usage: ``python benchmarks/bench_replan.py [--json]`` (``--json``: the last line is
``{"rows": [{"hubs", "median_replan_s", "highs_hot_start_s", "ratio", ...}]}``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path

import cvxpy as cp
import highspy
import numpy as np

from engine.inputs.arrays import scenario_data
from engine.studies.operate import RollingPlanner

if __package__ in (None, ""):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import synthetic_scenario  # noqa: E402

LOOKAHEAD_STEPS = 48
REPLAN_STEPS = 24
REPLANS = 14


def constant_pue(scenario, value: float = 1.2):
    """The scenario with PUE held at ``value`` (see module docstring)."""
    hubs = {name: dataclasses.replace(hub, series=hub.series.assign(pue=value))
            for name, hub in scenario.hubs.items()}
    return dataclasses.replace(scenario, hubs=hubs)


def highs_model(data: dict) -> highspy.Highs:
    """A persistent HiGHS model of cvxpy's stuffed LP ``A x + s = b`` (s = 0 on equality rows, >= 0 after)."""
    a = data["A"].tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = data["c"]
    lp.col_lower_, lp.col_upper_ = data["lower_bounds"], data["upper_bounds"]
    lower, upper = row_bounds(data)
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    return highs


def row_bounds(data: dict) -> tuple[np.ndarray, np.ndarray]:
    b = data["b"]
    lower = np.full(len(b), -highspy.kHighsInf)
    lower[: data["dims"].zero] = b[: data["dims"].zero]
    return lower, b


def bench(n_hubs: int) -> dict:
    scenario = constant_pue(synthetic_scenario(n_hubs, LOOKAHEAD_STEPS + REPLAN_STEPS * REPLANS))
    full = scenario_data(scenario)
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    planner = RollingPlanner(scenario, LOOKAHEAD_STEPS)
    construct = time.perf_counter() - started
    problem = planner.model.problem
    soc = np.array([h.battery.initial_soc * h.battery.energy_kwh for h in scenario.hubs.values()])
    done = np.zeros(len(scenario.workloads))
    engine_seconds, highs_seconds, objectives = [], [], []
    highs = None
    for k in range(REPLANS):
        start = k * REPLAN_STEPS
        noise = rng.uniform(0.7, 1.3, (LOOKAHEAD_STEPS, 1))
        renewable = full.renewable_kw[start:start + LOOKAHEAD_STEPS] * noise
        began = time.perf_counter()
        plan = planner.plan(start, renewable, done, soc).flows
        engine_seconds.append(time.perf_counter() - began)
        # Reference: the same numbers straight into a persistent HiGHS.
        data, _, _ = problem.get_problem_data(cp.HIGHS)
        if highs is None:
            highs = highs_model(data)
            matrix = data["A"].tocsc()
        else:
            assert (data["A"] != matrix).nnz == 0, "constraint matrix changed between re-plans"
        began = time.perf_counter()
        n_cols, n_rows = len(data["c"]), len(data["b"])
        cols, rows = np.arange(n_cols, dtype=np.int32), np.arange(n_rows, dtype=np.int32)
        highs.changeColsCost(n_cols, cols, data["c"])
        highs.changeColsBounds(n_cols, cols, data["lower_bounds"], data["upper_bounds"])
        lower, upper = row_bounds(data)
        highs.changeRowsBounds(n_rows, rows, lower, upper)
        highs.run()
        highs_seconds.append(time.perf_counter() - began)
        offset = float(data.get("offset", 0.0) or 0.0)
        objectives.append((problem.value, highs.getInfo().objective_function_value + offset))
        # Next state: the plan's own state at its commit end (a perfect settlement).
        soc = plan["battery_soc_kwh"][REPLAN_STEPS - 1]
        done = done + plan["workload_it_kw"][:REPLAN_STEPS].sum(axis=(0, 1)) * scenario.step_hours
    gap = max(abs(a - b) / max(1.0, abs(a)) for a, b in objectives)
    later_engine, later_highs = engine_seconds[1:], highs_seconds[1:]
    return {"hubs": n_hubs, "construct_s": construct, "first_plan_s": engine_seconds[0],
            "median_replan_s": statistics.median(later_engine), "max_replan_s": max(later_engine),
            "highs_hot_start_s": statistics.median(later_highs),
            "ratio": statistics.median(later_engine) / statistics.median(later_highs),
            "max_objective_gap": gap}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"rows": [...]}')
    args = parser.parse_args()
    print(f"{LOOKAHEAD_STEPS} h look-ahead, {REPLANS} re-plans every {REPLAN_STEPS} h (first plan compiles)")
    print(f"{'hubs':>4} {'construct s':>12} {'first plan s':>13} {'median re-plan s':>17} "
          f"{'max re-plan s':>14} {'HiGHS hot s':>12} {'ratio':>6} {'obj. gap':>9}")
    rows = []
    for n_hubs in (4, 10):
        row = bench(n_hubs)
        rows.append(row)
        print(f"{row['hubs']:>4} {row['construct_s']:>12.3f} {row['first_plan_s']:>13.3f} "
              f"{row['median_replan_s']:>17.4f} {row['max_replan_s']:>14.4f} "
              f"{row['highs_hot_start_s']:>12.4f} {row['ratio']:>6.1f} {row['max_objective_gap']:>9.1e}",
              flush=True)
    if args.json:
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
