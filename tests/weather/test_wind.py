"""Tests of the wind park: the V126/3300 curve with the density correction worked by hand; invariants."""

import numpy as np
import pandas as pd
import pytest
from windpowerlib import ModelChain, WindTurbine

from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.synthetic import typical_year
from weather.wind import (
    WindPark,
    hub_height_conditions,
    hub_wind_speed_ms,
    park_loss_factor,
    turbine_power_w,
    wind_power_kw,
    windpowerlib_weather,
)

HUB_HEIGHT_M = 117.0


def _frame(wind_speed: list[float], temp_air: float = 15.0, pressure: float = 101325.0,
           wind_height_m: float = HUB_HEIGHT_M) -> WeatherData:
    index = pd.date_range("2025-01-01", periods=len(wind_speed), freq="1h", tz="UTC")
    data = pd.DataFrame({"ghi": 0.0, "dni": 0.0, "dhi": 0.0, "temp_air": temp_air,
                         "wind_speed": wind_speed, "pressure": pressure}, index=index)
    return WeatherData(data, 37.5, 105.2, 0.0, wind_height_m, "test")


def test_power_curve_with_density_correction_by_hand():
    """Ten V126/3300 at 6 m/s hub-height wind, 15 degC at 2 m, 101325 Pa at the surface.

    By hand, with windpowerlib's documented models:
    - temperature at hub: linear gradient -6.5 K/km: T = 288.15 - 0.0065 (117 - 2) K;
    - pressure at hub: p = 101325 Pa - (117 - 0) m x 12.5 Pa/m (1/8 hPa per metre);
    - density: ideal gas, rho = p / (287.058 T);
    - density correction below 7.5 m/s (exponent 1/3, IEC 61400-12-1 normalisation):
      v_std = v (rho / 1.225) ** (1/3), and the standard curve is interpolated linearly there;
    - V126/3300 curve in windpowerlib's oedb power_curves.csv: 539 kW at 5.5 m/s, 711 kW at 6.0 m/s;
    - park: 33 MW / 3.3 MW = 10 turbines, x (1 - 0.10 wake) x 0.97 availability x (1 - 0.02
      electrical) x (1 - 0.01 icing).
    """
    temperature = 288.15 - 0.0065 * (HUB_HEIGHT_M - 2.0)
    pressure = 101325.0 - HUB_HEIGHT_M * 12.5
    rho = pressure / (287.058 * temperature)
    v_std = 6.0 * (rho / 1.225) ** (1.0 / 3.0)
    turbine_kw = 539.0 + (v_std - 5.5) / 0.5 * (711.0 - 539.0)
    expected = 10 * turbine_kw * 0.90 * 0.97 * 0.98 * 0.99

    power = wind_power_kw(_frame([6.0, 6.0]), WindPark(nameplate_kw=33000.0))
    assert rho == pytest.approx(1.2104, abs=1e-4)
    assert power.iloc[0] == pytest.approx(expected, rel=1e-6)


def test_thin_air_lowers_output():
    """At 1400 m (about 85 kPa, Xifengzhen's CSWD pressure level) the same wind yields less power."""
    park = WindPark(nameplate_kw=33000.0)
    sea_level = wind_power_kw(_frame([8.0, 8.0]), park).iloc[0]
    plateau = wind_power_kw(_frame([8.0, 8.0], pressure=85000.0), park).iloc[0]
    assert plateau < 0.95 * sea_level


def test_zero_below_cut_in_and_from_cut_out():
    park = WindPark(nameplate_kw=33000.0)
    assert park.cut_out_ms == 22.5  # last point of the V126/3300 curve in windpowerlib's oedb library
    speeds = [0.0, 2.0, 2.5, 22.5, 25.0, 30.0, 22.0, 15.0]
    power = wind_power_kw(_frame(speeds), park)
    np.testing.assert_array_equal(power.to_numpy()[:6], 0.0)
    rated = 33000.0 * 0.90 * 0.97 * 0.98 * 0.99
    assert power.iloc[6] == pytest.approx(rated)
    assert power.iloc[7] == pytest.approx(rated)


def test_output_bounded_by_nameplate_and_monotone_in_wind():
    speeds = list(np.linspace(0.0, 22.0, 89))
    park = WindPark(nameplate_kw=100000.0, wake_loss=0.0, availability=1.0)
    power = wind_power_kw(_frame(speeds, temp_air=-30.0, pressure=104000.0), park)
    assert power.name == "wind_kw"
    assert (power >= 0).all()
    assert (power <= park.nameplate_kw + 1e-9).all()
    assert (np.diff(power.to_numpy()) >= -1e-9).all()


def test_logarithmic_profile_from_ten_metres():
    """v_hub = v_10 ln(117 / z0) / ln(10 / z0) with z0 = 0.03 m."""
    speed = hub_wind_speed_ms(_frame([5.0, 5.0], wind_height_m=10.0), WindPark(nameplate_kw=1.0))
    assert speed.iloc[0] == pytest.approx(5.0 * np.log(117.0 / 0.03) / np.log(10.0 / 0.03))


def test_windpowerlib_frame_in_kelvin_with_heights():
    frame = windpowerlib_weather(_frame([5.0, 5.0], temp_air=-10.0, wind_height_m=10.0),
                                 WindPark(nameplate_kw=1.0))
    assert frame[("temperature", 2.0)].iloc[0] == pytest.approx(263.15)
    assert set(frame.columns) == {("wind_speed", 10.0), ("temperature", 2.0), ("pressure", 0.0),
                                  ("roughness_length", 0.0)}


def test_unknown_turbine_is_named():
    with pytest.raises(WeatherInputError, match="turbine_type"):
        WindPark(nameplate_kw=1.0, turbine_type="GW155/4500")


@pytest.mark.parametrize("field, value", [("nameplate_kw", -1.0), ("wake_loss", 1.0),
                                          ("availability", 0.0), ("hub_height_m", 5.0)])
def test_bad_park_field_is_named(field, value):
    kwargs = {"nameplate_kw": 1000.0, field: value}
    with pytest.raises(WeatherInputError, match=f"WindPark.{field}"):
        WindPark(**kwargs)


def test_bad_wind_height_is_named():
    with pytest.raises(WeatherInputError, match="wind_height_m"):
        wind_power_kw(_frame([5.0, 5.0], wind_height_m=0.0), WindPark(nameplate_kw=1.0))


@pytest.mark.parametrize("hub", ["zhongwei", "guian", "shanghai"])
def test_vectorised_density_correction_equals_windpowerlib(hub):
    """Our array form of windpowerlib's chain against windpowerlib's own ModelChain, to 1e-6."""
    weather = typical_year(hub, seed=3)
    park = WindPark(nameplate_kw=3300.0)
    chain = ModelChain(WindTurbine(turbine_type="V126/3300", hub_height=117.0),
                       wind_speed_model="logarithmic", temperature_model="linear_gradient",
                       density_model="ideal_gas", power_output_model="power_curve", density_correction=True)
    chain.run_model(windpowerlib_weather(weather, park))
    speed, density = hub_height_conditions(weather, park)
    np.testing.assert_allclose(speed, chain.wind_speed_hub(windpowerlib_weather(weather, park)), rtol=1e-9)
    curve = park.turbine().power_curve
    ours = turbine_power_w(speed, density, curve["wind_speed"].to_numpy(float),
                           curve["value"].to_numpy(float))
    np.testing.assert_allclose(ours, chain.power_output.to_numpy(), rtol=1e-6, atol=1e-6)


def test_cold_shutdown_and_loss_budget():
    park = WindPark(nameplate_kw=33000.0)
    assert park_loss_factor(park) == pytest.approx(0.90 * 0.97 * 0.98 * 0.99)
    cold = wind_power_kw(_frame([10.0, 10.0], temp_air=-31.0), park)
    assert (cold == 0.0).all()
    assert (wind_power_kw(_frame([10.0, 10.0], temp_air=-29.0), park) > 0.0).all()
