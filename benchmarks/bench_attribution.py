"""Wall time of a run's attribution (the lever-off solves) serial versus on 2 local Dask workers.

The bundled east-west example over a longer horizon is run twice with the attribution, once with
``workers=1`` (one solve after another) and once with ``workers=2``; the time is the attribution's own
(``attribution.seconds``), cluster start and worker imports included, since a user pays them. The two
attributions must agree exactly.

    python benchmarks/bench_attribution.py [--hours 2160] [--json]

With ``--json`` the last line is one JSON object::

    {"hours": 2160, "solves": 8, "rows": [{"workers": 1, "seconds": ..}, {"workers": 2, ...}],
     "speedup": .., "identical": true}
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.inputs.scenario_file import load_scenario
from engine.studies.run import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMPARED = ("present", "total", "parts", "rules")


def main() -> None:
    """Print the attribution seconds on 1 and 2 workers and the speed-up (the JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=2160,
                        help="horizon of the east-west run [h] (default 2160)")
    parser.add_argument("--json", action="store_true", help='end with one JSON line {"rows", "speedup", ...}')
    args = parser.parse_args()
    scenario = load_scenario(EXAMPLES / "east_west.toml", hours=args.hours)
    records = {workers: run(scenario, attribution=True, workers=workers).attribution for workers in (1, 2)}
    for record in records.values():
        if record.get("status") == "unavailable":
            sys.exit(f"bench_attribution: the attribution is unavailable: {record['reason']}")
    rows = [{"workers": workers, "seconds": record["seconds"]} for workers, record in records.items()]
    for row in rows:
        print(f"{row['workers']} worker(s): attribution of east-west over {args.hours} h, "
              f"{records[1]['solves']} solves, {row['seconds']:.1f} s")
    speedup = rows[0]["seconds"] / rows[1]["seconds"]
    identical = all(records[1][key] == records[2][key] for key in COMPARED)
    print(f"speed-up 1 -> 2 workers: {speedup:.2f}x; identical numbers: {identical}")
    if args.json:
        print(json.dumps({"hours": args.hours, "solves": records[1]["solves"], "rows": rows,
                          "speedup": speedup, "identical": identical}))


if __name__ == "__main__":
    main()
