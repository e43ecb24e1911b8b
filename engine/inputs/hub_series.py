"""A hub's time series on the scenario's step index: park power, PUE, grid carbon intensity, price.

:func:`hub_series` turns a hub's settings into the columns of :data:`engine.inputs.scenario.HUB_SERIES`
(plus ``temp_air`` [degC] when weather was read):

- Weather. ``"typical"``: the hub's offline typical year (:func:`weather.synthetic.typical_year`) for
  every local calendar year the horizon touches, built per year and concatenated, so a horizon that
  crosses New Year works. A typical year is built once per (hub, year, seed) and kept in a small
  cache (:func:`typical_year_cached`), because a sweep builds many scenarios for the same hubs.
  A path: :func:`weather.readers.read_weather` (a gridded ERA5 file at the cell nearest the hub).
  Either is aligned onto the scenario's calendar by :mod:`weather.calendar` (a typical-year file such
  as a CSWD EPW, labelled 2005, is re-labelled by local month-day-hour; a file of dated years, an ERA5
  reanalysis, is not: a horizon outside it is refused). Station wind of a file (measured at or below 20 m,
  :data:`weather.wind_calibration.STATION_HEIGHT_LIMIT_M`) is refused for a wind park unless
  ``calibrate_wind`` asks for :func:`weather.wind_calibration.calibrate_station_wind` (the hub's
  documented 100 m resource); what was corrected or calibrated is in ``series.attrs["weather_notes"]``.
- Park power: :func:`weather.power.park_output` on the weather at its own (hourly) resolution, put on
  the scenario's steps by :func:`weather.calendar.to_steps`.
- Carbon intensity: the catalogue's flat provincial factor (:meth:`weather.catalogue.Hub.carbon_series`).
- Price: the provincial time-of-use tariff, read in local time at each step start
  (:meth:`weather.catalogue.Tariff.price_series`).
- PUE: a number, or ``"weather"`` for the temperature-driven model of :mod:`engine.inputs.pue`.
- Profiles: any column of a profiles frame replaces the computed one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.pue import weather_pue
from engine.inputs.scenario import HUB_SERIES
from weather.calendar import concat_years, covers, horizon_end, local_years, onto_horizon, to_steps
from weather.catalogue import Hub, load_catalogue
from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.geo import MAX_DISTANCE_KM, check_weather_site
from weather.power import park_output
from weather.readers import DATED_KINDS, detect_kind, read_weather
from weather.synthetic import typical_year
from weather.wind_calibration import STATION_HEIGHT_LIMIT_M, calibrate_station_wind
from weather.years import weather_record

TYPICAL = "typical"
"""The ``weather`` setting for the built-in typical year."""

WEATHER_PUE = "weather"
"""The ``pue`` setting for the temperature-driven PUE."""


@lru_cache(maxsize=64)
def typical_year_cached(hub_name: str, year: int, seed: int) -> WeatherData:
    """The typical year of catalogue hub ``hub_name`` for local calendar ``year``, built once.

    Cached on ``(hub_name, year, seed)`` (at most 64 entries, a few MB each): building a typical
    year takes a noticeable fraction of a second and sweeps and tests build the same ones again.
    The returned object is shared: do not modify its frame.
    """
    return typical_year(hub_name, year=year, seed=seed)


def typical_weather(hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta, seed: int) -> WeatherData:
    """The catalogue hub's typical-year weather over every local year the horizon touches.

    Parameters
    ----------
    hub : weather.catalogue.Hub
        A catalogue hub.
    index : pandas.DatetimeIndex
        The scenario's UTC step index.
    step : pandas.Timedelta
        Step length.
    seed : int
        Seed of the typical-year generator.
    """
    return concat_years([typical_year_cached(hub.name, year, seed)
                         for year in local_years(index, step, hub.timezone)])


def hub_series(hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta, *, key: str,
               solar_kw: float = 0.0, wind_kw: float = 0.0, tracking: bool = False,
               firm_it_kw: float = 0.0, pue: float | str | None = None,
               weather: str | Path | WeatherData = TYPICAL, weather_seed: int = 0,
               calibrate_wind: bool = False, weather_max_distance_km: float = MAX_DISTANCE_KM,
               profiles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hub's series on the scenario index (columns :data:`~engine.inputs.scenario.HUB_SERIES`).

    Parameters
    ----------
    hub : weather.catalogue.Hub
        The hub (a catalogue hub, or a custom one built by the scenario file).
    index : pandas.DatetimeIndex
        Regular UTC index of step starts.
    step : pandas.Timedelta
        Step length.
    key : str
        Key path of the hub in the scenario (``"hubs.zhongwei"``), for error messages.
    solar_kw, wind_kw : float
        Nameplate of the solar and wind parks [kW].
    tracking : bool
        Single-axis tracking PV instead of fixed tilt.
    firm_it_kw : float
        Firm (interactive) IT load, constant [kW].
    pue : float or "weather" or None
        A constant PUE, ``"weather"`` for :func:`engine.inputs.pue.weather_pue` calibrated to
        ``hub.pue_target``, or None for the constant ``hub.pue_target``.
    weather : "typical" or pathlib.Path or WeatherData
        The built-in typical year (catalogue hubs only), a weather file, or weather already built
        (such as :func:`years_weather`'s many years).
    weather_seed : int
        Seed of the typical year.
    calibrate_wind : bool
        Rescale station wind (measured at <= 20 m) of a weather file to the hub's documented 100 m
        resource; without it such a file is refused for a wind park.
    weather_max_distance_km : float
        Largest distance of a weather file's station from the hub [km]
        (:func:`weather.geo.check_weather_site`: beyond 50 km a note, beyond this a refusal).
    profiles : pandas.DataFrame, optional
        Columns of ``HUB_SERIES`` on ``index`` that replace the computed ones.

    Returns
    -------
    pandas.DataFrame
        Columns ``solar_kw``, ``wind_kw``, ``firm_it_kw`` [kW], ``pue`` [-], ``carbon_g_per_kwh``
        [gCO2/kWh], ``price_cny_per_kwh`` [CNY/kWh], and ``temp_air`` [degC] when weather was read;
        ``attrs["weather_notes"]``: a tuple of what was corrected or calibrated in that weather.

    Raises
    ------
    ScenarioError
        The weather cannot be read, does not cover the horizon, or holds station wind for a wind park
        without ``calibrate_wind`` (the message names ``<key>.calibrate_wind``).
    """
    overridden = set() if profiles is None else set(profiles.columns)
    needs_power = ((solar_kw > 0 and "solar_kw" not in overridden)
                   or (wind_kw > 0 and "wind_kw" not in overridden))
    needs_temperature = pue == WEATHER_PUE and "pue" not in overridden
    series = pd.DataFrame(index=index)
    series["solar_kw"] = 0.0
    series["wind_kw"] = 0.0
    notes: tuple[str, ...] = ()
    if needs_power or needs_temperature:
        wants_wind = wind_kw > 0 and "wind_kw" not in overridden
        weather_data, reference_temp = _weather(hub, index, step, weather, weather_seed, key,
                                                (wants_wind, calibrate_wind), weather_max_distance_km)
        notes = weather_data.notes
        if needs_power:
            power = park_output(weather_data, solar_mw=solar_kw / 1000.0, wind_mw=wind_kw / 1000.0,
                                tracking=tracking)
            series[["solar_kw", "wind_kw"]] = to_steps(power[["solar_kw", "wind_kw"]], index, step)
        temp_air = to_steps(weather_data.data[["temp_air"]], index, step)["temp_air"]
        series["temp_air"] = temp_air
    series["firm_it_kw"] = float(firm_it_kw)
    if needs_temperature:
        series["pue"] = weather_pue(series["temp_air"], reference_temp, hub.pue_target)
    elif pue is None or pue == WEATHER_PUE:
        series["pue"] = hub.pue_target
    else:
        series["pue"] = float(pue)
    series["carbon_g_per_kwh"] = hub.carbon_series(index)
    series["price_cny_per_kwh"] = hub.tariff.price_series(index)
    for column in overridden & set(HUB_SERIES):
        series[column] = profiles[column].to_numpy(dtype=float)
    ordered = list(HUB_SERIES) + (["temp_air"] if "temp_air" in series else [])
    result = series[ordered].copy()
    result.attrs["weather_notes"] = tuple(notes)
    return result


def _station_wind(weather: WeatherData, hub: Hub, key: str, wants_wind: bool,
                  calibrate: bool) -> WeatherData:
    """The weather with station wind calibrated when asked; refused for a wind park when not."""
    if weather.wind_height_m > STATION_HEIGHT_LIMIT_M or not (wants_wind or calibrate):
        return weather
    if not calibrate:
        raise ScenarioError(
            f"{key}.calibrate_wind: expected wind measured above {STATION_HEIGHT_LIMIT_M:g} m for a wind "
            f"park; got station wind at {weather.wind_height_m:g} m in {weather.source}, which understates "
            f"a wind-farm site several-fold. Fix: set {key}.calibrate_wind = true to rescale it to the "
            "hub's documented 100 m resource, or give a file with hub-height wind.")
    if not np.isfinite(hub.wind_speed_100m_ms):
        raise ScenarioError(
            f"{key}.calibrate_wind: expected a catalogue hub with a documented 100 m wind resource, got "
            f"custom hub {hub.name!r} (none). Fix: give a weather file with hub-height wind, or a "
            f"wind_kw column in {key}.profiles.")
    return calibrate_station_wind(weather, hub)


def _check_dated_span(weather: WeatherData, path: Path, index: pd.DatetimeIndex, step: pd.Timedelta,
                      key: str) -> None:
    """Refuse a horizon outside a file of dated years (a reanalysis): it is never re-labelled."""
    if detect_kind(path) not in DATED_KINDS or covers(weather.data, index, step):
        return
    held = weather.data.index
    raise ScenarioError(
        f"{key}.weather: expected {path} to cover the horizon {index[0]} .. {horizon_end(index, step)} "
        f"(UTC); got dated years {held[0]} .. {held[-1] + weather.step_hours * pd.Timedelta('1h')}. Fix: "
        "set start and hours within the file, or give a file covering the horizon (ERA5 is in UTC: a "
        "local year east of Greenwich needs the last hours of the year before).")


def years_weather(hub: Hub, start_year: int, years: int, seed: int) -> WeatherData:
    """``years`` synthetic weather years of a catalogue hub from local ``start_year`` as one record.

    :func:`weather.years.weather_record`: each year its own typical year with spatially correlated
    inter-annual anomalies of GHI and wind; ``seed`` is the hub's ``weather_seed``.

    Raises
    ------
    ScenarioError
        For a hub outside the catalogue or a bad number of years.
    """
    try:
        return weather_record(hub, years, seed=seed, start_year=start_year)
    except WeatherInputError as error:
        raise ScenarioError(f"hubs.{hub.name}.weather: {error}") from None


def _weather(hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta, weather: str | Path | WeatherData,
             seed: int,
             key: str, wind: tuple[bool, bool] = (False, False),
             max_km: float = MAX_DISTANCE_KM) -> tuple[WeatherData, np.ndarray]:
    """The weather over the horizon (:func:`weather.calendar.onto_horizon`) and a reference year of
    temperatures [degC]; ``wind`` = (a wind park needs it, calibrate station wind), applied to the
    whole file before it is cut to the horizon (the calibration ranks a year of hours). A file's
    station must lie within ``max_km`` of the hub [km] (:func:`weather.geo.check_weather_site`)."""
    if isinstance(weather, WeatherData):
        full = weather
        reference_temp = full.data["temp_air"].to_numpy()
    elif weather == TYPICAL:
        if hub.name not in load_catalogue():
            raise ScenarioError(
                f"{key}.weather: expected a weather file path for a custom hub (it has no catalogue "
                f"climatology for a typical year), got 'typical'. Fix: set {key}.weather = \"<file>\".")
        full = typical_weather(hub, index, step, seed)
        reference = typical_year_cached(hub.name, local_years(index, step, hub.timezone)[0], seed)
        reference_temp = reference.data["temp_air"].to_numpy()
    else:
        try:
            full = read_weather(Path(weather), site=(hub.lat, hub.lon))
        except WeatherInputError as error:
            raise ScenarioError(f"{key}.weather: the weather file could not be read: {error}") from None
        _check_dated_span(full, Path(weather), index, step, key)
        try:
            full = check_weather_site(full, hub.lat, hub.lon, site=f"hub {hub.name}", max_km=max_km,
                                      override=f"set {key}.weather_max_distance_km")
        except WeatherInputError as error:
            raise ScenarioError(f"{key}.weather_max_distance_km: {error}") from None
        full = _station_wind(full, hub, key, *wind)
        reference_temp = full.data["temp_air"].to_numpy()
    try:
        return onto_horizon(full, index, step, hub.timezone), reference_temp
    except WeatherInputError as error:
        raise ScenarioError(f"{key}.weather: {error}") from None
