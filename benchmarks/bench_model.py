"""Time and size the co-scheduling LP: hubs {4, 10} x horizons {168, 1344, 8760} hourly steps.

Each row runs in its own process (so peak memory is that row's): build (construct + cvxpy compile),
solve, total, peak resident memory, and the same LP handed straight to HiGHS (matrices from
``problem.get_problem_data(cp.HIGHS)``, timing ``Highs.run()`` alone) as the solver-only reference.

Scenarios are synthetic but realistic in shape: half the hubs western (sunny, windy, cheap midday valley),
half eastern (little renewable power, peak tariff), 10 deferrable workload classes with origins in the
east that may also run in every western hub, a battery at every hub and a link from each eastern hub to
each western one. All numbers are ASSUMPTIONS for timing only.

Deadline formulations (issue 8, item 8), same objective to 1e-6 on every row, measured here on the
2-core machine while other jobs ran (so +-20-30 %): ``cumulative`` (state ``done`` with bounds
``due <= done <= released`` and a first-difference recursion), ``backlog`` (state ``released - done``
in ``[0, released - due]``), ``triangular`` (``due <= L work <= released`` with the lower-triangular ones
matrix ``L``, no state):

| hubs x steps | cumulative total / HiGHS alone | backlog total / HiGHS alone | triangular |
|---|---|---|---|
| 4 x 168 | 0.28 s / 0.27 s | 0.28 s / 0.22 s | 2.38 s / 2.03 s |
| 10 x 168 | 0.64 s / 0.62 s | 0.51 s / 0.57 s | -- (T^2/2 nonzeros per workload) |
| 4 x 1344 | 4.28 s / 3.47 s | 4.35 s / 3.47 s | -- |
| 10 x 1344 | 5.73 s / 6.78 s | 5.97 s / 6.70 s | -- |
| 10 x 8760 | 216 s / 191 s, 3.5 GB | 166 s / 224 s, 3.5 GB | -- |

The triangular window matrix is 8x slower already at a week; cumulative and backlog are the same LP up
to a change of variable and HiGHS solves them equally fast within the noise (mixed at a full year), so the
LP keeps ``cumulative`` (HiGHS-alone faster at 8760, and the vertex HiGHS picks among equal-cost plans --
which the rolling-operation tests depend on -- is unchanged). The 10 x 8760 rows ran under load from
other jobs (the same row measured 85 s before); the idle rerun is in the next table.

The modelling layer's cost (2026-12-02, idle machine, ``--json``; 3 alternating runs per row below
8760 steps, 1 at 8760). ``extra`` is the engine's total minus HiGHS's own ``run`` inside it (model
construction, cvxpy compile, cvxpy's solver wrapper, residual check, Schedule frame); ``floor`` is the
build and compile of the same LP handed to cvxpy as one matrix product:

| hubs x steps | total | HiGHS alone | ratio | extra | floor | peak MB |
|---|---|---|---|---|---|---|
| 4 x 168 | 0.44 s | 0.41 s | 1.06 | 0.11 s | 0.025 s | 218 |
| 10 x 168 | 0.99 s | 0.83 s | 1.19 | 0.17 s | 0.044 s | 241 |
| 4 x 1344 | 6.43 s | 5.91 s | 1.09 | 0.34 s | 0.09 s | 355 |
| 10 x 1344 | 9.69 s | 8.87 s | 1.09 | 0.65 s | 0.24 s | 526 |
| 4 x 8760 | 111.6 s | 97.9 s | 1.14 | 2.0 s | 0.8 s | 1,239 |
| 10 x 8760 | 253.1 s | 247.6 s | 1.02 | 4.8 s | 2.4 s | 2,039 |

Two readings. At a full year the layer adds 2-5 s to 100-250 s of HiGHS, about 2 %. There, the ratio
is HiGHS's own spread: 110 s inside the engine against 98 s alone on the same LP at 4 x 8760. At a week
the layer's ~0.1-0.17 s is 25-35 % of a 0.3-0.8 s solve, and the ratio, depending on how HiGHS's own
time falls, reads 1.06-1.33 over sessions. Even the one-matrix floor is 5-6 % of HiGHS at a week. So a
cvxpy model built from components cannot hold 1.1 there: about half the extra is cvxpy's compile of the
component expressions (45-60 ms at 4 x 168, against the floor's 25 ms).

Usage: ``python benchmarks/bench_model.py [--quick] [--json] [--row HUBS STEPS]`` (``--quick`` skips
the 8760-step rows; ``--json`` ends with one line ``{"rows": [{"hubs", "steps", "total_s", "highs_s",
"ratio", "overhead_s", "cvxpy_floor_s", "floor_ratio", "peak_mb", ...}]}``; ``--row`` times one
configuration in this process).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import cvxpy as cp
import highspy
import numpy as np
import pandas as pd

from engine.inputs.scenario import HUB_SERIES, Battery, HubInputs, Link, Objective, Scenario, Workload
from engine.model import CoSchedulingModel
from engine.schedule import Schedule

WORKLOAD_CLASSES = 10


def synthetic_scenario(n_hubs: int, steps: int, seed: int = 0) -> Scenario:
    """A feasible multi-hub scenario of ``steps`` hourly steps (see module docstring)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(pd.Timestamp("2025-01-01", tz="Asia/Shanghai").tz_convert("UTC"), periods=steps,
                          freq="h")
    hour = (index.hour.to_numpy() + 8) % 24
    daylight = np.clip(np.sin((hour - 6) / 12 * np.pi), 0.0, None)
    west = [f"west{i}" for i in range(n_hubs // 2)]
    east = [f"east{i}" for i in range(n_hubs - n_hubs // 2)]
    hubs = {}
    for name in west + east:
        is_west = name.startswith("west")
        cloud = rng.uniform(0.3, 1.0, steps)
        solar = (150_000.0 if is_west else 20_000.0) * daylight * cloud
        wind = (80_000.0 if is_west else 5_000.0) * np.clip(rng.normal(0.35, 0.2, steps), 0.0, 1.0)
        peak = ((hour >= 17) & (hour < 23)) | ((hour >= 7) & (hour < 9))
        valley = (hour >= 9) & (hour < 17) if is_west else (hour < 8)
        price = np.where(peak, 1.0, np.where(valley, 0.3, 0.6))
        series = pd.DataFrame({
            "solar_kw": solar, "wind_kw": wind, "firm_it_kw": 20_000.0 + 5_000.0 * rng.random(steps),
            "pue": 1.15 + 0.05 * rng.random(steps), "carbon_g_per_kwh": 550.0 + 100.0 * rng.random(steps),
            "price_cny_per_kwh": price}, index=index)[list(HUB_SERIES)]
        hubs[name] = HubInputs(name=name, it_capacity_kw=100_000.0, grid_import_kw=150_000.0, series=series,
                               battery=Battery(energy_kwh=100_000.0, power_kw=25_000.0))
    workloads = tuple(
        Workload(name=f"class{k}", origin=east[k % len(east)],
                 arrival_it_kw=pd.Series(rng.uniform(0, 8_000.0, steps), index=index),
                 deadline_hours=float(rng.choice([6, 12, 24, 48])), hubs=(east[k % len(east)], *west),
                 data_tb_per_mwh=float(rng.choice([0.1, 0.5, 1.0])))
        for k in range(WORKLOAD_CLASSES))
    links = tuple(Link(e, w, 100.0) for e in east for w in west)
    return Scenario(name=f"bench-{n_hubs}x{steps}", index=index, step_hours=1.0, timezone="Asia/Shanghai",
                    objective=Objective(minimize="cost"), hubs=hubs, workloads=workloads, links=links)


def highs_alone(problem: cp.Problem) -> tuple[float, float]:
    """Solve cvxpy's stuffed LP directly with highspy; return (run seconds, objective)."""
    data, _, _ = problem.get_problem_data(cp.HIGHS)
    a = data["A"].tocsc()
    b = data["b"]
    n_eq = data["dims"].zero
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = data["c"]
    lp.col_lower_ = data["lower_bounds"]
    lp.col_upper_ = data["upper_bounds"]
    # Rows: A x + s = b with s = 0 for the first n_eq rows, s >= 0 after.
    lower = np.full(a.shape[0], -highspy.kHighsInf)
    lower[:n_eq] = b[:n_eq]
    lp.row_lower_, lp.row_upper_ = lower, b
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    started = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - started
    return seconds, highs.getInfo().objective_function_value + float(data.get("offset", 0.0) or 0.0)


def cvxpy_floor(problem: cp.Problem) -> float:
    """Seconds cvxpy needs to build and compile the engine's stuffed LP written as one matrix product.

    The LP HiGHS solves (``min c x`` s.t. ``A x + s = b``, column bounds) is handed to cvxpy again as one
    vector variable and two matrix constraints, and compiled for HiGHS: the least any cvxpy model of this
    LP costs before the solver starts, whatever its components look like (the floor of ``build_s``).
    """
    data, _, _ = problem.get_problem_data(cp.HIGHS)
    a, b, n_eq = data["A"].tocsr(), data["b"], data["dims"].zero
    started = time.perf_counter()
    x = cp.Variable(a.shape[1], bounds=[data["lower_bounds"], data["upper_bounds"]])
    plain = cp.Problem(cp.Minimize(data["c"] @ x), [a[:n_eq] @ x == b[:n_eq], a[n_eq:] @ x <= b[n_eq:]])
    plain.get_problem_data(cp.HIGHS)
    return time.perf_counter() - started


def timed_solve(scenario: Scenario) -> tuple[CoSchedulingModel, Schedule, float]:
    """Build and solve once; return the model, its schedule and the wall time [s]."""
    started = time.perf_counter()
    model = CoSchedulingModel(scenario)
    schedule = model.solve()
    return model, schedule, time.perf_counter() - started


def one_row(n_hubs: int, steps: int, repeat: int) -> dict:
    """Time one configuration in this process: medians over ``repeat`` builds and solves.

    Each engine solve is followed by a HiGHS-alone run of its LP, so that both sample the machine in
    the same state (HiGHS's own time on one LP varies by about +-10 % run to run on the 2-core machine).
    ``overhead_s`` is the engine's total minus the time HiGHS reports for its own ``run`` inside that
    solve: what the modelling layer adds, free of that variation. The first solve also warms imports and
    caches, as a user's second run would. ``peak_mb`` is the process's peak resident memory after the
    first engine solve, before any HiGHS-alone or floor copy of the LP.
    """
    scenario = synthetic_scenario(n_hubs, steps)
    totals, overheads, alone = [], [], []
    peak_mb = 0.0
    for _ in range(repeat):
        model = None  # the previous model goes before the next is built
        model, schedule, seconds = timed_solve(scenario)
        peak_mb = peak_mb or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        totals.append(seconds)
        overheads.append(seconds - model.problem.solver_stats.solve_time)
        alone.append(highs_alone(model.problem))
    value = model.problem.value
    solver_only, highs_value = float(np.median([a[0] for a in alone])), alone[-1][1]
    total = float(np.median(totals))
    floor = float(np.median([cvxpy_floor(model.problem) for _ in range(repeat)]))
    return {"hubs": n_hubs, "steps": steps, "repeat": repeat, "build_s": schedule.build_seconds,
            "solve_s": schedule.solve_seconds, "total_s": total, "peak_mb": peak_mb, "highs_s": solver_only,
            "ratio": total / solver_only, "overhead_s": float(np.median(overheads)),
            "cvxpy_floor_s": floor, "floor_ratio": (solver_only + floor) / solver_only, "objective": value,
            "objective_match": bool(abs(value - highs_value) <= 1e-6 * max(1.0, abs(value)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 8760-step rows")
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"rows": [...]}')
    parser.add_argument("--row", nargs=2, type=int, metavar=("HUBS", "STEPS"),
                        help="time only this configuration (in this process)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="solves per row, medians reported (default 3 below 8760 steps, else 1)")
    args = parser.parse_args()
    if args.row:
        repeat = args.repeat or (3 if args.row[1] < 8760 else 1)
        rows = [one_row(*args.row, repeat)]
    else:
        horizons = (168, 1344) if args.quick else (168, 1344, 8760)
        rows = []
        for steps in horizons:
            for n_hubs in (4, 10):
                repeat = ["--repeat", str(args.repeat)] if args.repeat else []
                out = subprocess.run([sys.executable, __file__, "--json", "--row", str(n_hubs), str(steps),
                                      *repeat], capture_output=True, text=True, check=True)
                rows.append(json.loads(out.stdout.strip().splitlines()[-1])["rows"][0])
    print(f"{'hubs':>4} {'steps':>5} {'build s':>8} {'solve s':>8} {'total s':>8} {'peak MB':>8} "
          f"{'HiGHS s':>8} {'ratio':>6} {'extra s':>7} {'floor':>6} same-obj")
    for r in rows:
        print(f"{r['hubs']:>4} {r['steps']:>5} {r['build_s']:>8.2f} {r['solve_s']:>8.2f} "
              f"{r['total_s']:>8.2f} {r['peak_mb']:>8.0f} {r['highs_s']:>8.2f} {r['ratio']:>6.2f} "
              f"{r['overhead_s']:>7.3f} {r['floor_ratio']:>6.2f} {r['objective_match']}")
    if args.json:
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
