"""Weather file readers: one module per source, all returning the canonical :class:`WeatherData`.

:func:`read_weather` picks the reader from the file:

- ``.epw`` -> :func:`~weather.readers.epw.read_epw_weather` (EnergyPlus, e.g. the CSWD files);
- ``.json`` -> :func:`~weather.readers.pvgis.read_pvgis_weather` (PVGIS TMY, JSON output);
- ``.nc`` -> :func:`~weather.readers.era5.read_era5_weather` (ERA5 reanalysis netCDF, a point or a
  grid read at the cell nearest to ``site``; needs the extra ``suandian[era5]``);
- ``.csv`` -> by its first lines: "Latitude (decimal degrees): ..." is a PVGIS TMY CSV, a second line
  starting "Date (MM/DD/YYYY)" is TMY3 (:func:`~weather.readers.tmy3.read_tmy3_weather`), anything else
  is a plain CSV (:func:`~weather.readers.csv.read_csv_weather`, which needs the site as arguments).

``kind`` ("epw", "tmy3", "pvgis", "csv", "era5") overrides the detection.

A reanalysis holds dated years (:data:`DATED_KINDS`): unlike a typical year it is not re-labelled
onto another calendar, so a horizon outside it is an error for the caller to raise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.readers.csv import read_csv_weather
from weather.readers.epw import read_epw_weather
from weather.readers.era5 import read_era5_weather
from weather.readers.pvgis import read_pvgis_weather
from weather.readers.tmy3 import read_tmy3_weather

READERS: dict[str, Callable[..., WeatherData]] = {
    "epw": read_epw_weather,
    "tmy3": read_tmy3_weather,
    "pvgis": read_pvgis_weather,
    "csv": read_csv_weather,
    "era5": read_era5_weather,
}
SUFFIXES = {".epw": "epw", ".json": "pvgis", ".nc": "era5", ".csv": None}
"""File extension -> kind (None: a CSV, told apart by its first lines)."""
DATED_KINDS = ("era5",)
"""Kinds holding dated weather years, never re-labelled onto another calendar."""


def detect_kind(path: str | Path) -> str:
    """The kind of weather file at ``path``: "epw", "tmy3", "pvgis", "csv" or "era5".

    Parameters
    ----------
    path : str or pathlib.Path
        A weather file.

    Returns
    -------
    str
        A key of ``READERS``.

    Raises
    ------
    WeatherInputError
        For a missing file or an extension that is none of .epw, .csv, .json, .nc.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WeatherInputError(f"{path}: file extension: expected .epw, .csv, .json or .nc; got "
                                f"{path.suffix!r}. Fix: rename the file after its format, or pass "
                                "kind='epw'|'tmy3'|'pvgis'|'csv'|'era5'")
    if not path.is_file():
        raise WeatherInputError(f"{path}: file: expected an existing weather file; got no such file. Fix: "
                                "check the path")
    if SUFFIXES[suffix] is not None:
        return SUFFIXES[suffix]
    with path.open(encoding="utf-8", errors="replace") as lines:
        first, second = lines.readline(), lines.readline()
    if first.startswith("Latitude (decimal degrees)"):
        return "pvgis"
    if second.startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    return "csv"


def read_weather(path: str | Path, *, kind: str | None = None, site: tuple[float, float] | None = None,
                 **kwargs: Any) -> WeatherData:
    """Read any supported weather file into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        EPW, TMY3, PVGIS TMY (csv/json), plain CSV or ERA5 netCDF file.
    kind : {"epw", "tmy3", "pvgis", "csv", "era5"}, optional
        The file kind; detected from the file when omitted (see module docstring).
    site : (float, float), optional
        Latitude and longitude [deg north, deg east] the weather is for (the hub): a gridded file
        (ERA5) is read at its nearest cell; files of one station ignore it.
    **kwargs
        Passed to the reader: ``year`` for EPW/TMY3/PVGIS, ``close`` for EPW; for a plain CSV
        ``latitude``, ``longitude``, ``elevation_m``, ``column_map``, ``timezone``, ``time_label``,
        ``temperature_unit``, ``pressure_unit``, ``wind_height_m``, ``time_column``; for ERA5
        ``latitude``, ``longitude`` (instead of ``site``).

    Returns
    -------
    WeatherData
        Canonical weather on a regular UTC index of interval starts.

    Raises
    ------
    WeatherInputError
        For an unknown kind, an argument the reader does not take, or any bad input the reader finds.
    """
    if kind is None:
        kind = detect_kind(path)
    if kind not in READERS:
        raise WeatherInputError(f"{path}: kind: expected one of {list(READERS)}; got {kind!r}. Fix: pass a "
                                "listed kind or omit it to detect the format")
    if kind == "era5" and site is not None:
        kwargs = {"latitude": site[0], "longitude": site[1], **kwargs}
    try:
        return READERS[kind](path, **kwargs)
    except TypeError as error:
        raise WeatherInputError(f"{path}: arguments: expected the arguments of the {kind} reader; got "
                                f"{sorted(kwargs)} ({error}). Fix: see help(weather.readers.read_weather)") \
            from error


__all__ = ["DATED_KINDS", "READERS", "detect_kind", "read_csv_weather", "read_epw_weather",
           "read_era5_weather", "read_pvgis_weather", "read_tmy3_weather", "read_weather"]
