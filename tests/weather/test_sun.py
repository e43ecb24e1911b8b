"""The shared solar position equals pvlib's SPA (nrel_numpy) exactly, so caching changes no result."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.catalogue import get_hub
from weather.sun import solar_position
from weather.synthetic import _solar_hour

COLUMNS = ["apparent_zenith", "zenith", "apparent_elevation", "elevation", "azimuth", "equation_of_time"]


@pytest.mark.parametrize(("hub_name", "freq", "periods"),
                         [("zhongwei", "h", 8760), ("shanghai", "15min", 960), ("guangzhou", "h", 48)])
def test_equals_pvlib_with_the_weather_pressure_and_temperature(hub_name, freq, periods):
    hub = get_hub(hub_name)
    times = pd.date_range("2025-01-01 00:30", periods=periods, freq=freq, tz="UTC")
    rng = np.random.default_rng(1)
    pressure = rng.uniform(80_000.0, 102_000.0, periods)
    temperature = rng.uniform(-30.0, 40.0, periods)
    ours = solar_position(times, hub.lat, hub.lon, hub.elevation_m, pressure_pa=pressure,
                          temperature_c=temperature)
    theirs = pvlib.solarposition.get_solarposition(times, hub.lat, hub.lon, altitude=hub.elevation_m,
                                                   pressure=pressure, temperature=temperature,
                                                   method="nrel_numpy")
    pd.testing.assert_frame_equal(ours[COLUMNS], theirs[COLUMNS], check_exact=True)


def test_default_pressure_is_pvlibs_standard_atmosphere_and_a_second_call_is_the_same():
    times = pd.date_range("2025-06-01 00:30", periods=72, freq="h", tz="Asia/Shanghai")
    first = solar_position(times, 37.5, 105.2, 1200.0)
    theirs = pvlib.solarposition.get_solarposition(times, 37.5, 105.2, altitude=1200.0)
    pd.testing.assert_frame_equal(first[COLUMNS], theirs[COLUMNS], check_exact=True)
    again = solar_position(times, 37.5, 105.2, 1200.0)
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    again["elevation"] += 1.0  # the caller's copy: the cache is not changed
    pd.testing.assert_frame_equal(solar_position(times, 37.5, 105.2, 1200.0), first, check_exact=True)


def test_an_irregular_index_falls_back_to_pvlib():
    times = pd.DatetimeIndex(["2025-06-01 03:30", "2025-06-01 04:30", "2025-06-01 07:30"], tz="UTC")
    ours = solar_position(times, 40.4, 111.8, 1100.0)
    theirs = pvlib.solarposition.get_solarposition(times, 40.4, 111.8, altitude=1100.0)
    pd.testing.assert_frame_equal(ours[COLUMNS], theirs[COLUMNS], check_exact=True)


def test_solar_hour_is_pvlibs_hour_angle():
    mid = pd.date_range("2025-01-01 00:30", periods=8760, freq="h", tz="UTC")
    equation_of_time = pvlib.solarposition.equation_of_time_spencer71(mid.day_of_year.to_numpy())
    hour_angle = pvlib.solarposition.hour_angle(mid, 105.2, equation_of_time)
    expected = np.mod(12.0 + np.asarray(hour_angle) / 15.0, 24.0)
    np.testing.assert_array_equal(_solar_hour(mid, 105.2), expected)
