"""Tests of the hubs' daily climate: synthetic years against each CSWD station's daily statistics.

Reference: the statistics of each hub's CSWD file (CMA/Tsinghua 2010), stored with the fitted parameters
in weather/daily_climate.toml and re-derived from the files when ../shared/weather/epw is present.
Synthetic side: 10 years of :func:`weather.years.weather_years` (seed 0) per hub. The tolerances allow
for a typical year being one sample of a year: a CSWD month is one real month.
"""

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest

from weather import get_hub, load_catalogue
from weather.daily_climate import GAUSS_NODES, station_climate
from weather.daily_fit import DAY_MONTH, fit_persistence, fit_station, simulated_statistics
from weather.daily_stats import daily_frame, daily_statistics
from weather.errors import WeatherInputError
from weather.frame import WeatherData
from weather.synthetic import typical_year
from weather.years import weather_years

HUBS = tuple(load_catalogue())
NORMAL = np.tile(GAUSS_NODES, (12, 1))  # the identity map of a plain AR(1)
YEARS = 10
STATIONS = sorted({hub.cswd_file for hub in load_catalogue().values()})


@cache
def _per_year(name: str) -> pd.DataFrame:
    """Daily statistics of each of 10 synthetic years of a hub."""
    return pd.DataFrame([daily_statistics(year) for year in weather_years(name, YEARS, seed=0)])


def _targets(name: str) -> dict[str, float]:
    return station_climate(get_hub(name).cswd_file).targets


@pytest.mark.parametrize("name", HUBS)
def test_dark_days_their_spread_and_persistence_are_the_stations(name):
    # The measure on main: kt < 0.3 on 12.1% of days at Helinger against CSWD Hohhot's 6.0%.
    years, target = _per_year(name), _targets(name)
    assert years["dark_share"].mean() == pytest.approx(target["dark_share"], abs=0.035)
    assert years["kt_spread"].mean() == pytest.approx(target["kt_spread"], rel=0.12)
    assert years["kt_lag1"].mean() == pytest.approx(target["kt_lag1"], abs=0.05)
    # a share of the few dark pairs of one year (25 dark days at Yinchuan): a loose tolerance
    assert years["dark_persistence"].mean() == pytest.approx(target["dark_persistence"], abs=0.12)
    assert years["dark_calm_share"].mean() == pytest.approx(target["dark_calm_share"], abs=0.035)


WEEK_SHORTFALLS = {
    "shaoguan": "CSWD Shaoguan's worst week is 7 consecutive days of the same kt 0.12 (to 5 Dec), a constant "
                "run the copula's days do not make; 10 synthetic years reach 6.4 against 5.7 kWh/m2",
    "beijing": "CSWD Beijing's worst week is 7 hazy January days near kt 0.3 (to 15 Jan), longer dull "
               "persistence than the copula's; 10 synthetic years reach 8.5 against 8.0 kWh/m2",
}


WEEK_HUBS = [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=WEEK_SHORTFALLS[n]))
             if n in WEEK_SHORTFALLS else n for n in HUBS]


@pytest.mark.parametrize("name", WEEK_HUBS)
def test_worst_week_falls_in_the_band_of_the_years(name):
    # One CSWD year is one sample of the extreme: it lies in the range of 10 synthetic years and their
    # median is within 40% of it (issue 11 on main: 7.5 against CSWD Hohhot's 12.4 kWh/m2 at Helinger).
    week, target = _per_year(name)["worst_week_kwh_m2"], _targets(name)["worst_week_kwh_m2"]
    assert week.min() <= target <= week.max()
    assert week.median() == pytest.approx(target, rel=0.4)


@pytest.mark.parametrize("name", HUBS)
def test_longest_dark_spell_falls_in_the_band_of_the_years(name):
    # The longest spell of 10 synthetic years reaches 80% of the station's one year, and their median
    # spell is at most twice the station's plus 2 days.
    spell, target = _per_year(name)["longest_dark_spell_days"], _targets(name)["longest_dark_spell_days"]
    assert spell.max() >= 0.8 * target
    assert spell.median() <= 2.0 * target + 2.0


@pytest.mark.xfail(strict=True, reason="the copula's days cluster less than Xifengzhen's autumn rain: "
                   "CSWD has an 11-day dark spell (Sep 24 - Oct 4), 10 synthetic years reach 10 days")
def test_qingyang_autumn_dark_spell_is_reached():
    assert _per_year("qingyang")["longest_dark_spell_days"].max() >= 11


@pytest.mark.parametrize("name", HUBS)
def test_daily_temperature_range_is_the_stations(name):
    target = _targets(name)["dtr_c"]
    assert _per_year(name)["dtr_c"].mean() == pytest.approx(target, rel=0.02)


def test_shanghai_daily_temperature_range_is_no_longer_a_dry_climates():
    # Issue 11: one rule for every climate gave Shanghai a range ~50% too wide (9.4 against 6.2 degC).
    local = typical_year("shanghai").data.tz_convert("Asia/Shanghai")["temp_air"]
    days = local.groupby(local.index.date)
    assert (days.max() - days.min()).mean() == pytest.approx(6.25, rel=0.05)  # CSWD Shanghai 583620


def test_statistics_of_a_constructed_record():
    # Closed form: a year whose GHI is zero on days 100-104 (a 5-day dark spell) and on day 200.
    base = typical_year("zhongwei")
    data = base.data.copy()
    day = np.arange(len(data)) // 24
    dark_days = [100, 101, 102, 103, 104, 200]
    data.loc[np.isin(day, dark_days), "ghi"] = 0.0
    record = WeatherData(data=data, latitude=base.latitude, longitude=base.longitude,
                         elevation_m=base.elevation_m, wind_height_m=base.wind_height_m, source="test")
    daily = daily_frame(record)
    stats = daily_statistics(record)
    assert (daily["kt"].to_numpy()[dark_days] == 0.0).all()
    assert stats["longest_dark_spell_days"] >= 5.0
    assert stats["dark_share"] == pytest.approx(np.mean(daily["kt"] < 0.3))
    assert stats["worst_week_kwh_m2"] <= daily["ghi_kwh_m2"].to_numpy()[98:105].sum()
    assert 0.4 < daily["kt"].max() < 0.85  # a clear day's clearness index


def test_statistics_refuse_a_record_of_partial_days():
    base = typical_year("zhongwei")
    partial = WeatherData(data=base.data.iloc[5:], latitude=base.latitude, longitude=base.longitude,
                          elevation_m=base.elevation_m, wind_height_m=100.0, source="partial")
    with pytest.raises(WeatherInputError, match="^partial: interval"):
        daily_statistics(partial)


def test_persistence_fit_inverts_the_simulated_statistics():
    climate = station_climate("CHN_Gansu.Xifengzhen.539230_CSWD.epw")
    shocks = np.random.default_rng(11).standard_normal((len(DAY_MONTH), 200))
    plain = [dataclasses.replace(climate, kt_persistence=p, dark_persistence=p, gauss_quantiles=NORMAL)
             for p in (0.0, 0.3, 0.6)]
    lag1 = [simulated_statistics(trial, shocks)[0] for trial in plain]
    assert lag1[0] < lag1[1] < lag1[2]
    assert lag1[0] == pytest.approx(-1.0 / 30.0, abs=0.02)  # the within-month estimate's bias at phi = 0
    phi, phi_dark, quantiles = fit_persistence(climate, 0.35, 0.5)
    fitted = dataclasses.replace(climate, kt_persistence=phi, dark_persistence=phi_dark,
                                 gauss_quantiles=quantiles)
    assert simulated_statistics(fitted, shocks) == pytest.approx((0.35, 0.5), abs=0.01)
    assert phi_dark > phi  # dark days cluster more than the lag-1 alone gives


@pytest.mark.parametrize("station", STATIONS)
def test_stored_persistence_gives_the_stored_statistics(station):
    climate = station_climate(station)
    shocks = np.random.default_rng(11).standard_normal((len(DAY_MONTH), 200))
    lag1, dark = simulated_statistics(climate, shocks)
    assert lag1 == pytest.approx(climate.targets["kt_lag1"], abs=0.01)
    if climate.dark_persistence == 0.0:  # at its bound: dark days cluster at least as much as the file's
        assert dark >= climate.targets["dark_persistence"] - 0.02
    else:
        assert dark == pytest.approx(climate.targets["dark_persistence"], abs=0.02)


def test_unknown_station_is_named():
    with pytest.raises(WeatherInputError, match="^cswd_file: expected one of the fitted CSWD stations"):
        station_climate("CHN_Atlantis_CSWD.epw")


@pytest.mark.parametrize("station", STATIONS)
def test_stored_table_is_the_fit_of_the_cswd_file(station, epw_dir):
    path = epw_dir / station
    if not path.is_file():
        pytest.skip(f"{station} not in {epw_dir}")
    fitted, stored = fit_station(path), station_climate(station)
    np.testing.assert_allclose(fitted.kt_quantiles, stored.kt_quantiles, atol=1e-9)
    np.testing.assert_allclose(fitted.dtr_monthly_c, stored.dtr_monthly_c, atol=1e-9)
    assert (fitted.kt_persistence, fitted.dark_persistence) == pytest.approx(
        (stored.kt_persistence, stored.dark_persistence), abs=1e-3)
    np.testing.assert_allclose(fitted.gauss_quantiles, stored.gauss_quantiles, atol=2e-3)
    assert (fitted.wind_kt_correlation, fitted.dtr_per_kt_c, fitted.synoptic_temp_sd_c) == (
        stored.wind_kt_correlation, stored.dtr_per_kt_c, stored.synoptic_temp_sd_c)
    assert fitted.targets == pytest.approx(stored.targets, abs=1e-4)
