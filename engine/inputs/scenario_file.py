"""Read a scenario TOML file (or a dictionary with the same keys) into a validated :class:`Scenario`.

The keys (issue 3, the contract; MW in the file become kW in the Scenario)::

    name = "east-west"
    start = "2025-07-01 00:00"      # local time in `timezone` (no offset)
    hours = 336
    step_minutes = 60               # divides 60: 60, 30, 15, ...
    timezone = "Asia/Shanghai"      # an IANA name (or "UTC"); never a fixed offset like "+08:00"

    [objective]
    minimize = "cost"               # "cost" | "carbon" | "grid"
    carbon_price_cny_per_t = 0.0
    min_green_share = 0.0

    [hubs.zhongwei]                 # a catalogue hub (`suandian hubs`), or a custom hub (below)
    it_capacity_mw = 100            # required
    firm_it_mw = 20                 # default 0
    pue = 1.15                      # a number, or "weather"; default the catalogue PUE target
    solar_mw = 200                  # default 0
    wind_mw = 100                   # default 0
    tracking = false                # single-axis tracking PV; default false
    grid_import_mw = 150            # required
    weather = "typical"             # or a weather file path; default "typical"
    weather_seed = 0                # seed of the typical year; default 0
    calibrate_wind = false          # rescale station wind (<= 20 m) of a weather file to the hub's
                                    # documented 100 m resource; needed for a wind park on such a file
    weather_max_distance_km = 500   # a weather file's station farther from the hub is refused (beyond
                                    # 50 km it is noted); default 500
    profiles = "zhongwei.csv"       # optional series overrides
    forecast = "zhongwei_fc.csv"    # optional forecast file for `operate` and `dayahead` (below)
    grid_factor_kg_per_kwh = 0.6    # optional: replaces the catalogue's provincial factor
    flat_price_cny_per_kwh = 0.4    # optional: replaces the tariff's flat price (keeps its periods)

    [hubs.zhongwei.battery]
    energy_mwh = 200                # required
    power_mw = 50                   # required
    round_trip_efficiency = 0.9     # in (0, 1]
    initial_soc = 0.5               # in [0, 1]; the horizon ends at the same state of charge
    grid_charging = false

    [[workloads]]
    name = "ai-training"
    origin = "shanghai"
    arrival_it_mw = 80              # or a column `ai-training_it_kw` in the origin hub's profiles
    deadline_hours = 24
    hubs = ["shanghai", "zhongwei"] # default [origin]
    data_tb_per_mwh = 0.5           # default 0

    [[links]]
    from = "shanghai"
    to = "zhongwei"
    gbps = 100

A custom hub is a name that is not in the catalogue with ``lat``, ``lon`` and ``province``, plus
the facts the catalogue would give: ``grid_factor_kg_per_kwh`` [kgCO2/kWh] and
``flat_price_cny_per_kwh`` [CNY/kWh] (required: there is no default grid for an unknown place),
``pue`` (required), ``pue_target`` (required when ``pue = "weather"``), optional ``elevation_m``
(default 0) and ``tariff`` (a catalogue tariff key such as ``"ningxia"`` whose time-of-use periods
apply; default a flat price all day). A custom hub has no climatology, so parks or a weather PUE need
``weather = "<file>"`` (or ``solar_kw``/``wind_kw`` columns in its profiles).

Profiles: a CSV file (path relative to the scenario file) with a column ``time`` (ISO 8601 with its
UTC offset, one row per step, the scenario's steps exactly) and any of ``solar_kw``, ``wind_kw``,
``firm_it_kw``, ``carbon_g_per_kwh``, ``price_cny_per_kwh``, ``pue`` and ``<workload>_it_kw`` for the
workloads that originate at the hub.

Forecast: a forecast file of the hub (path relative to the scenario file): a forecast CSV or an
Open-Meteo JSON, read and checked against the hub and the scenario's step and dates at load
(:mod:`engine.inputs.forecast_files`, the files of ``suandian operate --forecast``); ``operate`` and
``dayahead`` plan on it instead of the offline forecast error model, and a ``--forecast`` file given for
the same hub replaces it.

Every problem of a file is reported at once, before any solve: one line each naming the key path (for
example ``hubs.zhongwei.battery.power_mw``), what was expected, what was given and the fix. A single
problem raises :class:`~engine.errors.ScenarioError` with its line; several raise
:class:`~engine.inputs.fields.ScenarioProblems`, a line ``"3 problems in scenario.toml:"`` followed by
one indented line per problem. A part that fails (a hub, a workload) is left out of the later checks
that need it, so one mistake is reported once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.citations import read_sources
from engine.inputs.deadlines import check_deadline_hours, cumulative_work, deadline_steps
from engine.inputs.economics import (
    HUB_ECONOMICS_KEYS,
    TRANSFER_KEYS,
    battery_wear,
    hub_economics,
    read_transfer,
)
from engine.inputs.fields import (
    Problems,
    boolean,
    check_keys,
    integer,
    list_of_tables,
    number,
    required,
    string,
    table,
    unknown_keys,
)
from engine.inputs.forecast_files import check_forecast_file
from engine.inputs.hub_series import TYPICAL, WEATHER_PUE, hub_series
from engine.inputs.keypath import SOURCES_KEY, apply_overrides
from engine.inputs.limits import check_problem_size, read_toml
from engine.inputs.plan_settings import COST_KEYS, PLAN_HUB_KEYS, PLAN_KEYS, read_plan
from engine.inputs.plausibility import KEY_HIGH, PUE, check_column
from engine.inputs.scenario import (
    BATTERY_DEFAULTS,
    HUB_SERIES,
    Battery,
    HubInputs,
    Link,
    Objective,
    Scenario,
    Workload,
    check_hub_name,
    check_workload_name,
    scenario_problems,
)
from engine.inputs.times import check_timezone, local_label, parse_offset_times
from weather.catalogue import Hub, Tariff, TariffSeason, load_catalogue
from weather.geo import MAX_DISTANCE_KM

TOP_KEYS = ("name", "start", "hours", "step_minutes", "timezone", "objective", "hubs", "workloads", "links",
            "plan", "transfer", SOURCES_KEY)
"""Top-level keys; ``plan`` (capacity sizing) is read by :func:`engine.inputs.plan_settings.read_plan`,
``sources`` (where the file's numbers come from) by :func:`engine.inputs.citations.read_sources`."""
OBJECTIVE_KEYS = ("minimize", "carbon_price_cny_per_t", "min_green_share")
HUB_KEYS = ("it_capacity_mw", "firm_it_mw", "pue", "solar_mw", "wind_mw", "tracking", "grid_import_mw",
            "weather", "weather_seed", "calibrate_wind", "weather_max_distance_km", "profiles", "forecast",
            "battery", "grid_factor_kg_per_kwh", "flat_price_cny_per_kwh", *HUB_ECONOMICS_KEYS)
CUSTOM_HUB_KEYS = ("lat", "lon", "province", "elevation_m", "pue_target", "tariff")
BATTERY_KEYS = ("energy_mwh", "power_mw", "round_trip_efficiency", "initial_soc", "grid_charging",
                "wear_cny_per_mwh")
WORKLOAD_KEYS = ("name", "origin", "arrival_it_mw", "deadline_hours", "hubs", "data_tb_per_mwh")
LINK_KEYS = ("from", "to", "gbps")
TABLE_KEYS = {(): TOP_KEYS, ("objective",): OBJECTIVE_KEYS, ("hubs", "*"): HUB_KEYS + CUSTOM_HUB_KEYS,
              ("hubs", "*", "battery"): BATTERY_KEYS, ("workloads", "*"): WORKLOAD_KEYS,
              ("links", "*"): LINK_KEYS, ("plan",): PLAN_KEYS, ("plan", "hubs", "*"): PLAN_HUB_KEYS,
              ("plan", "costs"): COST_KEYS, ("transfer",): TRANSFER_KEYS}
"""The keys each table of the file accepts, by table pattern (:func:`engine.inputs.keypath.check_key`)."""
DEFAULT_TIMEZONE = "Asia/Shanghai"
KW_PER_MW = 1000.0
_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")



def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """Read and validate a scenario TOML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file; relative paths inside it (weather, profiles) are read from its folder.
    **overrides
        Values that replace keys of the file before validation, by key path (the sweeps' language,
        :mod:`engine.inputs.keypath`), e.g.
        ``load_scenario(p, hours=48, **{"hubs.zhongwei.battery.energy_mwh": 300,
        "workloads[name=batch].deadline_hours": 12})``. Missing tables on the path are created.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or any key is invalid (every problem of the file).
    """
    path = Path(path)
    try:
        raw = read_toml(path, "scenario")  # size and nesting limits (engine.inputs.limits)
    except FileNotFoundError:
        raise ScenarioError(f"scenario: file {str(path)!r} not found. Fix: check the path.") from None
    raw.setdefault("name", path.stem)
    raw = apply_overrides(raw, overrides, create_tables=True, label="override")
    return scenario_from_dict(raw, base_dir=path.resolve().parent, source=path.name)


def scenario_from_dict(raw: Mapping[str, Any], base_dir: Path | str = ".",
                       source: str = "the scenario") -> Scenario:
    """Validate a scenario dictionary (the TOML keys) and build the :class:`Scenario`.

    Parameters
    ----------
    raw : mapping
        The scenario keys as :func:`tomllib.loads` would give them.
    base_dir : pathlib.Path or str
        Folder that relative weather and profile paths are read from.
    source : str
        What ``raw`` was read from (the file's name), for the count line of several problems.

    Returns
    -------
    Scenario
        Series resolved on the UTC step index, power in kW, energy in kWh.

    Raises
    ------
    ScenarioError
        Naming every invalid key, what was expected, what was given and the fix (one line each).
    """
    base_dir = Path(base_dir)
    raw = table(raw, "scenario")
    check_problem_size(raw)  # before the index or any series is allocated
    problems = Problems(source)
    for message in unknown_keys(raw, TOP_KEYS, ""):
        problems.add(message)
    name = problems.attempt(partial(string, raw.get("name", "scenario"), "name"))
    timezone, step, index = _read_index(raw, problems)
    objective = problems.attempt(partial(_objective, raw.get("objective", {})))
    hubs_raw = problems.attempt(partial(_hubs_table, raw)) or {}
    workloads_raw = problems.attempt(partial(list_of_tables, raw.get("workloads", []), "workloads")) or []
    origins = _workload_names(workloads_raw, hubs_raw, problems)
    hubs, profiles = _read_hubs(hubs_raw, origins, index, step, base_dir, problems)
    workloads = _read_workloads(workloads_raw, origins, hubs_raw, profiles, index, step, problems)
    links = problems.attempt(partial(_links, raw.get("links", []), hubs_raw))
    transfer = problems.attempt(partial(read_transfer, raw.get("transfer", {})))
    if SOURCES_KEY in raw:
        raw[SOURCES_KEY] = problems.attempt(partial(read_sources, raw[SOURCES_KEY], raw))
    plan = None
    if "plan" in raw:
        share = objective.min_green_share if objective is not None else 0.0
        written_share = raw.get("objective", {}).get("min_green_share") if objective is not None else None
        plan = read_plan(raw["plan"], tuple(hubs_raw), share, written_share, problems)
    problems.raise_any()
    scenario = problems.attempt(partial(
        Scenario, name=name, index=index, step_hours=step / pd.Timedelta(hours=1), timezone=timezone,
        objective=objective, hubs=hubs, workloads=workloads, links=links, settings=_json_ready(raw),
        plan=plan, transfer=transfer))
    if scenario is not None:
        for message in deadline_problems(scenario):
            problems.add(message)
        for name, hub in scenario.hubs.items():
            if hub.forecast_file is not None:
                problems.attempt(partial(check_forecast_file, hub.forecast_file, name, scenario))
    problems.raise_any()
    return scenario


def validate_scenario(scenario: Scenario) -> None:
    """Check a Scenario again, with the reader's per-workload deadline check as well.

    A Scenario checks itself when it is built (:func:`engine.inputs.scenario.scenario_problems`); this
    adds :func:`deadline_problems`, which the model's pre-check repeats for workloads together.

    Raises
    ------
    ScenarioError
        Naming every broken rule and its fix.
    """
    problems = Problems(f"scenario {scenario.name!r}")
    for message in scenario_problems(scenario) + deadline_problems(scenario):
        problems.add(message)
    problems.raise_any()


def _read_index(raw: Mapping[str, Any], problems: Problems
                ) -> tuple[str | None, pd.Timedelta | None, pd.DatetimeIndex | None]:
    """The time zone, the step and the UTC step index (None for what cannot be read)."""
    timezone = problems.attempt(partial(check_timezone, raw.get("timezone", DEFAULT_TIMEZONE)))
    step_minutes = problems.attempt(partial(_step_minutes, raw.get("step_minutes", 60)))
    hours = problems.attempt(partial(_hours, raw))
    start = problems.attempt(partial(required, raw, "start", ""))
    step = None if step_minutes is None else pd.Timedelta(minutes=step_minutes)
    if timezone is None or step is None or hours is None or start is None:
        return timezone, step, None
    return timezone, step, problems.attempt(partial(scenario_index, start, timezone, hours, step))


def _step_minutes(value: Any) -> int:
    step_minutes = integer(value, "step_minutes")
    if step_minutes <= 0 or 60 % step_minutes:
        raise ScenarioError(f"step_minutes: expected a positive divisor of 60 (60, 30, 20, 15, 10, 5, ...), "
                            f"got {step_minutes}. Fix: use 60 or 15.")
    return step_minutes


def _hours(raw: Mapping[str, Any]) -> int:
    hours = integer(required(raw, "hours", ""), "hours")
    if hours <= 0:
        raise ScenarioError(f"hours: expected a positive number of hours, got {hours}. "
                            "Fix: e.g. hours = 168.")
    return hours


def _hubs_table(raw: Mapping[str, Any]) -> dict:
    hubs_raw = table(required(raw, "hubs", ""), "hubs")
    if not hubs_raw:
        raise ScenarioError("hubs: expected at least one [hubs.<name>] table, got none. "
                            "Fix: add e.g. [hubs.zhongwei] with it_capacity_mw and grid_import_mw.")
    return hubs_raw


def scenario_index(start: Any, timezone: str, hours: int, step: pd.Timedelta) -> pd.DatetimeIndex:
    """The regular UTC index of step starts for a local ``start`` in ``timezone``.

    Parameters
    ----------
    start : str or datetime.datetime
        Local wall-clock time without offset, e.g. ``"2025-07-01 00:00"``.
    timezone : str
        IANA zone of ``start``.
    hours : int
        Horizon length [h].
    step : pandas.Timedelta
        Step length (divides one hour).
    """
    naive = _naive_timestamp(start)
    if naive is None:
        raise ScenarioError(
            f"start: expected a local time in `timezone` without offset, like \"2025-07-01 00:00\", got "
            f"{start!r}. Fix: write the wall-clock time and set timezone = \"{timezone}\".")
    if naive != naive.floor(step):
        raise ScenarioError(f"start: expected a time on the step grid ({step.seconds // 60} min), got "
                            f"{start!r}. Fix: start on a whole step, e.g. "
                            f"{naive.floor(step):%Y-%m-%d %H:%M}.")
    try:
        local = naive.tz_localize(timezone, nonexistent="raise", ambiguous="raise")
    except ValueError as error:  # pandas' NonExistentTimeError and AmbiguousTimeError
        raise ScenarioError(f"start: {start!r} does not exist or is ambiguous in {timezone} ({error}). "
                            "Fix: pick a time outside the daylight-saving change.") from None
    periods = int(round(hours * pd.Timedelta(hours=1) / step))
    return pd.date_range(local.tz_convert("UTC"), periods=periods, freq=step, name="time")


def _naive_timestamp(start: Any) -> pd.Timestamp | None:
    """``start`` as a naive Timestamp, or None when it is not a naive date-time."""
    if isinstance(start, dt.datetime):
        return None if start.tzinfo is not None else pd.Timestamp(start)
    if not isinstance(start, str) or not _LOCAL_TIME.match(start.strip()):
        return None
    try:
        stamp = pd.Timestamp(start)
    except ValueError:
        return None
    return None if pd.isna(stamp) or stamp.tzinfo is not None else stamp


def _path(value: Any, key: str, base_dir: Path) -> Path:
    path = base_dir / string(value, key)
    if not path.is_file():
        raise ScenarioError(f"{key}: file {str(path)!r} not found (paths are relative to the scenario "
                            f"file). Fix: correct the path.")
    return path


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------

def _objective(value: Any) -> Objective:
    raw = table(value, "objective")
    check_keys(raw, OBJECTIVE_KEYS, "objective.")
    return Objective(
        minimize=raw.get("minimize", "cost"),
        carbon_price_cny_per_t=number(raw.get("carbon_price_cny_per_t", 0.0),
                                      "objective.carbon_price_cny_per_t", unit=" [CNY/tCO2]"),
        min_green_share=number(raw.get("min_green_share", 0.0), "objective.min_green_share", high=1.0,
                               unit=" (a fraction)"))


@dataclass(frozen=True)
class _HubFields:
    """The checked scalar keys of one ``[hubs.<name>]`` table, in kW."""

    hub: Hub
    it_capacity_kw: float
    grid_import_kw: float
    firm_it_kw: float
    solar_kw: float
    wind_kw: float
    tracking: bool
    pue: float | str | None
    weather: Path | str
    weather_seed: int
    calibrate_wind: bool
    weather_max_distance_km: float
    battery: Battery | None
    profiles: Path | None
    economics: dict | None = None
    forecast: Path | None = None


def _read_hubs(hubs_raw: Mapping[str, Any], origins: Mapping[str, str], index: pd.DatetimeIndex | None,
               step: pd.Timedelta | None, base_dir: Path, problems: Problems
               ) -> tuple[dict[str, HubInputs], dict[str, pd.DataFrame | None]]:
    """Every hub that reads without a problem, and its profiles (series only once the index is known)."""
    hubs, profiles = {}, {}
    for name, value in hubs_raw.items():
        fields = problems.attempt(partial(_hub_fields, name, value, base_dir))
        if fields is None or index is None:
            continue
        here = [workload for workload, origin in origins.items() if origin == name]
        built = problems.attempt(partial(_hub, name, fields, index, step, here))
        if built is not None:
            hubs[name], profiles[name] = built
    return hubs, profiles


def _megawatts(raw: Mapping[str, Any], name: str, key: str, default: float | None = None,
               unit: str = " [MW]", high: float = KEY_HIGH["power_mw"]) -> float:
    """A power or capacity key [MW] in [0, ``high``], in kW (required when there is no ``default``)."""
    value = required(raw, name, f"{key}.") if default is None else raw.get(name, default)
    return number(value, f"{key}.{name}", high=high, unit=unit) * KW_PER_MW


def _hub_fields(name: str, value: Any, base_dir: Path) -> _HubFields:
    """Check every scalar key of a hub table, raising all of their problems together."""
    key = f"hubs.{name}"
    raw = table(value, key)
    problems = Problems()
    attempt = problems.attempt
    checked = {
        "hub": attempt(partial(_catalogue_or_custom_hub, name, raw, key)),
        "it_capacity_kw": attempt(partial(_megawatts, raw, "it_capacity_mw", key)),
        "grid_import_kw": attempt(partial(_megawatts, raw, "grid_import_mw", key)),
        "firm_it_kw": attempt(partial(_megawatts, raw, "firm_it_mw", key, 0.0)),
        "solar_kw": attempt(partial(_megawatts, raw, "solar_mw", key, 0.0)),
        "wind_kw": attempt(partial(_megawatts, raw, "wind_mw", key, 0.0)),
        "tracking": attempt(partial(boolean, raw.get("tracking", False), f"{key}.tracking")),
        "pue": attempt(partial(_pue, raw.get("pue"), key)),
        "weather": attempt(partial(_weather, raw.get("weather", TYPICAL), key, base_dir)),
        "weather_seed": attempt(partial(_weather_seed, raw.get("weather_seed", 0), key)),
        "calibrate_wind": attempt(partial(boolean, raw.get("calibrate_wind", False),
                                          f"{key}.calibrate_wind")),
        "weather_max_distance_km": attempt(partial(
            number, raw.get("weather_max_distance_km", MAX_DISTANCE_KM), f"{key}.weather_max_distance_km",
            low_open=True, unit=" [km]")),
        "battery": attempt(partial(_battery, raw["battery"], f"{key}.battery")) if "battery" in raw else None,
        "profiles": (attempt(partial(_path, raw["profiles"], f"{key}.profiles", base_dir))
                     if "profiles" in raw else None),
        "forecast": (attempt(partial(_path, raw["forecast"], f"{key}.forecast", base_dir))
                     if "forecast" in raw else None),
    }
    if checked["hub"] is not None:
        checked["economics"] = attempt(partial(hub_economics, raw, key, checked["hub"],
                                               checked["grid_import_kw"]))
    problems.raise_any()
    return _HubFields(**checked)


def _pue(pue: Any, key: str) -> float | str | None:
    """A fixed PUE in [1, 3], ``"weather"`` or None (the catalogue target)."""
    if pue is None or pue == WEATHER_PUE:
        return pue
    if isinstance(pue, str):
        raise ScenarioError(f"{key}.pue: expected a number >= 1 or \"weather\", got {pue!r}. "
                            "Fix: pue = 1.2 or pue = \"weather\".")
    return number(pue, f"{key}.pue", low=PUE.low, high=PUE.high)


def _weather(value: Any, key: str, base_dir: Path) -> Path | str:
    return TYPICAL if value == TYPICAL else _path(value, f"{key}.weather", base_dir)


def _weather_seed(value: Any, key: str) -> int:
    seed = integer(value, f"{key}.weather_seed")
    if seed < 0:
        raise ScenarioError(f"{key}.weather_seed: expected a non-negative integer, got {seed}. "
                            "Fix: weather_seed = 0.")
    return seed


def _catalogue_or_custom_hub(name: str, raw: dict, key: str) -> Hub:
    catalogue = load_catalogue()
    if name in catalogue:
        check_keys(raw, HUB_KEYS, f"{key}.")
        hub = catalogue[name]
    else:
        if "lat" not in raw and "lon" not in raw:
            close = difflib.get_close_matches(name, list(catalogue), n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            raise ScenarioError(
                f"{key}: unknown hub {name!r}; {hint}Fix: use a catalogue name (`suandian hubs`: "
                f"{', '.join(catalogue)}), or define a custom hub with lat, lon, province, "
                "grid_factor_kg_per_kwh, flat_price_cny_per_kwh and pue.")
        check_keys(raw, HUB_KEYS + CUSTOM_HUB_KEYS, f"{key}.")
        hub = _custom_hub(name, raw, key)
    if "grid_factor_kg_per_kwh" in raw:
        factor = number(raw["grid_factor_kg_per_kwh"], f"{key}.grid_factor_kg_per_kwh",
                        high=KEY_HIGH["grid_factor_kg_per_kwh"], unit=" [kgCO2/kWh]")
        hub = dataclasses.replace(hub, grid_factor_kg_per_kwh=factor, grid_factor_source="scenario file")
    if "flat_price_cny_per_kwh" in raw:
        tariff = dataclasses.replace(
            hub.tariff, flat_price_cny_per_kwh=number(raw["flat_price_cny_per_kwh"],
                                                       f"{key}.flat_price_cny_per_kwh",
                                                       high=KEY_HIGH["flat_price_cny_per_kwh"],
                                                       unit=" [CNY/kWh]"),
            flat_price_source="scenario file")
        hub = dataclasses.replace(hub, tariff=tariff)
    return hub


def _custom_hub(name: str, raw: dict, key: str) -> Hub:
    """A hub outside the catalogue from the scenario's own facts."""
    for needed in ("lat", "lon", "province", "grid_factor_kg_per_kwh", "flat_price_cny_per_kwh", "pue"):
        if needed not in raw:
            raise ScenarioError(
                f"{key}.{needed}: required for a custom hub ({name!r} is not in the catalogue, so there "
                f"is no default). Fix: add {needed} = ... (grid factor in kgCO2/kWh, flat price in CNY/kWh).")
    pue = raw["pue"]
    if pue == WEATHER_PUE:
        pue_target = number(required(raw, "pue_target", f"{key}."), f"{key}.pue_target", low=PUE.low,
                             high=PUE.high)
    else:
        pue_target = number(pue, f"{key}.pue", low=PUE.low, high=PUE.high)
    tariff_key = raw.get("tariff")
    tariffs = {hub.tariff.key: hub.tariff for hub in load_catalogue().values()}
    if tariff_key is None:
        tariff = Tariff(key="flat", source="scenario file: flat price all day", flat_price_cny_per_kwh=0.0,
                        flat_price_source="scenario file",
                        seasons=(TariffSeason(months=tuple(range(1, 13))),))
    elif tariff_key in tariffs:
        tariff = tariffs[tariff_key]
    else:
        close = difflib.get_close_matches(str(tariff_key), list(tariffs), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"{key}.tariff: unknown tariff {tariff_key!r}{hint}; expected one of "
                            f"{', '.join(tariffs)}. Fix: correct it or remove it for a flat price.")
    return Hub(
        name=name, name_zh=name, province=string(raw["province"], f"{key}.province"), role="custom",
        lat=number(raw["lat"], f"{key}.lat", low=-90.0, high=90.0, unit=" [deg]"),
        lon=number(raw["lon"], f"{key}.lon", low=-180.0, high=180.0, unit=" [deg]"),
        elevation_m=number(raw.get("elevation_m", 0.0), f"{key}.elevation_m", low=-500.0, high=9000.0,
                            unit=" [m]"),
        timezone=DEFAULT_TIMEZONE, grid_factor_kg_per_kwh=0.0, grid_factor_year=0,
        grid_factor_source="scenario file", tariff=tariff, pue_target=pue_target, cswd_file="",
        climate_source="none (custom hub)", ghi_monthly_kwh_m2=(), temp_monthly_c=(),
        wind_speed_100m_ms=math.nan, wind_weibull_k=math.nan)


def _hub(name: str, fields: _HubFields, index: pd.DatetimeIndex, step: pd.Timedelta,
         workloads_here: list[str]) -> tuple[HubInputs, pd.DataFrame | None]:
    """The hub's series on the scenario index, from its weather, the catalogue and its profiles."""
    key = f"hubs.{name}"
    profiles = None
    if fields.profiles is not None:
        allowed = tuple(HUB_SERIES) + tuple(f"{w}_it_kw" for w in workloads_here)
        profiles = read_profiles(fields.profiles, index, allowed, f"{key}.profiles")
    hub_profiles = None if profiles is None else profiles[[c for c in profiles if c in HUB_SERIES]]
    if fields.hub.role == "custom" and fields.weather == TYPICAL:
        missing_power = [c for c, size in (("solar_kw", fields.solar_kw), ("wind_kw", fields.wind_kw))
                         if size > 0 and (hub_profiles is None or c not in hub_profiles)]
        weather_pue = fields.pue == WEATHER_PUE and (hub_profiles is None or "pue" not in hub_profiles)
        if missing_power or weather_pue:
            raise ScenarioError(
                f"{key}.weather: a custom hub has no catalogue climatology for a typical year, but its "
                f"{'parks' if missing_power else 'weather PUE'} need weather. Fix: set "
                f"{key}.weather = \"<weather file>\" or give the series in its profiles.")
    series = hub_series(fields.hub, index, step, key=key, solar_kw=fields.solar_kw, wind_kw=fields.wind_kw,
                        tracking=fields.tracking, firm_it_kw=fields.firm_it_kw, pue=fields.pue,
                        weather=fields.weather, weather_seed=fields.weather_seed,
                        calibrate_wind=fields.calibrate_wind,
                        weather_max_distance_km=fields.weather_max_distance_km, profiles=hub_profiles)
    return HubInputs(name=name, it_capacity_kw=fields.it_capacity_kw, grid_import_kw=fields.grid_import_kw,
                     series=series, battery=fields.battery, solar_kw_nameplate=fields.solar_kw,
                     wind_kw_nameplate=fields.wind_kw, weather=str(fields.weather), tracking=fields.tracking,
                     weather_seed=fields.weather_seed, calibrate_wind=fields.calibrate_wind,
                     weather_notes=tuple(series.attrs.get("weather_notes", ())),
                     forecast_file=fields.forecast, **(fields.economics or {})), profiles


def _battery(value: Any, key: str) -> Battery:
    """A ``[hubs.<name>.battery]`` table; optional keys default to :data:`BATTERY_DEFAULTS`."""
    raw = table(value, key)
    problems = Problems()
    for message in unknown_keys(raw, BATTERY_KEYS, f"{key}."):
        problems.add(message)
    checked = {
        "energy_kwh": problems.attempt(partial(_megawatts, raw, "energy_mwh", key, unit=" [MWh]",
                                                    high=KEY_HIGH["energy_mwh"])),
        "power_kw": problems.attempt(partial(_megawatts, raw, "power_mw", key)),
        "round_trip_efficiency": problems.attempt(partial(
            number, raw.get("round_trip_efficiency", BATTERY_DEFAULTS["round_trip_efficiency"]),
            f"{key}.round_trip_efficiency", high=1.0, low_open=True, unit=" (a fraction)")),
        "initial_soc": problems.attempt(partial(
            number, raw.get("initial_soc", BATTERY_DEFAULTS["initial_soc"]), f"{key}.initial_soc", high=1.0,
            unit=" (a fraction)")),
        "grid_charging": problems.attempt(partial(
            boolean, raw.get("grid_charging", BATTERY_DEFAULTS["grid_charging"]), f"{key}.grid_charging")),
        "wear_cny_per_mwh": problems.attempt(partial(battery_wear, raw, key)),
    }
    problems.raise_any()
    return Battery(**checked)


def read_profiles(path: Path, index: pd.DatetimeIndex, allowed: tuple[str, ...], key: str) -> pd.DataFrame:
    """Read a profiles CSV and check it against the scenario's steps.

    Parameters
    ----------
    path : pathlib.Path
        CSV with a column ``time`` (ISO 8601 with UTC offset, one row per step) and series columns.
    index : pandas.DatetimeIndex
        The scenario's UTC step index; the file's times must equal it.
    allowed : tuple of str
        Column names allowed besides ``time``.
    key : str
        Key path of the profiles setting, for error messages.

    Returns
    -------
    pandas.DataFrame
        The series columns on ``index``, as floats.
    """
    try:
        frame = pd.read_csv(path, dtype={"time": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{key}: {str(path)!r} is not a readable CSV ({type(error).__name__}). "
                            "Fix the file.") from None
    if "time" not in frame:
        raise ScenarioError(f"{key}: expected a column `time` (ISO 8601 with offset) in {path.name}, got "
                            f"{len(frame.columns)} columns, none named time. Fix: add it.")
    for position, column in enumerate(frame.columns):  # names are file content: shown only when allowed
        if column != "time" and column not in allowed:
            close = difflib.get_close_matches(str(column), allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ScenarioError(f"{key}: column {position + 1} of {path.name} has a name that is not "
                                f"allowed; {hint}expected any of {', '.join(allowed)}. Fix: rename or remove "
                                "the column.")
    if len(frame) != len(index):
        raise ScenarioError(f"{key}: expected {len(index)} rows (one per step of the scenario), got "
                            f"{len(frame)} in {path.name}. Fix: give exactly the scenario's steps.")
    times = parse_offset_times(frame["time"], key, path.name)
    wrong = times != index
    if wrong.any():
        row = int(np.argmax(wrong))
        raise ScenarioError(f"{key}: row {row} of {path.name} is at {times[row]} (UTC), expected the "
                            f"scenario step {index[row]} (UTC). Fix: align the file with start, step_minutes "
                            "and timezone (a wrong UTC offset shifts every row).")
    values = frame.drop(columns="time")
    for column in values:
        numeric = pd.to_numeric(values[column], errors="coerce")
        if (numeric.isna() & values[column].notna()).any():
            row = int(np.argmax((numeric.isna() & values[column].notna()).to_numpy()))
            raise ScenarioError(f"{key}: expected numbers in column {column!r} of {path.name}, got text at "
                                f"row {row}. Fix the value.")
        values[column] = numeric.astype(float)
        check_column(values[column].to_numpy(), column, key, path.name)
    values.index = index
    return values


def _workload_names(workloads: list[dict], hubs: Mapping[str, Any], problems: Problems) -> dict[str, str]:
    """Workload name -> origin of every workload with a unique name and an origin among the hubs."""
    names: dict[str, str] = {}
    for i, raw in enumerate(workloads):
        key = f"workloads[{i}]"
        for message in unknown_keys(raw, WORKLOAD_KEYS, f"{key}."):
            problems.add(message)
        name = problems.attempt(partial(_workload_name, raw, key, names))
        origin = problems.attempt(partial(_workload_origin, raw, key, hubs))
        if name is not None and origin is not None:
            names[name] = origin
    return names


def _workload_origin(raw: Mapping[str, Any], key: str, hubs: Mapping[str, Any]) -> str:
    origin = string(required(raw, "origin", f"{key}."), f"{key}.origin")
    check_hub_name(origin, hubs, f"{key}.origin")
    return origin


def _workload_name(raw: Mapping[str, Any], key: str, names: Mapping[str, str]) -> str:
    name = check_workload_name(required(raw, "name", f"{key}."), f"{key}.name")
    if name in names:
        raise ScenarioError(f"{key}.name: duplicate workload name {name!r}. Fix: give each workload its "
                            "own name (it names the `<name>_it_kw` columns).")
    return name


def _read_workloads(workloads_raw: list[dict], origins: Mapping[str, str], hubs_raw: Mapping[str, Any],
                    profiles: Mapping[str, pd.DataFrame | None], index: pd.DatetimeIndex | None,
                    step: pd.Timedelta | None, problems: Problems) -> tuple[Workload, ...]:
    """The workloads; arrivals only for those whose name, origin hub and scenario index are readable."""
    workloads = []
    for i, raw in enumerate(workloads_raw):
        fields = problems.attempt(partial(_workload_fields, i, raw, hubs_raw, step))
        name = raw.get("name")
        ready = (fields is not None and index is not None and isinstance(name, str) and name in origins
                 and origins[name] in profiles)
        if not ready:
            continue
        arrival = problems.attempt(partial(_arrivals, i, raw, profiles[origins[name]], index))
        if arrival is not None:
            workloads.append(Workload(name=name, origin=origins[name], arrival_it_kw=arrival, **fields))
    return tuple(workloads)


def _workload_fields(i: int, raw: Mapping[str, Any], hubs: Mapping[str, Any],
                     step: pd.Timedelta | None) -> dict[str, Any]:
    """Deadline, allowed hubs and data volume of ``workloads[i]``, raising all of their problems."""
    key = f"workloads[{i}]"
    problems = Problems()
    deadline = problems.attempt(partial(_deadline, raw, key, step))
    allowed = raw.get("hubs", [raw.get("origin")])
    if not isinstance(allowed, list) or not allowed:
        problems.add(f"{key}.hubs: expected a non-empty list of hub names, got {allowed!r}. "
                     f"Fix: hubs = [\"{raw.get('origin')}\"].")
        allowed = []
    elif "hubs" in raw:
        for hub_name in allowed:
            problems.attempt(partial(check_hub_name, hub_name, hubs, f"{key}.hubs"))
        if len(set(map(str, allowed))) != len(allowed):
            problems.add(f"{key}.hubs: hub listed twice in {allowed!r}. Fix: list each hub once.")
        if raw.get("origin") not in allowed:  # the work arrives there: as usual runs it there first
            problems.add(f"{key}.hubs: expected the origin {raw.get('origin')!r} among the allowed hubs, "
                         f"got {allowed!r}. Fix: add it (the baseline runs work where it arrives).")
    data = problems.attempt(partial(number, raw.get("data_tb_per_mwh", 0.0), f"{key}.data_tb_per_mwh",
                                    unit=" [TB/MWh]"))
    problems.raise_any()
    return {"deadline_hours": deadline, "hubs": tuple(allowed), "data_tb_per_mwh": data}


def _deadline(raw: Mapping[str, Any], key: str, step: pd.Timedelta | None) -> float:
    deadline = number(required(raw, "deadline_hours", f"{key}."), f"{key}.deadline_hours", low_open=True,
                      unit=" [h]")
    if step is not None:
        check_deadline_hours(deadline, step / pd.Timedelta(hours=1), f"{key}.deadline_hours")
    return deadline


def _arrivals(i: int, raw: Mapping[str, Any], origin_profiles: pd.DataFrame | None,
              index: pd.DatetimeIndex) -> pd.Series:
    """Arrivals [kW] of ``workloads[i]``: ``arrival_it_mw`` or the origin's ``<name>_it_kw`` profile."""
    key = f"workloads[{i}]"
    name, origin = raw["name"], raw["origin"]
    column = f"{name}_it_kw"
    in_profiles = origin_profiles is not None and column in origin_profiles
    if "arrival_it_mw" in raw and in_profiles:
        raise ScenarioError(f"{key}.arrival_it_mw: workload {name!r} has both arrival_it_mw and a column "
                            f"{column!r} in hubs.{origin}.profiles. Fix: keep one of them.")
    if "arrival_it_mw" in raw:
        rate = number(raw["arrival_it_mw"], f"{key}.arrival_it_mw", high=KEY_HIGH["power_mw"],
                      unit=" [MW]") * KW_PER_MW
        return pd.Series(rate, index=index, name=column)
    if in_profiles:
        return origin_profiles[column].rename(column)
    raise ScenarioError(f"{key}.arrival_it_mw: workload {name!r} has no arrivals. Fix: set arrival_it_mw "
                        f"or add a column {column!r} to hubs.{origin}.profiles.")


def _links(value: Any, hubs: Mapping[str, Any]) -> tuple[Link, ...]:
    """The ``[[links]]`` between hubs of the scenario, raising the problems of every link together."""
    links = []
    seen = set()
    problems = Problems()
    for i, raw in enumerate(list_of_tables(value, "links")):
        key = f"links[{i}]"
        for message in unknown_keys(raw, LINK_KEYS, f"{key}."):
            problems.add(message)
        ends = [problems.attempt(partial(_link_end, raw, end, hubs, key)) for end in ("from", "to")]
        gbps = problems.attempt(partial(_link_gbps, raw, key))
        if None in ends or gbps is None:
            continue
        if ends[0] == ends[1]:
            problems.add(f"{key}.to: a link from {ends[0]!r} to itself. Fix: link two different hubs.")
        elif tuple(ends) in seen:
            problems.add(f"{key}: a second link {ends[0]} -> {ends[1]}. Fix: merge them into one with the "
                         "summed gbps.")
        else:
            seen.add(tuple(ends))
            links.append(Link(from_hub=ends[0], to_hub=ends[1], gbps=gbps))
    problems.raise_any()
    return tuple(links)


def _link_gbps(raw: Mapping[str, Any], key: str) -> float:
    return number(required(raw, "gbps", f"{key}."), f"{key}.gbps", unit=" [Gbit/s]")


def _link_end(raw: Mapping[str, Any], end: str, hubs: Mapping[str, Any], key: str) -> str:
    name = required(raw, end, f"{key}.")
    check_hub_name(name, hubs, f"{key}.{end}")
    return name


def deadline_problems(scenario: Scenario) -> list[str]:
    """Each workload alone must fit in the spare IT capacity of its hubs by each deadline.

    With arrivals ``a_s`` and deadline ``D`` steps, the work due by the end of step ``t`` is
    ``sum_{s <= t - D + 1} a_s`` (all of it at the last step, windows being clipped at the horizon's
    end); it cannot exceed the spare capacity ``sum_{s <= t} sum_h (it_capacity_h - firm_h,s)`` of the
    allowed hubs. A necessary condition only: the model checks workloads together.

    Returns
    -------
    list of str
        One message per workload that cannot meet its deadline.
    """
    messages = []
    step_hours, hubs = scenario.step_hours, scenario.hubs
    for i, workload in enumerate(scenario.workloads):
        spare = sum(hubs[h].it_capacity_kw - hubs[h].series["firm_it_kw"].to_numpy() for h in workload.hubs)
        arrivals = workload.arrival_it_kw.to_numpy()
        _, due = cumulative_work(arrivals, deadline_steps(workload.deadline_hours, step_hours), 1.0)
        short = due - np.cumsum(spare) > 1e-6 * max(1.0, arrivals.sum())
        if short.any():
            t = int(np.argmax(short))
            when = local_label(workload.arrival_it_kw.index[t], scenario.timezone)
            due_mwh = due[t] * step_hours / KW_PER_MW
            spare_mwh = np.cumsum(spare)[t] * step_hours / KW_PER_MW
            messages.append(
                f"workloads[{i}].arrival_it_mw: workload {workload.name!r} can never meet its deadline: "
                f"{due_mwh:.4g} MWh of work is due by the end of the step starting {when} but its hubs "
                f"({', '.join(workload.hubs)}) have only {spare_mwh:.4g} MWh of spare IT capacity "
                "(it_capacity - firm) by then. Fix: lower the arrivals, lengthen deadline_hours, allow more "
                "hubs or raise it_capacity_mw.")
    return messages


def _json_ready(value: Any) -> Any:
    """The scenario as written, with dates as ISO strings (for ``summary.json``)."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
