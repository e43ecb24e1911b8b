"""Time a year of hourly park output for every catalogue hub: typical year, fixed-tilt PV and wind.

Run: ``python benchmarks/bench_weather.py [--solar-mw 100] [--wind-mw 100] [--tracking]``. Prints, per hub,
the seconds for the typical year and for both parks, with the capacity factors, then the total.
"""

from __future__ import annotations

import argparse
import time

from weather.catalogue import load_catalogue
from weather.power import park_output, power_summary
from weather.synthetic import typical_year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solar-mw", type=float, default=100.0)
    parser.add_argument("--wind-mw", type=float, default=100.0)
    parser.add_argument("--tracking", action="store_true")
    args = parser.parse_args()

    print(f"{'hub':<14} {'weather s':>9} {'parks s':>8} {'total s':>8} {'PV CF':>6} {'wind CF':>7} "
          f"{'GHI kWh/m2':>10} {'v_hub m/s':>9}")
    start = time.perf_counter()
    for name in load_catalogue():
        t0 = time.perf_counter()
        weather = typical_year(name, year=2025, seed=0)
        t1 = time.perf_counter()
        output = park_output(weather, args.solar_mw, args.wind_mw, tracking=args.tracking)
        t2 = time.perf_counter()
        summary = power_summary(weather, output, args.solar_mw, args.wind_mw)
        print(f"{name:<14} {t1 - t0:9.3f} {t2 - t1:8.3f} {t2 - t0:8.3f} "
              f"{summary['solar_capacity_factor']:6.3f} {summary['wind_capacity_factor']:7.3f} "
              f"{summary['ghi_kwh_m2']:10.0f} {summary['wind_speed_hub_mean_ms']:9.2f}")
    print(f"total {time.perf_counter() - start:.2f} s for {len(load_catalogue())} hubs")


if __name__ == "__main__":
    main()
