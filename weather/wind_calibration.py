"""Station wind refused for wind parks, or calibrated to the hub's documented hub-height resource.

A weather station's anemometer stands at 10 m in a town (WMO-No. 8); the CSWD files give its reading in
whole m/s, often held for 6 hours (../shared/weather/epw/SOURCES.md). Extrapolated to a 117 m hub it
gives a wind park a tiny output: the Yinchuan CSWD file yields a 6.5 % capacity factor (about 570
full-load hours a year) for the default park, where Ningxia's wind fleet logged 408 full-load hours in
the first quarter of 2020 alone (CEC, FACTS.md). So :func:`check_wind_height` refuses wind measured at
or below ``STATION_HEIGHT_LIMIT_M`` for a wind park, and :func:`calibrate_station_wind` is the way out
when the user asks for it: it keeps the station's hour-by-hour timing (its ranks) and replaces the
distribution by the hub's documented resource at 100 m (Weibull with the catalogue's
``wind_speed_100m_ms`` and ``wind_weibull_k``, sources in hubs.toml), quantile by quantile.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy.special import gamma

from weather.catalogue import Hub
from weather.errors import WeatherInputError
from weather.frame import WeatherData

#: Wind measured at or below this height [m] is station wind, not a wind-park resource (ASSUMPTION: WMO
#: stations measure at 10 m; met masts and reanalysis give 50-150 m).
STATION_HEIGHT_LIMIT_M = 20.0
CALIBRATED_HEIGHT_M = 100.0
#: Hours of the centred running mean that orders the tied whole-m/s readings [h] (ASSUMPTION).
TIE_BREAK_HOURS = 5


def check_wind_height(weather: WeatherData) -> None:
    """Refuse station wind (measured at <= 20 m) for a wind park, naming the fix.

    Parameters
    ----------
    weather : WeatherData
        The weather the wind park would run on.

    Raises
    ------
    WeatherInputError
        When ``weather.wind_height_m`` <= ``STATION_HEIGHT_LIMIT_M``.
    """
    if weather.wind_height_m <= STATION_HEIGHT_LIMIT_M:
        raise WeatherInputError(
            f"{weather.source}: wind_height_m: expected wind measured above {STATION_HEIGHT_LIMIT_M:g} m "
            f"for a wind park; got station wind at {weather.wind_height_m:g} m, which understates a "
            "wind-farm site several-fold. Fix: pass --calibrate-wind (scenario: hubs.<name>.calibrate_wind "
            "= true) to rescale it to the hub's documented 100 m resource, or give hub-height wind")


def calibrate_station_wind(weather: WeatherData, hub: Hub) -> WeatherData:
    """Station wind rescaled to the hub's documented 100 m resource, keeping its timing.

    Each hour's wind is replaced by the Weibull quantile (mean ``hub.wind_speed_100m_ms``, shape
    ``hub.wind_weibull_k``) of its rank in the record; ties of the whole-m/s readings are ordered by a
    centred 5-hour running mean, so held values spread over the quantiles they stand for.

    Parameters
    ----------
    weather : WeatherData
        Weather with station wind [m/s] at ``weather.wind_height_m``.
    hub : Hub
        The catalogue hub whose resource the wind is calibrated to.

    Returns
    -------
    WeatherData
        A copy with ``wind_speed`` [m/s] at 100 m and a note saying what was done.
    """
    speed = weather.data["wind_speed"].to_numpy(dtype=float)
    smooth = pd.Series(speed).rolling(TIE_BREAK_HOURS, center=True, min_periods=1).mean().to_numpy()
    order = np.lexsort((smooth, speed))
    ranks = np.empty(len(speed))
    ranks[order] = np.arange(len(speed))
    quantile = (ranks + 0.5) / len(speed)
    scale = hub.wind_speed_100m_ms / gamma(1.0 + 1.0 / hub.wind_weibull_k)
    calibrated = scale * (-np.log1p(-quantile)) ** (1.0 / hub.wind_weibull_k)
    data = weather.data.copy()
    data["wind_speed"] = calibrated * (hub.wind_speed_100m_ms / calibrated.mean())
    note = (f"wind calibrated: station wind at {weather.wind_height_m:g} m (mean {speed.mean():.2f} m/s) "
            f"rescaled to {hub.name}'s documented 100 m resource (mean {hub.wind_speed_100m_ms:g} m/s, "
            f"Weibull k {hub.wind_weibull_k:g}; {hub.wind_resource_source}), keeping its hour-by-hour ranks")
    return dataclasses.replace(weather, data=data, wind_height_m=CALIBRATED_HEIGHT_M,
                               notes=(*weather.notes, note))
