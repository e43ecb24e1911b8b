"""Seconds of one full-year (8760 h) sizing solve at one hub: examples/zhongwei_plan_green.toml.

For each hourly green-share target (default 0.8, 0.9 and 1.0) the example is loaded, sized with
:func:`engine.studies.size.plan` (wind, solar, battery energy and power chosen with the operation) and timed:
scenario load (weather to park power), model build plus cvxpy compile, HiGHS solve, and the whole call.
Also prints the chosen capacities, the annual cost and the cost per MWh of IT energy.

Usage: ``python benchmarks/bench_plan.py [--shares 0.8 1.0] [--hours 8760]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine.inputs.scenario_file import load_scenario
from engine.studies.size import plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhongwei_plan_green.toml"


def main() -> None:
    """Run the benchmark and print one row per target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.8, 0.9, 1.0])
    parser.add_argument("--hours", type=int, default=8760)
    args = parser.parse_args()
    print(f"{'target':>7} {'load s':>7} {'build s':>8} {'solve s':>8} {'total s':>8} {'solar MW':>9} "
          f"{'wind MW':>8} {'batt MWh':>9} {'batt MW':>8} {'cost MCNY':>10} {'CNY/MWh IT':>11} {'green':>7}")
    for share in args.shares:
        started = time.perf_counter()
        scenario = load_scenario(EXAMPLE, hours=args.hours, **{"objective.min_green_share": share})
        loaded = time.perf_counter()
        result = plan(scenario)
        finished = time.perf_counter()
        chosen = result.capacities["zhongwei"]
        print(f"{share:>7.2f} {loaded - started:>7.2f} {result.schedule.build_seconds:>8.2f} "
              f"{result.schedule.solve_seconds:>8.2f} {finished - loaded:>8.2f} "
              f"{chosen['solar_mw']:>9.1f} {chosen['wind_mw']:>8.1f} "
              f"{chosen['battery_energy_mwh']:>9.1f} {chosen['battery_power_mw']:>8.1f} "
              f"{result.total_cost_cny / 1e6:>10.2f} {result.cost_per_mwh_it_cny:>11.1f} "
              f"{result.metrics['green_share_hourly']:>7.4f}")


if __name__ == "__main__":
    main()
