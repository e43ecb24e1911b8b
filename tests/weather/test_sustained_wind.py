"""A wind that blows hurricane-force for a whole day is a unit slip or a fill code, not weather."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.weather.test_readers_csv import DATA, SITE
from weather.errors import WeatherInputError
from weather.frame import SUSTAINED_WIND_HOURS, SUSTAINED_WIND_LIMIT_M_S
from weather.readers import read_weather


def _with_wind(tmp_path, hours: int, speed: float):
    """good.csv (48 h at Zhongwei) with ``speed`` [m/s] in its first ``hours`` rows."""
    frame = pd.read_csv(DATA / "good.csv")
    column = next(name for name in frame.columns if name.startswith("wind_speed"))
    frame.loc[: hours - 1, column] = speed
    path = tmp_path / "wind.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_day_above_the_limit_is_refused(tmp_path):
    path = _with_wind(tmp_path, 48, 80.0)  # the whole file at 80 m/s: inside the 100 m/s gust limit
    with pytest.raises(WeatherInputError, match=f"wind_speed: expected a mean wind below "
                       f"{SUSTAINED_WIND_LIMIT_M_S:g} m/s at least once in every {SUSTAINED_WIND_HOURS:g} h"):
        read_weather(path, **SITE)


def test_a_storm_of_a_few_hours_is_kept(tmp_path):
    path = _with_wind(tmp_path, int(SUSTAINED_WIND_HOURS) - 1, 45.0)
    assert read_weather(path, **SITE).data["wind_speed"].max() == 45.0
