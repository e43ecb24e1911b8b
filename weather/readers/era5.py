"""Read ERA5 reanalysis (single levels, hourly, netCDF as the Copernicus CDS delivers it).

The variables are those atlite uses for its ERA5 cutouts (``atlite/datasets/era5.py``; ERA5 data
documentation, ECMWF Confluence "ERA5: data documentation"):

- ``ssrd`` surface solar radiation downwards and ``fdir`` total-sky direct solar radiation at the
  surface [J/m2], each accumulated over the hour that *ends* at the time stamp (13:01-14:00 is labelled
  14:00). The mean power over the hour is the accumulation / 3600 s [W/m2]. GHI = ssrd / 3600;
  ``fdir`` is the beam on a *horizontal* plane, so DHI = GHI - fdir / 3600 and DNI = fdir / 3600 /
  cos(zenith), with the apparent solar zenith at the middle of the hour (30 min before the stamp, as
  atlite's ``time_shift``) and no beam beyond 87 deg: :func:`weather.frame.close_irradiance`, the rule
  the EPW reader uses. Small negative accumulations (GRIB packing) are set to 0 and fdir is capped
  at ssrd, as atlite's ``sanitize_influx`` clips at 0.
- ``t2m`` 2 m temperature [K] -> degC; ``sp`` surface pressure [Pa], kept.
- ``u100``/``v100`` wind components at 100 m [m/s]: wind speed = hypot(u100, v100) at 100 m. Without
  them, ``u10``/``v10`` give the wind at 10 m; such wind is refused for a wind park unless it is
  calibrated (:mod:`weather.wind_calibration`, the station-wind rule).
- optional ``z`` surface geopotential [m2/s2]: elevation = z / 9.80665 m/s2 (ERA5 documentation,
  "surface elevation and orography"); without it the elevation is the standard-atmosphere altitude of
  the median surface pressure (ASSUMPTION: the barometric formula, ``pvlib.atmosphere.pres2alt``).

Time is UTC: each stamp is moved back one hour to label the interval start, as every reader's frame
(the engine converts to the hub's local zone at its outputs). ``t2m``, ``sp`` and the wind are
instantaneous at the stamp; ASSUMPTION: they stand for the hour ending there, the pairing atlite keeps
(one time coordinate for all variables), 30 min from the hour's middle, which hourly parks do not feel.

The time coordinate is ``time`` (older CDS files) or ``valid_time`` (the CDS since 2024), the position
``latitude``/``longitude`` (or ``lat``/``lon``). A file may hold many years and a point or a grid: a
grid is read at the cell nearest to ``latitude``, ``longitude`` (the hub), and the cell's centre is the
"station" position that :func:`weather.geo.check_weather_site` compares with the hub. ERA5-Land (no
``fdir``, accumulations from 00 UTC) is not this format.

Reading netCDF4/HDF5 needs xarray and h5netcdf (or netCDF4): the optional extra ``suandian[era5]``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pvlib

from weather.errors import WeatherInputError
from weather.frame import ZERO_CELSIUS_K, WeatherData, close_irradiance, validate_weather

SECONDS_PER_HOUR = 3600.0
"""Seconds in the hour an ERA5 accumulation covers [s/h]."""
HOUR = pd.Timedelta("1h")
#: Standard gravity [m/s2] (the ERA5 documentation divides the geopotential by it).
STANDARD_GRAVITY_M_S2 = 9.80665
NEEDED = ("ssrd", "fdir", "t2m", "sp")
#: Wind components by preference: (height above ground [m], u, v).
WIND_COMPONENTS = ((100.0, "u100", "v100"), (10.0, "u10", "v10"))
TIME_NAMES = ("valid_time", "time")
LATITUDE_NAMES = ("latitude", "lat")
LONGITUDE_NAMES = ("longitude", "lon")
#: The ERA5 units of each variable, as its ``units`` attribute writes them (compared without spaces
#: and "**"; a variable without the attribute is taken to be in these units).
UNITS = {"ssrd": "J m**-2", "fdir": "J m**-2", "t2m": "K", "sp": "Pa", "z": "m**2 s**-2",
         **{name: "m s**-1" for _, u, v in WIND_COMPONENTS for name in (u, v)}}
EXTRA = 'pip install "suandian[era5]"'
BACKENDS = ("h5netcdf", "netCDF4")


def read_era5_weather(path: str | Path, *, latitude: float | None = None,
                      longitude: float | None = None) -> WeatherData:
    """Read an ERA5 netCDF file into :class:`~weather.frame.WeatherData`.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.nc`` file: one point or a latitude-longitude grid, any number of hours or years.
    latitude, longitude : float, optional
        Site [deg north, deg east]; the nearest grid cell is read. Required for a grid of more than
        one cell.

    Returns
    -------
    WeatherData
        Canonical frame on a UTC index of interval starts; latitude and longitude of the cell read;
        ``wind_height_m`` 100 (or 10 for a file with only ``u10``/``v10``).

    Raises
    ------
    WeatherInputError
        Without xarray or a netCDF4 backend (naming the extra), for an unreadable file, a missing
        variable or coordinate, a unit other than ERA5's, a grid without a site, extra dimensions, and
        any failed check of :func:`weather.frame.validate_weather`.
    """
    source = str(path)
    xarray = _xarray(source)
    try:
        dataset = xarray.open_dataset(path)
    except FileNotFoundError as error:
        raise WeatherInputError(f"{source}: file: expected an existing netCDF file; got no such file. Fix: "
                                "check the path") from error
    except (OSError, ValueError) as error:
        reason = str(error).splitlines()[0].split(". ")[0]  # xarray's messages run over several lines
        raise WeatherInputError(f"{source}: file: expected an ERA5 netCDF file; got one xarray cannot open "
                                f"({reason}). Fix: download the file again as netCDF from the CDS") from error
    with dataset:
        height, u_name, v_name = _wind_components(dataset, source)
        cell, cell_lat, cell_lon = _nearest_cell(dataset, latitude, longitude, source)
        raw = _series(cell, [*NEEDED, u_name, v_name, *(["z"] if "z" in cell else [])], source)
    frame, elevation_m = _canonical(raw, u_name, v_name)
    frame = validate_weather(frame, source=source, latitude=cell_lat, longitude=cell_lon)
    frame = close_irradiance(frame, cell_lat, cell_lon)
    return WeatherData(data=frame, latitude=cell_lat, longitude=cell_lon, elevation_m=elevation_m,
                       wind_height_m=height,
                       source=f"{source} (ERA5 cell {cell_lat:.2f} N, {cell_lon:.2f} E)")


def _xarray(source: str) -> Any:
    """The xarray module, when it and a netCDF4 backend are installed; else the extra to install."""
    if importlib.util.find_spec("xarray") is None or not any(
            importlib.util.find_spec(name) is not None for name in BACKENDS):
        raise WeatherInputError(f"{source}: netCDF: expected xarray and h5netcdf (or netCDF4) to read an "
                                f"ERA5 file; got them not installed. Fix: {EXTRA}")
    import xarray

    return xarray


def _wind_components(dataset: Any, source: str) -> tuple[float, str, str]:
    """(height [m], u, v) of the best wind in the file; every needed variable checked present."""
    wind = next(((height, u, v) for height, u, v in WIND_COMPONENTS if u in dataset and v in dataset), None)
    missing = [name for name in NEEDED if name not in dataset]
    if wind is None:
        missing.append("u100 and v100 (or u10 and v10)")
    if missing:
        raise WeatherInputError(
            f"{source}: variables: expected the ERA5 variables {list(NEEDED)} and u100/v100 (or u10/v10); "
            f"got no {', '.join(missing)} among {sorted(map(str, dataset.data_vars))}. Fix: download "
            "the missing variables from reanalysis-era5-single-levels (e.g. 'total_sky_direct_solar_"
            "radiation_at_surface' for fdir, '100m_u_component_of_wind' for u100) into the file; the "
            "CDS zip holds accumulated and instantaneous variables in two files: merge them into one "
            "(xarray.merge, then to_netcdf)")
    return wind


def _coordinate(dataset: Any, names: tuple[str, ...], source: str) -> str:
    name = next((name for name in names if name in dataset.coords), None)
    if name is None:
        raise WeatherInputError(f"{source}: coordinates: expected one of {list(names)}; got "
                                f"{sorted(map(str, dataset.coords))}. Fix: give an ERA5 netCDF file as the "
                                "CDS writes it (coordinates valid_time or time, latitude, longitude)")
    return name


def _nearest_cell(dataset: Any, latitude: float | None, longitude: float | None,
                  source: str) -> tuple[Any, float, float]:
    """The dataset at the grid cell nearest to the site, and the cell's latitude and longitude [deg]."""
    lat_name = _coordinate(dataset, LATITUDE_NAMES, source)
    lon_name = _coordinate(dataset, LONGITUDE_NAMES, source)
    cells = dataset[lat_name].size * dataset[lon_name].size
    if cells > 1 and (latitude is None or longitude is None):
        raise WeatherInputError(f"{source}: latitude, longitude: expected the site to pick a cell of the "
                                f"{dataset[lat_name].size} x {dataset[lon_name].size} grid; got none. Fix: "
                                "pass latitude=..., longitude=... (the CLI and scenarios pass the hub's)")
    if cells > 1:
        lons = dataset[lon_name].to_numpy()
        target_lon = longitude % 360.0 if lons.max() > 180.0 else (longitude + 180.0) % 360.0 - 180.0
        wanted = {name: value for name, value in ((lat_name, latitude), (lon_name, target_lon))
                  if name in dataset.dims and dataset[name].size > 1}
        dataset = dataset.sortby(list(wanted)).sel(wanted, method="nearest")  # a merged grid may be unsorted
    dataset = dataset.squeeze([name for name in (lat_name, lon_name) if name in dataset.dims])
    cell_lon = float(dataset[lon_name])
    return dataset, float(dataset[lat_name]), (cell_lon + 180.0) % 360.0 - 180.0


def _series(cell: Any, names: list[str], source: str) -> pd.DataFrame:
    """The variables of one cell as a frame on a UTC index of interval starts, in the file's units."""
    time_name = _coordinate(cell, TIME_NAMES, source)
    columns = {}
    for name in names:
        variable = cell[name]
        if name == "z" and time_name in variable.dims:
            variable = variable.isel({time_name: 0})  # the surface geopotential: constant in time
        dims = [dim for dim in variable.dims if dim != time_name]
        if dims or (name != "z" and time_name not in variable.dims):
            raise WeatherInputError(
                f"{source}: {name}: expected one value per {time_name} at a cell; got the dimensions "
                f"{list(variable.dims)}. Fix: select one member of {dims or ['time']} (e.g. ds.sel(expver=1) "
                "or ds.isel(number=0)) and save the file again")
        unit = str(variable.attrs.get("units", UNITS[name]))
        if unit.replace(" ", "").replace("**", "") != UNITS[name].replace(" ", "").replace("**", ""):
            raise WeatherInputError(f"{source}: {name}: expected ERA5's unit {UNITS[name]}; got "
                                    f"{variable.attrs['units']!r}. Fix: give the variable as the CDS "
                                    "delivers it (accumulations in J m**-2, not converted)")
        columns[name] = np.asarray(variable.to_numpy(), dtype=float)
    index = pd.DatetimeIndex(cell[time_name].to_numpy()).tz_localize("UTC") - HOUR  # numpy times: naive UTC
    steps = np.unique(np.diff(index.as_unit("ns").asi8))
    if len(steps) and (steps != HOUR.value).any():
        raise WeatherInputError(f"{source}: {time_name}: expected hourly ERA5 records (each accumulation "
                                "is the hour ending at its stamp); got steps of "
                                f"{sorted(map(str, map(pd.Timedelta, steps)))}. Fix: download every hour "
                                "of the period")
    return pd.DataFrame({name: np.broadcast_to(values, len(index)) for name, values in columns.items()},
                        index=index)


def _canonical(raw: pd.DataFrame, u_name: str, v_name: str) -> tuple[pd.DataFrame, float]:
    """Canonical columns (DNI still the beam on the horizontal) and the elevation [m]."""
    ghi = raw["ssrd"].clip(lower=0.0) / SECONDS_PER_HOUR
    beam_horizontal = np.minimum(raw["fdir"].clip(lower=0.0) / SECONDS_PER_HOUR, ghi)
    frame = pd.DataFrame({"ghi": ghi, "dni": beam_horizontal, "dhi": ghi - beam_horizontal,
                          "temp_air": raw["t2m"] - ZERO_CELSIUS_K,
                          "wind_speed": np.hypot(raw[u_name], raw[v_name]), "pressure": raw["sp"]},
                         index=raw.index)
    if "z" in raw:
        elevation_m = float(raw["z"].iloc[0]) / STANDARD_GRAVITY_M_S2
    else:
        elevation_m = float(pvlib.atmosphere.pres2alt(float(raw["sp"].median())))
    return frame, elevation_m
