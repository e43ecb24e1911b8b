"""Read a PVGIS typical meteorological year saved as CSV or JSON (outputformat "csv" or "json").

Parsing is :func:`pvlib.iotools.read_pvgis_tmy` (the format is chosen by the file extension); a PVGIS
TMY saved as EPW goes through :mod:`weather.readers.epw` instead. The layout (PVGIS 5.x TMY tool,
European Commission JRC): CSV has three lines "Latitude (decimal degrees): ...", "Longitude ...",
"Elevation (m): ...", optionally "Irradiance Time Offset (h): ...", a "month,year" table of the
months selected, the header ``time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP``, 8760 hourly
rows and a legend of the variables; JSON holds the same under ``inputs.location``,
``outputs.months_selected`` and ``outputs.tmy_hourly``.

- **Time.** PVGIS timestamps are UTC ("20180101:0000"), so no zone is guessed. The irradiance of the
  satellite databases is for an instant a few minutes past the hour ("Irradiance Time Offset (h)",
  e.g. 0.18 h); ASSUMPTION: each row is taken as the interval starting at its timestamp, the interval
  that instant lies in.
- **Year.** Each month comes from a different year; every record is given one year (``year``,
  default 1990 as in :func:`pvlib.iotools.get_pvgis_tmy`; not a leap year, since the TMY has no
  29 February), which makes the index regular.
- **Units and heights.** T2m [degC] at 2 m, G(h)/Gb(n)/Gd(h) [W/m2], WS10m [m/s] at 10 m, SP [Pa]:
  already canonical. Irradiance is kept as given.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pandas as pd
from pvlib.iotools import read_pvgis_tmy

from weather.errors import WeatherInputError
from weather.frame import WeatherData, validate_weather
from weather.readers.tmy3 import TYPICAL_YEAR

HOURS_PER_YEAR = 8760
_ROW_PATTERN = re.compile(r"^\d{8}:\d{4},")

#: Height of PVGIS WS10m above ground [m] (its name and legend: "10-m total wind speed").
PVGIS_WIND_HEIGHT_M = 10.0
FORMATS = ("csv", "json")


def read_pvgis_weather(path: str | Path, *, year: int = TYPICAL_YEAR) -> WeatherData:
    """Read a PVGIS TMY file (``.csv`` or ``.json``) into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        The file saved from the PVGIS TMY tool; the extension gives the format.
    year : int, default 1990
        Year given to every record (UTC); must not be a leap year.

    Returns
    -------
    WeatherData
        Canonical frame on a UTC index of interval starts; position and elevation from the file;
        ``wind_height_m`` = 10.

    Raises
    ------
    WeatherInputError
        For an unknown extension, an unreadable file, a leap ``year`` or any failed check of
        :func:`weather.frame.validate_weather`.
    """
    source = str(path)
    outputformat = Path(path).suffix.lstrip(".").lower()
    if outputformat not in FORMATS:
        raise WeatherInputError(f"{source}: file extension: expected .csv or .json for a PVGIS TMY; got "
                                f"{Path(path).suffix!r}. Fix: save the TMY as csv or json (an EPW from "
                                "PVGIS is read by the EPW reader)")
    if calendar.isleap(year):
        raise WeatherInputError(f"{source}: year: expected a year that is not a leap year (a PVGIS TMY has "
                                f"no 29 February); got {year}. Fix: pass e.g. year={TYPICAL_YEAR}")
    if outputformat == "csv":
        _check_csv_rows(path, source)
    try:
        raw, meta = read_pvgis_tmy(str(path), map_variables=True)
    except FileNotFoundError as error:
        raise WeatherInputError(f"{source}: file: expected an existing PVGIS TMY file; got no such file. "
                                "Fix: check the path") from error
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as error:
        raise WeatherInputError(f"{source}: file: expected a PVGIS TMY {outputformat} file (see "
                                f"weather.readers.pvgis); got a file pvlib cannot parse ({error!r}). Fix: "
                                "save the TMY again from PVGIS, unmodified") from error
    try:  # a file without its location block gives one line, not a KeyError
        location = meta["inputs"].get("location", meta["inputs"])
        latitude, longitude = float(location["latitude"]), float(location["longitude"])
        elevation_m = float(location["elevation"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise WeatherInputError(f"{source}: inputs.location: expected the site's latitude, longitude and "
                                "elevation; got none or not numbers. Fix: save the TMY again from PVGIS, "
                                "unmodified (it writes the location block)") from None
    index = raw.index
    frame = raw.drop(columns=[c for c in raw.columns if c not in
                              ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")])
    stamps = pd.to_datetime(pd.DataFrame({"year": year, "month": index.month, "day": index.day,
                                          "hour": index.hour, "minute": index.minute}))
    frame.index = pd.DatetimeIndex(stamps).tz_localize("UTC")
    frame = validate_weather(frame, source=source, latitude=latitude, longitude=longitude)
    return WeatherData(data=frame, latitude=latitude, longitude=longitude, elevation_m=elevation_m,
                       wind_height_m=PVGIS_WIND_HEIGHT_M, source=source)


def _check_csv_rows(path: str | Path, source: str) -> None:
    """pvlib reads exactly 8760 rows of a PVGIS TMY CSV: check there are, for a clear message."""
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            rows = sum(1 for line in lines if _ROW_PATTERN.match(line))
    except FileNotFoundError as error:
        raise WeatherInputError(f"{source}: file: expected an existing PVGIS TMY file; got no such file. "
                                "Fix: check the path") from error
    if rows != HOURS_PER_YEAR:
        raise WeatherInputError(f"{source}: records: expected {HOURS_PER_YEAR} hourly rows "
                                f"('yyyymmdd:HHMM,...') in a PVGIS TMY CSV; got {rows}. Fix: the file is "
                                "empty or truncated: save it again from PVGIS")
