"""Tests of the EPW reader on every shared CSWD file, and on faults injected into copies of one.

Reference values: annual GHI [kWh/m2] and mean air temperature [degC] of each CSWD file, read from the
files and published in shared FACTS.md; station positions and elevations from SOURCES.md.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from tests.conftest import EPW_DIR
from weather.corrections import correct_radiation
from weather.errors import WeatherInputError
from weather.frame import WeatherRepairWarning, close_irradiance, pressure_from_elevation
from weather.readers import read_epw_weather, read_weather

DATA = Path(__file__).resolve().parents[1] / "data" / "weather"
EPW_FILES = sorted(EPW_DIR.glob("*.epw")) if EPW_DIR.is_dir() else []
BEIJING = "CHN_Beijing.Beijing.545110_CSWD.epw"

# FACTS.md: annual GHI [kWh/m2] and mean temperature [degC]; SOURCES.md: lat, lon, elevation [m]
REFERENCE = {
    "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw": (1688, 9.5, 38.48, 106.22, 1111.4),
    "CHN_Gansu.Xifengzhen.539230_CSWD.epw": (1515, 9.3, 35.73, 107.63, 1421.0),
    "CHN_Nei.Mongol.Hohhot.534630_CSWD.epw": (1545, 6.6, 40.82, 111.68, 1063.0),
    "CHN_Guizhou.Guiyang.578160_CSWD.epw": (1022, 15.5, 26.58, 106.73, 1223.8),
    "CHN_Beijing.Beijing.545110_CSWD.epw": (1401, 12.6, 39.80, 116.47, 31.3),
    "CHN_Hebei.Zhangbei.533990_CSWD.epw": (1533, 3.6, 41.15, 114.70, 1393.3),
    "CHN_Hebei.Huailai.544050_CSWD.epw": (1531, 10.0, 40.40, 115.50, 536.0),
    "CHN_Shanghai.Shanghai.583620_CSWD.epw": (1271, 16.7, 31.40, 121.45, 5.5),
    "CHN_Guangdong.Shaoguan.590820_CSWD.epw": (1175, 20.3, 24.68, 113.60, 61.0),
    "CHN_Guangdong.Guangzhou.592870_CSWD.epw": (1137, 22.2, 23.17, 113.33, 41.0),
    "CHN_Sichuan.Chengdu.562940_CSWD.epw": (900, 16.6, 30.67, 104.02, 506.1),
    "CHN_Chongqing.Chongqing.Shapingba.575160_CSWD.epw": (848, 18.5, 29.58, 106.47, 259.1),
}


def _mid_hour_cos_zenith(weather) -> np.ndarray:
    middle = weather.data.index + pd.Timedelta("30min")
    zenith = pvlib.solarposition.get_solarposition(middle, weather.latitude, weather.longitude,
                                                   method="nrel_numpy")["apparent_zenith"].to_numpy()
    return np.cos(np.radians(zenith))


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
@pytest.mark.parametrize("path", EPW_FILES, ids=lambda path: path.name.split("_")[1])
def test_every_cswd_file_reads_into_the_canonical_frame(path):
    weather = read_weather(path)
    frame = weather.data
    ghi_kwh, temp_mean, latitude, longitude, elevation = REFERENCE[path.name]
    # hour 1 of 2005-01-01 at UTC+8 is the interval starting 2004-12-31 16:00 UTC
    assert frame.index[0] == pd.Timestamp("2004-12-31 16:00", tz="UTC")
    assert frame.index[-1] == pd.Timestamp("2005-12-31 15:00", tz="UTC")
    assert frame.index.freq == pd.Timedelta("1h") and len(frame) == 8760
    # albedo (999 throughout) is dropped
    assert list(frame.columns) == ["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure"]
    raw, _ = pvlib.iotools.read_epw(path)
    assert raw["ghi"].sum() / 1000.0 == pytest.approx(ghi_kwh, abs=0.5)
    # the lag shift keeps the year's GHI; filled gap days (weather.corrections) add at most 2 %
    gaps = sum("gap days" in note for note in weather.notes)
    assert frame["ghi"].sum() / 1000.0 == pytest.approx(ghi_kwh, abs=0.5 + 0.02 * ghi_kwh * gaps)
    assert any("radiation lag" in note for note in weather.notes)
    assert frame["temp_air"].mean() == pytest.approx(temp_mean, abs=0.05)
    assert (weather.latitude, weather.longitude, weather.elevation_m) == (latitude, longitude, elevation)
    assert weather.wind_height_m == 10.0
    # the station pressure sits within 5 % of the standard atmosphere at the station elevation
    assert frame["pressure"].mean() == pytest.approx(pressure_from_elevation(elevation), rel=0.05)
    # closure after the DNI recomputation: GHI = DNI cos(z) + DHI in every hour, GHI untouched
    cos_zenith = np.clip(_mid_hour_cos_zenith(weather), 0.0, None)
    np.testing.assert_allclose(frame["dni"] * cos_zenith + frame["dhi"], frame["ghi"], atol=1e-6)
    assert (frame[["dni", "dhi"]] >= 0.0).all().all()
    assert (frame["dni"] <= 1415.0).all()  # below the extraterrestrial normal irradiance


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
def test_close_false_keeps_the_file_dni_which_does_not_close():
    as_is = read_epw_weather(EPW_DIR / "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw", close=False)
    raw, _ = pvlib.iotools.read_epw(EPW_DIR / "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw")
    raw.index = raw.index.tz_convert("UTC")
    corrected, _ = correct_radiation(raw[["ghi", "dni", "dhi"]].astype(float), as_is.latitude,
                                     as_is.longitude)
    np.testing.assert_allclose(as_is.data["dni"].to_numpy(), corrected["dni"].to_numpy())
    # SOURCES.md: DNI cos(z) + DHI is only 0.83-0.99 of GHI, lowest at Yinchuan
    cos_zenith = np.clip(_mid_hour_cos_zenith(as_is), 0.0, None)
    frame = as_is.data
    ratio = (frame["dni"] * cos_zenith + frame["dhi"]).sum() / frame["ghi"].sum()
    assert 0.8 < ratio < 0.9


def test_close_irradiance_on_a_closed_sky_changes_nothing():
    # pvlib clear sky is closed by construction: DNI cos(z) + DHI = GHI at the same instant
    index = pd.date_range("2025-06-21", periods=24, freq="1h", tz="UTC")
    position = pvlib.solarposition.get_solarposition(index + pd.Timedelta("30min"), 37.5, 105.2,
                                                     method="nrel_numpy")
    airmass = pvlib.atmosphere.get_absolute_airmass(
        pvlib.atmosphere.get_relative_airmass(position["apparent_zenith"]), 87400.0)
    extra = pvlib.irradiance.get_extra_radiation(index.day_of_year.to_numpy())
    sky = pvlib.clearsky.ineichen(position["apparent_zenith"], airmass, 3.0, altitude=1230.0, dni_extra=extra)
    sky.index = index
    closed = close_irradiance(sky, 37.5, 105.2)
    sun_up = position["apparent_zenith"].to_numpy() < 87.0
    np.testing.assert_allclose(closed["dni"].to_numpy()[sun_up], sky["dni"].to_numpy()[sun_up], rtol=1e-3)
    np.testing.assert_array_equal(closed["ghi"], sky["ghi"])


def _faulty_copy(tmp_path: Path, edit) -> Path:
    """A copy of the Beijing file (in tmp_path only) with ``edit`` applied to its data lines."""
    lines = (EPW_DIR / BEIJING).read_text().splitlines()
    header, records = lines[:8], [line.split(",") for line in lines[8:]]
    records = edit(records)
    path = tmp_path / "faulty.epw"
    path.write_text("\n".join(header + [",".join(fields) for fields in records]) + "\n")
    return path


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
def test_missing_ghi_code_is_an_error_naming_the_code(tmp_path):
    def set_ghi_missing(records):
        records[4000][13] = "9999"  # field 14 is GHI
        return records

    with pytest.raises(WeatherInputError, match="ghi: expected a value in every hour; got the EPW "
                                                "missing-value code 9999 in 1 hours"):
        read_weather(_faulty_copy(tmp_path, set_ghi_missing))


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
def test_missing_pressure_is_filled_by_the_barometric_formula(tmp_path):
    def set_pressure_missing(records):
        for fields in records[:10]:
            fields[9] = "999999"  # field 10 is station pressure
        return records

    with pytest.warns(WeatherRepairWarning, match=r"pressure missing in 10 of 8760 intervals; filled "
                                                  r"with 10095\d Pa"):
        weather = read_weather(_faulty_copy(tmp_path, set_pressure_missing))
    assert weather.data["pressure"].iloc[0] == pytest.approx(pressure_from_elevation(31.3))


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
def test_valid_albedo_is_kept(tmp_path):
    def set_albedo(records):
        for fields in records:
            fields[32] = "0.2"  # field 33 is albedo
        return records

    weather = read_weather(_faulty_copy(tmp_path, set_albedo))
    assert (weather.data["albedo"] == 0.2).all()


@pytest.mark.skipif(not EPW_FILES, reason=f"shared CSWD weather files not found at {EPW_DIR}")
def test_missing_hours_are_an_error(tmp_path):
    with pytest.raises(WeatherInputError, match="got 8759"):
        read_weather(_faulty_copy(tmp_path, lambda records: records[:100] + records[101:]))


def test_truncated_file_is_an_error():
    with pytest.raises(WeatherInputError, match=r"records: expected a full year of hourly records \(8760, or "
                                                r"8784 in a leap year\); got 24.*truncated"):
        read_weather(DATA / "truncated.epw")


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.epw"
    path.write_text("")
    with pytest.raises(WeatherInputError, match="empty.epw: file: expected an EnergyPlus weather file"):
        read_weather(path)
