"""Readers for forecast files: an issue time plus valid times, as weather or as park power.

Two formats, both read from files (nothing is fetched at run time):

- CSV (:func:`read_forecast_csv`): columns ``issue_time`` and ``valid_time`` in ISO 8601 *with* a UTC offset
  (``2025-06-01T12:00:00+08:00``), plus either the canonical weather columns (``ghi``, ``dni``, ``dhi``
  [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s], ``pressure`` [Pa]) or power columns ``solar_kw``,
  ``wind_kw`` [kW]. Each row is the interval starting at ``valid_time``. Several issues may share a file.
- Open-Meteo forecast API JSON saved to a file (:func:`read_open_meteo_json`): the documented response
  ``{"latitude", "longitude", "elevation", "timezone", "utc_offset_seconds", "hourly_units": {...},
  "hourly": {"time": [...], ...}}`` with the hourly variables ``temperature_2m``, ``shortwave_radiation``,
  ``direct_normal_irradiance``, ``diffuse_radiation``, ``surface_pressure`` and ``wind_speed_100m`` (or
  ``wind_speed_10m``). Units are read from ``hourly_units`` and converted (wind km/h by default -> m/s,
  degF -> degC, hPa -> Pa). Open-Meteo labels radiation as the mean over the *preceding* hour and the other
  variables as instantaneous values; the reader relabels to interval starts: the interval
  ``[t_k, t_k+1)`` gets the radiation labelled ``t_k+1`` and the mean of the instantaneous values at its two
  ends, so ``n`` times give ``n - 1`` intervals. The payload has no issue time: pass ``issue_time``, or
  name the file with a token ``issued-YYYYMMDDTHHMMZ`` (UTC), e.g. ``zhongwei_issued-20250601T0400Z.json``.
  Open-Meteo starts its series at 00:00 of the current day, so intervals starting before the issue time
  (analysis, not forecast) are dropped.

References
----------
.. [1] Open-Meteo Weather Forecast API documentation, https://open-meteo.com/en/docs (``windspeed_unit``
   default ``kmh``; solar radiation "averaged over the past hour", ``_instant`` variants at the time).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from weather.errors import WeatherInputError
from weather.frame import REQUIRED_COLUMNS, WeatherData

POWER_COLUMNS = ("solar_kw", "wind_kw")
ISO_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
ISSUE_TOKEN = re.compile(r"issued-(\d{8}T\d{4})Z")
KMH_PER_MS = 3.6
KNOT_MS = 1852.0 / 3600.0  # international knot [m/s]
MILE_MS = 1609.344 / 3600.0  # statute mile per hour [m/s]
PA_PER_HPA = 100.0
OPEN_METEO_WIND_SPEED_MS = {"km/h": 1.0 / KMH_PER_MS, "m/s": 1.0, "mp/h": MILE_MS, "mph": MILE_MS,
                            "kn": KNOT_MS}
OPEN_METEO_RADIATION = {"shortwave_radiation": "ghi", "direct_normal_irradiance": "dni",
                        "diffuse_radiation": "dhi"}


@dataclass(frozen=True)
class ForecastData:
    """Forecasts read from a file: weather or park power, indexed by issue and valid time.

    Parameters
    ----------
    data : pandas.DataFrame
        MultiIndex (``issue_time``, ``valid_time``), both UTC; columns the canonical weather columns
        (``kind == "weather"``) or ``solar_kw``, ``wind_kw`` [kW] (``kind == "power"``).
    kind : str
        ``"weather"`` or ``"power"``.
    latitude, longitude : float or None
        Site position [deg]; required for weather.
    elevation_m : float or None
        Site elevation [m]; required for weather.
    wind_height_m : float or None
        Height of ``wind_speed`` above ground [m]; required for weather.
    source : str
        The file read.
    """

    data: pd.DataFrame
    kind: str
    latitude: float | None
    longitude: float | None
    elevation_m: float | None
    wind_height_m: float | None
    source: str

    @property
    def issue_times(self) -> pd.DatetimeIndex:
        """The distinct issue times (UTC), increasing."""
        return self.data.index.get_level_values("issue_time").unique().sort_values()

    def weather(self, issue_time: pd.Timestamp) -> WeatherData:
        """The forecast weather of one issue as a :class:`~weather.frame.WeatherData` on its valid times.

        Raises
        ------
        WeatherInputError
            If the data are power forecasts or the issue time is not in the file.
        """
        if self.kind != "weather":
            raise WeatherInputError(f"kind: expected weather forecasts, got {self.kind} forecasts from "
                                    f"{self.source}; use the solar_kw/wind_kw columns directly")
        stamp = _aware_timestamp(issue_time)
        if stamp not in self.issue_times:
            raise WeatherInputError(f"issue_time: expected one of {list(self.issue_times.astype(str))}, got "
                                    f"{stamp}; pick an issue of {self.source}")
        frame = self.data.xs(stamp, level="issue_time")
        frame.index = pd.DatetimeIndex(frame.index, name="time")
        return WeatherData(data=frame, latitude=float(self.latitude), longitude=float(self.longitude),
                           elevation_m=float(self.elevation_m), wind_height_m=float(self.wind_height_m),
                           source=f"{self.source} issued {stamp.isoformat()}")


def read_forecast_csv(path: str | Path, *, latitude: float | None = None, longitude: float | None = None,
                      elevation_m: float | None = None, wind_height_m: float | None = None) -> ForecastData:
    """Read a forecast CSV (``issue_time``, ``valid_time`` + weather or power columns).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.
    latitude, longitude : float, optional
        Site position [deg]; required for weather forecasts.
    elevation_m : float, optional
        Site elevation [m]; required for weather forecasts.
    wind_height_m : float, optional
        Height of ``wind_speed`` above ground [m]; required for weather forecasts.

    Returns
    -------
    ForecastData

    Raises
    ------
    WeatherInputError
        Missing columns, times without a UTC offset, valid times before their issue, non-numeric, missing or
        negative values, duplicated rows, missing site metadata for weather.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"issue_time": str, "valid_time": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise WeatherInputError(f"{path}: expected a readable CSV file, got {error}; check the path") \
            from error
    for column in ("issue_time", "valid_time"):
        if column not in table.columns:
            raise WeatherInputError(f"{path}: expected a column {column!r} (ISO 8601 with offset), got "
                                    f"columns {list(table.columns)}; add it")
    if all(column in table.columns for column in POWER_COLUMNS):
        kind, columns = "power", POWER_COLUMNS
    else:
        missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
        if missing:
            raise WeatherInputError(f"{path}: expected power columns solar_kw, wind_kw or weather columns "
                                    f"{', '.join(REQUIRED_COLUMNS)}, missing {', '.join(missing)}; add them")
        kind, columns = "weather", REQUIRED_COLUMNS
    issue = _aware_times(path, "issue_time", table["issue_time"])
    valid = _aware_times(path, "valid_time", table["valid_time"])
    early = valid < issue
    if early.any():
        row = int(np.argmax(early))
        raise WeatherInputError(f"{path}: valid_time: expected times at or after their issue_time, got "
                                f"{table['valid_time'].iloc[row]} before {table['issue_time'].iloc[row]} "
                                f"(row {row + 2}); drop past rows or fix the issue time")
    values = table[list(columns)].apply(pd.to_numeric, errors="coerce")
    _check_values(path, values, table[list(columns)])
    data = values.set_axis(pd.MultiIndex.from_arrays([issue, valid], names=["issue_time", "valid_time"]))
    if data.index.duplicated().any():
        raise WeatherInputError(f"{path}: expected one row per issue_time and valid_time, got duplicates; "
                                "remove the repeated rows")
    if kind == "weather":
        metadata = {"latitude": latitude, "longitude": longitude, "elevation_m": elevation_m,
                    "wind_height_m": wind_height_m}
        absent = [name for name, value in metadata.items() if value is None]
        if absent:
            raise WeatherInputError(f"{path}: weather forecasts need the site, got no {', '.join(absent)}; "
                                    "pass them, e.g. read_forecast_csv(path, latitude=37.5, longitude=105.2, "
                                    "elevation_m=1230, wind_height_m=100)")
    _check_regular(path, data)
    return ForecastData(data=data.sort_index(), kind=kind, latitude=latitude, longitude=longitude,
                        elevation_m=elevation_m, wind_height_m=wind_height_m, source=str(path))


def read_open_meteo_json(path: str | Path, *, issue_time: pd.Timestamp | str | None = None) -> ForecastData:
    """Read an Open-Meteo hourly forecast API response saved as JSON.

    Parameters
    ----------
    path : str or pathlib.Path
        The JSON file.
    issue_time : pandas.Timestamp or str, optional
        When the forecast was issued (tz-aware); default the ``issued-YYYYMMDDTHHMMZ`` token in the file name.

    Returns
    -------
    ForecastData
        ``kind == "weather"`` with one issue; the wind height is 100 m for ``wind_speed_100m`` and 10 m for
        ``wind_speed_10m``; position and elevation from the payload.

    Raises
    ------
    WeatherInputError
        Unreadable JSON, missing keys, unknown units, arrays of different lengths, nulls, irregular or
        unlocated times, no issue time, no interval after the issue time.
    """
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WeatherInputError(f"{path}: expected an Open-Meteo JSON response, got {error}; save the API "
                                "response as JSON") from error
    hourly, units, wind_key, needed = _open_meteo_hourly(path, payload)
    times = _open_meteo_times(path, hourly["time"], units.get("time"), payload.get("utc_offset_seconds"))
    if len(times) < 2:
        raise WeatherInputError(f"{path}: hourly.time: expected at least 2 times, got {len(times)}; request "
                                "a longer forecast")
    steps = np.diff(times.to_numpy())
    if not (steps == np.timedelta64(1, "h")).all():
        raise WeatherInputError(f"{path}: hourly.time: expected consecutive hours, got irregular steps; use "
                                "the hourly (not minutely_15) response")
    series = {key: _open_meteo_values(path, key, hourly[key]) for key in needed[1:]}
    wind_factor = _unit_factor(path, wind_key, units, OPEN_METEO_WIND_SPEED_MS)
    for key in OPEN_METEO_RADIATION:
        _unit_factor(path, key, units, {"W/m²": 1.0, "W/m2": 1.0})
    pressure_factor = _unit_factor(path, "surface_pressure", units, {"hPa": PA_PER_HPA})
    temperature = _celsius(path, series["temperature_2m"], units.get("temperature_2m"))

    def interval_mean(values: np.ndarray) -> np.ndarray:
        return 0.5 * (values[:-1] + values[1:])

    frame = pd.DataFrame({
        **{column: series[key][1:] for key, column in OPEN_METEO_RADIATION.items()},
        "temp_air": interval_mean(temperature),
        "wind_speed": interval_mean(series[wind_key]) * wind_factor,
        "pressure": interval_mean(series["surface_pressure"]) * pressure_factor,
    }, index=times[:-1])
    issue = _issue_time(path, issue_time)
    frame = frame[frame.index >= issue]
    if frame.empty:
        raise WeatherInputError(f"{path}: hourly.time: expected intervals at or after the issue time "
                                f"{issue}, got times up to {times[-1]}; check the issue time or the file")
    frame.index = pd.MultiIndex.from_arrays([pd.DatetimeIndex([issue] * len(frame)), frame.index],
                                            names=["issue_time", "valid_time"])
    return ForecastData(data=frame[list(REQUIRED_COLUMNS)], kind="weather",
                        latitude=float(payload["latitude"]), longitude=float(payload["longitude"]),
                        elevation_m=float(payload["elevation"]),
                        wind_height_m=100.0 if wind_key == "wind_speed_100m" else 10.0, source=str(path))


def _open_meteo_hourly(path: Path, payload: dict) -> tuple[dict, dict, str, tuple[str, ...]]:
    """The ``hourly`` arrays and ``hourly_units`` of a response, its wind key and the keys read."""
    if not isinstance(payload, dict):
        raise WeatherInputError(f"{path}: expected an Open-Meteo JSON object, got a "
                                f"{type(payload).__name__}; save the full API response")
    for key in ("latitude", "longitude", "elevation", "hourly", "hourly_units"):
        if key not in payload:
            raise WeatherInputError(f"{path}: expected the top-level key {key!r} of the Open-Meteo "
                                    f"response, got {sorted(payload)}; request hourly variables and save "
                                    "the full response")
    hourly, units = payload["hourly"], payload["hourly_units"]
    _check_open_meteo_types(path, payload)
    wind_key = next((key for key in ("wind_speed_100m", "wind_speed_10m") if key in hourly), None)
    if wind_key is None:
        raise WeatherInputError(f"{path}: hourly: expected 'wind_speed_100m' or 'wind_speed_10m', got "
                                f"{sorted(hourly)}; add &hourly=wind_speed_100m to the request")
    needed = ("time", "temperature_2m", *OPEN_METEO_RADIATION, "surface_pressure", wind_key)
    missing = [key for key in needed if key not in hourly]
    if missing:
        raise WeatherInputError(f"{path}: hourly: expected keys {', '.join(needed)}, missing "
                                f"{', '.join(missing)}; add them to the request's &hourly= list")
    not_arrays = [key for key in needed if not isinstance(hourly[key], list)]
    if not_arrays:
        raise WeatherInputError(f"{path}: hourly.{not_arrays[0]}: expected an array, got "
                                f"{type(hourly[not_arrays[0]]).__name__}; save the complete response")
    lengths = {key: len(hourly[key]) for key in needed}
    if len(set(lengths.values())) > 1:
        raise WeatherInputError(f"{path}: hourly: expected arrays of one length, got {lengths}; save the "
                                "complete response")
    return hourly, units, wind_key, needed


def _check_open_meteo_types(path: Path, payload: dict) -> None:
    """``hourly`` and ``hourly_units`` are objects, the site keys numbers (one line each, not a traceback)."""
    for key in ("hourly", "hourly_units"):
        if not isinstance(payload[key], dict):
            raise WeatherInputError(f"{path}: {key}: expected an object of named arrays, got "
                                    f"{type(payload[key]).__name__}; save the full Open-Meteo response")
    for key in ("latitude", "longitude", "elevation"):
        value = payload[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise WeatherInputError(f"{path}: {key}: expected a number, got {type(value).__name__}; save "
                                    "the full Open-Meteo response")


def _celsius(path: Path, values: np.ndarray, unit: str | None) -> np.ndarray:
    """Air temperature in degC from Open-Meteo's ``°C`` or ``°F``."""
    if unit in ("°F", "degF"):
        return (values - 32.0) * 5.0 / 9.0
    if unit not in ("°C", "degC"):
        raise WeatherInputError(f"{path}: hourly_units.temperature_2m: expected '°C' or '°F', got "
                                f"{unit!r}; save the response with its hourly_units")
    return values


def _aware_times(path: Path, column: str, raw: pd.Series) -> pd.DatetimeIndex:
    text = raw.astype(str).str.strip()
    naive = ~text.str.contains(ISO_OFFSET, regex=True) | raw.isna()
    if naive.any():
        row = int(np.argmax(naive.to_numpy()))
        raise WeatherInputError(f"{path}: {column}: expected ISO 8601 times with a UTC offset (e.g. "
                                f"2025-06-01T12:00:00+08:00), got {raw.iloc[row]!r} (row {row + 2}); add the "
                                "offset: naive times are not guessed")
    try:
        return pd.DatetimeIndex(pd.to_datetime(text, utc=True, format="ISO8601"))
    except (ValueError, TypeError) as error:
        raise WeatherInputError(f"{path}: {column}: expected ISO 8601 times, got {error}; fix the "
                                "malformed time") from error


def _check_values(path: Path, values: pd.DataFrame, raw: pd.DataFrame) -> None:
    bad = values.isna()
    if bad.any().any():
        column = bad.any().idxmax()
        row = int(np.argmax(bad[column].to_numpy()))
        raise WeatherInputError(f"{path}: {column}: expected numbers, got {raw[column].iloc[row]!r} (row "
                                f"{row + 2}); fill or drop the row")
    nonnegative = [column for column in values.columns if column not in ("temp_air",)]
    negative = values[nonnegative] < 0
    if negative.any().any():
        column = negative.any().idxmax()
        raise WeatherInputError(f"{path}: {column}: expected values >= 0, got {values[column].min():g}; fix "
                                "the sign or the unit")


def _check_regular(path: Path, data: pd.DataFrame) -> None:
    valid = data.index.get_level_values("valid_time")
    issue = data.index.get_level_values("issue_time")
    frame = pd.DataFrame({"issue": issue, "valid": valid}).sort_values(["issue", "valid"])
    steps = frame.groupby("issue")["valid"].diff().dropna()
    if steps.nunique() > 1:
        raise WeatherInputError(f"{path}: valid_time: expected one regular step within and across issues, "
                                f"got steps {sorted(steps.unique().astype(str))}; resample the forecast")


def _open_meteo_times(path: Path, raw: list, unit: str | None, offset: object) -> pd.DatetimeIndex:
    if unit == "unixtime":
        try:
            return pd.DatetimeIndex(pd.to_datetime(np.asarray(raw, dtype=np.int64), unit="s", utc=True))
        except (ValueError, TypeError, OverflowError):
            raise WeatherInputError(f"{path}: hourly.time: expected integer Unix times, got a non-integer "
                                    "entry; save the response as the API returned it") from None
    if unit != "iso8601":
        raise WeatherInputError(f"{path}: hourly_units.time: expected 'iso8601' or 'unixtime', got {unit!r}; "
                                "save the response with its hourly_units")
    try:
        times = pd.DatetimeIndex(pd.to_datetime(pd.Series(raw, dtype=str), format="ISO8601"))
    except (ValueError, TypeError) as error:
        raise WeatherInputError(f"{path}: hourly.time: expected ISO 8601 times, got {error}; fix the "
                                "malformed time") from error
    if times.tz is not None:
        return times.tz_convert("UTC")
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise WeatherInputError(f"{path}: utc_offset_seconds: expected the integer offset of the local times "
                                f"in hourly.time, got {offset!r}; save the full response (naive times are "
                                "not guessed)")
    return (times - pd.Timedelta(seconds=offset)).tz_localize("UTC")


def _open_meteo_values(path: Path, key: str, raw: list) -> np.ndarray:
    try:
        values = np.array([np.nan if value is None else value for value in raw], dtype=float)
    except (ValueError, TypeError):
        raise WeatherInputError(f"{path}: hourly.{key}: expected numbers, got a non-numeric entry; save "
                                "the response as the API returned it") from None
    if np.isnan(values).any():
        raise WeatherInputError(f"{path}: hourly.{key}: expected numbers, got {int(np.isnan(values).sum())} "
                                "null values; request a forecast range the model covers")
    return values


def _unit_factor(path: Path, key: str, units: dict, factors: dict[str, float]) -> float:
    unit = units.get(key)
    if unit not in factors:
        raise WeatherInputError(f"{path}: hourly_units.{key}: expected one of {', '.join(factors)}, got "
                                f"{unit!r}; save the response with its hourly_units")
    return factors[unit]


def _issue_time(path: Path, issue_time: pd.Timestamp | str | None) -> pd.Timestamp:
    if issue_time is None:
        match = ISSUE_TOKEN.search(path.name)
        if match is None:
            raise WeatherInputError(f"{path}: issue_time: expected an argument or a file-name token "
                                    "issued-YYYYMMDDTHHMMZ (UTC), got neither; pass issue_time=... or rename "
                                    "the file")
        return pd.Timestamp(match.group(1), tz="UTC")
    return _aware_timestamp(issue_time)


def _aware_timestamp(value: pd.Timestamp | str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tz is None:
        raise WeatherInputError(f"issue_time: expected a tz-aware time, got naive {stamp}; pass e.g. "
                                "'2025-06-01T12:00+08:00'")
    return stamp.tz_convert("UTC")
