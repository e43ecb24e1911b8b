"""Tests of a hub's parks together: output frame, summary, and plausibility on typical and real weather."""

import pandas as pd
import pvlib
import pytest

from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.power import park_output, power_summary
from weather.synthetic import typical_year
from weather.years import weather_record

SUMMARY_KEYS = {"hours", "ghi_kwh_m2", "temp_air_mean_c", "wind_speed_hub_mean_ms", "solar_capacity_factor",
                "wind_capacity_factor", "solar_full_load_hours", "wind_full_load_hours"}


def _cswd(path) -> WeatherData:
    """A CSWD EPW as canonical weather (pvlib labels each EPW hour by its start; station wind at 10 m)."""
    epw, meta = pvlib.iotools.read_epw(path)
    data = epw[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].astype(float)
    data["pressure"] = epw["atmospheric_pressure"].astype(float)
    data.index = data.index.tz_convert("UTC")
    return WeatherData(data, meta["latitude"], meta["longitude"], meta["altitude"], 10.0, str(path))


@pytest.fixture(scope="module")
def zhongwei() -> WeatherData:
    return typical_year("zhongwei", year=2025, seed=0)


def test_output_columns_and_summary(zhongwei):
    output = park_output(zhongwei, 100.0, 50.0)
    assert list(output.columns) == ["solar_kw", "wind_kw"]
    assert output.index.equals(zhongwei.data.index)
    assert (output >= 0).all().all()
    assert output["solar_kw"].max() <= 100_000.0
    assert output["wind_kw"].max() <= 50_000.0
    summary = power_summary(zhongwei, output, 100.0, 50.0)
    assert SUMMARY_KEYS <= summary.keys()
    assert summary["hours"] == 8760.0
    assert summary["solar_full_load_hours"] == pytest.approx(output["solar_kw"].sum() / 100_000.0)
    assert summary["solar_full_load_hours_per_year"] == pytest.approx(
        summary["solar_capacity_factor"] * 8760.0)
    assert summary["wind_capacity_factor"] == pytest.approx(output["wind_kw"].sum() / (50_000.0 * 8760.0))
    assert summary["ghi_kwh_m2"] == pytest.approx(zhongwei.data["ghi"].sum() / 1000.0)


def test_zero_capacity_gives_zero_output_and_no_capacity_factor(zhongwei):
    output = park_output(zhongwei, 0.0, 0.0)
    assert (output == 0).all().all()
    summary = power_summary(zhongwei, output, 0.0, 0.0)
    assert summary["solar_capacity_factor"] is None
    assert summary["wind_full_load_hours"] is None


def test_negative_capacity_is_named(zhongwei):
    with pytest.raises(WeatherInputError, match="wind_mw"):
        park_output(zhongwei, 100.0, -5.0)


def test_tracking_beats_fixed_tilt_at_a_sunny_hub(zhongwei):
    fixed = park_output(zhongwei, 100.0, 0.0)["solar_kw"].sum()
    tracked = park_output(zhongwei, 100.0, 0.0, tracking=True)["solar_kw"].sum()
    assert tracked > 1.05 * fixed


@pytest.mark.parametrize("hub", ["zhongwei", "qingyang", "helinger"])
def test_western_hub_capacity_factors_are_plausible(hub):
    """Fixed-tilt PV 15-21 % per DC kWp and wind 15-30 % on the typical year of the western hubs.

    ASSUMPTION: the PV range brackets the NEA's provincial utilisation hours (about 1300-1700 h per kWp in
    the north-west); the wind range the fleet-fitted resource (test_wind_resource.py: CEC Q1 2020
    provincial hours, about 1500-2200 h a year).
    """
    weather = typical_year(hub, year=2025, seed=0)
    summary = power_summary(weather, park_output(weather, 100.0, 100.0), 100.0, 100.0)
    assert 0.15 <= summary["solar_capacity_factor"] <= 0.21
    assert 0.15 <= summary["wind_capacity_factor"] <= 0.30


def test_guian_solar_is_lower_than_the_northwest():
    """Gui'an (Guiyang GHI 1022 kWh/m2 in CSWD, FACTS.md) has much less sun than Zhongwei (1688)."""
    guian = typical_year("guian", year=2025, seed=0)
    summary = power_summary(guian, park_output(guian, 100.0, 100.0), 100.0, 100.0)
    assert 0.07 <= summary["solar_capacity_factor"] <= 0.13
    assert 0.15 <= summary["wind_capacity_factor"] <= 0.35


def test_cswd_station_weather(epw_dir):
    """Real CSWD Yinchuan file: PV in the expected band; its 10 m town-station wind is refused for wind."""
    weather = _cswd(epw_dir / "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw")
    with pytest.raises(WeatherInputError, match="station wind at 10 m"):
        park_output(weather, 100.0, 100.0)
    output = park_output(weather, 100.0, 0.0)
    summary = power_summary(weather, output, 100.0, 0.0)
    assert summary["ghi_kwh_m2"] == pytest.approx(1688, abs=1)  # FACTS.md, read from the same file
    assert 0.13 <= summary["solar_capacity_factor"] <= 0.21
    night = weather.data["ghi"] == 0
    assert (output.loc[night, "solar_kw"] == 0).all()


def test_index_mismatch_is_rejected(zhongwei):
    output = park_output(zhongwei, 1.0, 1.0).iloc[:-1]
    with pytest.raises(WeatherInputError, match="output.index"):
        power_summary(zhongwei, output, 1.0, 1.0)


def test_same_result_in_local_time(zhongwei):
    local = WeatherData(zhongwei.data.tz_convert("Asia/Shanghai"), zhongwei.latitude, zhongwei.longitude,
                        zhongwei.elevation_m, zhongwei.wind_height_m, zhongwei.source)
    pd.testing.assert_frame_equal(park_output(local, 10.0, 10.0).tz_convert("UTC"),
                                  park_output(zhongwei, 10.0, 10.0), check_freq=False)


def test_a_multi_year_record_reports_full_load_hours_of_its_mean_year():
    record = weather_record("zhongwei", years=3, seed=0)
    output = park_output(record, 100.0, 50.0)
    summary = power_summary(record, output, 100.0, 50.0)
    years = summary["hours"] / 8760.0
    assert years == pytest.approx(3.0, abs=0.01)
    assert summary["wind_full_load_hours_per_year"] == pytest.approx(summary["wind_full_load_hours"] / years)
    assert 1000.0 < summary["wind_full_load_hours_per_year"] < 3000.0
