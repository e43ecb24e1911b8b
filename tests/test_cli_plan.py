"""`suandian plan`: sizes a short version of the Zhongwei example, writes its outputs, readable errors."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import EXIT_BAD_INPUT, main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhongwei_plan_green.toml"


def _short(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "plan.toml"
    text = text if text is not None else EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("hours = 8760", "hours = 48"), encoding="utf-8")
    return path


def test_plan_command_prints_capacities_and_writes_outputs(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["plan", str(_short(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "zhongwei solar_mw" in printed and "cost per MWh of IT energy" in printed
    assert "green share (hourly matched)" in printed and "100.0%" in printed
    summary = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert summary["solver"]["status"] == "optimal"
    assert summary["metrics"]["green_share_hourly"] >= 1.0 - 1e-6
    assert set(summary["capacities"]["zhongwei"]) == {"solar_mw", "wind_mw", "battery_energy_mwh",
                                                      "battery_power_mw"}
    assert summary["total_cost_cny"] > 0
    assert (out / "schedule.csv").is_file() and (out / "report.html").is_file()


def test_bad_plan_key_is_one_line_and_exit_2(tmp_path, capsys):
    text = EXAMPLE.read_text(encoding="utf-8").replace("solar_mw = { min = 0", "solar_gw = { min = 0")
    assert main(["plan", str(_short(tmp_path, text)), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "plan.hubs.zhongwei.solar_gw" in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1


def test_plan_across_years_prints_each_year_and_out_of_sample(tmp_path, capsys):
    path = tmp_path / "years.toml"
    path.write_text(
        'start = "2025-01-01 00:00"\nhours = 8760\n[objective]\nminimize = "cost"\nmin_green_share = 0.5\n'
        "[hubs.zhongwei]\nit_capacity_mw = 20\nfirm_it_mw = 10\ngrid_import_mw = 20\n"
        "[plan]\nout_of_sample_years = 1\n[plan.hubs.zhongwei]\nsolar_mw = { max = 500 }\n"
        "wind_mw = { max = 500 }\n", encoding="utf-8")
    from engine.cli import main as cli_main

    assert cli_main(["plan", str(path), "--years", "2", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "across 2 weather years (target every year)" in out
    assert "2027 out_of_sample" in out and "sized: cost" in out


def test_bad_plan_method_is_one_line_and_exit_2(tmp_path, capsys):
    text = EXAMPLE.read_text(encoding="utf-8").replace("[plan.hubs.zhongwei]",
                                                      '[plan]\nmethod = "simplex"\n[plan.hubs.zhongwei]')
    assert main(["plan", str(_short(tmp_path, text)), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "plan.method" in error and "benders" in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
