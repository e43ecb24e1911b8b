"""Tests of a hub's series: weather onto the scenario calendar, steps, tariff, carbon, PUE."""

import numpy as np
import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.hub_series import (
    hub_series,
    local_years,
    relabel_to_calendar,
    to_steps,
    typical_year_cached,
)
from engine.inputs.scenario_file import scenario_from_dict
from weather.catalogue import get_hub

HOUR = pd.Timedelta(1, "h")
YINCHUAN = "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw"


def utc_index(start_local: str, periods: int, freq: str = "h") -> pd.DatetimeIndex:
    return pd.date_range(start_local, periods=periods, freq=freq, tz="Asia/Shanghai").tz_convert("UTC")


def keyed_year(year: int) -> pd.DataFrame:
    """A year of hourly rows whose value is its own local month-day-hour MMDDHH."""
    index = utc_index(f"{year}-01-01", 8784 if year % 4 == 0 else 8760)
    local = index.tz_convert("Asia/Shanghai")
    return pd.DataFrame({"value": local.month * 10000 + local.day * 100 + local.hour}, index=index,
                        dtype=float)


def test_relabel_maps_each_local_month_day_hour_and_leap_day_to_28_february():
    source = keyed_year(2005)
    index = utc_index("2024-02-28 22:00", 30)  # through 29 February 2024 into 1 March
    result = relabel_to_calendar(source, index, HOUR, "Asia/Shanghai", "hubs.x.weather")
    local = index.tz_convert("Asia/Shanghai")
    day = np.where((local.month == 2) & (local.day == 29), 28, local.day)
    expected = local.month * 10000 + day * 100 + local.hour
    assert result.index.equals(index)
    np.testing.assert_array_equal(result["value"].to_numpy(), expected)
    assert result["value"].iloc[2] == 22800.0  # 29 Feb 00:00 takes 28 Feb 00:00 (MMDDHH 022800)


def test_relabel_names_the_key_when_the_file_lacks_a_date():
    source = keyed_year(2005).iloc[:24 * 31]  # January only
    with pytest.raises(ScenarioError, match="hubs.x.weather: .*02-01 00:00"):
        relabel_to_calendar(source, utc_index("2025-02-01", 3), HOUR, "Asia/Shanghai", "hubs.x.weather")


def test_to_steps_holds_hourly_values_over_quarters_and_averages_finer_data():
    hourly = pd.DataFrame({"v": [1.0, 2.0, 3.0]}, index=utc_index("2025-07-01", 3))
    quarters = to_steps(hourly, utc_index("2025-07-01", 12, "15min"), pd.Timedelta(15, "min"))
    assert quarters["v"].tolist() == [1.0] * 4 + [2.0] * 4 + [3.0] * 4
    back = to_steps(quarters.assign(v=np.arange(12.0)), utc_index("2025-07-01", 3), HOUR)
    assert back["v"].tolist() == [1.5, 5.5, 9.5]


def test_local_years_of_a_horizon():
    assert local_years(utc_index("2025-12-31 18:00", 12), HOUR, "Asia/Shanghai") == [2025, 2026]
    assert local_years(utc_index("2025-12-31 18:00", 6), HOUR, "Asia/Shanghai") == [2025]  # ends at midnight


def test_typical_year_is_built_once_per_hub_year_and_seed():
    assert typical_year_cached("guian", 2025, 0) is typical_year_cached("guian", 2025, 0)
    assert typical_year_cached("guian", 2025, 1) is not typical_year_cached("guian", 2025, 0)


def test_defaults_from_the_catalogue():
    index = utc_index("2025-01-15", 24)
    series = hub_series(get_hub("shanghai"), index, HOUR, key="hubs.shanghai", firm_it_kw=5000.0)
    assert list(series.columns) == ["solar_kw", "wind_kw", "firm_it_kw", "pue", "carbon_g_per_kwh",
                                    "price_cny_per_kwh"]
    assert (series["pue"] == 1.25).all() and (series["firm_it_kw"] == 5000.0).all()
    assert series["carbon_g_per_kwh"].to_numpy() == pytest.approx(np.full(24, 573.7))  # MEE 2023 Shanghai
    # 沪发改价管〔2022〕50号, January: peak 08-11 and 18-21 at +80%, valley 22-06 at -60% (local time)
    ratio = series["price_cny_per_kwh"].to_numpy() / 0.70
    assert ratio[[0, 5, 8, 10, 11, 18, 20, 22]] == pytest.approx([0.4, 0.4, 1.8, 1.8, 1.0, 1.8, 1.8, 0.4])


def test_weather_pue_follows_the_typical_year_temperature():
    index = utc_index("2025-07-01", 48)
    series = hub_series(get_hub("zhongwei"), index, HOUR, key="hubs.zhongwei", pue="weather")
    temp = typical_year_cached("zhongwei", 2025, 0).data["temp_air"].loc[index]
    np.testing.assert_allclose(series["temp_air"].to_numpy(), temp.to_numpy())
    order = np.argsort(series["temp_air"].to_numpy())
    assert (np.diff(series["pue"].to_numpy()[order]) >= -1e-12).all()
    assert series["pue"].between(1.0, 1.5).all()


def test_cswd_file_is_relabelled_onto_the_scenario_year(epw_dir):
    raw = {"start": "2025-07-01 00:00", "hours": 744,
           "hubs": {"zhongwei": {"it_capacity_mw": 10, "grid_import_mw": 20, "solar_mw": 100, "wind_mw": 0,
                                 "pue": "weather", "weather": str(epw_dir / YINCHUAN)}}}
    series = scenario_from_dict(raw).hubs["zhongwei"].series
    # CSWD Yinchuan July mean air temperature 23.7 degC (FACTS.md / catalogue temp_monthly_c)
    assert series["temp_air"].mean() == pytest.approx(23.7, abs=0.05)
    assert series["solar_kw"].max() > 50_000.0
    local_hour = series.index.tz_convert("Asia/Shanghai").hour
    assert (series["solar_kw"].to_numpy()[(local_hour < 4) | (local_hour > 21)] == 0).all()
    assert (series["pue"] > 1.0).all()


def test_an_unreadable_weather_file_names_the_key(tmp_path):
    bad = tmp_path / "bad.epw"
    bad.write_text("not a weather file\n", encoding="utf-8")
    raw = {"start": "2025-07-01 00:00", "hours": 24,
           "hubs": {"zhongwei": {"it_capacity_mw": 10, "grid_import_mw": 20, "solar_mw": 1,
                                 "weather": "bad.epw"}}}
    with pytest.raises(ScenarioError, match=r"^hubs\.zhongwei\.weather: "):
        scenario_from_dict(raw, base_dir=tmp_path)
