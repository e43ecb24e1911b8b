"""Seconds of sizing one hub over 1, 3 and 10 weather years: examples/zhongwei_plan_green.toml.

For each hourly green-share target (default 1.0) and each number of weather years (default 1, 3, 10)
the example is loaded and sized -- wind, solar, battery energy and power chosen with the operation, the
target in every year: one year with :func:`engine.studies.size.size` (one LP, the row ``"lp"``), several
with :func:`engine.studies.size.size_across_years` (``plan.method``, default Benders on ``--workers``
Dask workers; one out-of-sample year) -- and timed. Up to ``--monolithic-max-years`` years the monolithic
LP (``plan.method = "monolithic"``) is run as well and its cost compared. The machine's load average
(``os.getloadavg``, 1 min) is recorded before and after each row: the machine may be shared.

Usage: ``python benchmarks/bench_plan.py [--shares 1.0] [--years 1 3 10] [--workers 2]
[--monolithic-max-years 3] [--json]``. With ``--json`` the last line is one JSON object::

    {"rows": [{"target": 1.0, "years": 3, "method": "benders", "workers": 2, "total_s": ..,
      "load_before": .., "load_after": .., "solar_mw": .., "wind_mw": .., "battery_energy_mwh": ..,
      "battery_power_mw": .., "cost_million_cny": .., "cost_per_mwh_it_cny": ..,
      "min_year_green_share": .., "monolithic_total_s": .., "monolithic_cost_million_cny": ..,
      "cost_above_monolithic": ..}, ...]}

``cost_above_monolithic`` is the relative excess of the row's cost over the monolithic LP's [-];
``min_year_green_share`` the least green share of any sized year [-].
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from engine.inputs.scenario_file import load_scenario
from engine.studies.size import size, size_across_years

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhongwei_plan_green.toml"
HEADER = (f"{'target':>7} {'years':>5} {'method':>10} {'total s':>8} {'load':>10} {'solar MW':>9} "
          f"{'wind MW':>8} {'batt MWh':>9} {'batt MW':>8} {'cost MCNY':>10} {'min green':>9} "
          f"{'mono s':>7} {'vs mono':>8}")


def _sized(share: float, years: int, method: str, workers: int | None) -> tuple[dict, float]:
    """Size the example once; its figures and the wall time of the sizing [s]."""
    scenario = load_scenario(EXAMPLE, **{"objective.min_green_share": share, "plan.years": years,
                                         "plan.method": method})
    started = time.perf_counter()
    if years == 1:
        result, least = size(scenario), None
    else:
        across = size_across_years(scenario, workers=workers if method == "benders" else None)
        result = across.result
        least = float(across.years.loc[across.years["sample"] == "sized", "green_share_hourly"].min())
    seconds = time.perf_counter() - started
    sizing = result.sizing
    return {**sizing.capacities["zhongwei"], "cost_million_cny": sizing.total_cost_cny / 1e6,
            "cost_per_mwh_it_cny": sizing.cost_per_mwh_it_cny,
            "min_year_green_share": least if least is not None
            else float(result.metrics()["green_share_hourly"])}, seconds


def bench(share: float, years: int, workers: int | None, monolithic_max_years: int) -> dict:
    """One row: the sizing at ``years`` weather years, and the monolithic LP's when it is run."""
    method = "lp" if years == 1 else "benders"
    load_before = os.getloadavg()[0]
    figures, seconds = _sized(share, years, "benders", workers)
    row = {"target": share, "years": years, "method": method, "workers": workers if years > 1 else None,
           "total_s": seconds, **figures}
    if 1 < years <= monolithic_max_years:
        reference, reference_s = _sized(share, years, "monolithic", None)
        row.update(monolithic_total_s=reference_s, monolithic_cost_million_cny=reference["cost_million_cny"],
                   cost_above_monolithic=figures["cost_million_cny"] / reference["cost_million_cny"] - 1.0)
    return {**row, "load_before": load_before, "load_after": os.getloadavg()[0]}


def main() -> None:
    """Run the benchmark and print one row per target and number of years (JSON last with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[1.0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the Benders subproblems")
    parser.add_argument("--monolithic-max-years", type=int, default=3,
                        help="also run the monolithic LP up to this many years (it grows faster)")
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"rows": [...]}')
    args = parser.parse_args()
    print(HEADER)
    rows = []
    for share in args.shares:
        for years in args.years:
            row = bench(share, years, args.workers, args.monolithic_max_years)
            rows.append(row)
            mono = (f"{row['monolithic_total_s']:>7.1f} {row['cost_above_monolithic']:>+8.3%}"
                    if "monolithic_total_s" in row else f"{'-':>7} {'-':>8}")
            print(f"{share:>7.2f} {years:>5d} {row['method']:>10} {row['total_s']:>8.1f} "
                  f"{row['load_before']:>4.1f}-{row['load_after']:<4.1f} {row['solar_mw']:>9.1f} "
                  f"{row['wind_mw']:>8.1f} {row['battery_energy_mwh']:>9.1f} {row['battery_power_mw']:>8.1f} "
                  f"{row['cost_million_cny']:>10.2f} {row['min_year_green_share']:>9.4f} {mono}", flush=True)
    if args.json:
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
