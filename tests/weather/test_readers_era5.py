"""ERA5 netCDF reader: values round-trip from a file the test writes, cells, years, and bad input."""

import numpy as np
import pandas as pd
import pvlib
import pytest
import xarray

from tests.weather.era5_files import ZHONGWEI, truth, write_era5
from weather.errors import WeatherInputError
from weather.geo import great_circle_km
from weather.power import park_output
from weather.readers import detect_kind, read_weather
from weather.readers import era5 as era5_module

JUNE = "2021-06-09 16:00"  # local midnight of 10 June 2021 (UTC+8)


@pytest.fixture(scope="module")
def june():
    return truth(JUNE, 24 * 10, *ZHONGWEI)


@pytest.mark.parametrize("time_name", ["valid_time", "time"])
def test_values_round_trip(tmp_path, june, time_name):
    path = write_era5(tmp_path / "june.nc", june, time_name=time_name)
    assert detect_kind(path) == "era5"
    weather = read_weather(path)
    data = weather.data
    assert data.index.equals(june.index)  # stamps label the hour's end: moved back to interval starts
    np.testing.assert_allclose(data["ghi"], june["ghi"], atol=0.01)  # W/m2 (float32 J/m2 in the file)
    np.testing.assert_allclose(data["dni"], june["dni"], atol=0.05)
    np.testing.assert_allclose(data["dhi"], june["dhi"], atol=0.01)
    np.testing.assert_allclose(data["temp_air"], june["temp_air"], atol=1e-4)  # K -> degC
    np.testing.assert_allclose(data["wind_speed"], 5.0, atol=1e-5)  # hypot(3, 4) at 100 m
    np.testing.assert_allclose(data["pressure"], june["pressure"], atol=0.02)  # Pa
    assert weather.wind_height_m == 100.0
    assert (weather.latitude, weather.longitude) == pytest.approx(ZHONGWEI, abs=1e-5)
    assert weather.elevation_m == pytest.approx(1230.0, abs=1.0)  # pres2alt of the median sp


def test_dni_uses_the_sun_at_the_middle_of_the_hour(tmp_path, june):
    weather = read_weather(write_era5(tmp_path / "june.nc", june))
    start = pd.Timestamp("2021-06-09 23:00", tz="UTC")  # 07:00-08:00 local: the sun rises fast
    beam_horizontal = float(june.loc[start, "beam_horizontal"])
    times = pd.DatetimeIndex([start + pd.Timedelta("30min"), start + pd.Timedelta("1h")])
    zenith = pvlib.solarposition.get_solarposition(times, *ZHONGWEI, method="nrel_numpy")["apparent_zenith"]
    middle, stamp = beam_horizontal / np.cos(np.radians(zenith.to_numpy()))
    assert float(weather.data.loc[start, "dni"]) == pytest.approx(middle, rel=1e-4)
    assert abs(stamp - middle) > 0.05 * middle  # the sun at the stamp would give another DNI


def test_stamps_at_the_hour_start_are_refused_as_an_hour_early(tmp_path, june):
    early = june.copy()
    early.index = early.index - pd.Timedelta("1h")
    with pytest.raises(WeatherInputError, match="early.nc: ghi: .* the interval label"):
        read_weather(write_era5(tmp_path / "early.nc", early))


def test_nearest_cell_of_a_3x3_grid(tmp_path, june):
    latitudes, longitudes = (37.75, 37.5, 37.25), (104.95, 105.2, 105.45)  # ERA5: north to south
    offsets = np.arange(9.0).reshape(3, 3)  # cell (i, j) is 3 i + j K warmer
    path = write_era5(tmp_path / "grid.nc", june, latitudes=latitudes, longitudes=longitudes,
                      cell_offset_k=offsets)
    site = (37.7, 105.1)
    weather = read_weather(path, site=site)
    distances = [[great_circle_km(*site, lat, lon) for lon in longitudes] for lat in latitudes]
    i, j = np.unravel_index(np.argmin(distances), (3, 3))
    assert (weather.latitude, weather.longitude) == pytest.approx((latitudes[i], longitudes[j]), abs=1e-5)
    np.testing.assert_allclose(weather.data["temp_air"], june["temp_air"] + offsets[i, j], atol=1e-4)
    assert "ERA5 cell 37.75 N, 105.20 E" in weather.source


def test_an_unsorted_grid_gives_the_same_nearest_cell(tmp_path, june):
    """A grid merged by hand may list its latitudes in no order; the nearest cell stays the nearest."""
    latitudes, longitudes = (37.5, 37.75, 37.25), (105.2, 104.95, 105.45)
    offsets = np.arange(9.0).reshape(3, 3)
    path = write_era5(tmp_path / "unsorted.nc", june, latitudes=latitudes, longitudes=longitudes,
                      cell_offset_k=offsets)
    weather = read_weather(path, site=(37.7, 105.1))
    assert (weather.latitude, weather.longitude) == pytest.approx((37.75, 105.2), abs=1e-5)
    np.testing.assert_allclose(weather.data["temp_air"], june["temp_air"] + offsets[1, 0], atol=1e-4)


def test_many_years_in_one_file(tmp_path):
    years = truth("2019-12-31 16:00", 24 * (366 + 365 + 365), *ZHONGWEI)  # local 2020-2022
    weather = read_weather(write_era5(tmp_path / "years.nc", years))
    local = weather.data.index.tz_convert("Asia/Shanghai")
    assert sorted(set(local.year)) == [2020, 2021, 2022] and len(weather.data) == 26304
    annual = weather.data["ghi"].groupby(local.year).sum() / 1000.0  # kWh/m2
    assert annual.max() - annual.min() < 0.02 * annual.mean()  # the same clear sky each year


def test_only_10_m_wind_is_station_wind(tmp_path, june):
    weather = read_weather(write_era5(tmp_path / "u10.nc", june, wind=("u10", "v10")))
    assert weather.wind_height_m == 10.0
    with pytest.raises(WeatherInputError, match="calibrate-wind"):
        park_output(weather, solar_mw=0.0, wind_mw=10.0)


def test_missing_variable_is_named_with_the_needed_ones(tmp_path, june):
    path = write_era5(tmp_path / "nofdir.nc", june, drop=("fdir",))
    with pytest.raises(WeatherInputError, match=r"nofdir.nc: variables: .*'ssrd', 'fdir'.* got no fdir"):
        read_weather(path)


def test_no_wind_names_both_pairs(tmp_path, june):
    path = write_era5(tmp_path / "nowind.nc", june, drop=("u100", "v100"))
    with pytest.raises(WeatherInputError, match=r"got no u100 and v100 \(or u10 and v10\)"):
        read_weather(path)


def test_a_grid_needs_the_site(tmp_path, june):
    path = write_era5(tmp_path / "grid.nc", june, latitudes=(37.75, 37.5), longitudes=(105.2,))
    with pytest.raises(WeatherInputError, match="expected the site to pick a cell of the 2 x 1 grid"):
        read_weather(path)


def test_converted_units_are_refused(tmp_path, june):
    path = write_era5(tmp_path / "watts.nc", june, units={"ssrd": "W m**-2"})
    with pytest.raises(WeatherInputError, match=r"ssrd: expected ERA5's unit J m\*\*-2; got 'W m\*\*-2'"):
        read_weather(path)


def test_hours_missing_between_records_are_refused(tmp_path, june):
    path = write_era5(tmp_path / "three_hourly.nc", june.iloc[::3])
    with pytest.raises(WeatherInputError, match="expected hourly ERA5 records"):
        read_weather(path)


def test_without_a_netcdf_backend_the_extra_is_named(tmp_path, june, monkeypatch):
    path = write_era5(tmp_path / "june.nc", june)
    monkeypatch.setattr(era5_module, "BACKENDS", ("no_such_netcdf_backend",))
    with pytest.raises(WeatherInputError, match=r'june.nc: netCDF: .*pip install "suandian\[era5\]"'):
        read_weather(path)


def _rewrite(path, change):
    """The file at ``path`` rewritten after ``change(dataset)`` (an ERA5 variant the CDS also writes)."""
    with xarray.open_dataset(path) as dataset:
        changed = change(dataset.load())
    changed.to_netcdf(path, engine="h5netcdf")
    return path


def test_elevation_from_the_surface_geopotential(tmp_path, june):
    def add_z(dataset):
        z = xarray.full_like(dataset["sp"], 1500.0 * era5_module.STANDARD_GRAVITY_M_S2)
        return dataset.assign(z=z.assign_attrs(units="m**2 s**-2"))

    weather = read_weather(_rewrite(write_era5(tmp_path / "z.nc", june), add_z))
    assert weather.elevation_m == pytest.approx(1500.0, abs=0.01)  # z / g, not the 1230 m of pres2alt


def test_a_geopotential_with_an_extra_dimension_is_refused_naming_it(tmp_path, june):
    def add_members(dataset):
        z = xarray.full_like(dataset["sp"], 1500.0 * era5_module.STANDARD_GRAVITY_M_S2)
        return dataset.assign(z=z.assign_attrs(units="m**2 s**-2").expand_dims(number=[0, 1], axis=-1))

    path = _rewrite(write_era5(tmp_path / "zmembers.nc", june), add_members)
    with pytest.raises(WeatherInputError, match=r"zmembers.nc: z: .*dimensions.*Fix: select one member "
                                                r"of \['number'\]"):
        read_weather(path)


def test_lat_lon_coordinate_names(tmp_path, june):
    path = _rewrite(write_era5(tmp_path / "latlon.nc", june),
                    lambda dataset: dataset.rename({"latitude": "lat", "longitude": "lon"}))
    assert read_weather(path).latitude == pytest.approx(ZHONGWEI[0])


def test_an_extra_dimension_is_refused_naming_it(tmp_path, june):
    path = _rewrite(write_era5(tmp_path / "expver.nc", june),
                    lambda dataset: dataset.expand_dims(expver=[1, 5]))
    with pytest.raises(WeatherInputError, match=r"expver.nc: ssrd: .*dimensions.*Fix: select one member "
                                                r"of \['expver'\]"):
        read_weather(path)


def test_no_beam_at_low_sun(tmp_path, june):
    middle = june.index + pd.Timedelta("30min")
    zenith = pvlib.solarposition.get_solarposition(middle, *ZHONGWEI, method="nrel_numpy")["apparent_zenith"]
    low = (zenith.to_numpy() >= 87.0) & (zenith.to_numpy() < 96.0)  # hours holding sunrise or sunset
    assert low.sum() >= 10  # the guard is exercised
    ghi = np.where(low, 20.0, june["ghi"].to_numpy())  # W/m2 in those hours, as ERA5 has
    half = june.assign(ghi=ghi, beam_horizontal=ghi / 2)
    data = read_weather(write_era5(tmp_path / "half.nc", half)).data
    assert (data["dni"].to_numpy()[low] == 0).all()  # no 1 / cos(zenith) blow-up near the horizon
    np.testing.assert_allclose(data["dhi"].to_numpy()[low], 20.0, atol=0.01)  # all of GHI is diffuse
    high = zenith.to_numpy() < 80.0
    expected = half["beam_horizontal"].to_numpy()[high] / np.cos(np.radians(zenith.to_numpy()[high]))
    np.testing.assert_allclose(data["dni"].to_numpy()[high], expected, rtol=1e-4)
