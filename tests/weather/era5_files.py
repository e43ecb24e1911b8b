"""Synthetic ERA5-style netCDF files written by the tests: clear-sky days from pvlib, known values.

The truth is an hourly frame on UTC interval starts (the canonical frame): GHI and DNI the Ineichen
clear sky (pvlib, Linke turbidity climatology) at the middle of each hour, DHI = GHI - DNI cos(zenith),
temperature, wind 5 m/s from (u, v) = (3, 4), pressure. It is written the way the CDS writes ERA5:
ssrd = GHI x 3600 and fdir = DNI cos(zenith) x 3600 [J/m2] accumulated over the hour *ending* at the
stamp, t2m [K], sp [Pa], on a latitude (north to south) x longitude grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import xarray

ZHONGWEI = (37.5, 105.2)
ELEVATION_M = 1230.0
U_M_S, V_M_S = 3.0, 4.0


def truth(start: str, hours: int, latitude: float, longitude: float) -> pd.DataFrame:
    """Known hourly weather on UTC interval starts: clear sky at mid-hour, temperature, wind, pressure."""
    index = pd.date_range(start, periods=hours, freq="1h", tz="UTC")
    middle = index + pd.Timedelta("30min")
    position = pvlib.solarposition.get_solarposition(middle, latitude, longitude, method="nrel_numpy")
    turbidity = pvlib.clearsky.lookup_linke_turbidity(middle, latitude, longitude, interp_turbidity=False)
    airmass = pvlib.atmosphere.get_absolute_airmass(
        pvlib.atmosphere.get_relative_airmass(position["apparent_zenith"]),
        pvlib.atmosphere.alt2pres(ELEVATION_M))
    clear = pvlib.clearsky.ineichen(position["apparent_zenith"], airmass, turbidity, altitude=ELEVATION_M,
                                    dni_extra=pvlib.irradiance.get_extra_radiation(
                                        middle.day_of_year.to_numpy()))
    cos_zenith = np.cos(np.radians(position["apparent_zenith"].to_numpy()))
    sun_up = position["apparent_zenith"].to_numpy() < 87.0
    ghi = clear["ghi"].to_numpy()
    dni = np.where(sun_up, clear["dni"].to_numpy(), 0.0)
    hour = index.hour.to_numpy()
    return pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": ghi - dni * np.where(sun_up, cos_zenith, 0.0),
                         "beam_horizontal": dni * np.where(sun_up, cos_zenith, 0.0),
                         "temp_air": 10.0 + 8.0 * np.sin(2 * np.pi * (hour - 3) / 24),
                         "wind_speed": np.hypot(U_M_S, V_M_S),
                         "pressure": pvlib.atmosphere.alt2pres(ELEVATION_M)}, index=index)


def write_era5(path: Path, weather: pd.DataFrame, *, latitudes=(ZHONGWEI[0],), longitudes=(ZHONGWEI[1],),
               time_name: str = "valid_time", wind: tuple[str, ...] = ("u100", "v100"),
               drop: tuple[str, ...] = (), cell_offset_k: np.ndarray | None = None,
               units: dict[str, str] | None = None) -> Path:
    """Write ``weather`` (from :func:`truth`) to every cell of a grid as ERA5 variables.

    ``cell_offset_k`` (shape latitudes x longitudes) is added to t2m per cell, so a test can tell
    which cell was read; ``drop`` leaves variables out; ``units`` overrides ``units`` attributes.
    """
    stamps = (weather.index + pd.Timedelta("1h")).tz_convert(None).to_numpy()  # the hour's end
    shape = (len(stamps), len(latitudes), len(longitudes))
    offset = np.zeros(shape[1:]) if cell_offset_k is None else np.asarray(cell_offset_k, dtype=float)

    def field(values: np.ndarray, extra: np.ndarray | float = 0.0) -> np.ndarray:
        return (np.asarray(values, dtype=float)[:, None, None] + extra) * np.ones(shape)

    values = {"ssrd": (field(weather["ghi"] * 3600.0), "J m**-2"),
              "fdir": (field(weather["beam_horizontal"] * 3600.0), "J m**-2"),
              "t2m": (field(weather["temp_air"] + 273.15, offset), "K"),
              "sp": (field(weather["pressure"]), "Pa"),
              wind[0]: (field(np.full(len(stamps), U_M_S)), "m s**-1"),
              wind[1]: (field(np.full(len(stamps), V_M_S)), "m s**-1")}
    dims = (time_name, "latitude", "longitude")
    variables = {name: (dims, data.astype("float32"), {"units": (units or {}).get(name, unit)})
                 for name, (data, unit) in values.items() if name not in drop}
    dataset = xarray.Dataset(variables, coords={time_name: stamps, "latitude": list(latitudes),
                                                "longitude": list(longitudes)})
    dataset.to_netcdf(path, engine="h5netcdf")
    return path
