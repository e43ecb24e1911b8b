"""Tests of `suandian power`: JSON summary, the output folder and its CSV time format, bad input."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from engine.cli import main

SUMMARY_KEYS = {"hours", "ghi_kwh_m2", "temp_air_mean_c", "wind_speed_hub_mean_ms", "solar_capacity_factor",
                "wind_capacity_factor", "solar_full_load_hours", "wind_full_load_hours"}


def test_json_summary_and_csv(tmp_path, capsys):
    """``--out DIR`` writes DIR/power.csv and DIR/summary.json, like every other command's folder."""
    out = tmp_path / "power"
    code = main(["power", "--hub", "zhongwei", "--solar-mw", "50", "--wind-mw", "20", "--out", str(out),
                 "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert SUMMARY_KEYS <= summary.keys()
    assert summary["hours"] == 8760
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary

    table = pd.read_csv(out / "power.csv")
    assert list(table.columns) == ["time", "solar_kw", "wind_kw"]
    assert len(table) == 8760
    assert table["time"].iloc[0] == "2025-01-01T00:00:00+08:00"
    assert table["time"].iloc[-1] == "2025-12-31T23:00:00+08:00"
    assert table["solar_kw"].max() <= 50_000.0
    assert table["wind_kw"].sum() / 1000.0 == pytest.approx(summary["wind_full_load_hours"] * 20, rel=1e-4)


def test_human_summary(capsys):
    assert main(["power", "--hub", "guian", "--wind-mw", "0", "--tracking"]) == 0
    text = capsys.readouterr().out
    assert "guian" in text and "capacity factor" in text and "tracking" in text


def test_bad_hub_exits_2_with_one_line():
    result = subprocess.run([sys.executable, "-m", "engine.cli", "power", "--hub", "atlantis"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "atlantis" in lines[0] and "Traceback" not in result.stderr


def test_negative_capacity_exits_2(capsys):
    assert main(["power", "--hub", "zhongwei", "--solar-mw", "-1"]) == 2
    assert "solar_mw" in capsys.readouterr().err


def test_weather_file(epw_dir, capsys):
    """A real CSWD file through --weather: its 10 m station wind is refused for the wind park."""
    path = epw_dir / "CHN_Gansu.Xifengzhen.539230_CSWD.epw"
    assert main(["power", "--hub", "qingyang", "--weather", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "station wind at 10 m" in err and "--calibrate-wind" in err
    assert main(["power", "--hub", "qingyang", "--weather", str(path), "--json", "--calibrate-wind"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert "wind calibrated" in captured.err
    assert any("wind calibrated" in note for note in summary["weather_notes"])
    assert summary["ghi_kwh_m2"] == pytest.approx(1515, abs=2)  # FACTS.md, read from the same file
    assert 0.12 <= summary["solar_capacity_factor"] <= 0.21
    # calibrated to Qingyang's 100 m resource: near Gansu's fleet (CEC Q1 2020: 419 h in one quarter)
    assert 0.13 <= summary["wind_capacity_factor"] <= 0.25
