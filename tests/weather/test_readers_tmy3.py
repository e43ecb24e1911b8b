"""Tests of the TMY3 reader on the samples pvlib ships (pvlib/data/723170TYA.CSV, 703165TY.csv)."""

from pathlib import Path

import pandas as pd
import pvlib
import pytest

from weather.errors import WeatherInputError
from weather.readers import detect_kind, read_tmy3_weather, read_weather

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
SAND_POINT = PVLIB_DATA / "703165TY.csv"


def test_greensboro_reads_with_hour_start_labels_in_utc():
    assert detect_kind(GREENSBORO) == "tmy3"
    weather = read_weather(GREENSBORO)
    frame = weather.data
    raw, meta = pvlib.iotools.read_tmy3(GREENSBORO, coerce_year=1990)
    # header: GREENSBORO PIEDMONT TRIAD INT, UTC-5, 36.1N 79.95W, 273 m
    assert (weather.latitude, weather.longitude, weather.elevation_m) == (36.1, -79.95, 273.0)
    # the record "01/01 01:00" (hour ending 01:00 at UTC-5) starts at 00:00 local = 05:00 UTC
    assert frame.index[0] == pd.Timestamp("1990-01-01 05:00", tz="UTC")
    assert frame.index.freq == pd.Timedelta("1h") and len(frame) == 8760
    assert frame["ghi"].to_numpy().tolist() == raw["ghi"].astype(float).to_numpy().tolist()
    # pressure in the file is mbar: 965-1007 mbar -> Pa
    assert frame["pressure"].min() == 96500.0 and frame["pressure"].max() == 100700.0
    # the file's albedo is 0 throughout (missing): dropped
    assert "albedo" not in frame
    assert weather.wind_height_m == 10.0


def test_sand_point_keeps_its_valid_albedo():
    frame = read_tmy3_weather(SAND_POINT).data
    assert frame["albedo"].between(0.11, 0.25).all()
    # UTC-9: first interval starts at 09:00 UTC
    assert frame.index[0] == pd.Timestamp("1990-01-01 09:00", tz="UTC")


def test_other_year_is_honoured_and_leap_years_refused():
    assert read_tmy3_weather(GREENSBORO, year=2019).data.index[0].year == 2019
    with pytest.raises(WeatherInputError, match="year: expected a year that is not a leap year.*got 2020"):
        read_tmy3_weather(GREENSBORO, year=2020)


def test_truncated_tmy3_is_an_error(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("".join(GREENSBORO.read_text().splitlines(keepends=True)[:50]))
    with pytest.raises(WeatherInputError, match=r"short.csv: records: expected 8760 hourly records \(a TMY3 "
                                                r"year\); got 48"):
        read_weather(path)
