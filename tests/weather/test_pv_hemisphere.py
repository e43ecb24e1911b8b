"""Fixed PV faces the equator: south in the northern hemisphere, north in the southern (weather.solar)."""

import dataclasses

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.frame import WeatherData
from weather.solar import PVPark, pv_power_kw

LON, ELEV = 133.9, 550.0  # Alice Springs, Australia (-23.7); elevation ASSUMPTION for the test only


def _clear_year(latitude: float) -> WeatherData:
    """A cloudless year (Ineichen, Linke turbidity 3) at ``latitude``, at mid-step, hourly."""
    index = pd.date_range("2025-01-01", periods=8760, freq="1h", tz="UTC")
    middle = index + pd.Timedelta("30min")
    zenith = pvlib.solarposition.get_solarposition(middle, latitude, LON, altitude=ELEV)["apparent_zenith"]
    airmass = pvlib.atmosphere.get_absolute_airmass(pvlib.atmosphere.get_relative_airmass(zenith),
                                                    pvlib.atmosphere.alt2pres(ELEV))
    dni_extra = pvlib.irradiance.get_extra_radiation(middle.day_of_year.to_numpy())
    sky = pvlib.clearsky.ineichen(zenith, airmass, 3.0, altitude=ELEV, dni_extra=dni_extra).fillna(0.0)
    data = pd.DataFrame({"ghi": sky["ghi"].to_numpy(), "dni": sky["dni"].to_numpy(),
                         "dhi": sky["dhi"].to_numpy(), "temp_air": 25.0, "wind_speed": 2.0,
                         "pressure": pvlib.atmosphere.alt2pres(ELEV)}, index=index)
    return WeatherData(data, latitude, LON, ELEV, 10.0, f"clear year at {latitude}")


def _capacity_factor(weather: WeatherData, park: PVPark) -> float:
    return float(pv_power_kw(weather, park).mean() / park.dc_kw)


def test_the_default_azimuth_faces_the_equator():
    park = PVPark(dc_kw=1000.0)
    assert park.fixed_azimuth_deg(37.5) == 180.0 and park.fixed_azimuth_deg(0.0) == 180.0
    assert park.fixed_azimuth_deg(-23.7) == 0.0
    assert PVPark(dc_kw=1000.0, azimuth_deg=90.0).fixed_azimuth_deg(-23.7) == 90.0


def test_a_southern_site_faces_north_with_sensible_energy():
    south = _clear_year(-23.7)
    park = PVPark(dc_kw=1000.0)
    facing_north = _capacity_factor(south, park)
    facing_south = _capacity_factor(south, dataclasses.replace(park, azimuth_deg=180.0))
    assert facing_north == pytest.approx(_capacity_factor(south, dataclasses.replace(park, azimuth_deg=0.0)))
    # a clear year at 23.7 S on an 18.7 deg tilt: about 25 % per kWp DC; facing the pole loses a lot
    assert 0.18 < facing_north < 0.32
    assert facing_north > 1.15 * facing_south
    # the mirror site in the north gives the same yield within a few percent (orbit eccentricity)
    north = _clear_year(23.7)
    assert _capacity_factor(north, park) == pytest.approx(facing_north, rel=0.03)


def test_a_southern_winter_noon_peaks_on_a_north_facing_array():
    south = _clear_year(-23.7)
    power = pv_power_kw(south, PVPark(dc_kw=1000.0)).to_numpy()
    june = south.data.index.month == 6
    assert np.max(power[june]) > 0.6 * 1000.0 / 1.25
