"""Real forecast files for rolling operation and day-ahead plans: one file per hub.

A hub's file comes from the scenario key ``hubs.<name>.forecast`` (:attr:`HubInputs.forecast_file`,
checked when the scenario loads) or from ``--forecast [HUB=]FILE`` on the command line, which replaces
the key's file for that hub (:func:`hub_forecast_files`).

A file is a forecast CSV (``issue_time``, ``valid_time`` and weather or power columns) or an Open-Meteo
JSON saved from its API (:mod:`weather.readers.forecast`). Weather forecasts go through the hub's own
parks (:func:`weather.forecast.power_forecast`: the same PV and wind models as the actual weather, the
hub's nameplates and tracking); power forecasts are taken as they are. A weather CSV carries no site: the
hub's catalogue position and elevation are used, with the wind speed taken at 100 m (ASSUMPTION: NWP
hub-height wind, as Open-Meteo's ``wind_speed_100m``).

Every file is checked against its hub and the scenario before anything is solved: the hub exists (and an
Open-Meteo file's position lies within :data:`MAX_DISTANCE_KM` of the hub), the file's step is the
scenario's, its issues fall on the scenario's days, and every issue is complete from its first to its last
valid time (no missing hours). A problem is one :class:`~engine.errors.ScenarioError` naming the file and
the fix: ``--forecast FILE: ...`` for a command-line file, ``hubs.<name>.forecast FILE: ...`` for a
scenario key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.scenario import HubInputs, Scenario
from weather.catalogue import load_catalogue
from weather.forecast import ForecastSet, power_forecast
from weather.geo import great_circle_km
from weather.readers.forecast import ForecastData, read_forecast_csv, read_open_meteo_json

MAX_DISTANCE_KM = 100.0
"""Largest distance between a forecast file's position and its hub [km] (ASSUMPTION: one NWP grid
region; a file farther away is for another site)."""

WEATHER_CSV_WIND_HEIGHT_M = 100.0
"""Height of ``wind_speed`` in a weather forecast CSV [m] (module docstring)."""


def parse_forecast_arguments(values: list[str], scenario: Scenario) -> dict[str, Path]:
    """``HUB=FILE`` (or ``FILE`` whose name contains exactly one hub name) -> ``{hub: path}``.

    Raises
    ------
    engine.errors.ScenarioError
        Unknown hub, a hub given twice, or a bare file whose name names no hub or several.
    """
    files: dict[str, Path] = {}
    for value in values:
        hub, _, path = value.partition("=") if "=" in value else ("", "", value)
        if not hub:
            named = [name for name in scenario.hubs if name in Path(path).name.lower()]
            if len(named) != 1:
                raise ScenarioError(
                    f"--forecast {value}: expected HUB=FILE or a file name containing one hub "
                    f"name of {list(scenario.hubs)}, got {named or 'none'}; write e.g. "
                    f"--forecast {next(iter(scenario.hubs))}={path}"
                )
            hub = named[0]
        if hub not in scenario.hubs:
            raise ScenarioError(
                f"--forecast {value}: expected a hub of the scenario {list(scenario.hubs)}, got "
                f"{hub!r}; use the scenario's hub name"
            )
        if hub in files:
            raise ScenarioError(
                f"--forecast {value}: expected one file per hub, got a second one for {hub}; "
                "merge the issues into one file"
            )
        files[hub] = Path(path)
    return files


def _label(path: Path, hub: HubInputs) -> str:
    """How a problem of ``path`` names the file: by the scenario key that gave it, else the flag."""
    if hub.forecast_file is not None and Path(path) == hub.forecast_file:
        return f"hubs.{hub.name}.forecast {path}"
    return f"--forecast {path}"


def _read(path: Path, hub: str, label: str) -> ForecastData:
    """The file's forecasts, with the hub's site for a weather CSV."""
    if not path.is_file():
        raise ScenarioError(f"{label}: expected an existing forecast file, got none; check the path")
    if path.suffix.lower() == ".json":
        data = read_open_meteo_json(path)
    else:
        site = load_catalogue().get(hub)
        data = read_forecast_csv(
            path,
            latitude=None if site is None else site.lat,
            longitude=None if site is None else site.lon,
            elevation_m=None if site is None else site.elevation_m,
            wind_height_m=WEATHER_CSV_WIND_HEIGHT_M,
        )
    site = load_catalogue().get(hub)
    if site is not None and data.latitude is not None and path.suffix.lower() == ".json":
        distance = great_circle_km(site.lat, site.lon, data.latitude, data.longitude)
        if distance > MAX_DISTANCE_KM:
            raise ScenarioError(
                f"{label}: expected a forecast for hub {hub} ({site.lat:.2f}, "
                f"{site.lon:.2f}), got one for ({data.latitude:.2f}, {data.longitude:.2f}), "
                f"{distance:,.0f} km away; pass the file of {hub} (HUB=FILE)"
            )
    return data


def _check_fit(label: str, data: ForecastData, scenario: Scenario) -> None:
    """Step, dates and completeness of every issue against the scenario."""
    step = pd.Timedelta(hours=scenario.step_hours)
    for issue in data.issue_times:
        valid = data.data.xs(issue, level="issue_time").index.sort_values()
        steps = np.diff(valid.to_numpy())
        if len(steps) and (steps != steps[0]).any():
            gap = valid[1:][steps != steps.min()][0]
            raise ScenarioError(
                f"{label}: issue {issue}: expected every step from the first to the "
                f"last valid time, got a gap before {gap}; fill the missing hours"
            )
        if len(steps) and pd.Timedelta(steps[0]) != step:
            raise ScenarioError(
                f"{label}: expected the scenario's step of {step}, got "
                f"{pd.Timedelta(steps[0])}; resample the forecast to {scenario.step_hours:g} h"
            )
    first, last = scenario.index[0] - pd.Timedelta(days=1), scenario.index[-1]
    inside = (data.issue_times >= first) & (data.issue_times <= last)
    if not inside.any():
        zone = scenario.timezone
        raise ScenarioError(
            f"{label}: expected issues during the scenario ({first.tz_convert(zone)} "
            f"to {last.tz_convert(zone)}), got {data.issue_times[0].tz_convert(zone)} to "
            f"{data.issue_times[-1].tz_convert(zone)}; pass the forecasts of these dates"
        )


def _checked(path: Path, hub: HubInputs, scenario: Scenario) -> ForecastData:
    """The forecasts of ``path`` after the checks against ``hub`` and ``scenario`` (module docstring)."""
    label = _label(path, hub)
    data = _read(Path(path), hub.name, label)
    _check_fit(label, data, scenario)
    return data


def check_forecast_file(path: Path, hub: str, scenario: Scenario) -> None:
    """Check a hub's forecast file against the hub and the scenario, as loading a scenario does.

    Raises
    ------
    engine.errors.ScenarioError
        One line naming the file and the fix (module docstring).
    """
    _checked(path, scenario.hubs[hub], scenario)


def hub_forecast_files(scenario: Scenario, given: Mapping[str, object] | None = None) -> dict[str, Path]:
    """The scenario's forecast files (``hubs.<name>.forecast``) of the hubs ``given`` does not cover.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    given : mapping, optional
        Hubs that already have a forecast (``--forecast`` files or :class:`ForecastSet` objects): these
        win over the scenario's keys.
    """
    return {name: hub.forecast_file for name, hub in scenario.hubs.items()
            if hub.forecast_file is not None and name not in (given or {})}


def with_scenario_forecasts(scenario: Scenario, forecasts: Mapping[str, ForecastSet] | None
                            ) -> dict[str, ForecastSet] | None:
    """``forecasts`` plus the power forecasts of the scenario's forecast files for the other hubs."""
    files = hub_forecast_files(scenario, forecasts)
    if not files:
        return None if forecasts is None else dict(forecasts)
    return {**read_hub_forecasts(files, scenario), **(forecasts or {})}


def read_hub_forecasts(files: dict[str, Path], scenario: Scenario) -> dict[str, ForecastSet]:
    """Power forecasts of the hubs that have a file (module docstring).

    Parameters
    ----------
    files : dict of str to pathlib.Path
        Hub -> forecast file (:func:`parse_forecast_arguments`).
    scenario : Scenario
        The scenario (hub parks, step, dates).

    Returns
    -------
    dict of str to ForecastSet
        Hub -> power forecasts (sigma zero: a file gives no error model).

    Raises
    ------
    engine.errors.ScenarioError
        A file that does not fit its hub or the scenario; weather reader errors (ValueError) name the file.
    """
    forecasts = {}
    for hub, path in files.items():
        inputs = scenario.hubs[hub]
        data = _checked(path, inputs, scenario)
        nameplates = [
            max(
                getattr(inputs, f"{park}_kw_nameplate"),
                float(inputs.series[f"{park}_kw"].max()),
                float(data.data[f"{park}_kw"].max()) if data.kind == "power" else 0.0,
            )
            for park in ("solar", "wind")
        ]
        forecasts[hub] = power_forecast(
            data, nameplates[0] / 1e3, nameplates[1] / 1e3, tracking=inputs.tracking
        )
    return forecasts
