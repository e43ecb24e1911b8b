"""Weather onto a horizon's calendar: re-labelling a typical year, coverage, and values per step.

A weather file may not cover the horizon it serves: a typical-year file such as a CSWD EPW is labelled
2005. :func:`onto_horizon` then re-labels it onto the horizon's calendar by local month-day-time
(:func:`relabel_to_calendar`; 29 February of a leap horizon takes the values of 28 February), and
:func:`to_steps` puts the weather's values on the horizon's steps: on steps shorter than the weather
interval each value is held over the step (piecewise constant: the hourly value is the mean over the
hour, so energy per hour is preserved); on steps longer than the interval the values are averaged.

A horizon is a regular UTC index of step starts and a step length; it ends (exclusive) at
:func:`horizon_end`. Problems raise :class:`~weather.errors.WeatherInputError`; the caller adds the
setting that named the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weather.errors import WeatherInputError
from weather.frame import WeatherData


def horizon_end(index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.Timestamp:
    """End of the last step of ``index`` (exclusive)."""
    return index[-1] + step


def local_years(index: pd.DatetimeIndex, step: pd.Timedelta, timezone: str) -> list[int]:
    """Local calendar years in ``timezone`` that the horizon ``[index[0], end)`` touches."""
    first = index[0].tz_convert(timezone).year
    last = (horizon_end(index, step) - pd.Timedelta(1, "ns")).tz_convert(timezone).year
    return list(range(first, last + 1))


def weather_interval(data: pd.DataFrame) -> pd.Timedelta:
    """The regular interval of a weather frame (1 h when it has a single row)."""
    if len(data.index) < 2:
        return pd.Timedelta(1, "h")
    return pd.Timedelta(data.index[1] - data.index[0])


def relabel_to_calendar(data: pd.DataFrame, index: pd.DatetimeIndex, step: pd.Timedelta,
                        timezone: str) -> pd.DataFrame:
    """Re-label a typical-year weather frame onto the horizon's calendar by local month-day-time.

    Each time of the horizon (on the weather's own interval) takes the row of the weather frame with
    the same local month, day, hour and minute in ``timezone``; 29 February takes 28 February. When a
    month-day-time occurs more than once (a multi-year file), the first occurrence is used.

    Parameters
    ----------
    data : pandas.DataFrame
        Weather on a regular UTC index.
    index : pandas.DatetimeIndex
        The horizon's UTC step index.
    step : pandas.Timedelta
        Step length.
    timezone : str
        IANA zone in which the file's calendar is read (the hub's local zone).

    Returns
    -------
    pandas.DataFrame
        The columns of ``data`` on the weather interval from ``index[0]`` (floored) to the horizon's end.

    Raises
    ------
    WeatherInputError
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
        raise WeatherInputError(
            f"expected a weather file covering the horizon, or a full typical year to re-label by "
            f"month-day-hour; the file has no record for local time {missing:%m-%d %H:%M} ({timezone}). "
            "Fix: use a file covering the whole year or the scenario's dates.")
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


def _with_data(weather: WeatherData, data: pd.DataFrame, source: str | None = None) -> WeatherData:
    return WeatherData(data=data, latitude=weather.latitude, longitude=weather.longitude,
                       elevation_m=weather.elevation_m, wind_height_m=weather.wind_height_m,
                       source=weather.source if source is None else source, notes=weather.notes)


def onto_horizon(weather: WeatherData, index: pd.DatetimeIndex, step: pd.Timedelta,
                 timezone: str) -> WeatherData:
    """Weather over exactly the horizon: re-labelled onto its calendar when it does not cover it.

    Parameters
    ----------
    weather : WeatherData
        Weather read from a file, or typical years.
    index : pandas.DatetimeIndex
        The horizon's UTC step index.
    step : pandas.Timedelta
        Step length.
    timezone : str
        IANA zone of the site, in which a typical year's calendar is read.

    Returns
    -------
    WeatherData
        Rows from ``index[0]`` (floored to the weather interval) to the horizon's end.

    Raises
    ------
    WeatherInputError
        When the weather neither covers the horizon nor can be re-labelled onto it.
    """
    if not covers(weather.data, index, step):
        data = relabel_to_calendar(weather.data, index, step, timezone)
        weather = _with_data(weather, data, f"{weather.source} (re-labelled onto the scenario calendar)")
    full = weather.data
    start = index[0].floor(weather_interval(full))
    data = full.loc[(full.index >= start) & (full.index < horizon_end(index, step))]
    if not covers(data, index, step):
        raise WeatherInputError(
            f"expected weather covering {index[0]} .. {horizon_end(index, step)} (UTC), got "
            f"{full.index[0]} .. {full.index[-1]}. Fix: use a file covering the horizon.")
    return _with_data(weather, data)


def concat_years(years: list[WeatherData]) -> WeatherData:
    """Consecutive years of weather of one site as one record (a repeated boundary row kept once)."""
    data = pd.concat([weather.data for weather in years])
    return _with_data(years[0], data[~data.index.duplicated(keep="first")])


def to_steps(frame: pd.DataFrame, index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.DataFrame:
    """Values of a regular frame on the horizon's steps.

    A frame coarser than the step (hourly weather, 15-minute steps) is held constant over each of
    its intervals (piecewise constant: the interval value is the mean over the interval). A frame
    finer than the step is averaged over each step. The frame must cover the horizon.
    """
    interval = weather_interval(frame)
    if interval < step:
        frame = frame.resample(step, origin=index[0]).mean()
    return frame.reindex(index, method="ffill")
