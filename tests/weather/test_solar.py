"""Tests of the PV park: a hand-computed PVWatts reference case and physical invariants."""

import math

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.solar import PVPark, pv_power_kw

# Zhongwei, Ningxia (FACTS.md: 37.5N 105.2E); elevation ASSUMPTION for the test only.
LAT, LON, ELEV = 37.5, 105.2, 1230.0


def _frame(index: pd.DatetimeIndex, **columns: float | np.ndarray) -> WeatherData:
    data = pd.DataFrame({"ghi": 0.0, "dni": 0.0, "dhi": 0.0, "temp_air": 20.0, "wind_speed": 0.0,
                         "pressure": 101325.0}, index=index)
    for name, value in columns.items():
        data[name] = value
    return WeatherData(data, LAT, LON, ELEV, 10.0, "test")


def _clear_sky_week(start: str, freq: str = "1h") -> WeatherData:
    """A cloudless week (pvlib's Ineichen model, Linke turbidity 3) at the test site, taken at mid-step."""
    index = pd.date_range(start, periods=int(pd.Timedelta("7D") / pd.Timedelta(freq)), freq=freq, tz="UTC")
    middle = index + pd.Timedelta(freq) / 2
    zenith = pvlib.solarposition.get_solarposition(middle, LAT, LON, altitude=ELEV)["apparent_zenith"]
    airmass = pvlib.atmosphere.get_absolute_airmass(pvlib.atmosphere.get_relative_airmass(zenith),
                                                    pvlib.atmosphere.alt2pres(ELEV))
    dni_extra = pvlib.irradiance.get_extra_radiation(middle.day_of_year.to_numpy())
    sky = pvlib.clearsky.ineichen(zenith, airmass, 3.0, altitude=ELEV, dni_extra=dni_extra).fillna(0.0)
    return _frame(index, ghi=sky["ghi"].to_numpy(), dni=sky["dni"].to_numpy(), dhi=sky["dhi"].to_numpy(),
                  temp_air=25.0, wind_speed=2.0)


def test_diffuse_horizontal_case_matches_pvwatts_by_hand():
    """Horizontal array under 1000 W/m2 of pure diffuse light at local noon, computed by hand.

    With tilt 0 and DNI 0 the Perez sky diffuse on the plane equals DHI exactly (the circumsolar ratio a/b is
    cos(z)/cos(z) = 1 and the horizon term has sin(0) = 0) and ground reflection is 0, so POA = 1000 W/m2 and
    the beam IAM does not apply. Then, by hand:
    - SAPM cell temperature (King et al. 2004, eqs. 11-12, open rack glass/glass a=-3.47, b=-0.0594, dT=3):
      T_m = E exp(a + b WS) + T_a, T_c = T_m + E/1000 dT;
    - PVWatts DC (Dobos 2014, eq. 2): P_dc = P_dc0 E/1000 (1 + gamma (T_c - 25));
    - PVWatts losses 14.08 % (Dobos 2014, table 3 defaults);
    - PVWatts inverter (Dobos 2014, eq. 3): zeta = P_dc / P_dc0,inv,
      eta = eta_nom / 0.9637 (-0.0162 zeta - 0.0059 / zeta + 0.9858), P_ac = min(eta P_dc, P_ac0).
    """
    index = pd.date_range("2025-06-21 04:00", periods=2, freq="1h", tz="UTC")  # 12:00 Asia/Shanghai
    weather = _frame(index, ghi=1000.0, dhi=1000.0, temp_air=20.0, wind_speed=0.0)
    park = PVPark(dc_kw=1000.0, dc_ac_ratio=1.0, tilt_deg=0.0)

    t_cell = 1000.0 * math.exp(-3.47) + 20.0 + 3.0
    p_dc = 1000.0 * (1.0 - 0.0035 * (t_cell - 25.0)) * (1.0 - 0.1408)
    p_dc0_inv = 1000.0 / 0.96
    zeta = p_dc / p_dc0_inv
    eta = 0.96 / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858)
    expected = min(eta * p_dc, 1000.0)

    assert park.losses_percent == pytest.approx(14.08, abs=0.01)
    assert pv_power_kw(weather, park).iloc[0] == pytest.approx(expected, rel=1e-3)


def test_inverter_clips_at_ac_rating():
    index = pd.date_range("2025-06-21 04:00", periods=2, freq="1h", tz="UTC")
    weather = _frame(index, ghi=1200.0, dhi=1200.0, temp_air=-20.0, wind_speed=10.0)
    park = PVPark(dc_kw=1000.0, dc_ac_ratio=1.5, tilt_deg=0.0)
    assert pv_power_kw(weather, park).iloc[0] == pytest.approx(1000.0 / 1.5)


def test_clear_sky_invariants_and_tracking_gain():
    weather = _clear_sky_week("2025-06-18")
    fixed = pv_power_kw(weather, PVPark(dc_kw=1000.0))
    tracked = pv_power_kw(weather, PVPark(dc_kw=1000.0, tracking=True))
    for series in (fixed, tracked):
        assert series.name == "solar_kw"
        assert series.index.equals(weather.data.index)
        assert (series >= 0).all()
        assert (series <= 1000.0 / 1.25 + 1e-9).all()
        assert (series[weather.data["ghi"] == 0] == 0).all()
    local_hour = weather.data.index.tz_convert("Asia/Shanghai").hour
    assert (fixed[(local_hour >= 22) | (local_hour < 4)] == 0).all()
    # On cloudless summer days a tracker keeps a small incidence angle from morning to evening; a gain of
    # at least 10 % over fixed tilt is a conservative invariant, not a published figure.
    assert tracked.sum() > 1.10 * fixed.sum()


def test_fifteen_minute_steps_give_the_hourly_energy():
    hourly = _clear_sky_week("2025-03-18")
    quarter = _clear_sky_week("2025-03-18", freq="15min")
    park = PVPark(dc_kw=1000.0)
    energy_hourly = pv_power_kw(hourly, park).sum() * 1.0
    energy_quarter = pv_power_kw(quarter, park).sum() * 0.25
    assert energy_quarter == pytest.approx(energy_hourly, rel=0.02)


def test_invalid_albedo_falls_back_to_default():
    index = pd.date_range("2025-06-21 04:00", periods=2, freq="1h", tz="UTC")
    sky = dict(ghi=800.0, dni=700.0, dhi=150.0)
    park = PVPark(dc_kw=1000.0, dc_ac_ratio=2.0)
    with_999 = pv_power_kw(_frame(index, albedo=999.0, **sky), park)
    with_default = pv_power_kw(_frame(index, albedo=0.2, **sky), park)
    without = pv_power_kw(_frame(index, **sky), park)
    pd.testing.assert_series_equal(with_999, without)
    pd.testing.assert_series_equal(with_default, without)


def test_utc_and_local_index_give_the_same_power():
    weather = _clear_sky_week("2025-06-18")
    local = WeatherData(weather.data.tz_convert("Asia/Shanghai"), LAT, LON, ELEV, 10.0, "test")
    park = PVPark(dc_kw=1000.0)
    np.testing.assert_allclose(pv_power_kw(local, park).to_numpy(), pv_power_kw(weather, park).to_numpy())


def test_fixed_tilt_default_is_latitude_minus_five():
    assert PVPark(dc_kw=1.0).fixed_tilt_deg(37.5) == pytest.approx(32.5)
    assert PVPark(dc_kw=1.0, tilt_deg=20.0).fixed_tilt_deg(37.5) == 20.0


@pytest.mark.parametrize("field, value", [("dc_kw", 0.0), ("dc_ac_ratio", 0.1), ("tilt_deg", 95.0),
                                          ("gcr", 1.0), ("losses_percent", 100.0)])
def test_bad_park_field_is_named(field, value):
    kwargs = {"dc_kw": 1000.0, field: value}
    with pytest.raises(WeatherInputError, match=f"PVPark.{field}"):
        PVPark(**kwargs)


def test_naive_index_is_rejected():
    index = pd.date_range("2025-06-21 04:00", periods=2, freq="1h")
    with pytest.raises(WeatherInputError, match="tz-aware"):
        pv_power_kw(_frame(index), PVPark(dc_kw=1.0))


def test_irregular_index_is_rejected():
    index = pd.DatetimeIndex(["2025-06-21 04:00", "2025-06-21 05:00", "2025-06-21 07:00"], tz="UTC")
    with pytest.raises(WeatherInputError, match="regular"):
        pv_power_kw(_frame(index), PVPark(dc_kw=1.0))


def test_missing_column_is_named():
    index = pd.date_range("2025-06-21 04:00", periods=2, freq="1h", tz="UTC")
    weather = _frame(index)
    broken = WeatherData(weather.data.drop(columns="dni"), LAT, LON, ELEV, 10.0, "test")
    with pytest.raises(WeatherInputError, match="dni"):
        pv_power_kw(broken, PVPark(dc_kw=1.0))
