"""`suandian operate` through engine.cli.main."""

from __future__ import annotations

import json

from engine.cli import EXIT_BAD_INPUT, main
from tests.engine.studies.test_run import SMALL_SCENARIO

THREE_DAYS = SMALL_SCENARIO.replace("hours = 48", "hours = 72")


def test_operate_writes_outputs_and_prints_the_three_way_table(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["operate", str(scenario), "--out", str(out), "--lookahead-hours", "36",
                 "--replan-hours", "12", "--quantile", "0.2", "--forecast-seed", "4"]) == 0
    for name in ("summary.json", "schedule.csv", "forecast.csv", "report.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"scenario", "operated", "perfect_foresight", "baseline", "gains", "forecast", "replans",
            "solver"} <= set(summary)
    assert {"count", "mean_seconds", "max_seconds"} <= set(summary["replans"])
    # Planning times: the start, then 12:00 local and every 12 h: 00:00, 12:00, 00:00, ... in 3 days
    # and the one-day drain period (deadline 24 h).
    assert summary["replans"]["count"] == 8
    assert summary["scenario"]["operation"]["quantile"] == 0.2
    assert summary["gains"]["cost_cny"] == summary["operated"]["cost_cny"] - summary["baseline"]["cost_cny"]
    assert {"solar_nrmse", "wind_nrmse"} <= set(summary["forecast"]["hubs"]["zhongwei"])
    printed = capsys.readouterr().out
    assert "operated" in printed and "perfect fore." in printed and "baseline" in printed
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Forecast vs actual" in report and "Perfect foresight" in report


def test_operate_bad_argument_is_one_line_and_exit_2(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    code = main(["operate", str(scenario), "--out", str(tmp_path / "out"), "--lookahead-hours", "48",
                 "--replan-hours", "72"])
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "replan_hours" in error
