"""ERA5 netCDF from the CLI and a scenario: power, weather, run, and their one-line refusals."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from tests.weather.era5_files import ZHONGWEI, truth, write_era5
from weather.power import park_output
from weather.readers import read_weather

PLAN_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhongwei_plan_green.toml"
YEAR_2020 = ("2019-12-31 16:00", 24 * 366)  # local 2020 (UTC+8), a leap year


@pytest.fixture(scope="module")
def year():
    return truth(*YEAR_2020, *ZHONGWEI)


@pytest.fixture(scope="module")
def era5_file(tmp_path_factory, year):
    return write_era5(tmp_path_factory.mktemp("era5") / "zhongwei_2020.nc", year)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_power_on_era5(era5_file, tmp_path, capsys):
    assert main(["power", "--hub", "zhongwei", "--weather", str(era5_file), "--out", str(tmp_path),
                 "--json"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["hours"] == 8784 and "ERA5 cell 37.50 N, 105.20 E" in summary["weather"]
    table = pd.read_csv(tmp_path / "power.csv")
    assert len(table) == 8784 and table["time"].iloc[0] == "2020-01-01T00:00:00+08:00"
    # 5 m/s at 100 m carried to the 117 m hub: a little shear, not the 10 m extrapolation (x 1.5)
    assert 5.0 < summary["wind_speed_hub_mean_ms"] < 5.2
    assert summary["solar_capacity_factor"] > 0.2  # a year of clear sky at 37.5 N


def test_weather_on_era5(era5_file, year, tmp_path, capsys):
    assert main(["weather", "--hub", "zhongwei", "--weather", str(era5_file), "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "weather.csv")
    assert list(table.columns) == ["time", "ghi", "dni", "dhi", "temp_air", "wind_speed_100m", "pressure"]
    assert table["time"].iloc[0] == "2020-01-01T00:00:00+08:00" and len(table) == 8784
    assert table["ghi"].sum() == pytest.approx(year["ghi"].sum(), rel=1e-4)
    assert json.loads((tmp_path / "weather.json").read_text())["wind_height_m"] == 100.0


def test_more_years_than_the_file_holds(era5_file, tmp_path, capsys):
    assert main(["weather", "--hub", "zhongwei", "--weather", str(era5_file), "--years", "1",
                 "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["weather", "--hub", "zhongwei", "--weather", str(era5_file), "--years", "2",
                 "--out", str(tmp_path)]) == 2  # a UTC year touches two local years, yet holds one
    assert "--years: expected at most the 1 year(s)" in _one_line(capsys)


def test_missing_variable_one_line(year, tmp_path, capsys):
    path = write_era5(tmp_path / "no_t2m.nc", year.iloc[:48], drop=("t2m",))
    assert main(["power", "--hub", "zhongwei", "--weather", str(path)]) == 2
    err = _one_line(capsys)
    assert "no_t2m.nc: variables:" in err and "got no t2m" in err and "Fix:" in err


def test_a_grid_far_from_the_hub_is_refused(year, tmp_path, capsys):
    path = write_era5(tmp_path / "beijing.nc", year.iloc[:48], latitudes=(40.0, 39.75),
                      longitudes=(116.25, 116.5))
    assert main(["power", "--hub", "zhongwei", "--weather", str(path)]) == 2
    err = _one_line(capsys)
    assert "beijing.nc" in err and "within 500 km of hub zhongwei" in err
    assert "--weather-max-distance-km" in err


def test_10_m_wind_needs_calibrate_wind(year, tmp_path, capsys):
    path = write_era5(tmp_path / "u10.nc", year, wind=("u10", "v10"))
    assert main(["power", "--hub", "zhongwei", "--weather", str(path)]) == 2
    assert "--calibrate-wind" in _one_line(capsys)
    assert main(["power", "--hub", "zhongwei", "--weather", str(path), "--calibrate-wind"]) == 0
    assert "wind calibrated: station wind at 10 m" in capsys.readouterr().err


def _scenario(tmp_path, weather, start: str):
    path = tmp_path / "era5.toml"
    path.write_text(f'name = "era5"\nstart = "{start}"\nhours = 24\n[hubs.zhongwei]\nit_capacity_mw = 10\n'
                    'firm_it_mw = 5\ngrid_import_mw = 50\nwind_mw = 20\nsolar_mw = 20\n'
                    f'weather = "{weather}"\n', encoding="utf-8")
    return path


def _solar_kw(out: Path, hub: str = "zhongwei") -> np.ndarray:
    flows = pd.read_csv(out / "schedule.csv")
    return flows.loc[flows["hub"] == hub, "solar_kw"].to_numpy()


def _expected_solar_kw(era5_file, start: str, hours: int, solar_mw: float) -> np.ndarray:
    """The file's PV output at the hub over the scenario's hours, as `power --weather` computes it."""
    weather = read_weather(era5_file, site=ZHONGWEI)
    local = pd.Timestamp(start, tz="Asia/Shanghai").tz_convert("UTC")
    output = park_output(weather, solar_mw=solar_mw, wind_mw=0.0)["solar_kw"]
    return output.loc[local:local + pd.Timedelta(hours=hours - 1)].to_numpy()


def test_scenario_weather_key(era5_file, tmp_path, capsys):
    path = _scenario(tmp_path, era5_file, "2020-07-01 00:00")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-attribution"]) == 0
    expected = _expected_solar_kw(era5_file, "2020-07-01 00:00", 24, 20.0)
    assert expected.max() > 1000.0  # a July day at Zhongwei: the check below compares real output
    np.testing.assert_allclose(_solar_kw(tmp_path / "out"), expected, rtol=1e-6, atol=1e-3)


def test_scenario_horizon_outside_the_file(era5_file, tmp_path, capsys):
    path = _scenario(tmp_path, era5_file, "2025-07-01 00:00")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = _one_line(capsys)
    assert "hubs.zhongwei.weather: expected" in err and "zhongwei_2020.nc" in err and "Fix:" in err


def test_scenario_on_10_m_wind_names_the_calibrate_key(year, tmp_path, capsys):
    path = _scenario(tmp_path, write_era5(tmp_path / "u10.nc", year, wind=("u10", "v10")), "2020-07-01 00:00")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "hubs.zhongwei.calibrate_wind = true" in _one_line(capsys)


def test_a_file_that_is_not_netcdf(tmp_path, capsys):
    path = tmp_path / "notes.nc"
    path.write_text("not a netCDF file\n", encoding="utf-8")
    assert main(["weather", "--hub", "zhongwei", "--weather", str(path), "--out", str(tmp_path)]) == 2
    assert "notes.nc: file: expected an ERA5 netCDF file" in _one_line(capsys)


def _plan(tmp_path, weather) -> Path:
    text = PLAN_EXAMPLE.read_text(encoding="utf-8").replace("hours = 8760", "hours = 48")
    text = text.replace('start = "2025-01-01 00:00"', 'start = "2020-07-01 00:00"')
    text = text.replace("[hubs.zhongwei]\n", f'[hubs.zhongwei]\nweather = "{weather}"\n', 1)
    assert f'weather = "{weather}"' in text
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_on_era5(era5_file, tmp_path, capsys):
    path = _plan(tmp_path, era5_file)
    assert main(["plan", str(path), "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["green_share_hourly"] >= 1.0 - 1e-6
    planned = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))["capacities"]
    per_mw = _expected_solar_kw(era5_file, "2020-07-01 00:00", 48, 1.0)  # the plan's PV on the file
    np.testing.assert_allclose(_solar_kw(tmp_path / "out"), per_mw * planned["zhongwei"]["solar_mw"],
                               rtol=1e-6, atol=1e-3)
