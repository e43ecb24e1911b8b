"""Forecast-file readers: CSV and the Open-Meteo hourly JSON, and power forecasts through the parks."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weather.errors import WeatherInputError
from weather.forecast import power_forecast
from weather.readers.forecast import read_forecast_csv, read_open_meteo_json

DATA = Path(__file__).resolve().parents[1] / "data" / "forecast"
OPEN_METEO = DATA / "zhongwei_issued-20250601T0400Z.json"
SITE = {"latitude": 37.5, "longitude": 105.2, "elevation_m": 1230.0, "wind_height_m": 100.0}


def test_open_meteo_units_alignment_and_issue_from_file_name():
    payload = json.loads(OPEN_METEO.read_text(encoding="utf-8"))
    forecast = read_open_meteo_json(OPEN_METEO)
    issue = pd.Timestamp("2025-06-01T04:00Z")
    assert list(forecast.issue_times) == [issue]
    weather = forecast.weather(issue)
    hourly = payload["hourly"]
    # local 12:00 (+08:00) is 04:00 UTC, index 12 in the file; the interval [12:00, 13:00) local gets the
    # radiation labelled 13:00 (mean of the preceding hour) and the mean of the 12:00 and 13:00 values
    first = weather.data.iloc[0]
    assert weather.data.index[0] == issue
    assert first["ghi"] == hourly["shortwave_radiation"][13]
    assert first["dhi"] == hourly["diffuse_radiation"][13]
    wind_kmh = hourly["wind_speed_100m"]
    assert first["wind_speed"] == pytest.approx((wind_kmh[12] + wind_kmh[13]) / 2 / 3.6)  # km/h -> m/s
    assert first["pressure"] == pytest.approx((hourly["surface_pressure"][12]
                                               + hourly["surface_pressure"][13]) / 2 * 100)  # hPa -> Pa
    assert len(weather.data) == 30 - 1 - 12
    assert weather.wind_height_m == 100.0 and weather.elevation_m == 1230.0


def test_open_meteo_explicit_issue_time_and_other_units(tmp_path):
    payload = json.loads(OPEN_METEO.read_text(encoding="utf-8"))
    payload["hourly_units"]["wind_speed_100m"] = "m/s"
    payload["hourly_units"]["temperature_2m"] = "°F"
    payload["hourly"]["temperature_2m"] = [50.0] * 30
    path = tmp_path / "forecast.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    forecast = read_open_meteo_json(path, issue_time="2025-06-01T20:00+08:00")
    weather = forecast.weather(pd.Timestamp("2025-06-01T12:00Z"))
    assert weather.data["temp_air"].iloc[0] == pytest.approx(10.0)
    assert weather.data["wind_speed"].iloc[0] == pytest.approx(
        (payload["hourly"]["wind_speed_100m"][20] + payload["hourly"]["wind_speed_100m"][21]) / 2)


def _write_variant(tmp_path: Path, change) -> Path:
    payload = json.loads(OPEN_METEO.read_text(encoding="utf-8"))
    change(payload)
    path = tmp_path / OPEN_METEO.name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p["hourly"].pop("shortwave_radiation"), "missing shortwave_radiation"),
    (lambda p: p["hourly"].pop("wind_speed_100m"), "wind_speed_100m"),
    (lambda p: p["hourly"]["temperature_2m"].pop(), "one length"),
    (lambda p: p["hourly_units"].update(wind_speed_100m="furlong/fortnight"), "hourly_units.wind_speed_100m"),
    (lambda p: p["hourly_units"].pop("surface_pressure"), "hourly_units.surface_pressure"),
    (lambda p: p["hourly_units"].update(temperature_2m="K"), "hourly_units.temperature_2m"),
    (lambda p: p.pop("utc_offset_seconds"), "utc_offset_seconds"),
    (lambda p: p.pop("hourly_units"), "hourly_units"),
    (lambda p: p["hourly"]["diffuse_radiation"].__setitem__(14, None), "null"),
    (lambda p: p["hourly"]["time"].__setitem__(5, "2025-06-01T05:30"), "consecutive hours"),
])
def test_open_meteo_rejects_malformed_payloads(tmp_path, change, message):
    with pytest.raises(WeatherInputError, match=message):
        read_open_meteo_json(_write_variant(tmp_path, change))


def test_open_meteo_needs_an_issue_time(tmp_path):
    path = tmp_path / "forecast.json"
    path.write_text(OPEN_METEO.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(WeatherInputError, match="issued-YYYYMMDDTHHMMZ"):
        read_open_meteo_json(path)
    with pytest.raises(WeatherInputError, match="naive"):
        read_open_meteo_json(path, issue_time="2025-06-01T12:00")
    with pytest.raises(WeatherInputError, match="after the issue time"):
        read_open_meteo_json(path, issue_time="2025-06-03T12:00+08:00")


def test_open_meteo_rejects_invalid_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(WeatherInputError, match="Open-Meteo JSON"):
        read_open_meteo_json(path, issue_time="2025-06-01T12:00+08:00")


def test_csv_power_forecast_two_issues():
    forecast = read_forecast_csv(DATA / "power.csv")
    assert forecast.kind == "power"
    issues = forecast.issue_times
    assert list(issues) == [pd.Timestamp("2025-06-01T04:00Z"), pd.Timestamp("2025-06-02T04:00Z")]
    power = power_forecast(forecast, solar_mw=100.0, wind_mw=100.0)
    window = power.issue(issues[1])
    np.testing.assert_array_equal(window["wind_kw"], [12000.0, 9000.0, 7000.0])
    np.testing.assert_array_equal(window["lead_hours"], [0.0, 1.0, 2.0])
    with pytest.raises(WeatherInputError, match="lookahead_hours"):
        power.issue(issues[1], lookahead_hours=4)  # this issue has 3 hours only


def test_csv_weather_forecast_through_the_parks():
    forecast = read_forecast_csv(DATA / "weather.csv", **SITE)
    power = power_forecast(forecast, solar_mw=100.0, wind_mw=100.0).issue(forecast.issue_times[0])
    assert len(power) == 6
    assert (power["solar_kw"] > 10_000).all() and (power["solar_kw"] <= 100_000).all()
    assert power["solar_kw"].is_monotonic_decreasing  # afternoon: the sun sinks from 12:00 to 17:00 local
    assert power["wind_kw"].is_monotonic_increasing  # the wind rises from 7.2 to 10.2 m/s at 100 m


def test_open_meteo_forecast_through_the_parks_is_zero_at_night():
    forecast = read_open_meteo_json(OPEN_METEO)
    power = power_forecast(forecast, solar_mw=100.0, wind_mw=50.0).issue(forecast.issue_times[0])
    local_hour = power.index.tz_convert("Asia/Shanghai").hour
    assert (power["solar_kw"][(local_hour >= 21) | (local_hour <= 3)] == 0).all()
    assert power["solar_kw"].max() > 30_000
    assert power["wind_kw"].between(0, 50_000).all()


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "forecast.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "issue_time,valid_time,solar_kw,wind_kw\n"


@pytest.mark.parametrize(("body", "message"), [
    ("valid_time,solar_kw,wind_kw\n2025-06-01T12:00+08:00,1,2\n", "'issue_time'"),
    ("issue_time,valid_time,ghi\n2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,1\n", "missing dni"),
    (HEADER + "2025-06-01T12:00,2025-06-01T12:00+08:00,1,2\n", "issue_time: expected ISO 8601 times with"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T13:00,1,2\n", "valid_time: expected ISO 8601 times with"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T11:00+08:00,1,2\n", "before"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,abc,2\n", "solar_kw: expected numbers"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,-5,2\n", "solar_kw: expected values >= 0"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,1,2\n"
     "2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,1,2\n", "duplicates"),
    (HEADER + "2025-06-01T12:00+08:00,2025-06-01T12:00+08:00,1,2\n"
     "2025-06-01T12:00+08:00,2025-06-01T13:00+08:00,1,2\n"
     "2025-06-01T12:00+08:00,2025-06-01T15:00+08:00,1,2\n", "regular step"),
])
def test_csv_rejects_malformed_files(tmp_path, body, message):
    with pytest.raises(WeatherInputError, match=message):
        read_forecast_csv(_csv(tmp_path, body))


def test_csv_weather_needs_the_site():
    with pytest.raises(WeatherInputError, match="wind_height_m"):
        read_forecast_csv(DATA / "weather.csv", latitude=37.5, longitude=105.2, elevation_m=1230.0)


def test_power_file_has_no_weather():
    forecast = read_forecast_csv(DATA / "power.csv")
    with pytest.raises(WeatherInputError, match="kind"):
        forecast.weather(forecast.issue_times[0])
