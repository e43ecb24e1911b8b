"""Tests of the plain-CSV reader and, through it, of the shared checks of weather.frame.validate_weather.

The fixtures in tests/data/weather are 48 synthetic hours at Zhongwei (37.5N 105.2E, 1230 m) from
2025-01-01 00:00 Asia/Shanghai: pvlib Ineichen clear sky (Linke turbidity 3) at mid-hour, a sine
temperature and wind, 87400 Pa. Each bad-input file differs from good.csv in one documented way.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weather.errors import WeatherInputError
from weather.frame import WeatherRepairWarning, pressure_from_elevation
from weather.readers import read_csv_weather, read_weather

DATA = Path(__file__).resolve().parents[1] / "data" / "weather"
SITE = {"latitude": 37.5, "longitude": 105.2, "elevation_m": 1230.0}


def _good() -> pd.DataFrame:
    return pd.read_csv(DATA / "good.csv")


def test_canonical_csv_with_offsets_needs_only_the_site():
    weather = read_weather(DATA / "good.csv", **SITE)
    frame = weather.data
    # 2025-01-01 00:00 +08:00 is 2024-12-31 16:00 UTC; 48 regular hours
    assert frame.index[0] == pd.Timestamp("2024-12-31 16:00", tz="UTC")
    assert str(frame.index.tz) == "UTC"
    assert frame.index.freq == pd.Timedelta("1h")
    assert len(frame) == 48
    assert weather.step_hours == 1.0
    assert weather.wind_height_m == 10.0
    assert list(frame.columns) == ["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure"]
    np.testing.assert_array_equal(frame["ghi"].to_numpy(), _good()["ghi"].to_numpy())
    # local noon (04:00-05:00 UTC) is bright, local midnight dark
    assert frame.loc["2025-01-01 04:00", "ghi"].item() > 300.0
    assert frame.loc["2024-12-31 16:00", "ghi"].item() == 0.0


def test_declared_zone_gives_the_same_frame_as_offsets():
    with_offsets = read_weather(DATA / "good.csv", **SITE).data
    declared = read_weather(DATA / "naive_time.csv", timezone="Asia/Shanghai", **SITE).data
    pd.testing.assert_frame_equal(with_offsets, declared)


def test_hour_ending_labels_move_back_one_step(tmp_path):
    ending = _good()
    ending["time"] = (pd.to_datetime(ending["time"]) + pd.Timedelta("1h")).map(pd.Timestamp.isoformat)
    ending.to_csv(tmp_path / "ending.csv", index=False)
    start = read_weather(DATA / "good.csv", **SITE).data
    end = read_weather(tmp_path / "ending.csv", time_label="end", **SITE).data
    pd.testing.assert_frame_equal(start, end)


def test_a_one_hour_label_error_is_caught_by_the_extraterrestrial_check():
    # good.csv labels interval starts; read as hour-ending, the sunrise hour gets sun before sunrise
    with pytest.raises(WeatherInputError, match="extraterrestrial.*interval label"):
        read_weather(DATA / "good.csv", time_label="end", **SITE)


def test_column_map_and_missing_pressure_filled_from_elevation():
    column_map = {"GHI_Wm2": "ghi", "DNI_Wm2": "dni", "DHI_Wm2": "dhi", "T_C": "temp_air",
                  "WS_ms": "wind_speed"}
    with pytest.warns(WeatherRepairWarning, match="pressure missing in 48 of 48"):
        weather = read_csv_weather(DATA / "own_names_no_pressure.csv", column_map=column_map,
                                   time_column="timestamp", wind_height_m=2.0, **SITE)
    # U.S. Standard Atmosphere 1976 at 1230 m: 87.5 kPa (101325 (1 - 2.25577e-5 h)^5.25588)
    expected = 101325.0 * (1.0 - 2.25577e-5 * 1230.0) ** 5.25588
    assert weather.data["pressure"].iloc[0] == pytest.approx(expected, rel=1e-3)
    assert pressure_from_elevation(0.0) == pytest.approx(101325.0, rel=1e-4)
    assert weather.wind_height_m == 2.0


def test_kelvin_and_hpa_are_converted_when_declared():
    good = read_weather(DATA / "good.csv", **SITE).data
    kelvin = read_weather(DATA / "kelvin.csv", temperature_unit="K", **SITE).data
    np.testing.assert_allclose(kelvin["temp_air"], good["temp_air"], atol=1e-9)
    hpa = read_weather(DATA / "pressure_hpa.csv", pressure_unit="hPa", **SITE).data
    assert (hpa["pressure"] == 87400.0).all()


def test_small_negative_irradiance_is_clipped_with_a_warning():
    with pytest.warns(WeatherRepairWarning, match="set 2 small negative irradiance values"):
        frame = read_weather(DATA / "small_negative_dhi.csv", **SITE).data
    assert (frame["dhi"] >= 0.0).all()


# --- one test per bad input -------------------------------------------------------------------------

def test_missing_column_names_it_and_the_fix():
    with pytest.raises(WeatherInputError, match=r"columns: expected \['dhi'\].*column_map"):
        read_weather(DATA / "missing_column.csv", **SITE)


def test_naive_timestamps_without_zone_are_an_error():
    with pytest.raises(WeatherInputError, match="timezone: expected a declared time zone.*Asia/Shanghai"):
        read_weather(DATA / "naive_time.csv", **SITE)


def test_unknown_zone_is_an_error():
    with pytest.raises(WeatherInputError, match="timezone: expected an IANA zone"):
        read_weather(DATA / "naive_time.csv", timezone="China/Beijing", **SITE)


def test_local_time_skipped_by_daylight_saving_is_an_error(tmp_path):
    # 2025-03-30 02:00 does not exist in Europe/Berlin (clocks jump from 02:00 to 03:00)
    frame = _good().head(3).assign(time=["2025-03-30T01:00:00", "2025-03-30T02:00:00", "2025-03-30T03:00:00"])
    with pytest.raises(WeatherInputError, match="daylight-saving ambiguous or skipped time"):
        _read_frame(tmp_path, frame, timezone="Europe/Berlin")


def test_duplicated_timestamps_are_an_error():
    with pytest.raises(WeatherInputError, match="index: expected unique timestamps; got 1 duplicated, first "
                                                "2025-01-01T02:00:00"):
        read_weather(DATA / "duplicated_time.csv", **SITE)


def test_gap_is_an_error():
    with pytest.raises(WeatherInputError, match="one regular step of 0 days 01:00:00; got 1 irregular steps"):
        read_weather(DATA / "gap.csv", **SITE)


def test_unsorted_rows_are_an_error(tmp_path):
    frame = _good().iloc[[0, 2, 1, *range(3, 48)]]
    with pytest.raises(WeatherInputError, match="increasing timestamps"):
        _read_frame(tmp_path, frame)


def test_missing_value_is_an_error():
    with pytest.raises(WeatherInputError, match="temp_air: expected a value in every interval; got 1 "):
        read_weather(DATA / "missing_value.csv", **SITE)


def test_non_numeric_cell_is_an_error():
    with pytest.raises(WeatherInputError, match="wind_speed: expected numbers; got 1 non-numeric cells, "
                                                "first 'n/a'"):
        read_weather(DATA / "non_numeric.csv", **SITE)


def test_kelvin_where_celsius_expected_suggests_the_unit():
    with pytest.raises(WeatherInputError, match='Kelvin.*temperature_unit="K"'):
        read_weather(DATA / "kelvin.csv", **SITE)


def test_hpa_where_pa_expected_suggests_the_unit():
    with pytest.raises(WeatherInputError, match='hPa.*pressure_unit="hPa"'):
        read_weather(DATA / "pressure_hpa.csv", **SITE)


def test_ghi_above_absolute_limit_is_an_error():
    with pytest.raises(WeatherInputError, match="ghi: expected values within -10..1500 W/m2; got 1 outside, "
                                                "first 1800"):
        read_weather(DATA / "ghi_above_limit.csv", **SITE)


def test_sun_at_night_means_wrong_zone_and_is_an_error():
    # local times written as UTC: the midday sun lands 8 h late, in the night at the site
    with pytest.raises(WeatherInputError, match="1.5 x extraterrestrial.*time zone"):
        read_weather(DATA / "ghi_at_night.csv", **SITE)


def test_negative_irradiance_beyond_tolerance_is_an_error():
    with pytest.raises(WeatherInputError, match="ghi: expected values within -10..1500 W/m2; got 1 outside, "
                                                "first -50"):
        read_weather(DATA / "negative_ghi.csv", **SITE)


def test_empty_file_is_an_error():
    with pytest.raises(WeatherInputError, match="rows: expected weather rows below the header; got none"):
        read_weather(DATA / "empty.csv", **SITE)


def test_missing_site_arguments_are_named():
    with pytest.raises(WeatherInputError, match="latitude, longitude, elevation_m: expected the site"):
        read_weather(DATA / "good.csv")


def test_unknown_unit_is_an_error():
    with pytest.raises(WeatherInputError, match="temperature_unit: expected one of"):
        read_weather(DATA / "good.csv", temperature_unit="F", **SITE)


def test_unknown_extension_is_an_error(tmp_path):
    path = tmp_path / "weather.xlsx"
    path.write_text("x")
    with pytest.raises(WeatherInputError, match="file extension: expected .epw, .csv, .json or .nc"):
        read_weather(path)


def _read_frame(folder: Path, frame: pd.DataFrame, **kwargs):
    path = folder / "weather.csv"
    frame.to_csv(path, index=False)
    return read_weather(path, **SITE, **kwargs)
