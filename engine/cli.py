"""The ``suandian`` command line.

Every command turns bad input (``ValueError``) and failed solves (``RuntimeError`` from the engine)
into one readable line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from engine.atomic import write_atomic
from engine.errors import InfeasibleError, ScenarioError, SolverError
from engine.inputs.sources import referenced_files
from engine.inputs.times import local_iso
from weather.catalogue import TIMEZONE, Hub, get_hub, load_catalogue
from weather.forecast import day_ahead_skill
from weather.frame import WeatherData
from weather.geo import MAX_DISTANCE_KM, check_weather_site
from weather.power import HOURS_PER_YEAR, park_output, power_summary
from weather.readers import read_weather
from weather.synthetic import typical_year
from weather.wind_calibration import STATION_HEIGHT_LIMIT_M, calibrate_station_wind

EXIT_BAD_INPUT = 2
EXIT_SOLVE_FAILED = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
DEFAULT_SCENARIO = Path(__file__).parent / "inputs" / "default_scenario.toml"
"""The bundled east-west example (``examples/east_west.toml``, shipped inside the package)."""


HUB_COLUMNS = {"name": "name", "name_zh": "中文", "province": "province", "role": "role",
               "position": "lat,lon [°]", "grid_factor_kg_per_kwh": "CO2 [kg/kWh]", "pue_target": "PUE",
               "ghi_kwh_m2": "GHI [kWh/m²]", "wind_speed_100m_ms": "wind [m/s]"}
"""The fields of ``suandian hubs`` that fit 100 columns, with their headers (``--wide``: every field)."""


def _hubs(args: argparse.Namespace) -> None:
    from engine.outputs.text import terminal_table

    records = [hub.as_record() for hub in load_catalogue().values()]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    frame = pd.DataFrame(records)
    if args.wide:
        print("\n".join(terminal_table(frame.astype(str), list(frame.columns))))
        return
    frame["position"] = [f"{lat:.1f}, {lon:.1f}" for lat, lon in zip(frame["lat"], frame["lon"], strict=True)]
    frame = frame[list(HUB_COLUMNS)].rename(columns=HUB_COLUMNS)
    for column, width in (("province", 9), ("中文", 5)):  # long names end in … (--wide: whole)
        frame[column] = frame[column].astype(str).map(lambda text, w=width: text if len(text) <= w
                                                      else text[:w - 1] + "…")
    for column, digits in (("CO2 [kg/kWh]", 3), ("PUE", 2), ("GHI [kWh/m²]", 0), ("wind [m/s]", 1)):
        frame[column] = frame[column].map(lambda value, d=digits: "" if pd.isna(value) else f"{value:.{d}f}")
    print("\n".join(terminal_table(frame.astype(str), list(frame.columns))))


def _power(args: argparse.Namespace) -> None:
    hub = get_hub(args.hub)
    weather = (_weather_file(args, hub) if args.weather is not None
               else typical_year(hub, year=args.year, seed=args.seed))
    if args.calibrate_wind and weather.wind_height_m <= STATION_HEIGHT_LIMIT_M:
        weather = calibrate_station_wind(weather, hub)
        print(f"suandian power: {weather.notes[-1]}", file=sys.stderr)
    output = park_output(weather, args.solar_mw, args.wind_mw, tracking=args.tracking)
    summary = {"hub": hub.name, "weather": weather.source, "tracking": args.tracking,
               **power_summary(weather, output, args.solar_mw, args.wind_mw)}
    paths = {} if args.out is None else _write_power(args, output, summary)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print(f"{hub.name} ({hub.name_zh}), weather: {weather.source}, {summary['hours']:.0f} h")
    for note in weather.notes:
        print(f"  note: {note}")
    print(f"  GHI {summary['ghi_kwh_m2']:.0f} kWh/m2, mean air temperature "
          f"{summary['temp_air_mean_c']:.1f} degC, mean wind "
          f"{summary['wind_speed_hub_mean_ms']:.2f} m/s at {summary['hub_height_m']:.0f} m")
    for park, label in (("solar", f"PV {'tracking' if args.tracking else 'fixed tilt'}"), ("wind", "wind")):
        capacity = summary[f"{park}_mw"]
        if capacity == 0:
            continue
        print(f"  {label:<18} {capacity:8.1f} MW  {summary[f'{park}_energy_mwh']:10.0f} MWh  "
              f"capacity factor {summary[f'{park}_capacity_factor']:6.1%}  "
              f"{summary[f'{park}_full_load_hours_per_year']:5.0f} full-load h/a")
    if paths:
        print(f"wrote {', '.join(str(path) for path in paths.values())}")


def _write_power(args: argparse.Namespace, output: pd.DataFrame, summary: dict) -> dict[str, Path]:
    """``--out DIR``: ``DIR/power.csv`` (local ``time``, ``solar_kw``, ``wind_kw``), ``DIR/summary.json``."""
    from engine.atomic import write_json

    table = output.copy()
    table.insert(0, "time", local_iso(output.index, TIMEZONE).to_numpy())

    def write(folder: Path) -> dict[str, Path]:
        csv = folder / "power.csv"
        write_atomic(csv, lambda temporary: table.to_csv(temporary, index=False, float_format="%.3f"))
        return {"power": csv, "summary": write_json(folder / "summary.json", summary)}

    return _write_folder(args, [] if args.weather is None else [args.weather], write)


def _weather_file(args: argparse.Namespace, hub: Hub) -> WeatherData:
    """``--weather``, read and checked to lie within ``--weather-max-distance-km`` of the hub."""
    limit = args.weather_max_distance_km
    if not 0 < limit < float("inf"):
        raise ScenarioError(f"--weather-max-distance-km: expected a positive distance [km], got {limit:g}. "
                            "Fix: give a number above 0.")
    return check_weather_site(read_weather(args.weather, site=(hub.lat, hub.lon)), hub.lat, hub.lon,
                              site=f"hub {hub.name}",
                              override="pass --weather-max-distance-km", max_km=limit)


def _weather(args: argparse.Namespace) -> None:
    from engine.outputs.weather_csv import write_weather_csv
    from weather.years import weather_record

    hub = get_hub(args.hub)
    if args.weather is not None:
        weather = _weather_file(args, hub)
        span = max(1, int(len(weather.data) * weather.step_hours // HOURS_PER_YEAR))  # whole years held
        if args.years is not None and args.years > span:
            raise ScenarioError(f"--years: expected at most the {span} year(s) that {args.weather} holds, "
                                f"got {args.years}; drop --years or give a longer file")
        if args.calibrate_wind:
            weather = calibrate_station_wind(weather, hub)
    else:
        weather = weather_record(hub, args.years or 1, seed=args.seed, start_year=args.start_year)
    inputs = [] if args.weather is None else [args.weather]
    paths = _write_folder(args, inputs, lambda folder: write_weather_csv(weather, folder))
    if _print_json(args, paths["weather.json"]):
        return
    for note in weather.notes:
        print(f"suandian weather: {note}", file=sys.stderr)
    print(f"{hub.name}: {len(weather.data)} h of weather ({weather.source}) written to "
          f"{paths['weather.csv']}")


def _forecast(args: argparse.Namespace) -> None:
    from weather.forecast import error_correlation, forecast_structure, hub_forecasts, probabilistic_scores

    hub = get_hub(args.hub)
    others = _nearest_hubs(hub, 2) if args.with_hub is None else [get_hub(name) for name in args.with_hub]
    sites = [hub, *[other for other in others if other.name != hub.name]]
    weathers = {site.name: typical_year(site, seed=args.seed) for site in sites}
    actuals = {name: park_output(weather, args.solar_mw, args.wind_mw) for name, weather in weathers.items()}
    nameplates = dict.fromkeys(actuals, (args.solar_mw * 1000.0, args.wind_mw * 1000.0))
    forecasts = hub_forecasts(actuals, nameplates, {site.name: (site.lat, site.lon) for site in sites},
                              issue_hour=args.issue_hour, seed=args.seed)
    actual, forecast = actuals[hub.name], forecasts[hub.name]
    probabilistic = probabilistic_scores(actual, forecast)
    correlation = {park: {name: float(error_correlation(actuals, forecasts, park).loc[hub.name, name])
                          for name in actuals if name != hub.name} for park in ("solar", "wind")}
    skill = {"hub": hub.name, "weather": weathers[hub.name].source, "forecast": forecast.source,
             "solar_mw": args.solar_mw, "wind_mw": args.wind_mw, **day_ahead_skill(actual, forecast),
             **forecast_structure(actual, forecast), "solar_crps": probabilistic["solar_crps"],
             "wind_crps": probabilistic["wind_crps"], "solar_pinball": probabilistic["solar_pinball"],
             "wind_pinball": probabilistic["wind_pinball"], "error_correlation": correlation}
    if args.json:
        print(json.dumps(skill, ensure_ascii=False, indent=2))
        return
    print(f"{hub.name} ({hub.name_zh}): day-ahead forecast ({forecast.source}) against "
          f"{weathers[hub.name].source}")
    print("  park   nMAE    nRMSE   bias     skill vs persistence   steps   CRPS   pinball 10/50/90 %")
    for park in ("solar", "wind"):
        if skill[f"{park}_nrmse"] is None:
            continue
        pinball = skill[f"{park}_pinball"]
        print(f"  {park:<6} {skill[f'{park}_nmae']:6.1%}  {skill[f'{park}_nrmse']:6.1%}  "
              f"{skill[f'{park}_bias']:+6.1%}   {skill[f'{park}_skill_vs_persistence']:6.2f}"
              f"                 {skill[f'{park}_steps']:<6}  {skill[f'{park}_crps']:5.1%}  "
              f"{pinball[0.1]:.1%} / {pinball[0.5]:.1%} / {pinball[0.9]:.1%}")
        print(f"         error persists across days (lag-1 of daily mean error) "
              f"{skill[f'{park}_error_lag1_days']:+.2f}; variability forecast / actual "
              f"{skill[f'{park}_variability_ratio']:.2f}")
    for park, row in correlation.items():
        pairs = ", ".join(f"{name} {value:+.2f}" for name, value in row.items())
        print(f"  {park} error correlation with {pairs}")


def _nearest_hubs(hub: object, count: int) -> list:
    """The ``count`` catalogue hubs nearest to ``hub`` (for the cross-hub error correlation)."""
    from weather.forecast import great_circle_km

    others = [other for other in load_catalogue().values() if other.name != hub.name]
    return sorted(others, key=lambda other: great_circle_km(hub.lat, hub.lon, other.lat, other.lon))[:count]


def _scenario_path(args: argparse.Namespace) -> Path:
    """The scenario file of `run`/`operate`: the argument, or the bundled east-west example."""
    path = Path(args.scenario if args.scenario is not None else DEFAULT_SCENARIO)
    if not path.is_file():
        raise ScenarioError(f"scenario file: expected an existing TOML file, got {str(path)!r}; check "
                            f"the path (or run `suandian {args.command}` with no argument for the bundled "
                            "example)")
    return path


def _print_json(args: argparse.Namespace, path: Path) -> bool:
    """With ``--json``: print the command's summary file (and nothing else on stdout); True if printed."""
    if not getattr(args, "json", False):
        return False
    print(Path(path).read_text(encoding="utf-8").rstrip("\n"))
    return True


def _schema(args: argparse.Namespace) -> None:
    from engine.inputs.schema import scenario_schema

    print(json.dumps(scenario_schema(), ensure_ascii=False, indent=2))


def _arguments(args: argparse.Namespace) -> dict:
    """The command's arguments, for its output manifest."""
    return {key: value for key, value in vars(args).items() if key != "handler"}


def _write_folder(args: argparse.Namespace, inputs: list, write: Callable[[Path], dict]) -> dict[str, Path]:
    """Run ``write(folder)`` in a temporary folder that replaces ``--out`` with its manifest when complete
    (:func:`engine.outputs.manifest.output_folder`); return the written paths inside ``--out``."""
    from engine.outputs.manifest import output_folder

    with output_folder(args.out, args.command, arguments=_arguments(args), inputs=inputs) as folder:
        written = write(folder)
    return {key: Path(args.out) / Path(path).relative_to(folder) for key, path in written.items()}


def _scenario_inputs(path: Path, out: Path) -> list[Path]:
    """The scenario file and every file it names (profiles, weather), for the manifest; refuses an
    ``--out`` that holds one of them before anything is solved
    (:func:`engine.outputs.manifest.check_out_dir`)."""
    import tomllib

    from engine.outputs.manifest import check_out_dir

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raw = {}  # the scenario reader reports it
    inputs = [path, *referenced_files(raw, path.resolve().parent).values()]
    check_out_dir(out, inputs)
    return inputs


def _print_weather_notes(command: str, scenario) -> None:
    """What was corrected or calibrated in each hub's weather, one stderr line per note."""
    for name, hub in scenario.hubs.items():
        for note in hub.weather_notes:
            print(f"suandian {command}: {name}: {note}", file=sys.stderr)


def _run(args: argparse.Namespace) -> None:
    # engine.studies.run imports cvxpy: import it here so `suandian hubs` and `power` stay quick.
    from engine.inputs.scenario_file import load_scenario
    from engine.outputs.files import write_outputs
    from engine.outputs.progress import Progress
    from engine.outputs.text import headline_lines
    from engine.studies.run import run

    path = _scenario_path(args)
    inputs = _scenario_inputs(path, args.out)
    with Progress(args.command) as progress:
        with progress.phase("reading"):
            scenario = load_scenario(path)
        _print_weather_notes(args.command, scenario)
        with progress.phase("building"):
            result = run(scenario, solver=args.solver, attribution=not args.no_attribution,
                         workers=args.workers, phases=progress.enter)
        with progress.phase("writing"):
            paths = write_outputs(result, args.out, command=args.command, arguments=_arguments(args),
                                  inputs=inputs)
    if _print_json(args, paths["summary"]):
        return
    solver = result.solver
    print(f"{scenario.name}: {len(scenario.index)} steps of {scenario.step_hours:g} h, "
          f"{len(scenario.hubs)} hubs, least {scenario.objective.minimize}; {solver.name} "
          f"{solver.status} in {solver.seconds:.1f} s")
    columns = {**{policy: result.metrics(policy) for policy in result.schedules}, "gain": result.gains()}
    print("\n".join(headline_lines(columns, gain_column="gain")))
    print("baseline = as usual; gain = coordinated - baseline; total cost = energy, demand charge, PPA, "
          "transfer and battery wear, less export revenue")
    print(f"wrote {', '.join(str(path) for path in paths.values())}")


def _operate(args: argparse.Namespace) -> None:
    # engine.studies.operate imports cvxpy: import it here so `suandian hubs` and `power` stay quick.
    from engine.inputs.scenario_file import load_scenario
    from engine.outputs.files import write_outputs
    from engine.outputs.progress import Progress
    from engine.outputs.text import headline_lines
    from engine.studies.operate import operate

    path = _scenario_path(args)
    inputs = _scenario_inputs(path, args.out)
    with Progress(args.command) as progress:
        with progress.phase("reading"):
            scenario = load_scenario(path)
            forecasts = _forecast_files(args, scenario, inputs)
        _print_weather_notes(args.command, scenario)
        with progress.phase("building"):
            result = operate(scenario, issue_hour=args.issue_hour, lookahead_hours=args.lookahead_hours,
                             replan_hours=args.replan_hours, forecast_seed=args.forecast_seed,
                             quantile=args.quantile, deadline_buffer_hours=args.deadline_buffer_hours,
                             solver=args.solver, forecasts=forecasts,
                             progress=progress.step if progress.enabled else None, phases=progress.enter)
        with progress.phase("writing"):
            paths = write_outputs(result, args.out, command=args.command, arguments=_arguments(args),
                                  inputs=inputs)
    if _print_json(args, paths["summary"]):
        return
    replans = result.operation.replans
    planned_on = "point forecast" if args.quantile is None else f"{args.quantile:g} quantile"
    settings, kept = result.operation.settings, result.operation.settlement["perfect_foresight_gain_kept"]
    print(f"{scenario.name}: {replans['count']} plans of {settings['lookahead_hours']:g} h every "
          f"{args.replan_hours:g} h on the {planned_on}, deadlines {args.deadline_buffer_hours:g} h early; "
          f"{replans['mean_seconds'] * 1e3:.0f} ms per re-plan (max {replans['max_seconds'] * 1e3:.0f} ms), "
          f"{replans['relaxed']} relaxed; scored with a {settings['drain_steps']}-step drain period")
    if kept is not None:
        print(f"operation keeps {kept:.1%} of the perfect-foresight gain over running as usual")
    titles = {"operated": "operated", "perfect_foresight": "perfect fore.", "baseline": "baseline"}
    print("\n".join(headline_lines({title: result.metrics(policy) for policy, title in titles.items()})))
    print(f"wrote {', '.join(str(path) for path in paths.values())}")


def _forecast_files(args: argparse.Namespace, scenario: object, inputs: list) -> dict | None:
    """The power forecasts of the ``--forecast`` files (None without any); appends the files to
    ``inputs`` (hashed into the manifest) after refusing an ``--out`` that holds one of them."""
    from engine.inputs.forecast_files import parse_forecast_arguments, read_hub_forecasts
    from engine.outputs.manifest import check_out_dir

    if not args.forecast:
        return None
    files = parse_forecast_arguments(args.forecast, scenario)
    check_out_dir(args.out, files.values())
    inputs.extend(files.values())
    return read_hub_forecasts(files, scenario)


def _read_state(path: Path) -> dict:
    """A state.json record (bad input: one line naming the file and the fix)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScenarioError(f"--state {path}: expected a state.json written by suandian dayahead or settle, "
                            f"got {error}; check the path") from error


def _dayahead(args: argparse.Namespace) -> None:
    # engine.studies.dayahead imports cvxpy: import it here so `suandian hubs` and `power` stay quick.
    from engine.inputs.scenario_file import load_scenario
    from engine.outputs.dayahead import write_dayahead
    from engine.outputs.progress import Progress
    from engine.studies.dayahead import day_ahead, state_from_record

    path = _scenario_path(args)
    inputs = _scenario_inputs(path, args.out) + ([] if args.state is None else [args.state])
    source = f"--state {args.state}"
    with Progress(args.command) as progress:
        with progress.phase("reading"):
            scenario = load_scenario(path)
            state = None if args.state is None else state_from_record(_read_state(args.state), scenario,
                                                                      source)
            forecasts = _forecast_files(args, scenario, inputs)
        with progress.phase("building"):
            plan = day_ahead(scenario, args.date, state=state, forecasts=forecasts,
                             issue_hour=args.issue_hour, forecast_seed=args.forecast_seed,
                             deadline_buffer_hours=args.deadline_buffer_hours, solver=args.solver,
                             state_source=source, phases=progress.enter)
        with progress.phase("writing"):
            paths = _write_folder(args, inputs, lambda folder: write_dayahead(plan, folder,
                                                                              str(path.resolve())))
    if args.json:
        print(paths["plan_json"].read_text(encoding="utf-8"))
        return
    dt = scenario.step_hours
    print(f"{scenario.name}: day-ahead plan for {args.date} ({plan.steps} steps, look-ahead "
          f"{plan.settings['lookahead_hours']:g} h, deadlines {args.deadline_buffer_hours:g} h early); "
          f"{plan.late_mwh:,.1f} MWh planned late")
    for hub, rows in plan.plan.groupby("hub", sort=False):
        budgets = sum(rows[f"{w.name}_it_kw"].sum() for w in scenario.workloads) * dt / 1e3
        offer = plan.offer_day[hub]
        grid = rows["grid_import_kw"].sum() * dt / 1e3
        print(f"  {hub:<12} flexible IT {budgets:8,.1f} MWh, grid {grid:8,.1f} MWh, "
              f"offer +{offer['up_mwh']:,.1f} / -{offer['down_mwh']:,.1f} MWh over the day")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")


def _settle(args: argparse.Namespace) -> None:
    from engine.inputs.actuals import read_actuals
    from engine.inputs.drain import with_drain
    from engine.inputs.scenario_file import load_scenario
    from engine.outputs.dayahead import write_settlement
    from engine.outputs.progress import Progress
    from engine.studies.dayahead import settle_day, state_from_record

    record, source = _read_state(args.state), str(args.state)
    scenario_file = record.get("scenario") if isinstance(record, dict) else None
    if not isinstance(scenario_file, str) or not Path(scenario_file).is_file():
        raise ScenarioError(f"{source}: scenario: expected the path of the scenario TOML the day was "
                            f"planned on, got {scenario_file!r}; pass the state.json that "
                            "`suandian dayahead` wrote")
    with Progress(args.command) as progress:
        with progress.phase("reading"):
            scenario = load_scenario(Path(scenario_file))
            state = state_from_record(record, scenario, source)
            if state.plan is None:
                raise ScenarioError(f"{source}: plan: expected a planned state (written by `suandian "
                                    "dayahead`), got a settled one; plan the day first")
            drained = with_drain(scenario)
            start = int(drained.index.get_indexer([state.time])[0])
            index = drained.index[start:start + len(state.plan["grid_import_kw"])]
            actual = read_actuals(args.actuals, index, list(scenario.hubs))
        with progress.phase("settling"):  # a simulation of the day: nothing to build or solve
            settled, following = settle_day(scenario, state, actual, source)
        with progress.phase("writing"):
            paths = _write_folder(args, [args.state, args.actuals, scenario_file],
                                  lambda folder: write_settlement(scenario, settled, following, folder,
                                                                  scenario_file))
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print(f"{scenario.name}: settled {local_iso(index[:1], scenario.timezone).iloc[0]} .. next state "
          f"{summary['next_state_time']}; grid {summary['grid_import_mwh']:,.1f} MWh, open "
          f"{sum(summary['open_mwh'].values()):,.1f} MWh "
          f"(overdue {sum(summary['overdue_mwh'].values()):,.1f})")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")


def _sweep(args: argparse.Namespace) -> int:
    # engine.studies.sweep starts Dask and its workers import cvxpy: import it here so other commands
    # stay quick.
    from engine.outputs.manifest import check_out_dir
    from engine.outputs.sweep_report import check_report, write_sweep_outputs
    from engine.studies.sweep import POINTS, load_sweep, run_sweep

    sweep = load_sweep(args.sweep)
    check_report(sweep)
    check_out_dir(args.out, sweep.inputs, keep=(POINTS,))
    result = run_sweep(sweep, args.out, workers=args.workers, scheduler=args.scheduler,
                       retry_failed=args.retry_failed, progress=True, security=_security(args))
    paths = write_sweep_outputs(sweep, result, arguments=_arguments(args))
    if args.json:
        print(result.table.to_json(orient="records", force_ascii=False, indent=2))
    else:
        _print_sweep(sweep, result, paths)
    if result.failed:
        print(f"suandian sweep: {result.failed} of {len(result.table)} points failed (their errors are in "
              "results.csv); fix them and rerun with --retry-failed", file=sys.stderr)
        return EXIT_SOLVE_FAILED
    return 0


def _print_sweep(sweep: object, result: object, paths: dict) -> None:
    """The sweep's terminal table: one line per point, money without scientific notation."""
    from engine.outputs.text import format_number

    linked_keys = {key for keys in sweep.linked.values() for key in keys}
    headline = ("coordinated_cost_cny", "gain_cost_cny", "coordinated_green_share_hourly")
    shown = ["point", *[axis for axis in sweep.axes if axis not in linked_keys], "status",
             *[column for column in headline if column in result.table]]
    print(result.table[shown].to_string(index=False, float_format=format_number))
    retry = " (errors in the table; --retry-failed solves them again)" if result.failed else ""
    print(f"{sweep.name}: {len(result.table)} points: {result.solved} solved now, {result.reused} reused, "
          f"{result.failed} failed{retry}")
    print(f"wrote {', '.join(str(path) for path in paths.values())}")


TLS_ARGUMENTS = ("tls_ca_file", "tls_cert", "tls_key")
"""``--tls-ca-file``, ``--tls-cert``, ``--tls-key``: distributed's ``Security`` for ``--scheduler``."""


def _security(args: argparse.Namespace) -> object | None:
    """TLS settings for ``--scheduler`` (``None`` when none is given)."""
    given = {name: getattr(args, name) for name in TLS_ARGUMENTS if getattr(args, name) is not None}
    if not given:
        return None
    if args.scheduler is None:
        raise ScenarioError("--tls-*: expected --scheduler ADDRESS with TLS settings (the local cluster "
                            "listens on 127.0.0.1 only), got none; add --scheduler tls://host:8786")
    if set(given) != set(TLS_ARGUMENTS):
        missing = ", ".join(f"--{name.replace('_', '-')}" for name in TLS_ARGUMENTS if name not in given)
        raise ScenarioError(f"--tls-*: expected --tls-ca-file, --tls-cert and --tls-key together, got no "
                            f"{missing}; give all three")
    for name, path in given.items():
        if not Path(path).is_file():
            raise ScenarioError(f"--{name.replace('_', '-')}: expected an existing PEM file, got "
                                f"{str(path)!r}; check the path")
    from distributed.security import Security

    return Security(tls_ca_file=str(args.tls_ca_file), tls_client_cert=str(args.tls_cert),
                    tls_client_key=str(args.tls_key), require_encryption=True)


def _plan(args: argparse.Namespace) -> None:
    # engine.studies.size imports cvxpy: import it here so `suandian hubs` and `power` stay quick.
    from engine.inputs.plan_settings import CAPACITY_UNITS
    from engine.inputs.scenario_file import load_scenario
    from engine.outputs.files import write_outputs
    from engine.outputs.plan_report import cost_part, years_lines
    from engine.outputs.progress import Progress
    from engine.studies.size import size, size_across_years

    if not Path(args.scenario).is_file():
        raise ScenarioError(f"scenario file: expected an existing TOML file with a [plan] table, got "
                            f"{str(args.scenario)!r}; check the path")
    inputs = _scenario_inputs(args.scenario, args.out)
    with Progress(args.command) as progress:
        with progress.phase("reading"):
            scenario = load_scenario(args.scenario,
                                     **({} if args.years is None else {"plan.years": args.years}))
        _print_weather_notes(args.command, scenario)
        with progress.phase("building"):
            years = scenario.plan is not None and scenario.plan.years > 1
            study = {"solver": args.solver, "phases": progress.enter}
            across = size_across_years(scenario, workers=args.workers, **study) if years else None
            result = size(scenario, **study) if across is None else across.result
        with progress.phase("writing"):
            paths = write_outputs(result, args.out, command=args.command, arguments=_arguments(args),
                                  inputs=inputs)
    if _print_json(args, paths["plan"]):
        return
    sizing, solver = result.sizing, result.solver
    print(f"{scenario.name}: {len(scenario.index)} steps of {scenario.step_hours:g} h, hourly green share "
          f">= {sizing.min_green_share:.0%}; {solver.name} {solver.status} in {solver.seconds:.1f} s")
    for hub, chosen in sizing.capacities.items():
        for name, value in chosen.items():
            print(f"{f'{hub} {name}':<34}{value:>14,.1f} {CAPACITY_UNITS[name]}")
    annual = abs(sizing.horizon_hours - HOURS_PER_YEAR) < 1e-9
    period = "annual" if annual else f"{sizing.horizon_hours:,.0f} h"
    print(f"{f'total cost ({period}) [million CNY]':<34}{sizing.total_cost_cny / 1e6:>14,.2f}")
    for part in ("capacity", "operation", "export_revenue", "carbon"):
        label, value = cost_part(part, sizing.costs_cny)
        indent = "    " if part == "export_revenue" else "  "  # a part of the operation
        print(f"{indent + label:<34}{value / 1e6:>14,.2f}")
    print(f"{'cost per MWh of IT energy [CNY]':<34}{sizing.cost_per_mwh_it_cny:>14,.1f}")
    print(f"{'green share (hourly matched)':<34}{result.metrics()['green_share_hourly']:>14.1%}")
    if across is not None:
        print("\n".join(years_lines(across)))
    print(f"wrote {', '.join(str(path) for path in paths.values())}")


DESCRIPTIONS = {
    "hubs": "The hub catalogue: the ten national clusters and the eastern demand cities, with position, grid "
            "emission factor, PUE target and resource; each figure's source is in weather/hubs.toml.",
    "power": "A year of hourly PV and wind park output at a hub, on its offline typical year or a weather "
             "file; prints energy, capacity factors and full-load hours.",
    "weather": "Writes the hourly weather the engine uses (DIR/weather.csv, DIR/weather.json): synthetic "
               "years of a catalogue hub, or a corrected weather file.",
    "forecast": "Day-ahead forecast skill of a hub's parks under the offline forecast error model: nMAE, "
                "nRMSE, bias, skill against persistence, CRPS, error correlation with other hubs.",
    "run": "Co-schedules the scenario's compute, batteries and grid import with one LP, compares it with "
           "three reference policies and writes summary.json, the schedules and report.html to DIR.",
    "plan": "Sizes solar, wind and batteries for a green-share target with their operation (the "
            "scenario's [plan] table); writes plan.json, schedule.csv and report.html to DIR.",
    "operate": "Rolling operation on day-ahead forecasts, settled on the weather that came, against "
               "perfect foresight and running as usual; writes summary.json, schedules and report.html.",
    "dayahead": "Tomorrow's plan per hub and hour (IT budgets per workload, battery, grid, green share, "
                "marginal price) and the flexibility offer; writes plan.csv, plan.json, state.json.",
    "settle": "Settles a planned day against the renewables that came and writes the next state.json.",
    "sweep": "Solves variants of a scenario (a grid or a list of points) on Dask; one results table and "
             "a report page; a rerun skips finished points.",
    "schema": "Prints a JSON Schema (draft 2020-12) of the scenario TOML file, for editors that validate "
              "and complete it (e.g. the Even Better TOML extension or taplo).",
}
"""Each subcommand's description, shown by ``suandian COMMAND --help``."""


def _add(commands: argparse._SubParsersAction, name: str, *, help: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line ``help`` and its :data:`DESCRIPTIONS` entry."""
    return commands.add_parser(name, help=help, description=DESCRIPTIONS[name])


def _distance_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weather-max-distance-km", type=float, default=MAX_DISTANCE_KM,
                        help="refuse a --weather file whose station is farther from the hub [km] "
                        f"(default {MAX_DISTANCE_KM:g}; beyond 50 km it is noted)")


def _json_argument(command: argparse.ArgumentParser, what: str = "the summary") -> None:
    command.add_argument("--json", action="store_true", help=f"print {what} as JSON on stdout, nothing else")


def _weather_commands(commands: argparse._SubParsersAction) -> None:
    """``hubs``, ``power`` and ``forecast``: the catalogue and the weather side."""
    hubs = _add(commands, "hubs", help="list the hub catalogue")
    hubs.add_argument("--json", action="store_true", help="print a JSON list of hubs")
    hubs.add_argument("--wide", action="store_true", help="every field of the catalogue (wider than 100 "
                      "columns)")
    hubs.set_defaults(handler=_hubs)

    power = _add(commands, "power", help="hourly output of a hub's PV and wind parks")
    power.add_argument("--hub", required=True, help="catalogue hub name (see `suandian hubs`)")
    power.add_argument("--weather", type=Path, help="weather file (EPW, TMY3, PVGIS, CSV, ERA5 netCDF); "
                       "default: the hub's offline typical year")
    power.add_argument("--solar-mw", type=float, default=100.0, help="PV DC nameplate [MWp] (default 100)")
    power.add_argument("--wind-mw", type=float, default=100.0, help="wind nameplate [MW] (default 100)")
    power.add_argument("--tracking", action="store_true", help="single-axis tracking PV (default fixed tilt)")
    power.add_argument("--out", type=Path, help="output folder for power.csv (hourly solar_kw, wind_kw) and "
                       "summary.json")
    power.add_argument("--json", action="store_true", help="print the summary as JSON")
    power.add_argument("--seed", type=int, default=0, help="typical-year seed (default 0)")
    power.add_argument("--year", type=int, default=2025, help="typical-year calendar year (default 2025)")
    power.add_argument("--calibrate-wind", action="store_true",
                       help="rescale station wind (<= 20 m) to the hub's documented 100 m resource")
    _distance_argument(power)
    power.set_defaults(handler=_power)

    weather = _add(commands, "weather", help="the hourly weather the engine uses, as DIR/weather.csv")
    weather.add_argument("--hub", required=True, help="catalogue hub name")
    weather.add_argument("--years", type=int, help="number of synthetic years (default 1)")
    weather.add_argument("--seed", type=int, default=0, help="seed of the synthetic years (default 0)")
    weather.add_argument("--start-year", type=int, default=2025, help="first calendar year (default 2025)")
    weather.add_argument("--weather", type=Path, help="read (and correct) this weather file instead")
    weather.add_argument("--calibrate-wind", action="store_true",
                         help="rescale station wind to the hub's documented 100 m resource")
    _distance_argument(weather)
    weather.add_argument("--out", type=Path, required=True, help="output folder")
    _json_argument(weather, "weather.json")
    weather.set_defaults(handler=_weather)

    forecast = _add(commands, "forecast", help="day-ahead forecast skill of a hub's parks "
                                   "(offline error model against the typical year)")
    forecast.add_argument("--hub", required=True, help="catalogue hub name (see `suandian hubs`)")
    forecast.add_argument("--solar-mw", type=float, default=100.0, help="PV DC nameplate [MWp] (default 100)")
    forecast.add_argument("--wind-mw", type=float, default=100.0, help="wind nameplate [MW] (default 100)")
    forecast.add_argument("--seed", type=int, default=0, help="weather and forecast-error seed (default 0)")
    forecast.add_argument("--issue-hour", type=int, default=12,
                          help="local (Asia/Shanghai) hour of the daily issue (default 12)")
    forecast.add_argument("--with", dest="with_hub", action="append", metavar="HUB",
                          help="another catalogue hub for the cross-hub error correlation (repeatable; "
                          "default: the two nearest)")
    forecast.add_argument("--json", action="store_true", help="print the skill scores as JSON")
    forecast.set_defaults(handler=_forecast)


def _solver_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument("--solver", default="HIGHS", help="installed cvxpy solver (default HIGHS)")


def _study_commands(commands: argparse._SubParsersAction) -> None:
    """``run``, ``plan`` and ``operate``: the studies of one scenario."""
    run = _add(commands, "run", help="co-schedule a scenario, compare with the baseline, write outputs")
    run.add_argument("scenario", nargs="?", type=Path,
                     help="scenario TOML file; default: the bundled east-west example")
    run.add_argument("--out", type=Path, default=Path("suandian-out"),
                     help="output folder for summary.json, schedule.csv, baseline.csv, report.html "
                     "(default ./suandian-out)")
    _solver_argument(run)
    run.add_argument("--no-attribution", action="store_true",
                     help="skip the split of the gain among temporal and spatial shifting and storage "
                     "(7 more solves)")
    run.add_argument("--workers", type=int, default=1,
                     help="local Dask workers, one thread each, for the attribution's solves "
                     "(default 1: one after another)")
    _json_argument(run, "summary.json")
    run.set_defaults(handler=_run)

    plan = _add(commands, "plan", help="size wind, solar and batteries for a green-share target "
                               "(the scenario's [plan] table) together with their operation")
    plan.add_argument("scenario", type=Path, help="scenario TOML file with a [plan] table")
    plan.add_argument("--years", type=int, help="weather years to size on together (plan.years; "
                      "default the table's, else 1)")
    plan.add_argument("--workers", type=int, help="local Dask worker processes for the weather years' "
                      "operation subproblems (plan.method = \"benders\"; default: none, in this process)")
    plan.add_argument("--out", type=Path, default=Path("suandian-plan"),
                      help="output folder for plan.json, schedule.csv, report.html (default ./suandian-plan)")
    _solver_argument(plan)
    _json_argument(plan, "plan.json")
    plan.set_defaults(handler=_plan)

    operate = _add(commands, "operate", help="rolling operation: plan on forecasts, settle on the "
                                  "actual weather, compare with perfect foresight and the baseline")
    operate.add_argument("scenario", nargs="?", type=Path,
                         help="scenario TOML file; default: the bundled east-west example")
    operate.add_argument("--out", type=Path, default=Path("suandian-operate"),
                         help="output folder for summary.json, schedule.csv, forecast.csv, report.html "
                         "(default ./suandian-operate)")
    operate.add_argument("--issue-hour", type=int, default=12,
                         help="local hour of the daily forecast issue and of the re-plans (default 12)")
    operate.add_argument("--lookahead-hours", type=float,
                         help="length of each plan [h] (default: the longest deadline + --replan-hours)")
    operate.add_argument("--replan-hours", type=float, default=24.0,
                         help="time between re-plans, the committed part of each plan [h] (default 24)")
    operate.add_argument("--quantile", type=float,
                         help="plan on this quantile of the renewable forecast, e.g. 0.1 (default: point)")
    operate.add_argument("--forecast-seed", type=int, default=0,
                         help="seed of the offline forecast errors (default 0)")
    operate.add_argument("--forecast", action="append", metavar="[HUB=]FILE",
                         help=FORECAST_HELP)
    operate.add_argument("--deadline-buffer-hours", type=float, default=6.0,
                         help="plans see every deadline this much earlier, a margin for forecast error "
                         "[h] (default 6; 0: the true deadlines)")
    _solver_argument(operate)
    _json_argument(operate, "summary.json")
    operate.set_defaults(handler=_operate)
    _day_commands(commands)


FORECAST_HELP = ("forecast file of one hub (repeatable): a forecast CSV (issue_time, valid_time, weather or "
                 "solar_kw/wind_kw) or an Open-Meteo JSON; HUB= names the hub, else the file name must "
                 "contain it; hubs without a file get the offline forecasts")


def _day_commands(commands: argparse._SubParsersAction) -> None:
    """``dayahead`` and ``settle``: tomorrow's plan and the flexibility offer; settling a past day."""
    dayahead = _add(commands, "dayahead", help="tomorrow's plan per hub and hour (IT budgets per "
                                   "workload, battery, grid, green share, price) and the flexibility offer")
    dayahead.add_argument("scenario", nargs="?", type=Path,
                          help="scenario TOML file; default: the bundled east-west example")
    dayahead.add_argument("--date", required=True, help="local day to plan, YYYY-MM-DD")
    dayahead.add_argument("--state", type=Path, help="state.json at that midnight (written by `settle`); "
                          "default: batteries at their initial charge, no open work")
    dayahead.add_argument("--out", type=Path, default=Path("suandian-dayahead"),
                          help="output folder for plan.csv, plan.json, state.json "
                          "(default ./suandian-dayahead)")
    dayahead.add_argument("--issue-hour", type=int, default=12,
                          help="local hour of the previous day's forecast issue (default 12)")
    dayahead.add_argument("--forecast-seed", type=int, default=0, help="seed of the offline forecast errors")
    dayahead.add_argument("--deadline-buffer-hours", type=float, default=6.0,
                          help="plan every deadline this much earlier [h] (default 6)")
    dayahead.add_argument("--forecast", action="append", metavar="[HUB=]FILE", help=FORECAST_HELP)
    dayahead.add_argument("--json", action="store_true", help="print plan.json")
    _solver_argument(dayahead)
    dayahead.set_defaults(handler=_dayahead)
    settle = _add(commands, "settle", help="settle a planned day against what happened; the next state")
    settle.add_argument("state", type=Path, help="state.json written by `suandian dayahead`")
    settle.add_argument("--actuals", type=Path, required=True,
                        help="CSV of time (ISO with offset), hub, solar_kw, wind_kw for every step of "
                        "the day")
    settle.add_argument("--out", type=Path, default=Path("suandian-settle"),
                        help="output folder for settled.csv, state.json, summary.json "
                        "(default ./suandian-settle)")
    settle.add_argument("--json", action="store_true", help="print summary.json")
    settle.set_defaults(handler=_settle)


def _sweep_command(commands: argparse._SubParsersAction) -> None:
    """``sweep``: many variants of a scenario on Dask."""
    sweep = _add(commands, "sweep", help="solve variants of a scenario on Dask, one results table")
    sweep.add_argument("sweep", type=Path, help="sweep TOML file (base scenario, grid or points, report)")
    sweep.add_argument("--out", type=Path, default=Path("suandian-sweep"),
                       help="output folder: points/ (one record per finished point), results.parquet, "
                       "results.csv, report.html (default ./suandian-sweep); a rerun skips finished points")
    sweep.add_argument("--workers", type=int, help="local Dask workers, one thread each (default: CPU count)")
    sweep.add_argument("--scheduler", help="address of a running Dask scheduler (e.g. tls://host:8786) "
                       "instead of a local cluster; the scheduler and its workers run code with your "
                       "rights: connect only to a cluster you trust")
    sweep.add_argument("--tls-ca-file", type=Path, help="CA certificate (PEM) of the scheduler's TLS")
    sweep.add_argument("--tls-cert", type=Path, help="client certificate (PEM) for --scheduler")
    sweep.add_argument("--tls-key", type=Path, help="client private key (PEM) for --scheduler")
    sweep.add_argument("--retry-failed", action="store_true",
                       help="solve again the points recorded as failed (default: keep their errors)")
    _json_argument(sweep, "the results table (one record per point)")
    sweep.set_defaults(handler=_sweep)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``suandian`` command."""
    parser = argparse.ArgumentParser(
        prog="suandian",
        description="算电协同: co-schedule data-centre compute with wind and solar power.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    _weather_commands(commands)
    _study_commands(commands)
    _sweep_command(commands)
    schema = _add(commands, "schema", help="print a JSON Schema of the scenario file")
    schema.add_argument("--json", action="store_true", help="the schema is JSON already (accepted for "
                        "uniformity)")
    schema.set_defaults(handler=_schema)
    return parser


def _version() -> str:
    """The installed suandian version (``unknown`` when run from a source tree that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("suandian")
    except PackageNotFoundError:
        return "unknown"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C so that every clean-up runs (exit 143)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while a command runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``suandian`` command; return the process exit code.

    Ctrl-C exits 130 and SIGTERM 143, within a fraction of a second even during a solve
    (:mod:`engine.model.interrupt`), leaving the previous output folder as it was.
    """
    args = build_parser().parse_args(argv)
    with _sigterm_raises():
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command's handler; every failure becomes one line on stderr and an exit code."""
    try:
        code = args.handler(args)
    except ValueError as error:  # ScenarioError, WeatherInputError and other bad input
        print(f"suandian {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InfeasibleError, SolverError) as error:
        print(f"suandian {args.command}: {error}", file=sys.stderr)
        return EXIT_SOLVE_FAILED
    except BrokenPipeError:  # output piped into a reader that stopped early (e.g. `| head`)
        sys.stderr.close()
        return 0
    except OSError as error:  # a file that cannot be read or written
        print(f"suandian {args.command}: error: {_os_error(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as interrupt:
        terminated = isinstance(interrupt, Terminated)
        print(f"suandian {args.command}: {'terminated' if terminated else 'interrupted'}; the previous "
              "outputs are unchanged", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    return code or 0


def _os_error(error: OSError) -> str:
    """One line naming the file of an OS error and what went wrong."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return f"{reason}; check the disk and the paths given"
    return f"{str(error.filename)!r}: {reason}; check the path, its permissions and the free space"


if __name__ == "__main__":
    sys.exit(main())
