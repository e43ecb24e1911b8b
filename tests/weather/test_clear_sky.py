"""GHI above clear sky by a margin in many hours is refused (weather.frame's clear-sky check)."""

import numpy as np
import pytest

from tests.conftest import EPW_DIR
from weather.errors import WeatherInputError
from weather.frame import (
    CLEAR_SKY_ALLOWANCE_W_M2,
    CLEAR_SKY_FACTOR,
    CLEAR_SKY_SHARE,
    clear_sky_ghi,
    validate_weather,
)
from weather.readers import read_weather

EPW_FILES = sorted(path.name for path in EPW_DIR.glob("*.epw")) if EPW_DIR.is_dir() else []
YINCHUAN = "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw"


def _share_above(weather) -> float:
    altitude = weather.elevation_m
    clear = clear_sky_ghi(weather.data.index, weather.latitude, weather.longitude, altitude)
    over = weather.data["ghi"].to_numpy() > CLEAR_SKY_FACTOR * clear + CLEAR_SKY_ALLOWANCE_W_M2
    return float(np.count_nonzero(over & (clear > 0)) / np.count_nonzero(clear > 0))


@pytest.mark.parametrize("name", EPW_FILES)
def test_every_corrected_cswd_file_passes_with_a_margin(name, epw_dir):
    weather = read_weather(epw_dir / name)  # the reader runs the check
    # Measured 0.1-3.2 % (Guangzhou the most) against the 5 % limit
    assert _share_above(weather) < 0.034 < CLEAR_SKY_SHARE


def test_scaled_irradiance_is_refused_naming_ghi_the_count_and_the_fix(epw_dir):
    weather = read_weather(epw_dir / YINCHUAN)
    data = weather.data.copy()
    data.loc[data["ghi"] > 200, "ghi"] *= 1.3  # a calibration slip (low sun stays within the ET check)
    with pytest.raises(WeatherInputError) as caught:
        validate_weather(data, source="scaled.csv", latitude=weather.latitude, longitude=weather.longitude)
    message = str(caught.value)
    assert message.startswith("scaled.csv: ghi: expected GHI above 1.1 x clear sky + 50 W/m2 in at most 5%")
    assert "of daylight intervals" in message and "irradiance unit and scale" in message
    assert "\n" not in message


def test_a_short_burst_above_clear_sky_is_not_refused(epw_dir):
    """Fewer than 24 h above clear sky is cloud enhancement, even in a short file."""
    weather = read_weather(epw_dir / YINCHUAN)
    data = weather.data.iloc[24 * 180:24 * 182].copy()  # two days of July
    data["ghi"] *= 1.3
    validate_weather(data, source="short.csv", latitude=weather.latitude, longitude=weather.longitude)


def test_without_a_position_there_is_no_clear_sky_check(epw_dir):
    data = read_weather(epw_dir / YINCHUAN).data.copy()
    data["ghi"] *= 1.3
    validate_weather(data, source="no position")
