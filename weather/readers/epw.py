"""Read an EnergyPlus weather file (EPW) into the canonical frame.

Parsing is :func:`pvlib.iotools.read_epw`; this module handles the traps of the format and of the CSWD
files the hubs use (``../shared/weather/epw/SOURCES.md``):

- **Hour labels.** EPW hour 1 is the hour *ending* 01:00 local standard time (no daylight saving time).
  pvlib 0.16 already labels each record by the start of its hour in the file's fixed UTC offset
  (``TZ`` in the LOCATION line); we convert that index to UTC. A CSWD record "2005-01-01 hour 1" thus
  becomes the interval starting 2004-12-31 16:00 UTC.
- **Year.** CSWD files carry the year 2005 in every record (a typical year assembled from several);
  that year is kept. Files whose months come from different years (TMY-style EPW) get one year, by
  default the year of the first record (``year`` overrides), so the index is regular.
- **Missing-value codes** (EnergyPlus Auxiliary Programs, "Weather Converter Program", EPW data
  dictionary): dry bulb 99.9, station pressure 999999, GHI/DNI/DHI 9999, wind speed 999, albedo 999.
  A missing pressure is filled with the barometric formula from the site elevation
  (:func:`weather.frame.fill_missing_pressure`, with a warning); missing irradiance, temperature or wind
  is an error naming the code, the field and the first hour. Albedo is kept only when every value is
  valid (:func:`weather.frame.keep_valid_albedo`): the CSWD files hold 999 throughout, which must never
  reach pvlib. The other fields (illuminance 999900, ETR 9999, visibility, ...) are not read.
- **Irradiance closure.** In the CSWD files DNI cos(zenith) + DHI comes to only 0.83-0.99 of GHI. By
  default (``close=True``) GHI and DHI are kept as measured and DNI is recomputed from them with
  :func:`weather.frame.close_irradiance` (zenith at mid-hour, no beam beyond 87 deg), so that the
  transposition models see a sky consistent with GHI. ``close=False`` keeps the file's DNI.
- **Length.** A year of hourly records (8760, or 8784 in a leap year) is required: an empty or
  truncated file is an error. Sub-hourly EPW files are not supported (pvlib ignores the minute field).
- **Wind** is the 10 m station reading (``wind_height_m`` = 10); in the CSWD files it is whole m/s,
  often held for 6 hours (see SOURCES.md): the wind parks need their own hub-height calibration.
- **Radiation lag and gaps** (``correct=True``, the default): the CSWD radiation runs 27-73 min late
  against the sun (table :data:`weather.corrections.CSWD_LAGS_MIN`) and some files hold whole days of
  zero GHI; :func:`weather.corrections.correct_radiation` shifts the irradiance back onto the sun and
  fills the gap days, and ``WeatherData.notes`` says what was done. ``correct=False`` keeps the file's
  timing, which the extraterrestrial check then refuses when it lags by more than 20 min.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pvlib.iotools import read_epw

from weather.corrections import correct_radiation
from weather.errors import WeatherInputError
from weather.frame import (
    WeatherData,
    close_irradiance,
    fill_missing_pressure,
    keep_valid_albedo,
    validate_weather,
)

#: Height of EPW wind speed above ground [m]: the 10 m standard of WMO station anemometers (WMO-No. 8).
EPW_WIND_HEIGHT_M = 10.0
#: EPW missing-value codes of the fields read (EnergyPlus Auxiliary Programs, EPW data dictionary):
#: a value at or above the code is missing.
MISSING_CODES = {"temp_air": 99.9, "atmospheric_pressure": 999999.0, "ghi": 9999.0, "dni": 9999.0,
                 "dhi": 9999.0, "wind_speed": 999.0, "albedo": 999.0}
HOURS_PER_YEAR = (8760, 8784)


def read_epw_weather(path: str | Path, *, year: int | None = None, close: bool = True,
                     correct: bool = True) -> WeatherData:
    """Read an EPW file into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.epw`` file.
    year : int, optional
        Year given to every record (local standard time). Default: the file's year when it holds one,
        else the year of its first record.
    close : bool, default True
        Recompute DNI from GHI and DHI (see module docstring); False keeps the file's DNI.
    correct : bool, default True
        Remove a clear-day radiation lag and fill zero-GHI gap days (see module docstring).

    Returns
    -------
    WeatherData
        Canonical frame on a UTC index of interval starts; latitude, longitude and elevation from the
        LOCATION line; ``wind_height_m`` = 10.

    Raises
    ------
    WeatherInputError
        For an unreadable, empty or truncated file, missing-value codes in irradiance, temperature or
        wind, or any failed check of :func:`weather.frame.validate_weather`.
    """
    source = str(path)
    raw, meta = _parse(path, year)
    _check_length(raw, source)
    if year is None and raw["year"].nunique() > 1:
        raw, meta = _parse(path, int(raw["year"].iloc[0]))
    frame = raw.rename(columns={"atmospheric_pressure": "pressure"})
    frame = frame[["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure", "albedo"]].astype(float)
    for name, code in MISSING_CODES.items():
        column = "pressure" if name == "atmospheric_pressure" else name
        frame[column] = frame[column].mask(frame[column] >= code)
    _check_no_missing_code(frame, source)
    frame = fill_missing_pressure(frame, meta["altitude"], source=source)
    frame = keep_valid_albedo(frame)
    frame.index = frame.index.tz_convert("UTC")
    notes: tuple[str, ...] = ()
    if correct:
        frame, notes = correct_radiation(frame, meta["latitude"], meta["longitude"])
    frame = validate_weather(frame, source=source, latitude=meta["latitude"], longitude=meta["longitude"])
    if close:
        frame = close_irradiance(frame, meta["latitude"], meta["longitude"])
        source = f"{source} (DNI recomputed from GHI and DHI)"
    return WeatherData(data=frame, latitude=float(meta["latitude"]), longitude=float(meta["longitude"]),
                       elevation_m=float(meta["altitude"]), wind_height_m=EPW_WIND_HEIGHT_M, source=source,
                       notes=notes)


def _parse(path: str | Path, year: int | None) -> tuple[pd.DataFrame, dict]:
    try:
        return read_epw(str(path), coerce_year=year)
    except FileNotFoundError as error:
        raise WeatherInputError(f"{path}: file: expected an existing EPW file; got no such file. Fix: check "
                                "the path") from error
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise WeatherInputError(f"{path}: file: expected an EnergyPlus weather file (8 header lines, then "
                                f"hourly records of 35 fields); got a file pvlib cannot parse ({error}). "
                                "Fix: check that the file is a complete, unmodified EPW") from error


def _check_length(raw: pd.DataFrame, source: str) -> None:
    rows = len(raw)
    if rows not in HOURS_PER_YEAR:
        raise WeatherInputError(f"{source}: records: expected a full year of hourly records (8760, or 8784 "
                                f"in a leap year); got {rows}. Fix: the file is empty or truncated: download "
                                "it again")


def _check_no_missing_code(frame: pd.DataFrame, source: str) -> None:
    for name in ("ghi", "dni", "dhi", "temp_air", "wind_speed"):
        missing = frame[name].isna().to_numpy()
        if missing.any():
            code = MISSING_CODES[name]
            raise WeatherInputError(
                f"{source}: {name}: expected a value in every hour; got the EPW missing-value code "
                f"{code:g} in {int(missing.sum())} hours, first at {frame.index[missing][0].isoformat()}. "
                "Fix: fill the gaps (e.g. with the EnergyPlus Weather Converter) or use another file")


