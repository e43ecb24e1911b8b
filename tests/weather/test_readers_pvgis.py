"""Tests of the PVGIS TMY reader on files written in the documented PVGIS 5.x layout.

tests/data/weather/pvgis_tmy_48h.json: 48 synthetic hours (UTC, January 2012) at Zhongwei in the JSON
output layout (inputs.location, outputs.months_selected, outputs.tmy_hourly, meta). The CSV output needs
the full 8760 rows (pvlib reads exactly that many), so the test writes it in the documented layout from a
synthetic year instead of shipping 0.5 MB.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.errors import WeatherInputError
from weather.readers import detect_kind, read_pvgis_weather, read_weather

DATA = Path(__file__).resolve().parents[1] / "data" / "weather"
#: the TMY's month -> source year (a leap year for February: its 29th is not in a TMY)
MONTH_YEARS = [2018, 2016, 2009, 2013, 2008, 2006, 2011, 2010, 2020, 2006, 2007, 2016]
LEGEND = """T2m: 2-m air temperature (degree Celsius)
RH: relative humidity (%)
G(h): Global irradiance on the horizontal plane (W/m2)
Gb(n): Beam/direct irradiance on a plane always normal to sun rays (W/m2)
Gd(h): Diffuse irradiance on the horizontal plane (W/m2)
IR(h): Surface infrared (thermal) irradiance on a horizontal plane (W/m2)
WS10m: 10-m total wind speed (m/s)
WD10m: 10-m wind direction (0 = N, 90 = E) (degree)
SP: Surface (air) pressure (Pa)
"""


def _synthetic_year() -> pd.DataFrame:
    """A year of hourly rows, UTC, each month stamped with its source year as PVGIS does."""
    hours = pd.date_range("2001-01-01", periods=8760, freq="1h")  # a non-leap template year
    zenith = pvlib.solarposition.get_solarposition(hours.tz_localize("UTC") + pd.Timedelta("30min"), 37.5,
                                                   105.2, method="nrel_numpy")["apparent_zenith"]
    ghi = np.round(800.0 * np.clip(np.cos(np.radians(zenith.to_numpy())), 0.0, None), 1)
    source_years = np.asarray(MONTH_YEARS)[hours.month.to_numpy() - 1].astype(str)
    stamps = np.char.add(source_years, np.asarray(hours.strftime("%m%d:%H%M"), dtype=str))
    temperature = 9.0 + 12.0 * np.sin(2 * np.pi * (hours.day_of_year.to_numpy() - 110) / 365)
    return pd.DataFrame({
        "time(UTC)": stamps, "T2m": np.round(temperature, 2),
        "RH": 50.0, "G(h)": ghi, "Gb(n)": np.round(ghi * 1.2, 2), "Gd(h)": np.round(ghi * 0.3, 1),
        "IR(h)": 250.0, "WS10m": 3.1, "WD10m": 300.0, "SP": 87400.0})


def _write_pvgis_csv(path: Path, year: pd.DataFrame) -> None:
    lines = ["Latitude (decimal degrees): 37.500", "Longitude (decimal degrees): 105.200",
             "Elevation (m): 1230.0", "Irradiance Time Offset (h): 0.1761", "month,year",
             *(f"{month},{source}" for month, source in enumerate(MONTH_YEARS, start=1))]
    body = year.to_csv(index=False, lineterminator="\n")
    footer = "\n" + LEGEND + "\nPVGIS (c) European Union, 2001-2025\n"
    path.write_text("\n".join(lines) + "\n" + body + footer)


def test_json_output_reads_with_one_year_in_utc():
    path = DATA / "pvgis_tmy_48h.json"
    assert detect_kind(path) == "pvgis"
    weather = read_weather(path)
    frame = weather.data
    rows = json.loads(path.read_text())["outputs"]["tmy_hourly"]
    assert (weather.latitude, weather.longitude, weather.elevation_m) == (37.5, 105.2, 1230.0)
    assert weather.wind_height_m == 10.0
    # "20120101:0000" becomes the interval starting 1990-01-01 00:00 UTC
    assert frame.index[0] == pd.Timestamp("1990-01-01 00:00", tz="UTC")
    assert frame.index.freq == pd.Timedelta("1h") and len(frame) == 48
    assert frame["ghi"].tolist() == [row["G(h)"] for row in rows]
    assert frame["temp_air"].tolist() == [row["T2m"] for row in rows]
    assert frame["pressure"].tolist() == [row["SP"] for row in rows]


def test_csv_output_reads_a_full_year_with_months_of_different_years(tmp_path):
    path = tmp_path / "tmy_37.500_105.200_2005_2023.csv"
    year = _synthetic_year()
    _write_pvgis_csv(path, year)
    assert detect_kind(path) == "pvgis"
    weather = read_weather(path)
    frame = weather.data
    assert (weather.latitude, weather.longitude, weather.elevation_m) == (37.5, 105.2, 1230.0)
    assert frame.index[0] == pd.Timestamp("1990-01-01 00:00", tz="UTC")
    assert frame.index[-1] == pd.Timestamp("1990-12-31 23:00", tz="UTC")
    assert frame.index.freq == pd.Timedelta("1h") and len(frame) == 8760
    assert frame["ghi"].sum() == pytest.approx(year["G(h)"].sum())
    # February from the leap year 2016 keeps 28 days: 1 March follows 28 February directly
    assert frame.loc["1990-02-28 23:00", "temp_air"].item() == year["T2m"].iloc[24 * 59 - 1]
    assert read_pvgis_weather(path, year=2005).data.index[0] == pd.Timestamp("2005-01-01", tz="UTC")


def test_leap_year_is_refused():
    with pytest.raises(WeatherInputError, match="year: expected a year that is not a leap year.*got 2024"):
        read_pvgis_weather(DATA / "pvgis_tmy_48h.json", year=2024)


def test_truncated_json_is_an_error(tmp_path):
    path = tmp_path / "tmy.json"
    path.write_text((DATA / "pvgis_tmy_48h.json").read_text()[:3000])
    with pytest.raises(WeatherInputError, match="tmy.json: file: expected a PVGIS TMY json file"):
        read_weather(path)


def test_truncated_csv_is_an_error(tmp_path):
    path = tmp_path / "tmy.csv"
    _write_pvgis_csv(path, _synthetic_year().head(100))
    with pytest.raises(WeatherInputError, match=r"tmy.csv: records: expected 8760 hourly rows .*got 100"):
        read_weather(path)
