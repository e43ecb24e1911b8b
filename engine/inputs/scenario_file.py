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
    profiles = "zhongwei.csv"       # optional series overrides
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

Every problem raises one :class:`~engine.errors.ScenarioError` naming the key path (for example
``hubs.zhongwei.battery.power_mw``), what was expected, what was given and the fix, before any
solve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.deadlines import check_deadline_hours, cumulative_work, deadline_steps
from engine.inputs.hub_series import TYPICAL, WEATHER_PUE, hub_series
from engine.inputs.keypath import apply_overrides
from engine.inputs.plan_settings import COST_KEYS, PLAN_HUB_KEYS, PLAN_KEYS, read_plan
from engine.inputs.scenario import HUB_SERIES, Battery, HubInputs, Link, Objective, Scenario, Workload
from weather.catalogue import Hub, Tariff, TariffSeason, load_catalogue

TOP_KEYS = ("name", "start", "hours", "step_minutes", "timezone", "objective", "hubs", "workloads", "links",
            "plan")
"""Top-level keys; ``plan`` (capacity sizing) is read by :func:`engine.inputs.plan_settings.read_plan`."""
OBJECTIVE_KEYS = ("minimize", "carbon_price_cny_per_t", "min_green_share")
OBJECTIVES = ("cost", "carbon", "grid")
HUB_KEYS = ("it_capacity_mw", "firm_it_mw", "pue", "solar_mw", "wind_mw", "tracking", "grid_import_mw",
            "weather", "weather_seed", "profiles", "battery", "grid_factor_kg_per_kwh",
            "flat_price_cny_per_kwh")
CUSTOM_HUB_KEYS = ("lat", "lon", "province", "elevation_m", "pue_target", "tariff")
BATTERY_KEYS = ("energy_mwh", "power_mw", "round_trip_efficiency", "initial_soc", "grid_charging")
WORKLOAD_KEYS = ("name", "origin", "arrival_it_mw", "deadline_hours", "hubs", "data_tb_per_mwh")
LINK_KEYS = ("from", "to", "gbps")
TABLE_KEYS = {(): TOP_KEYS, ("objective",): OBJECTIVE_KEYS, ("hubs", "*"): HUB_KEYS + CUSTOM_HUB_KEYS,
              ("hubs", "*", "battery"): BATTERY_KEYS, ("workloads", "*"): WORKLOAD_KEYS,
              ("links", "*"): LINK_KEYS, ("plan",): PLAN_KEYS, ("plan", "hubs", "*"): PLAN_HUB_KEYS,
              ("plan", "costs"): COST_KEYS}
"""The keys each table of the file accepts, by table pattern (:func:`engine.inputs.keypath.check_key`)."""
DEFAULT_TIMEZONE = "Asia/Shanghai"
KW_PER_MW = 1000.0
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")
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
        If the file is missing, is not valid TOML, or any key is invalid.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"scenario: file {str(path)!r} not found. Fix: check the path.") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"scenario: {str(path)!r} is not valid TOML ({error}). Fix the syntax.") from None
    raw.setdefault("name", path.stem)
    raw = apply_overrides(raw, overrides, create_tables=True, label="override")
    return scenario_from_dict(raw, base_dir=path.resolve().parent)


def scenario_from_dict(raw: Mapping[str, Any], base_dir: Path | str = ".") -> Scenario:
    """Validate a scenario dictionary (the TOML keys) and build the :class:`Scenario`.

    Parameters
    ----------
    raw : mapping
        The scenario keys as :func:`tomllib.loads` would give them.
    base_dir : pathlib.Path or str
        Folder that relative weather and profile paths are read from.

    Returns
    -------
    Scenario
        Series resolved on the UTC step index, power in kW, energy in kWh.

    Raises
    ------
    ScenarioError
        Naming the first invalid key, what was expected, what was given and the fix.
    """
    base_dir = Path(base_dir)
    raw = _table(raw, "scenario")
    _check_keys(raw, TOP_KEYS, "")
    name = _string(raw.get("name", "scenario"), "name")
    timezone = _timezone(raw.get("timezone", DEFAULT_TIMEZONE))
    step_minutes = _integer(raw.get("step_minutes", 60), "step_minutes")
    if step_minutes <= 0 or 60 % step_minutes:
        raise ScenarioError(f"step_minutes: expected a positive divisor of 60 (60, 30, 20, 15, 10, 5, ...), "
                            f"got {step_minutes}. Fix: use 60 or 15.")
    hours = _integer(_required(raw, "hours", ""), "hours")
    if hours <= 0:
        raise ScenarioError(f"hours: expected a positive number of hours, got {hours}. "
                            "Fix: e.g. hours = 168.")
    step = pd.Timedelta(minutes=step_minutes)
    index = scenario_index(_required(raw, "start", ""), timezone, hours, step)
    step_hours = step_minutes / 60.0
    objective = _objective(raw.get("objective", {}))

    hubs_raw = _table(_required(raw, "hubs", ""), "hubs")
    if not hubs_raw:
        raise ScenarioError("hubs: expected at least one [hubs.<name>] table, got none. "
                            "Fix: add e.g. [hubs.zhongwei] with it_capacity_mw and grid_import_mw.")
    workloads_raw = _list_of_tables(raw.get("workloads", []), "workloads")
    workload_names = _workload_names(workloads_raw, hubs_raw)
    hubs = {}
    profiles = {}
    for hub_name, hub_raw in hubs_raw.items():
        origin_of = [w for w, origin in workload_names.items() if origin == hub_name]
        hubs[hub_name], profiles[hub_name] = _hub(hub_name, hub_raw, index, step, base_dir, origin_of)

    workloads = tuple(_workload(i, w, hubs, profiles, index, step_hours) for i, w in enumerate(workloads_raw))
    links = _links(raw.get("links", []), hubs)
    plan = None
    if "plan" in raw:
        written_share = raw.get("objective", {}).get("min_green_share")
        plan = read_plan(raw["plan"], tuple(hubs), objective.min_green_share, written_share)
    scenario = Scenario(name=name, index=index, step_hours=step_hours, timezone=timezone, objective=objective,
                        hubs=hubs, workloads=workloads, links=links, settings=_json_ready(raw), plan=plan)
    validate_scenario(scenario)
    return scenario


def validate_scenario(scenario: Scenario) -> None:
    """Check the cross-cutting rules of a Scenario, also one built in code rather than from a file.

    Checked: links join hubs of the scenario; workloads run at hubs of the scenario with a whole number
    (>= 1) of steps to their deadline; work that moves data to a remote hub has a link from its origin;
    firm IT load fits the IT capacity; each workload alone fits the spare IT capacity of its hubs by
    every deadline (a necessary condition; the model checks workloads together).

    Raises
    ------
    ScenarioError
        Naming the scenario-file key of the first broken rule and the fix.
    """
    hubs = scenario.hubs
    for i, link in enumerate(scenario.links):
        _check_scenario_hub(link.from_hub, hubs, f"links[{i}].from")
        _check_scenario_hub(link.to_hub, hubs, f"links[{i}].to")
    for i, workload in enumerate(scenario.workloads):
        _check_scenario_hub(workload.origin, hubs, f"workloads[{i}].origin")
        for hub_name in workload.hubs:
            _check_scenario_hub(hub_name, hubs, f"workloads[{i}].hubs")
        check_deadline_hours(workload.deadline_hours, scenario.step_hours, f"workloads[{i}].deadline_hours")
        if not workload.arrival_it_kw.index.equals(scenario.index):
            raise ScenarioError(f"workloads[{i}].arrival_it_mw: arrivals of {workload.name!r} are not on the "
                                "scenario index. Fix: build them on Scenario.index.")
    for name, hub in hubs.items():
        firm = hub.series["firm_it_kw"].to_numpy()
        if (firm > hub.it_capacity_kw).any():
            raise ScenarioError(f"hubs.{name}.firm_it_mw: expected firm IT load <= it_capacity_mw "
                                f"({hub.it_capacity_kw / KW_PER_MW:g} MW), got {firm.max() / KW_PER_MW:g} "
                                "MW. Fix: raise it_capacity_mw or lower the firm load.")
    _check_network(scenario.workloads, scenario.links)
    _check_deadlines(scenario.workloads, hubs, scenario.step_hours)


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


# --------------------------------------------------------------------------------------------------
# Small typed readers: each names its key path in the error.
# --------------------------------------------------------------------------------------------------

def _table(value: Any, key: str) -> dict:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{key}: expected a table, got {type(value).__name__} {value!r}. "
                            f"Fix: write it as [{key}] with keys below it.")
    return dict(value)


def _list_of_tables(value: Any, key: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ScenarioError(f"{key}: expected an array of tables ([[{key}]] blocks), got {value!r}. "
                            f"Fix: write each entry as a [[{key}]] block.")
    return [dict(item) for item in value]


def _check_keys(table: Mapping, allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
            raise ScenarioError(f"{prefix}{key}: unknown key. Fix: remove it or correct the name ({hint}).")


def _required(table: Mapping, key: str, prefix: str) -> Any:
    if key not in table:
        raise ScenarioError(f"{prefix}{key}: required key is missing. Fix: add {key} = ... to the scenario.")
    return table[key]


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{key}: expected a non-empty string, got {value!r}. Fix: write it in quotes.")
    return value


def _integer(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
        raise ScenarioError(f"{key}: expected a whole number, got {value!r}. Fix: write e.g. {key} = 60.")
    return int(value)


def _number(value: Any, key: str, low: float = 0.0, high: float = math.inf, low_open: bool = False,
            unit: str = "") -> float:
    """A finite number in ``[low, high]`` (``(low, high]`` when ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{key}: expected a number{unit}, got {value!r}. Fix: write a plain number.")
    value = float(value)
    below = value <= low if low_open else value < low
    if below or value > high:
        bracket = "(" if low_open else "["
        upper = "inf)" if math.isinf(high) else f"{high:g}]"
        raise ScenarioError(f"{key}: expected a number in {bracket}{low:g}, {upper}{unit}, got {value:g}. "
                            "Fix: correct the value.")
    return value


def _boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(f"{key}: expected true or false, got {value!r}. "
                            f"Fix: write {key} = true or false.")
    return value


def _timezone(value: Any) -> str:
    text = _string(value, "timezone")
    if _OFFSET.search(text) or text.upper().startswith(("UTC+", "UTC-", "GMT+", "GMT-")):
        raise ScenarioError(f"timezone: expected an IANA zone name such as \"Asia/Shanghai\" or \"UTC\", "
                            f"got the fixed offset {text!r}. Fix: timezone = \"Asia/Shanghai\".")
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(text, sorted(zoneinfo.available_timezones()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"timezone: unknown IANA zone {text!r}{hint}. "
                            "Fix: timezone = \"Asia/Shanghai\".") from None
    return text


def _path(value: Any, key: str, base_dir: Path) -> Path:
    path = base_dir / _string(value, key)
    if not path.is_file():
        raise ScenarioError(f"{key}: file {str(path)!r} not found (paths are relative to the scenario "
                            f"file). Fix: correct the path.")
    return path


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------

def _objective(value: Any) -> Objective:
    raw = _table(value, "objective")
    _check_keys(raw, OBJECTIVE_KEYS, "objective.")
    minimize = raw.get("minimize", "cost")
    if minimize not in OBJECTIVES:
        close = difflib.get_close_matches(str(minimize), OBJECTIVES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"objective.minimize: expected one of {', '.join(OBJECTIVES)}, got {minimize!r}"
                            f"{hint}. Fix: minimize = \"cost\".")
    return Objective(
        minimize=minimize,
        carbon_price_cny_per_t=_number(raw.get("carbon_price_cny_per_t", 0.0),
                                       "objective.carbon_price_cny_per_t", unit=" [CNY/tCO2]"),
        min_green_share=_number(raw.get("min_green_share", 0.0), "objective.min_green_share", high=1.0,
                                unit=" (a fraction)"))


def _catalogue_or_custom_hub(name: str, raw: dict, key: str) -> Hub:
    catalogue = load_catalogue()
    if name in catalogue:
        _check_keys(raw, HUB_KEYS, f"{key}.")
        hub = catalogue[name]
    else:
        if "lat" not in raw and "lon" not in raw:
            close = difflib.get_close_matches(name, list(catalogue), n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            raise ScenarioError(
                f"{key}: unknown hub {name!r}; {hint}Fix: use a catalogue name (`suandian hubs`: "
                f"{', '.join(catalogue)}), or define a custom hub with lat, lon, province, "
                "grid_factor_kg_per_kwh, flat_price_cny_per_kwh and pue.")
        _check_keys(raw, HUB_KEYS + CUSTOM_HUB_KEYS, f"{key}.")
        hub = _custom_hub(name, raw, key)
    if "grid_factor_kg_per_kwh" in raw:
        factor = _number(raw["grid_factor_kg_per_kwh"], f"{key}.grid_factor_kg_per_kwh", high=2.0,
                         unit=" [kgCO2/kWh]")
        hub = dataclasses.replace(hub, grid_factor_kg_per_kwh=factor, grid_factor_source="scenario file")
    if "flat_price_cny_per_kwh" in raw:
        tariff = dataclasses.replace(
            hub.tariff, flat_price_cny_per_kwh=_number(raw["flat_price_cny_per_kwh"],
                                                       f"{key}.flat_price_cny_per_kwh", unit=" [CNY/kWh]"),
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
        pue_target = _number(_required(raw, "pue_target", f"{key}."), f"{key}.pue_target", low=1.0,
                             high=3.0)
    else:
        pue_target = _number(pue, f"{key}.pue", low=1.0, high=3.0)
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
        name=name, name_zh=name, province=_string(raw["province"], f"{key}.province"), role="custom",
        lat=_number(raw["lat"], f"{key}.lat", low=-90.0, high=90.0, unit=" [deg]"),
        lon=_number(raw["lon"], f"{key}.lon", low=-180.0, high=180.0, unit=" [deg]"),
        elevation_m=_number(raw.get("elevation_m", 0.0), f"{key}.elevation_m", low=-500.0, high=9000.0,
                            unit=" [m]"),
        timezone=DEFAULT_TIMEZONE, grid_factor_kg_per_kwh=0.0, grid_factor_year=0,
        grid_factor_source="scenario file", tariff=tariff, pue_target=pue_target, cswd_file="",
        climate_source="none (custom hub)", ghi_monthly_kwh_m2=(), temp_monthly_c=(),
        wind_speed_100m_ms=math.nan, wind_weibull_k=math.nan)


def _hub(name: str, value: Any, index: pd.DatetimeIndex, step: pd.Timedelta, base_dir: Path,
         workloads_here: list[str]) -> tuple[HubInputs, pd.DataFrame | None]:
    key = f"hubs.{name}"
    raw = _table(value, key)
    hub = _catalogue_or_custom_hub(name, raw, key)
    it_capacity_kw = _number(_required(raw, "it_capacity_mw", f"{key}."), f"{key}.it_capacity_mw",
                             unit=" [MW]") * KW_PER_MW
    firm_it_kw = _number(raw.get("firm_it_mw", 0.0), f"{key}.firm_it_mw", unit=" [MW]") * KW_PER_MW
    grid_import_kw = _number(_required(raw, "grid_import_mw", f"{key}."), f"{key}.grid_import_mw",
                             unit=" [MW]") * KW_PER_MW
    solar_kw = _number(raw.get("solar_mw", 0.0), f"{key}.solar_mw", unit=" [MW]") * KW_PER_MW
    wind_kw = _number(raw.get("wind_mw", 0.0), f"{key}.wind_mw", unit=" [MW]") * KW_PER_MW
    tracking = _boolean(raw.get("tracking", False), f"{key}.tracking")
    pue = raw.get("pue")
    if pue is not None and pue != WEATHER_PUE:
        if isinstance(pue, str):
            raise ScenarioError(f"{key}.pue: expected a number >= 1 or \"weather\", got {pue!r}. "
                                "Fix: pue = 1.2 or pue = \"weather\".")
        pue = _number(pue, f"{key}.pue", low=1.0, high=3.0)
    weather = raw.get("weather", TYPICAL)
    if weather != TYPICAL:
        weather = _path(weather, f"{key}.weather", base_dir)
    weather_seed = _integer(raw.get("weather_seed", 0), f"{key}.weather_seed")
    if weather_seed < 0:
        raise ScenarioError(f"{key}.weather_seed: expected a non-negative integer, got {weather_seed}. "
                            "Fix: weather_seed = 0.")
    profiles = None
    if "profiles" in raw:
        allowed = tuple(HUB_SERIES) + tuple(f"{w}_it_kw" for w in workloads_here)
        profiles = read_profiles(_path(raw["profiles"], f"{key}.profiles", base_dir), index, allowed,
                                 f"{key}.profiles")
    hub_profiles = None if profiles is None else profiles[[c for c in profiles if c in HUB_SERIES]]
    if hub.role == "custom" and weather == TYPICAL:
        missing_power = [c for c, size in (("solar_kw", solar_kw), ("wind_kw", wind_kw))
                         if size > 0 and (hub_profiles is None or c not in hub_profiles)]
        if missing_power or (pue == WEATHER_PUE and (hub_profiles is None or "pue" not in hub_profiles)):
            raise ScenarioError(
                f"{key}.weather: a custom hub has no catalogue climatology for a typical year, but its "
                f"{'parks' if missing_power else 'weather PUE'} need weather. Fix: set "
                f"{key}.weather = \"<weather file>\" or give the series in its profiles.")
    series = hub_series(hub, index, step, key=key, solar_kw=solar_kw, wind_kw=wind_kw, tracking=tracking,
                        firm_it_kw=firm_it_kw, pue=pue, weather=weather, weather_seed=weather_seed,
                        profiles=hub_profiles)
    over = series["firm_it_kw"].to_numpy() > it_capacity_kw
    if over.any():
        from_profiles = hub_profiles is not None and "firm_it_kw" in hub_profiles
        raise ScenarioError(
            f"{key}.{'profiles' if from_profiles else 'firm_it_mw'}: expected firm IT load <= it_capacity_mw "
            f"({it_capacity_kw / KW_PER_MW:g} MW), got {series['firm_it_kw'].max() / KW_PER_MW:g} MW at "
            f"{series.index[int(np.argmax(over))]}. Fix: raise it_capacity_mw or lower the firm load.")
    battery = _battery(raw["battery"], f"{key}.battery") if "battery" in raw else None
    return HubInputs(name=name, it_capacity_kw=it_capacity_kw, grid_import_kw=grid_import_kw, series=series,
                     battery=battery, solar_kw_nameplate=solar_kw, wind_kw_nameplate=wind_kw), profiles


def _battery(value: Any, key: str) -> Battery:
    raw = _table(value, key)
    _check_keys(raw, BATTERY_KEYS, f"{key}.")
    return Battery(
        energy_kwh=_number(_required(raw, "energy_mwh", f"{key}."), f"{key}.energy_mwh", unit=" [MWh]")
        * KW_PER_MW,
        power_kw=_number(_required(raw, "power_mw", f"{key}."), f"{key}.power_mw", unit=" [MW]") * KW_PER_MW,
        round_trip_efficiency=_number(raw.get("round_trip_efficiency", 0.9), f"{key}.round_trip_efficiency",
                                      high=1.0, low_open=True, unit=" (a fraction)"),
        initial_soc=_number(raw.get("initial_soc", 0.5), f"{key}.initial_soc", high=1.0,
                            unit=" (a fraction)"),
        grid_charging=_boolean(raw.get("grid_charging", False), f"{key}.grid_charging"))


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
        raise ScenarioError(f"{key}: {str(path)!r} is not a readable CSV ({error}). Fix the file.") from None
    if "time" not in frame:
        raise ScenarioError(f"{key}: expected a column `time` (ISO 8601 with offset) in {path.name}, got "
                            f"columns {list(frame.columns)}. Fix: add it.")
    for column in frame.columns.drop("time"):
        if column not in allowed:
            close = difflib.get_close_matches(str(column), allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ScenarioError(f"{key}: unknown column {column!r} in {path.name}; {hint}expected any of "
                                f"{', '.join(allowed)}. Fix: rename or remove the column.")
    if len(frame) != len(index):
        raise ScenarioError(f"{key}: expected {len(index)} rows (one per step of the scenario), got "
                            f"{len(frame)} in {path.name}. Fix: give exactly the scenario's steps.")
    text = frame["time"].astype(str).str.strip()
    naive = ~text.str.contains(_OFFSET)
    if naive.any():
        raise ScenarioError(f"{key}: expected times with a UTC offset (e.g. 2025-07-01T00:00+08:00), got "
                            f"{text[naive].iloc[0]!r} without one in {path.name}. Fix: add the offset.")
    try:
        times = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", utc=True))
    except (ValueError, TypeError) as error:
        raise ScenarioError(f"{key}: column `time` of {path.name} is not ISO 8601 ({error}). "
                            "Fix: write times like 2025-07-01T00:00+08:00.") from None
    wrong = times != index
    if wrong.any():
        row = int(np.argmax(wrong))
        raise ScenarioError(f"{key}: row {row} of {path.name} is at {times[row]} (UTC), expected the "
                            f"scenario step {index[row]} (UTC). Fix: align the file with start, step_minutes "
                            "and timezone (a wrong UTC offset shifts every row).")
    values = frame.drop(columns="time")
    try:
        values = values.astype(float)
    except ValueError as error:
        raise ScenarioError(f"{key}: expected numbers in {path.name} ({error}). Fix the values.") from None
    for column in values:
        bad = ~np.isfinite(values[column].to_numpy()) | (values[column].to_numpy() < 0)
        if column == "pue":
            bad |= values[column].to_numpy() < 1
        if bad.any():
            lowest = "1" if column == "pue" else "0"
            row = int(np.argmax(bad))
            raise ScenarioError(f"{key}: column {column!r} of {path.name} must be finite and >= {lowest}, "
                                f"got {values[column].iloc[row]} at row {row}. Fix the value.")
    values.index = index
    return values


def _workload_names(workloads: list[dict], hubs: Mapping[str, Any]) -> dict[str, str]:
    """Workload name -> origin, checking names are unique and origins are hubs of the scenario."""
    names: dict[str, str] = {}
    for i, raw in enumerate(workloads):
        key = f"workloads[{i}]"
        _check_keys(raw, WORKLOAD_KEYS, f"{key}.")
        name = _string(_required(raw, "name", f"{key}."), f"{key}.name")
        if name in names:
            raise ScenarioError(f"{key}.name: duplicate workload name {name!r}. Fix: give each workload its "
                                "own name (it names the `<name>_it_kw` columns).")
        origin = _string(_required(raw, "origin", f"{key}."), f"{key}.origin")
        _check_scenario_hub(origin, hubs, f"{key}.origin")
        names[name] = origin
    return names


def _check_scenario_hub(name: Any, hubs: Mapping[str, Any], key: str) -> None:
    if name not in hubs:
        close = difflib.get_close_matches(str(name), list(hubs), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"{key}: hub {name!r} is not in this scenario{hint}; its hubs are "
                            f"{', '.join(hubs)}. Fix: add [hubs.{name}] or use one of them.")


def _workload(i: int, raw: dict, hubs: dict[str, HubInputs], profiles: dict[str, pd.DataFrame | None],
              index: pd.DatetimeIndex, step_hours: float) -> Workload:
    key = f"workloads[{i}]"
    name, origin = raw["name"], raw["origin"]
    column = f"{name}_it_kw"
    origin_profiles = profiles[origin]
    in_profiles = origin_profiles is not None and column in origin_profiles
    if "arrival_it_mw" in raw and in_profiles:
        raise ScenarioError(f"{key}.arrival_it_mw: workload {name!r} has both arrival_it_mw and a column "
                            f"{column!r} in hubs.{origin}.profiles. Fix: keep one of them.")
    if "arrival_it_mw" in raw:
        rate = _number(raw["arrival_it_mw"], f"{key}.arrival_it_mw", unit=" [MW]") * KW_PER_MW
        arrival = pd.Series(rate, index=index, name=column)
    elif in_profiles:
        arrival = origin_profiles[column].rename(column)
    else:
        raise ScenarioError(f"{key}.arrival_it_mw: workload {name!r} has no arrivals. Fix: set arrival_it_mw "
                            f"or add a column {column!r} to hubs.{origin}.profiles.")
    deadline = _number(_required(raw, "deadline_hours", f"{key}."), f"{key}.deadline_hours", low_open=True,
                       unit=" [h]")
    check_deadline_hours(deadline, step_hours, f"{key}.deadline_hours")
    allowed = raw.get("hubs", [origin])
    if not isinstance(allowed, list) or not allowed:
        raise ScenarioError(f"{key}.hubs: expected a non-empty list of hub names, got {allowed!r}. "
                            f"Fix: hubs = [\"{origin}\"].")
    for hub_name in allowed:
        _check_scenario_hub(hub_name, hubs, f"{key}.hubs")
    if len(set(allowed)) != len(allowed):
        raise ScenarioError(f"{key}.hubs: hub listed twice in {allowed!r}. Fix: list each hub once.")
    data = _number(raw.get("data_tb_per_mwh", 0.0), f"{key}.data_tb_per_mwh", unit=" [TB/MWh]")
    return Workload(name=name, origin=origin, arrival_it_kw=arrival, deadline_hours=deadline,
                    hubs=tuple(allowed), data_tb_per_mwh=data)


def _links(value: Any, hubs: Mapping[str, HubInputs]) -> tuple[Link, ...]:
    links = []
    seen = set()
    for i, raw in enumerate(_list_of_tables(value, "links")):
        key = f"links[{i}]"
        _check_keys(raw, LINK_KEYS, f"{key}.")
        source = _required(raw, "from", f"{key}.")
        target = _required(raw, "to", f"{key}.")
        _check_scenario_hub(source, hubs, f"{key}.from")
        _check_scenario_hub(target, hubs, f"{key}.to")
        if source == target:
            raise ScenarioError(f"{key}.to: a link from {source!r} to itself. Fix: link two different hubs.")
        if (source, target) in seen:
            raise ScenarioError(f"{key}: a second link {source} -> {target}. Fix: merge them into one with "
                                "the summed gbps.")
        seen.add((source, target))
        gbps = _number(_required(raw, "gbps", f"{key}."), f"{key}.gbps", unit=" [Gbit/s]")
        links.append(Link(from_hub=source, to_hub=target, gbps=gbps))
    return tuple(links)


def _check_network(workloads: tuple[Workload, ...], links: tuple[Link, ...]) -> None:
    """Work that moves data to a remote hub needs a link from its origin to that hub."""
    linked = {(link.from_hub, link.to_hub) for link in links}
    for i, workload in enumerate(workloads):
        if workload.data_tb_per_mwh <= 0:
            continue
        for hub in workload.hubs:
            if hub != workload.origin and (workload.origin, hub) not in linked:
                raise ScenarioError(
                    f"workloads[{i}].hubs: workload {workload.name!r} may run at {hub!r} and moves "
                    f"{workload.data_tb_per_mwh:g} TB/MWh, but there is no link {workload.origin} -> {hub}. "
                    f"Fix: add [[links]] from = \"{workload.origin}\", to = \"{hub}\", gbps = ..., remove "
                    f"{hub!r} from its hubs, or set data_tb_per_mwh = 0.")


def _check_deadlines(workloads: tuple[Workload, ...], hubs: Mapping[str, HubInputs],
                     step_hours: float) -> None:
    """Each workload alone must fit in the spare IT capacity of its hubs by each deadline.

    With arrivals ``a_s`` and deadline ``D`` steps, the work due by the end of step ``t`` is
    ``sum_{s <= t - D + 1} a_s`` (all of it at the last step, windows being clipped at the horizon's
    end); it cannot exceed the spare capacity ``sum_{s <= t} sum_h (it_capacity_h - firm_h,s)`` of the
    allowed hubs. A necessary condition only: workloads sharing hubs are checked together by the model.
    """
    for i, workload in enumerate(workloads):
        spare = sum(hubs[h].it_capacity_kw - hubs[h].series["firm_it_kw"].to_numpy() for h in workload.hubs)
        arrivals = workload.arrival_it_kw.to_numpy()
        _, due = cumulative_work(arrivals, deadline_steps(workload.deadline_hours, step_hours), 1.0)
        short = due - np.cumsum(spare) > 1e-6 * max(1.0, arrivals.sum())
        if short.any():
            t = int(np.argmax(short))
            time = workload.arrival_it_kw.index[t]
            due_mwh = due[t] * step_hours / KW_PER_MW
            spare_mwh = np.cumsum(spare)[t] * step_hours / KW_PER_MW
            raise ScenarioError(
                f"workloads[{i}].arrival_it_mw: workload {workload.name!r} can never meet its deadline: "
                f"{due_mwh:.4g} MWh of work is due by the end of the step starting {time} but its hubs "
                f"({', '.join(workload.hubs)}) have only {spare_mwh:.4g} MWh of spare IT capacity "
                "(it_capacity - firm) by then. Fix: lower the arrivals, lengthen deadline_hours, allow more "
                "hubs or raise it_capacity_mw.")


def _json_ready(value: Any) -> Any:
    """The scenario as written, with dates as ISO strings (for ``summary.json``)."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
