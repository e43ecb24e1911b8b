"""Distances on the Earth and the check that a weather file describes the site it is used for.

A weather file carries its station's position (:attr:`weather.frame.WeatherData.latitude`,
``longitude``); a hub has its own (:class:`weather.catalogue.Hub`). :func:`check_weather_site`
compares them:

- up to :data:`NOTE_DISTANCE_KM` apart: nothing to say (a city station for its data-centre park);
- beyond it: a note in the weather's ``notes`` (the outputs carry it and the CLI prints it) naming the
  file and the distance — such a station describes the hub's climate only roughly;
- beyond ``max_km`` (default :data:`MAX_DISTANCE_KM`): refused, naming the file, the distance and how
  to override the limit.

The warning is a note, not a Python warning, so that a sweep over the catalogue's own stations (the
nearest CSWD station of a hub can be ~300 km away, e.g. 芜湖 on the Shanghai file) stays quiet in code
and states the distance once in every output.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from weather.errors import WeatherInputError
from weather.frame import WeatherData

EARTH_RADIUS_KM = 6371.0
"""Mean Earth radius [km] (IUGG), for the haversine formula."""

#: ASSUMPTION: a weather station farther than this [km] from the site is noted: beyond a few tens of
#: km terrain and coast change irradiance and wind noticeably.
NOTE_DISTANCE_KM = 50.0
#: ASSUMPTION: a weather station farther than this [km] is refused unless the limit is raised: at that
#: distance it is another climate (or the wrong file, or latitude and longitude swapped).
MAX_DISTANCE_KM = 500.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points [km] (haversine, Earth radius 6371 km).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Positions [deg north, deg east].

    Returns
    -------
    float
        Distance along the surface [km].
    """
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(min(1.0, a))))


def check_weather_site(weather: WeatherData, lat: float, lon: float, *, site: str, override: str,
                       max_km: float = MAX_DISTANCE_KM) -> WeatherData:
    """The weather, with a note when its station is far from the site; refused when too far.

    Parameters
    ----------
    weather : WeatherData
        Weather read from a file (its ``latitude``/``longitude`` are the station's).
    lat, lon : float
        Position of the site it is used for [deg north, deg east].
    site : str
        Name of the site in messages (``"hub zhongwei"``).
    override : str
        How the user raises the limit, quoted in the refusal (``"set hubs.x.weather_max_distance_km"``,
        ``"pass --weather-max-distance-km"``).
    max_km : float
        Largest accepted distance [km].

    Returns
    -------
    WeatherData
        ``weather``, with one more note when the distance exceeds :data:`NOTE_DISTANCE_KM`.

    Raises
    ------
    WeatherInputError
        When the distance exceeds ``max_km``.
    """
    distance = great_circle_km(weather.latitude, weather.longitude, lat, lon)
    where = (f"station at {weather.latitude:.2f} N, {weather.longitude:.2f} E is {distance:.0f} km from "
             f"{site} at {lat:.2f} N, {lon:.2f} E")
    if distance > max_km:
        raise WeatherInputError(
            f"{weather.source}: location: expected a weather station within {max_km:g} km of {site}; got "
            f"a {where}. Fix: give a weather file for the site (check its latitude/longitude), or "
            f"{override} to a larger distance if this station is meant.")
    if distance <= NOTE_DISTANCE_KM:
        return weather
    note = (f"weather station {distance:.0f} km from {site} ({weather.source}: {where}); its climate "
            "describes the site only roughly")
    return dataclasses.replace(weather, notes=(*weather.notes, note))
