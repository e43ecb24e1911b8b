"""The ``suandian`` command line.

Every command turns bad input (``ValueError``) and failed solves (``RuntimeError`` from the engine)
into one readable line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import pandas as pd

from engine.errors import InfeasibleError, ScenarioError, SolverError
from weather.catalogue import load_catalogue
from weather.errors import WeatherInputError

EXIT_BAD_INPUT = 2
EXIT_SOLVE_FAILED = 3


def _hubs(args: argparse.Namespace) -> None:
    records = [hub.as_record() for hub in load_catalogue().values()]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    columns = ["name", "name_zh", "province", "role", "lat", "lon", "elevation_m",
               "grid_factor_kg_per_kwh", "pue_target", "ghi_kwh_m2", "temp_air_mean_c",
               "wind_speed_100m_ms", "tariff"]
    print(pd.DataFrame(records)[columns].to_string(index=False))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``suandian`` command."""
    parser = argparse.ArgumentParser(
        prog="suandian",
        description="算电协同: co-schedule data-centre compute with wind and solar power.")
    commands = parser.add_subparsers(dest="command", required=True)

    hubs = commands.add_parser("hubs", help="list the hub catalogue")
    hubs.add_argument("--json", action="store_true", help="print a JSON list of hubs")
    hubs.set_defaults(handler=_hubs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``suandian`` command; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except (ScenarioError, WeatherInputError, ValueError) as error:
        print(f"suandian {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InfeasibleError, SolverError) as error:
        print(f"suandian {args.command}: {error}", file=sys.stderr)
        return EXIT_SOLVE_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
