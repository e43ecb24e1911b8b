"""Weather onto a horizon's calendar: re-labelling by local month-day-hour, coverage, values per step."""

import numpy as np
import pandas as pd
import pytest

from weather.calendar import (
    covers,
    horizon_end,
    local_years,
    onto_horizon,
    relabel_to_calendar,
    to_steps,
    weather_interval,
)
from weather.errors import WeatherInputError
from weather.frame import WeatherData

HOUR = pd.Timedelta(1, "h")


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
    result = relabel_to_calendar(source, index, HOUR, "Asia/Shanghai")
    local = index.tz_convert("Asia/Shanghai")
    day = np.where((local.month == 2) & (local.day == 29), 28, local.day)
    expected = local.month * 10000 + day * 100 + local.hour
    assert result.index.equals(index)
    np.testing.assert_array_equal(result["value"].to_numpy(), expected)
    assert result["value"].iloc[2] == 22800.0  # 29 Feb 00:00 takes 28 Feb 00:00 (MMDDHH 022800)


def test_relabel_names_the_missing_local_time():
    source = keyed_year(2005).iloc[:24 * 31]  # January only
    with pytest.raises(WeatherInputError, match="no record for local time 02-01 00:00 .*Fix"):
        relabel_to_calendar(source, utc_index("2025-02-01", 3), HOUR, "Asia/Shanghai")


def test_to_steps_holds_hourly_values_over_quarters_and_averages_finer_data():
    hourly = pd.DataFrame({"v": [1.0, 2.0, 3.0]}, index=utc_index("2025-07-01", 3))
    quarters = to_steps(hourly, utc_index("2025-07-01", 12, "15min"), pd.Timedelta(15, "min"))
    assert quarters["v"].tolist() == [1.0] * 4 + [2.0] * 4 + [3.0] * 4
    back = to_steps(quarters.assign(v=np.arange(12.0)), utc_index("2025-07-01", 3), HOUR)
    assert back["v"].tolist() == [1.5, 5.5, 9.5]


def test_local_years_of_a_horizon():
    assert local_years(utc_index("2025-12-31 18:00", 12), HOUR, "Asia/Shanghai") == [2025, 2026]
    assert local_years(utc_index("2025-12-31 18:00", 6), HOUR, "Asia/Shanghai") == [2025]  # ends at midnight


def test_horizon_end_coverage_and_interval():
    index = utc_index("2025-07-01", 4)
    assert horizon_end(index, HOUR) == index[-1] + HOUR
    hourly = pd.DataFrame({"v": np.arange(4.0)}, index=index)
    assert weather_interval(hourly) == HOUR and weather_interval(hourly.iloc[:1]) == HOUR
    assert covers(hourly, index, HOUR)
    assert not covers(hourly.iloc[:3], index, HOUR) and not covers(hourly.iloc[:0], index, HOUR)


def weather_of(data: pd.DataFrame) -> WeatherData:
    return WeatherData(data=data, latitude=37.5, longitude=105.2, elevation_m=1200.0, wind_height_m=10.0,
                       source="test")


def test_onto_horizon_slices_covering_weather_and_relabels_a_typical_year():
    year = keyed_year(2005)
    index = utc_index("2005-07-01", 48)
    sliced = onto_horizon(weather_of(year), index, HOUR, "Asia/Shanghai")
    assert sliced.data.index.equals(index) and sliced.source == "test"
    later = utc_index("2025-07-01", 48)
    relabelled = onto_horizon(weather_of(year), later, HOUR, "Asia/Shanghai")
    assert relabelled.data.index.equals(later)
    np.testing.assert_array_equal(relabelled.data["value"].to_numpy(), sliced.data["value"].to_numpy())
    assert "re-labelled" in relabelled.source


def test_onto_horizon_of_a_short_file_names_the_missing_time():
    with pytest.raises(WeatherInputError, match="no record for local time"):
        onto_horizon(weather_of(keyed_year(2005).iloc[:48]), utc_index("2025-07-01", 48), HOUR,
                     "Asia/Shanghai")
