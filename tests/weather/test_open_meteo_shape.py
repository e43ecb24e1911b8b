"""An Open-Meteo response of the wrong shape gives one line naming the key, never a traceback (issue 12)."""

import json
from pathlib import Path

import pytest

from weather.errors import WeatherInputError
from weather.readers.forecast import read_open_meteo_json

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "forecast" / "zhongwei_issued-20250601T0400Z.json"


def _broken(tmp_path: Path, change) -> Path:
    payload = json.loads(SAMPLE.read_text(encoding="utf-8"))
    payload = change(payload)
    path = tmp_path / "zhongwei_issued-20250601T0400Z.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def _hourly(key, value):
    return lambda payload: {**payload, "hourly": {**payload["hourly"], key: value}}


@pytest.mark.parametrize(("change", "named"), [
    (lambda payload: 5, "expected an Open-Meteo JSON object, got a int"),
    (lambda payload: {**payload, "hourly": [1]}, "hourly: expected an object of named arrays, got list"),
    (lambda payload: {**payload, "hourly_units": [1]}, "hourly_units: expected an object"),
    (lambda payload: {**payload, "latitude": "abc"}, "latitude: expected a number, got str"),
    (lambda payload: {**payload, "elevation": None}, "elevation: expected a number, got NoneType"),
    (_hourly("time", 5), "hourly.time: expected an array, got int"),
    (_hourly("temperature_2m", 5), "hourly.temperature_2m: expected an array, got int"),
    (lambda payload: _hourly("temperature_2m", ["warm"] * len(payload["hourly"]["time"]))(payload),
     "hourly.temperature_2m: expected numbers, got a non-numeric entry"),
    (lambda payload: {**_hourly("time", ["x"] * len(payload["hourly"]["time"]))(payload),
                      "hourly_units": {**payload["hourly_units"], "time": "unixtime"}},
     "hourly.time: expected integer Unix times"),
])
def test_a_wrong_shape_is_one_line_naming_the_key(tmp_path, change, named):
    path = _broken(tmp_path, change)
    with pytest.raises(WeatherInputError) as caught:
        read_open_meteo_json(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and named in message and "\n" not in message


def test_the_sample_still_reads():
    assert len(read_open_meteo_json(SAMPLE).data) > 0
