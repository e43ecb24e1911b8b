"""Read a plain CSV of weather with a column map, a declared time zone and declared units.

The file has one time column and one column per quantity. The caller says what is what:

- ``column_map`` maps the file's column names to the canonical names (``ghi``, ``dni``, ``dhi``,
  ``temp_air``, ``wind_speed``, ``pressure``, optional ``albedo``); without it the file must already
  use the canonical names. ``pressure`` may be absent: it is then filled from the elevation with the
  barometric formula (:func:`weather.frame.fill_missing_pressure`, with a warning).
- Timestamps are ISO 8601. With offsets ("2025-01-01T00:00:00+08:00", or "Z") they need nothing more;
  without, ``timezone`` must name the zone (an IANA name such as "Asia/Shanghai", or "UTC"): naive
  timestamps are an error, never a guess. A DST-ambiguous or non-existent local time is an error.
- ``time_label`` says whether a timestamp is the start (default) or the end of its interval.
- ``temperature_unit`` ("degC" or "K") and ``pressure_unit`` ("Pa", "hPa", "mbar" or "kPa") are
  converted here; irradiance is W/m2 and wind speed m/s.
- Position, elevation and the wind measurement height are arguments: a CSV carries none of them.

Every cell must be a number (an empty cell is a missing value, an error); the frame then passes
:func:`weather.frame.validate_weather`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from weather.errors import WeatherInputError
from weather.frame import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ZERO_CELSIUS_K,
    WeatherData,
    fill_missing_pressure,
    validate_weather,
)

PRESSURE_UNITS_PA = {"Pa": 1.0, "hPa": 100.0, "mbar": 100.0, "kPa": 1000.0}
TEMPERATURE_UNITS = ("degC", "K")
TIME_LABELS = ("start", "end")
#: ASSUMPTION: default wind measurement height [m], the 10 m standard of WMO stations (WMO-No. 8).
DEFAULT_WIND_HEIGHT_M = 10.0
_OFFSET_PATTERN = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def read_csv_weather(path: str | Path, *, latitude: float | None = None, longitude: float | None = None,
                     elevation_m: float | None = None, column_map: Mapping[str, str] | None = None,
                     time_column: str = "time", timezone: str | None = None, time_label: str = "start",
                     temperature_unit: str = "degC", pressure_unit: str = "Pa",
                     wind_height_m: float = DEFAULT_WIND_HEIGHT_M) -> WeatherData:
    """Read a plain weather CSV into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (comma-separated, one header line).
    latitude, longitude : float
        Site position [deg north, deg east]; required.
    elevation_m : float
        Site elevation above sea level [m]; required.
    column_map : mapping of str to str, optional
        File column name -> canonical name. Default: the file uses the canonical names.
    time_column : str, default "time"
        Name of the timestamp column.
    timezone : str, optional
        IANA zone (or "UTC") of timestamps without an offset; required for naive timestamps.
    time_label : {"start", "end"}, default "start"
        Whether a timestamp labels the start or the end of its interval.
    temperature_unit : {"degC", "K"}, default "degC"
        Unit of ``temp_air`` in the file.
    pressure_unit : {"Pa", "hPa", "mbar", "kPa"}, default "Pa"
        Unit of ``pressure`` in the file.
    wind_height_m : float, default 10
        Height above ground of the file's wind speed [m].

    Returns
    -------
    WeatherData
        Canonical frame on a UTC index of interval starts.

    Raises
    ------
    WeatherInputError
        For missing arguments or columns, naive timestamps without ``timezone``, unknown units or zone,
        non-numeric cells, and any failed check of :func:`weather.frame.validate_weather`.
    """
    source = str(path)
    site = {"latitude": latitude, "longitude": longitude, "elevation_m": elevation_m}
    absent = [name for name, value in site.items() if value is None]
    if absent:
        arguments = ", ".join(f"{name}=..." for name in absent)
        raise WeatherInputError(f"{source}: {', '.join(absent)}: expected the site position and elevation "
                                f"for a plain CSV; got none. Fix: pass {arguments}")
    _check_choice(source, "temperature_unit", temperature_unit, TEMPERATURE_UNITS)
    _check_choice(source, "pressure_unit", pressure_unit, tuple(PRESSURE_UNITS_PA))
    _check_choice(source, "time_label", time_label, TIME_LABELS)
    table = _read_table(path, source)
    frame = _canonical_columns(table, column_map, time_column, source)
    frame.index = _parse_times(table[time_column], timezone, source)
    if time_label == "end" and len(frame) > 1:
        frame.index = frame.index - (frame.index[1] - frame.index[0])
    frame = _numeric_cells(frame, source)
    if temperature_unit == "K":
        frame["temp_air"] = frame["temp_air"] - ZERO_CELSIUS_K
    if "pressure" in frame:
        frame["pressure"] = frame["pressure"] * PRESSURE_UNITS_PA[pressure_unit]
    frame = fill_missing_pressure(frame, elevation_m, source=source)
    frame = validate_weather(frame, source=source, latitude=latitude, longitude=longitude)
    return WeatherData(data=frame, latitude=float(latitude), longitude=float(longitude),
                       elevation_m=float(elevation_m), wind_height_m=float(wind_height_m), source=source)


def _check_choice(source: str, name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise WeatherInputError(f"{source}: {name}: expected one of {list(choices)}; got {value!r}. "
                                f"Fix: pass {name}={choices[0]!r} or another listed value")


def _read_table(path: str | Path, source: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as error:
        raise WeatherInputError(f"{source}: file: expected an existing CSV file; got no such file. Fix: "
                                "check the path") from error
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise WeatherInputError(f"{source}: file: expected a comma-separated table with a header line; got "
                                f"a file pandas cannot parse ({error}). Fix: check the file") from error
    if table.empty:
        raise WeatherInputError(f"{source}: rows: expected weather rows below the header; got none. Fix: "
                                "check that the file is complete")
    table.columns = [str(name).strip() for name in table.columns]
    return table


def _canonical_columns(table: pd.DataFrame, column_map: Mapping[str, str] | None, time_column: str,
                       source: str) -> pd.DataFrame:
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    mapping = dict(column_map) if column_map is not None else {name: name for name in known}
    unknown = sorted(set(mapping.values()) - set(known))
    if unknown:
        raise WeatherInputError(f"{source}: column_map: expected canonical names among {list(known)} as "
                                f"values; got {unknown}. Fix: map each file column to one of those names")
    if column_map is not None:
        not_in_file = sorted(set(mapping) - set(table.columns))
        if not_in_file:
            raise WeatherInputError(f"{source}: column_map: expected file columns; got {not_in_file} which "
                                    f"the file does not have (it has {list(table.columns)}). Fix: correct "
                                    "the column_map keys")
    if time_column not in table:
        raise WeatherInputError(f"{source}: {time_column}: expected a timestamp column {time_column!r}; got "
                                f"the columns {list(table.columns)}. Fix: pass time_column=<its name>")
    present = {file_name: name for file_name, name in mapping.items() if file_name in table}
    missing = [name for name in REQUIRED_COLUMNS if name not in present.values() and name != "pressure"]
    if missing:
        raise WeatherInputError(f"{source}: columns: expected {missing} (mapped from file columns); got the "
                                f"columns {list(table.columns)}. Fix: pass column_map={{'<file column>': "
                                f"'{missing[0]}', ...}}")
    return table[list(present)].rename(columns=present)


def _parse_times(column: pd.Series, timezone: str | None, source: str) -> pd.DatetimeIndex:
    text = column.str.strip()
    has_offset = text.str.contains(_OFFSET_PATTERN, regex=True)
    if has_offset.any() and not has_offset.all():
        row = int((~has_offset).to_numpy().argmax())
        raise WeatherInputError(f"{source}: time: expected every timestamp with a UTC offset or none with "
                                f"one; got {text.iloc[row]!r} without one. Fix: write all timestamps the "
                                "same way")
    try:
        if has_offset.all():
            return pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", utc=True))
        naive = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601"))
    except (ValueError, TypeError) as error:
        raise WeatherInputError(f"{source}: time: expected ISO 8601 timestamps (e.g. "
                                f"'2025-01-01T00:00:00+08:00'); got unparseable values ({error}). Fix: "
                                "correct the time column") from error
    if timezone is None:
        raise WeatherInputError(f"{source}: timezone: expected a declared time zone for timestamps without a "
                                f"UTC offset; got naive timestamps such as {text.iloc[0]!r}. Fix: pass "
                                "timezone='Asia/Shanghai' (or the zone of the data, or 'UTC')")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise WeatherInputError(f"{source}: timezone: expected an IANA zone name such as 'Asia/Shanghai' or "
                                f"'UTC'; got {timezone!r}. Fix: use a name from the tz database") from error
    try:
        return naive.tz_localize(zone, ambiguous="raise", nonexistent="raise").tz_convert("UTC")
    except (ValueError, TypeError) as error:
        raise WeatherInputError(f"{source}: time: expected local times that exist once in {timezone}; got a "
                                f"daylight-saving ambiguous or skipped time ({error}). Fix: give timestamps "
                                "with UTC offsets or in UTC") from error


def _numeric_cells(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    numeric = {}
    for name in frame.columns:
        text = frame[name].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (text != "") & values.isna()
        if bad.any():
            where = frame.index[bad.to_numpy()][0]
            raise WeatherInputError(f"{source}: {name}: expected numbers; got {int(bad.sum())} non-numeric "
                                    f"cells, first {text[bad].iloc[0]!r} at {where.isoformat()}. Fix: "
                                    "correct the cells (decimal point '.', no units in cells)")
        numeric[name] = values.to_numpy(dtype=float)
    return pd.DataFrame(numeric, index=frame.index)
