"""Read a TMY3 file (NSRDB typical meteorological year, the format of pvlib's ``723170TYA.CSV``).

Parsing is :func:`pvlib.iotools.read_tmy3`; this module turns its output into the canonical frame:

- **Hour labels.** TMY3 timestamps are local standard time at the *end* of the hour ("01:00" is the
  hour 00:00-01:00; Wilcox & Marion, Users Manual for TMY3 Data Sets, NREL/TP-581-43156, 2008).
  Each timestamp is moved back by one hour to label the interval start, then converted to UTC.
- **Year.** The months of a TMY3 file come from different years; every record is given one year
  (``year``, default 1990, pvlib's convention for typical years: not a leap year, so no 29 February
  is missing). The record "12/31 24:00" becomes the interval starting 31 December 23:00.
- **Units.** Pressure is given in mbar and converted to Pa (x 100). Wind speed is at 10 m.
- **Albedo** is kept only when every value is in (0, 1]: files without albedo hold 0
  (:func:`weather.frame.keep_valid_albedo`).
- **Length.** 8760 records are required: a truncated file is an error.
- **Irradiance** is kept as given (the NSRDB components are modelled to be consistent); the frame
  passes :func:`weather.frame.validate_weather`.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd
from pvlib.iotools import read_tmy3

from weather.errors import WeatherInputError
from weather.frame import WeatherData, keep_valid_albedo, validate_weather

#: Height of TMY3 wind speed above ground [m] (Wilcox & Marion 2008, NREL/TP-581-43156).
TMY3_WIND_HEIGHT_M = 10.0
#: Year given to a typical year (pvlib's convention for coerced typical years; not a leap year).
TYPICAL_YEAR = 1990
PA_PER_MBAR = 100.0
HOURS_PER_YEAR = 8760


def read_tmy3_weather(path: str | Path, *, year: int = TYPICAL_YEAR) -> WeatherData:
    """Read a TMY3 file into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        The TMY3 ``.csv`` file.
    year : int, default 1990
        Year given to every record (local standard time); must not be a leap year.

    Returns
    -------
    WeatherData
        Canonical frame on a UTC index of interval starts; position and elevation from the header;
        ``wind_height_m`` = 10.

    Raises
    ------
    WeatherInputError
        For an unreadable file, a leap ``year`` or any failed check of
        :func:`weather.frame.validate_weather`.
    """
    source = str(path)
    if calendar.isleap(year):
        raise WeatherInputError(f"{source}: year: expected a year that is not a leap year (a TMY3 file has "
                                f"no 29 February); got {year}. Fix: pass e.g. year={TYPICAL_YEAR}")
    try:
        raw, meta = read_tmy3(str(path), coerce_year=year, map_variables=True)
    except FileNotFoundError as error:
        raise WeatherInputError(f"{source}: file: expected an existing TMY3 file; got no such file. Fix: "
                                "check the path") from error
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise WeatherInputError(f"{source}: file: expected a TMY3 file (a station header line, then hourly "
                                f"records with a 'Date (MM/DD/YYYY)' column); got a file pvlib cannot parse "
                                f"({error}). Fix: check that the file is a complete TMY3 file") from error
    if len(raw) != HOURS_PER_YEAR:
        raise WeatherInputError(f"{source}: records: expected {HOURS_PER_YEAR} hourly records (a TMY3 year); "
                                f"got {len(raw)}. Fix: the file is empty or truncated: download it again")
    columns = ["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure", "albedo"]
    missing = [name for name in columns[:6] if name not in raw]
    if missing:
        raise WeatherInputError(f"{source}: columns: expected the TMY3 fields for {columns[:6]}; got none "
                                f"for {missing}. Fix: use a complete TMY3 file")
    frame = raw[[name for name in columns if name in raw]].astype(float)
    frame["pressure"] = frame["pressure"] * PA_PER_MBAR
    frame = keep_valid_albedo(frame)
    frame.index = (frame.index - pd.Timedelta("1h")).tz_convert("UTC")
    frame = validate_weather(frame, source=source, latitude=meta["latitude"], longitude=meta["longitude"])
    return WeatherData(data=frame, latitude=float(meta["latitude"]), longitude=float(meta["longitude"]),
                       elevation_m=float(meta["altitude"]), wind_height_m=TMY3_WIND_HEIGHT_M, source=source)
