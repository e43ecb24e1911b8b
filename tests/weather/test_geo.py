"""The weather file's station against the hub's position (weather.geo), in the scenario and the CLI."""

import dataclasses

import pandas as pd
import pytest

from engine.cli import main
from engine.errors import ScenarioError
from engine.inputs.scenario_file import scenario_from_dict
from weather.catalogue import get_hub, load_catalogue
from weather.errors import WeatherInputError
from weather.geo import MAX_DISTANCE_KM, NOTE_DISTANCE_KM, check_weather_site, great_circle_km
from weather.readers import read_weather
from weather.synthetic import typical_year

YINCHUAN = "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw"


def test_great_circle_distances():
    assert great_circle_km(39.9, 116.4, 39.9, 116.4) == 0.0
    # Beijing - Shanghai about 1070 km; one degree of latitude 111.2 km
    assert great_circle_km(39.90, 116.40, 31.23, 121.47) == pytest.approx(1068, abs=10)
    assert great_circle_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.19, abs=0.01)
    assert great_circle_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(20015, abs=1)


def _at(lat: float, lon: float):
    return dataclasses.replace(typical_year("zhongwei", year=2025), latitude=lat, longitude=lon,
                               source="station.epw")


def test_a_near_station_passes_unchanged_and_a_far_one_is_noted():
    hub = get_hub("zhongwei")
    near = _at(hub.lat + 0.3, hub.lon)  # 33 km
    assert check_weather_site(near, hub.lat, hub.lon, site="hub zhongwei", override="x") is near
    far = check_weather_site(_at(hub.lat + 1.0, hub.lon), hub.lat, hub.lon, site="hub zhongwei", override="x")
    assert len(far.notes) == len(near.notes) + 1
    assert far.notes[-1].startswith("weather station 111 km from hub zhongwei (station.epw")


def test_a_station_beyond_the_limit_is_refused_naming_file_distance_and_fix():
    hub = get_hub("zhongwei")
    weather = _at(hub.lat + 5.0, hub.lon)  # 556 km
    with pytest.raises(WeatherInputError) as caught:
        check_weather_site(weather, hub.lat, hub.lon, site="hub zhongwei", override="pass --max")
    message = str(caught.value)
    assert message.startswith("station.epw: location: expected a weather station within 500 km")
    assert "556 km from hub zhongwei" in message and "pass --max" in message and "\n" not in message
    assert check_weather_site(weather, hub.lat, hub.lon, site="s", override="x", max_km=600).notes


def test_every_catalogue_station_is_within_the_limit(epw_dir):
    """Measured: 0-48 km for most hubs; zhongwei-Yinchuan 141, yangtze_delta-Shanghai 69 and
    wuhu-Shanghai 290 km (noted, not refused)."""
    distances = {}
    for name, hub in load_catalogue().items():
        station = read_weather(epw_dir / hub.cswd_file) if hub.cswd_file else None
        if station is not None:
            distances[name] = great_circle_km(station.latitude, station.longitude, hub.lat, hub.lon)
    assert max(distances.values()) < MAX_DISTANCE_KM
    assert distances["zhongwei"] == pytest.approx(141, abs=1)
    assert distances["wuhu"] == pytest.approx(290, abs=1)
    assert distances["qingyang"] < NOTE_DISTANCE_KM


def _scenario(epw_dir, hub: str, **extra) -> dict:
    return {"start": "2025-07-01 00:00", "hours": 24,
            "hubs": {hub: {"it_capacity_mw": 10, "grid_import_mw": 20, "solar_mw": 10,
                           "weather": str(epw_dir / YINCHUAN), **extra}}}


def test_the_scenario_notes_a_far_station_and_refuses_one_too_far(epw_dir):
    notes = scenario_from_dict(_scenario(epw_dir, "zhongwei")).hubs["zhongwei"].weather_notes
    assert any(note.startswith("weather station 141 km from hub zhongwei") for note in notes)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(_scenario(epw_dir, "beijing"))
    message = str(caught.value)
    assert message.startswith("hubs.beijing.weather_max_distance_km: ") and YINCHUAN in message
    assert "set hubs.beijing.weather_max_distance_km" in message and "\n" not in message
    far = scenario_from_dict(_scenario(epw_dir, "beijing", weather_max_distance_km=1500)).hubs["beijing"]
    assert any("km from hub beijing" in note for note in far.weather_notes)


def test_the_scenario_limit_must_be_a_positive_number(epw_dir):
    with pytest.raises(ScenarioError, match=r"hubs\.zhongwei\.weather_max_distance_km: expected a number"):
        scenario_from_dict(_scenario(epw_dir, "zhongwei", weather_max_distance_km=0))


@pytest.mark.parametrize("command", ["power", "weather"])
def test_the_cli_refuses_a_far_station_in_one_line_and_takes_the_flag(command, epw_dir, tmp_path, capsys):
    path = str(epw_dir / YINCHUAN)
    extra = ["--wind-mw", "0"] if command == "power" else []
    out = ["--out", str(tmp_path / "out")]
    assert main([command, "--hub", "beijing", "--weather", path, *extra, *out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "km from hub beijing" in err and "--weather-max-distance-km" in err
    assert main([command, "--hub", "beijing", "--weather", path, *extra, *out,
                 "--weather-max-distance-km", "1500"]) == 0
    captured = capsys.readouterr()
    assert "km from hub beijing" in captured.out + captured.err
    assert main([command, "--hub", "beijing", "--weather", path, *extra, *out,
                 "--weather-max-distance-km", "-1"]) == 2


def test_power_output_is_unchanged_by_the_check(epw_dir):
    weather = read_weather(epw_dir / YINCHUAN)
    hub = get_hub("zhongwei")
    checked = check_weather_site(weather, hub.lat, hub.lon, site="hub zhongwei", override="x")
    pd.testing.assert_frame_equal(checked.data, weather.data)
