"""A hub's time series on the scenario's step index: park power, PUE, grid carbon intensity, price.

:func:`hub_series` turns a hub's settings into the columns of :data:`engine.inputs.scenario.HUB_SERIES`
(plus ``temp_air`` [degC] when weather was read):

- Weather. ``"typical"``: the hub's offline typical year (:func:`weather.synthetic.typical_year`) for
  every local calendar year the horizon touches, built per year and concatenated, so a horizon that
  crosses New Year works. A typical year is built once per (hub, year, seed) and kept in a small
  cache (:func:`typical_year_cached`), because a sweep builds many scenarios for the same hubs.
  A path: :func:`weather.readers.read_weather`. When the file does not cover the horizon (a
  typical-year file such as a CSWD EPW is labelled 2005), it is re-labelled onto the scenario's
  calendar by local month-day-hour (:func:`relabel_to_calendar`); 29 February of a leap horizon
  takes the values of 28 February.
- Park power: :func:`weather.power.park_output` on the weather at its own (hourly) resolution. On
  steps shorter than the weather interval each value is held over the step (piecewise constant: the
  hourly value is the mean over the hour, so energy per hour is preserved); on steps longer than the
  weather interval the values are averaged over the step.
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
from weather.catalogue import Hub, load_catalogue
from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.power import park_output
from weather.readers import read_weather
from weather.synthetic import typical_year

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


def horizon_end(index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.Timestamp:
    """End of the last step of ``index`` (exclusive)."""
    return index[-1] + step


def local_years(index: pd.DatetimeIndex, step: pd.Timedelta, timezone: str) -> list[int]:
    """Local calendar years in ``timezone`` that the horizon ``[index[0], end)`` touches."""
    first = index[0].tz_convert(timezone).year
    last = (horizon_end(index, step) - pd.Timedelta(1, "ns")).tz_convert(timezone).year
    return list(range(first, last + 1))


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
    years = [typical_year_cached(hub.name, year, seed) for year in local_years(index, step, hub.timezone)]
    data = pd.concat([weather.data for weather in years])
    data = data[~data.index.duplicated(keep="first")]
    first = years[0]
    return WeatherData(data=data, latitude=first.latitude, longitude=first.longitude,
                       elevation_m=first.elevation_m, wind_height_m=first.wind_height_m, source=first.source)


def weather_interval(data: pd.DataFrame) -> pd.Timedelta:
    """The regular interval of a weather frame (1 h when it has a single row)."""
    if len(data.index) < 2:
        return pd.Timedelta(1, "h")
    return pd.Timedelta(data.index[1] - data.index[0])


def relabel_to_calendar(data: pd.DataFrame, index: pd.DatetimeIndex, step: pd.Timedelta,
                        timezone: str, key: str) -> pd.DataFrame:
    """Re-label a typical-year weather frame onto the scenario's calendar by local month-day-time.

    Each time of the horizon (on the weather's own interval) takes the row of the weather frame with
    the same local month, day, hour and minute in ``timezone``; 29 February takes 28 February. When a
    month-day-time occurs more than once (a multi-year file), the first occurrence is used.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather on a regular UTC index.
    index : pandas.DatetimeIndex
        The scenario's UTC step index.
    step : pandas.Timedelta
        Step length.
    timezone : str
        IANA zone in which the file's calendar is read (the hub's local zone).
    key : str
        Key path of the weather setting, for the error message.

    Raises
    ------
    ScenarioError
        If a needed month-day-time is not in the file.
    """
    interval = weather_interval(data)
    start = index[0].floor(interval)
    target = pd.date_range(start, horizon_end(index, step), freq=interval, inclusive="left")
    source_keys = _calendar_keys(data.index.tz_convert(timezone))
    unique = ~pd.Index(source_keys).duplicated(keep="first")
    lookup = pd.Index(source_keys[unique])
    wanted = _calendar_keys(target.tz_convert(timezone), leap_day_to_28=True)
    found = lookup.get_indexer(wanted)
    if (found < 0).any():
        missing = target[np.flatnonzero(found < 0)[0]].tz_convert(timezone)
        raise ScenarioError(
            f"{key}: expected a weather file covering the horizon, or a full typical year to re-label "
            f"by month-day-hour; the file has no record for local time {missing:%m-%d %H:%M} "
            f"({timezone}). Fix: use a file covering the whole year or the scenario's dates.")
    rows = np.flatnonzero(unique)[found]
    return pd.DataFrame(data.to_numpy()[rows], index=target, columns=data.columns)


def _calendar_keys(local: pd.DatetimeIndex, leap_day_to_28: bool = False) -> np.ndarray:
    """Integer month-day-hour-minute keys ``MMDDHHmm`` of local times."""
    month = local.month.to_numpy()
    day = local.day.to_numpy()
    if leap_day_to_28:
        day = np.where((month == 2) & (day == 29), 28, day)
    return month * 1_000_000 + day * 10_000 + local.hour.to_numpy() * 100 + local.minute.to_numpy()


def covers(data: pd.DataFrame, index: pd.DatetimeIndex, step: pd.Timedelta) -> bool:
    """Whether a weather frame covers the horizon ``[index[0], end)``."""
    if data.empty:
        return False
    return data.index[0] <= index[0] and data.index[-1] + weather_interval(data) >= horizon_end(index, step)


def onto_horizon(weather: WeatherData, hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta,
                 key: str) -> WeatherData:
    """Weather read from a file, re-labelled onto the horizon's calendar when it does not cover it."""
    if covers(weather.data, index, step):
        return weather
    data = relabel_to_calendar(weather.data, index, step, hub.timezone, key)
    return WeatherData(data=data, latitude=weather.latitude, longitude=weather.longitude,
                       elevation_m=weather.elevation_m, wind_height_m=weather.wind_height_m,
                       source=f"{weather.source} (re-labelled onto the scenario calendar)")


def to_steps(frame: pd.DataFrame, index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.DataFrame:
    """Values of a regular frame on the scenario's steps.

    A frame coarser than the step (hourly weather, 15-minute steps) is held constant over each of
    its intervals (piecewise constant: the interval value is the mean over the interval). A frame
    finer than the step is averaged over each step. The frame must cover the horizon.
    """
    interval = weather_interval(frame)
    if interval < step:
        frame = frame.resample(step, origin=index[0]).mean()
    return frame.reindex(index, method="ffill")


def hub_series(hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta, *, key: str,
               solar_kw: float = 0.0, wind_kw: float = 0.0, tracking: bool = False,
               firm_it_kw: float = 0.0, pue: float | str | None = None,
               weather: str | Path = TYPICAL, weather_seed: int = 0,
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
    weather : "typical" or pathlib.Path
        The built-in typical year (catalogue hubs only) or a weather file.
    weather_seed : int
        Seed of the typical year.
    profiles : pandas.DataFrame, optional
        Columns of ``HUB_SERIES`` on ``index`` that replace the computed ones.

    Returns
    -------
    pandas.DataFrame
        Columns ``solar_kw``, ``wind_kw``, ``firm_it_kw`` [kW], ``pue`` [-], ``carbon_g_per_kwh``
        [gCO2/kWh], ``price_cny_per_kwh`` [CNY/kWh], and ``temp_air`` [degC] when weather was read.
    """
    overridden = set() if profiles is None else set(profiles.columns)
    needs_power = ((solar_kw > 0 and "solar_kw" not in overridden)
                   or (wind_kw > 0 and "wind_kw" not in overridden))
    needs_temperature = pue == WEATHER_PUE and "pue" not in overridden
    series = pd.DataFrame(index=index)
    series["solar_kw"] = 0.0
    series["wind_kw"] = 0.0
    if needs_power or needs_temperature:
        weather_data, reference_temp = _weather(hub, index, step, weather, weather_seed, key)
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
    return series[ordered]


def _weather(hub: Hub, index: pd.DatetimeIndex, step: pd.Timedelta, weather: str | Path, seed: int,
             key: str) -> tuple[WeatherData, np.ndarray]:
    """The weather over the horizon (sliced to it) and a reference year of temperatures [degC]."""
    if weather == TYPICAL:
        if hub.name not in load_catalogue():
            raise ScenarioError(
                f"{key}.weather: expected a weather file path for a custom hub (it has no catalogue "
                f"climatology for a typical year), got 'typical'. Fix: set {key}.weather = \"<file>\".")
        full = typical_weather(hub, index, step, seed)
        reference = typical_year_cached(hub.name, local_years(index, step, hub.timezone)[0], seed)
        reference_temp = reference.data["temp_air"].to_numpy()
    else:
        try:
            read = read_weather(Path(weather))
        except WeatherInputError as error:
            raise ScenarioError(f"{key}.weather: the weather file could not be read: {error}") from None
        full = onto_horizon(read, hub, index, step, f"{key}.weather")
        reference_temp = read.data["temp_air"].to_numpy()
    interval = weather_interval(full.data)
    start = index[0].floor(interval)
    data = full.data.loc[(full.data.index >= start) & (full.data.index < horizon_end(index, step))]
    if not covers(data, index, step):
        raise ScenarioError(
            f"{key}.weather: expected weather covering {index[0]} .. {horizon_end(index, step)} (UTC), "
            f"got {full.data.index[0]} .. {full.data.index[-1]}. Fix: use a file covering the horizon.")
    sliced = WeatherData(data=data, latitude=full.latitude, longitude=full.longitude,
                         elevation_m=full.elevation_m, wind_height_m=full.wind_height_m, source=full.source)
    return sliced, reference_temp
