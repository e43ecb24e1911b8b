"""`suandian weather`: synthetic years or a corrected file as DIR/weather.csv."""

import json

import pandas as pd

from engine.cli import main


def test_synthetic_years_written(tmp_path, capsys):
    assert main(["weather", "--hub", "helinger", "--years", "2", "--seed", "3", "--start-year", "2030",
                 "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "weather.csv")
    assert list(table.columns) == ["time", "ghi", "dni", "dhi", "temp_air", "wind_speed_100m", "pressure"]
    assert len(table) == 8760 * 2
    assert table["time"].iloc[0] == "2030-01-01T00:00:00+08:00"
    meta = json.loads((tmp_path / "weather.json").read_text())
    assert meta["wind_height_m"] == 100.0 and "seed 3" in meta["source"]


def test_a_corrected_file_with_its_notes(epw_dir, tmp_path, capsys):
    path = epw_dir / "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw"
    assert main(["weather", "--hub", "zhongwei", "--weather", str(path), "--out", str(tmp_path)]) == 0
    assert "radiation lag" in capsys.readouterr().err
    table = pd.read_csv(tmp_path / "weather.csv")
    assert "wind_speed_10m" in table.columns
    notes = json.loads((tmp_path / "weather.json").read_text())["notes"]
    assert any("radiation lag" in note for note in notes)
    assert main(["weather", "--hub", "zhongwei", "--weather", str(path), "--years", "3",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--years" in err


def _station_wind_scenario(tmp_path, epw_dir, calibrate: bool):
    path = tmp_path / "station.toml"
    extra = "calibrate_wind = true\n" if calibrate else ""
    path.write_text(
        'name = "station"\nstart = "2025-07-01 00:00"\nhours = 24\n'
        "[hubs.zhongwei]\nit_capacity_mw = 10\nfirm_it_mw = 5\ngrid_import_mw = 50\nwind_mw = 20\n"
        f'weather = "{epw_dir / "CHN_Ningxia.Hui.Yinchuan.536140_CSWD.epw"}"\n{extra}', encoding="utf-8")
    return path


def test_run_on_station_wind_is_refused_naming_the_scenario_key(epw_dir, tmp_path, capsys):
    path = _station_wind_scenario(tmp_path, epw_dir, calibrate=False)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hubs.zhongwei.calibrate_wind = true" in err


def test_run_with_calibrate_wind_states_the_calibration(epw_dir, tmp_path, capsys):
    path = _station_wind_scenario(tmp_path, epw_dir, calibrate=True)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-attribution"]) == 0
    assert "suandian run: zhongwei: wind calibrated" in capsys.readouterr().err
