"""`suandian dayahead` and `suandian settle` through engine.cli.main: the day 1 -> settle -> day 2 chain."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from engine.cli import EXIT_BAD_INPUT, main
from engine.inputs.drain import with_drain
from engine.inputs.scenario_file import load_scenario
from tests.test_cli_operate import THREE_DAYS


def actuals_csv(scenario_path, date, path, factor=0.9):
    scenario = with_drain(load_scenario(scenario_path))
    day = pd.Timestamp(date).tz_localize(scenario.timezone).tz_convert("UTC")
    rows = []
    for name, hub in scenario.hubs.items():
        part = hub.series.loc[day:day + pd.Timedelta(hours=23), ["solar_kw", "wind_kw"]] * factor
        local = part.index.tz_convert(scenario.timezone)
        rows.append(part.assign(time=[t.isoformat() for t in local], hub=name)[["time", "hub", "solar_kw",
                                                                                "wind_kw"]])
    pd.concat(rows).to_csv(path, index=False)


def test_dayahead_settle_dayahead(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    day1, settled, day2 = tmp_path / "day1", tmp_path / "settled", tmp_path / "day2"
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--out", str(day1)]) == 0
    plan = json.loads((day1 / "plan.json").read_text(encoding="utf-8"))
    assert {"zhongwei", "shanghai"} <= set(plan["hubs"])
    hours = plan["hubs"]["zhongwei"]
    assert len(hours["time"]) == 24 and hours["time"][0].startswith("2025-07-01T00:00:00+08:00")
    assert {"flex_up_mw", "flex_down_mw", "marginal_price_per_kwh", "expected_green_share",
            "battery_charge_kw", "grid_import_kw"} <= set(hours)
    table = pd.read_csv(day1 / "plan.csv")
    assert len(table) == 24 * len(plan["hubs"])
    actuals = tmp_path / "actuals.csv"
    actuals_csv(scenario, "2025-07-01", actuals)
    assert main(["settle", str(day1 / "state.json"), "--actuals", str(actuals), "--out", str(settled)]) == 0
    state = json.loads((settled / "state.json").read_text(encoding="utf-8"))
    assert state["kind"] == "settled" and state["time"] == "2025-07-02T00:00:00+08:00"
    assert main(["dayahead", str(scenario), "--date", "2025-07-02", "--state", str(settled / "state.json"),
                 "--out", str(day2), "--json"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed[printed.index("{"):])["date"] == "2025-07-02"
    planned = json.loads((day2 / "state.json").read_text(encoding="utf-8"))
    assert planned["soc_kwh"] == state["soc_kwh"] and planned["kind"] == "planned"
    # The month-to-date peak: day 1's settled import per hub, carried into day 2's plan.
    peaks = pd.read_csv(settled / "settled.csv").groupby("hub").grid_import_kw.max()
    assert set(state["peak_to_date_kw"]) == set(peaks.index)
    day2_plan = json.loads((day2 / "plan.json").read_text(encoding="utf-8"))
    charge = day2_plan["demand_charge"]
    for hub, peak in peaks.items():
        assert peak > 0.0
        assert state["peak_to_date_kw"][hub] == pytest.approx(peak, abs=1e-3)  # settled.csv: 4 decimals
        assert planned["peak_to_date_kw"][hub] == state["peak_to_date_kw"][hub]
        assert charge[hub]["peak_to_date_kw"] == state["peak_to_date_kw"][hub]
        rise = max(day2_plan["hubs"][hub]["grid_import_kw"]) - charge[hub]["peak_to_date_kw"]
        assert charge[hub]["peak_increase_kw"] == pytest.approx(max(rise, 0.0))
    summary = json.loads((settled / "summary.json").read_text(encoding="utf-8"))
    assert summary["peak_to_date_kw"] == state["peak_to_date_kw"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("peak_to_date_kw", {"zhongwei": -1.0}, "peak_to_date_kw.zhongwei: expected a number >= 0 kW"),
    ("peak_to_date_kw", {"zhongwei": "1 MW"}, "peak_to_date_kw.zhongwei: expected a number >= 0 kW"),
    ("version", 1, "version: expected a suandian state record of version 2, got 1"),
])
def test_a_bad_state_field_is_one_line_naming_file_field_and_fix(tmp_path, capsys, field, value, expected):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--out", str(tmp_path / "d")]) == 0
    path = tmp_path / "d" / "state.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record[field] = {**record[field], **value} if isinstance(value, dict) else value
    bad = tmp_path / "bad_state.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    actuals_csv(scenario, "2025-07-01", actuals)
    for command in (["settle", str(bad), "--actuals", str(actuals), "--out", str(tmp_path / "s")],
                    ["dayahead", str(scenario), "--date", "2025-07-01", "--state", str(bad), "--out",
                     str(tmp_path / "p")]):
        capsys.readouterr()
        assert main(command) == EXIT_BAD_INPUT
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "bad_state.json" in error and expected in error
        assert "; " in error.split(expected)[1]  # the fix follows


def test_settle_with_actuals_for_the_wrong_day_is_one_line_and_exit_2(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--out", str(tmp_path / "d")]) == 0
    actuals = tmp_path / "actuals.csv"
    actuals_csv(scenario, "2025-07-02", actuals)
    capsys.readouterr()
    code = main(["settle", str(tmp_path / "d" / "state.json"), "--actuals", str(actuals), "--out",
                 str(tmp_path / "s")])
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "actuals.csv" in error and "fill the missing hours" in error


def test_dayahead_forecast_files_are_hashed_into_the_manifest(tmp_path, capsys):
    from engine.inputs.sources import file_sha256
    from tests.engine.inputs.test_forecast_files import power_file

    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    forecast = power_file(tmp_path / "zhongwei_power.csv", load_scenario(scenario))
    out = tmp_path / "plan"
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--forecast", str(forecast),
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recorded = {Path(entry["path"]).name: entry["sha256"] for entry in manifest["inputs"]}
    assert recorded["zhongwei_power.csv"] == file_sha256(forecast)
    inside = out / "zhongwei_power.csv"
    inside.write_bytes(forecast.read_bytes())
    capsys.readouterr()
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--forecast", str(inside),
                 "--out", str(out)]) == EXIT_BAD_INPUT
    assert "zhongwei_power.csv" in capsys.readouterr().err and inside.exists()
