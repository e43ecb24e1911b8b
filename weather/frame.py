"""The canonical weather frame shared by every reader, the typical-year generator and the parks.

A :class:`WeatherData` holds an hourly (or finer) frame with a regular, tz-aware UTC index that labels
the *start* of each interval, and the columns (units in brackets):

- ``ghi``, ``dni``, ``dhi``: global horizontal, direct normal, diffuse horizontal irradiance [W/m2],
  mean over the interval;
- ``temp_air``: air temperature at 2 m [degC];
- ``wind_speed``: wind speed [m/s] at ``wind_height_m`` above ground;
- ``pressure``: air pressure at the site [Pa];
- optional ``albedo`` [-] (only when the source has a valid one).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REQUIRED_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")


@dataclass(frozen=True)
class WeatherData:
    """Weather at one site in the canonical frame, with the metadata the parks need.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical columns (see module docstring) on a regular tz-aware UTC index.
    latitude, longitude : float
        Site position [deg north, deg east].
    elevation_m : float
        Site elevation above sea level [m].
    wind_height_m : float
        Height above ground of ``wind_speed`` [m].
    source : str
        Where the data came from (file path, "typical year <hub> seed <n>", ...).
    """

    data: pd.DataFrame
    latitude: float
    longitude: float
    elevation_m: float
    wind_height_m: float
    source: str
