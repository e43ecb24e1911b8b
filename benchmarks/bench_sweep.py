"""Speed-up of a sweep on 1 versus 2 local Dask workers.

N variants of the bundled east-west example (one link's bandwidth swept, a shortened horizon) are
solved on a local cluster of one worker, then of two. Each cluster is started and warmed (every worker
imports the engine) before the clock starts, so the times compare solving, not Python imports; the
warm-up seconds are printed too. Points go to a fresh temporary folder each time (no reuse).

    python benchmarks/bench_sweep.py [--points 8] [--hours 168] [--json]

With ``--json`` the last line is one JSON object::

    {"points": 8, "hours": 168, "rows": [{"workers": 1, "seconds": .., "per_point_s": .., "warm_s": ..,
      "finished": 8}, {"workers": 2, ...}], "speedup": ..}
"""

from __future__ import annotations

import argparse
import importlib
import json
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

from engine.studies.sweep import STATUS_DONE, run_sweep, sweep_from_dict

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def bench(points: int, hours: int, workers: int) -> tuple[float, float, int]:
    """Warm-up and sweep seconds on ``workers`` local workers, and the number of finished points."""
    gbps = [5 + 5 * i for i in range(points)]
    sweep = sweep_from_dict({"name": "bench", "base": "east_west.toml",
                             "grid": {"hours": [hours], "links[from=shanghai,to=zhongwei].gbps": gbps}},
                            EXAMPLES)
    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           scheduler_kwargs={"dashboard": False})
    with cluster, Client(cluster) as client:
        client.run(importlib.import_module, "engine.studies.run")
        client.run(importlib.import_module, "engine.inputs.scenario_file")
        warm = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            result = run_sweep(sweep, out, scheduler=cluster.scheduler_address)
            seconds = time.perf_counter() - started
    return warm, seconds, int((result.table["status"] == STATUS_DONE).sum())


def main() -> None:
    """Print the sweep seconds on 1 and 2 workers and the speed-up (and the JSON object with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8, help="points in the sweep (default 8)")
    parser.add_argument("--hours", type=int, default=168, help="horizon of each point [h] (default 168)")
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"rows", "speedup", ...}')
    args = parser.parse_args()
    rows = []
    for workers in (1, 2):
        warm, seconds, done = bench(args.points, args.hours, workers)
        rows.append({"workers": workers, "seconds": seconds, "per_point_s": seconds / args.points,
                     "warm_s": warm, "finished": done})
        print(f"{workers} worker(s): {args.points} points x {args.hours} h east-west, {done} finished, "
              f"{seconds:.1f} s ({seconds / args.points:.2f} s per point; cluster start and imports "
              f"{warm:.1f} s)")
    speedup = rows[0]["seconds"] / rows[1]["seconds"]
    print(f"speed-up 1 -> 2 workers: {speedup:.2f}x")
    if args.json:
        print(json.dumps({"points": args.points, "hours": args.hours, "rows": rows, "speedup": speedup}))


if __name__ == "__main__":
    main()
