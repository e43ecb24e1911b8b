"""Real forecast files in: one per hub, checked against the hub and the scenario (one line with the fix)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.forecast_files import parse_forecast_arguments, read_hub_forecasts
from engine.inputs.scenario_file import load_scenario
from engine.studies.operate import operate
from tests.test_cli_operate import THREE_DAYS

DATA = Path(__file__).resolve().parents[2] / "data" / "forecast"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(THREE_DAYS, encoding="utf-8")
    return load_scenario(path)


def power_file(
    path, scenario, hub="zhongwei", step="1h", drop=None, days=("2025-06-30", "2025-07-01"), factor=0.9
):
    series = scenario.hubs[hub].series
    rows = []
    for day in days:
        issue = pd.Timestamp(day).tz_localize("Asia/Shanghai") + pd.Timedelta(hours=12)
        for t in pd.date_range(issue, periods=48, freq=step):
            value = series.reindex([t.tz_convert("UTC")]).iloc[0]
            rows.append(
                {
                    "issue_time": issue.isoformat(),
                    "valid_time": t.isoformat(),
                    "solar_kw": factor * value.fillna(0.0).solar_kw,
                    "wind_kw": factor * value.fillna(0.0).wind_kw,
                }
            )
    table = pd.DataFrame(rows)
    if drop is not None:
        table = table.drop(index=drop)
    table.to_csv(path, index=False)
    return path


def test_a_power_file_is_planned_on(scenario, tmp_path):
    path = power_file(tmp_path / "zhongwei_power.csv", scenario)
    files = parse_forecast_arguments([str(path)], scenario)
    assert files == {"zhongwei": path}
    forecasts = read_hub_forecasts(files, scenario)
    assert forecasts["zhongwei"].issue_times.size == 2
    result = operate(scenario, forecasts=forecasts)
    assert result.operation.forecast["source"]["zhongwei"] == str(path)
    assert "error model" in result.operation.forecast["source"]["shanghai"]
    assert result.metrics()["deadline_met_share"] == pytest.approx(1.0)


def test_arguments_name_the_hub(scenario, tmp_path):
    assert parse_forecast_arguments(["shanghai=a.csv"], scenario) == {"shanghai": Path("a.csv")}
    with pytest.raises(ScenarioError, match="--forecast a.csv: expected HUB=FILE"):
        parse_forecast_arguments(["a.csv"], scenario)
    with pytest.raises(ScenarioError, match="expected a hub of the scenario"):
        parse_forecast_arguments(["lhasa=a.csv"], scenario)
    with pytest.raises(ScenarioError, match="one file per hub"):
        parse_forecast_arguments(["shanghai=a.csv", "shanghai=b.csv"], scenario)


def test_a_file_for_the_wrong_hub(scenario, tmp_path):
    path = tmp_path / "open_meteo_issued-20250701T0400Z.json"
    shutil.copy(DATA / "zhongwei_issued-20250601T0400Z.json", path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["hourly"]["time"] = [
        t.replace("2025-06-01", "2025-07-01").replace("2025-06-02", "2025-07-02")
        for t in payload["hourly"]["time"]
    ]
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(
        ScenarioError, match=r"expected a forecast for hub shanghai .* km away; pass the file"
    ):
        read_hub_forecasts({"shanghai": path}, scenario)
    assert read_hub_forecasts({"zhongwei": path}, scenario)["zhongwei"].issue_times.size == 1


def test_wrong_dates_step_and_missing_hours(scenario, tmp_path):
    wrong_dates = power_file(tmp_path / "dates.csv", scenario, days=("2025-05-01",))
    with pytest.raises(ScenarioError, match="dates.csv: expected issues during the scenario"):
        read_hub_forecasts({"zhongwei": wrong_dates}, scenario)
    quarter = power_file(tmp_path / "quarter.csv", scenario, step="15min")
    with pytest.raises(ScenarioError, match="quarter.csv: expected the scenario's step of 0 days 01:00:00"):
        read_hub_forecasts({"zhongwei": quarter}, scenario)
    gap = power_file(tmp_path / "gap.csv", scenario, drop=[10, 11])
    # The reader refuses the gap (a ValueError naming the file, one line from the CLI).
    with pytest.raises(ValueError, match="gap.csv: valid_time: expected one regular step"):
        read_hub_forecasts({"zhongwei": gap}, scenario)
