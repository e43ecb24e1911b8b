"""Seconds of one full-year (8760 h) sizing solve at one hub: examples/zhongwei_plan_green.toml.

For each hourly green-share target (default 0.8, 0.9 and 1.0) the example is loaded, sized with
:func:`engine.studies.size.size` (wind, solar, battery energy and power chosen with the operation) and
timed: scenario load (weather to park power), model build plus cvxpy compile, HiGHS solve, and the whole
call. Also prints the chosen capacities, the annual cost and the cost per MWh of IT energy.

Usage: ``python benchmarks/bench_plan.py [--shares 0.8 1.0] [--hours 8760] [--years N] [--json]``. With
``--years N`` each row sizes one design for N synthetic weather years (the monolithic multi-year LP of
:func:`engine.studies.size.size_across_years`, target in every year, one out-of-sample year) and adds
``years``: the per-year figures. With ``--json``
the last line is one JSON object::

    {"hours": 8760, "rows": [{"target": 0.8, "load_s": .., "build_s": .., "solve_s": .., "total_s": ..,
      "solar_mw": .., "wind_mw": .., "battery_energy_mwh": .., "battery_power_mw": ..,
      "cost_million_cny": .., "cost_per_mwh_it_cny": .., "green_share_hourly": ..}, ...]}
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from engine.inputs.scenario_file import load_scenario
from engine.studies.size import size, size_across_years

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhongwei_plan_green.toml"
HEADER = (f"{'target':>7} {'load s':>7} {'build s':>8} {'solve s':>8} {'total s':>8} {'solar MW':>9} "
          f"{'wind MW':>8} {'batt MWh':>9} {'batt MW':>8} {'cost MCNY':>10} {'CNY/MWh IT':>11} {'green':>7}")


def bench(share: float, hours: int, years: int = 1) -> dict:
    """Load, size and time the example at one green-share target; the row of the table."""
    started = time.perf_counter()
    scenario = load_scenario(EXAMPLE, hours=hours, **{"objective.min_green_share": share,
                                                      "plan.years": years})
    loaded = time.perf_counter()
    across = size_across_years(scenario) if years > 1 else None
    result = size(scenario) if across is None else across.result
    finished = time.perf_counter()
    chosen, solver = result.sizing.capacities["zhongwei"], result.solver
    return {"target": share, "load_s": loaded - started, "build_s": solver.build_seconds,
            "solve_s": solver.solve_seconds, "total_s": finished - loaded, **chosen,
            "cost_million_cny": result.sizing.total_cost_cny / 1e6,
            "cost_per_mwh_it_cny": result.sizing.cost_per_mwh_it_cny,
            "green_share_hourly": float(result.metrics()["green_share_hourly"]),
            **({} if across is None else {"years": across.years.to_dict("records")})}


def main() -> None:
    """Run the benchmark and print one row per target (and the JSON object with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.8, 0.9, 1.0])
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--years", type=int, default=1, help="weather years sized on together")
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"hours", "rows"}')
    args = parser.parse_args()
    print(HEADER)
    rows = []
    for share in args.shares:
        row = bench(share, args.hours, args.years)
        rows.append(row)
        print(f"{share:>7.2f} {row['load_s']:>7.2f} {row['build_s']:>8.2f} {row['solve_s']:>8.2f} "
              f"{row['total_s']:>8.2f} {row['solar_mw']:>9.1f} {row['wind_mw']:>8.1f} "
              f"{row['battery_energy_mwh']:>9.1f} {row['battery_power_mw']:>8.1f} "
              f"{row['cost_million_cny']:>10.2f} {row['cost_per_mwh_it_cny']:>11.1f} "
              f"{row['green_share_hourly']:>7.4f}")
    if args.json:
        print(json.dumps({"hours": args.hours, "rows": rows}))


if __name__ == "__main__":
    main()
