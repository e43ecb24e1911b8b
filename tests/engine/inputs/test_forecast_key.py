"""The scenario key ``hubs.<name>.forecast``: the same files as ``--forecast``, checked at load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import EXIT_BAD_INPUT, main
from engine.errors import ScenarioError
from engine.inputs.forecast_files import read_hub_forecasts
from engine.inputs.scenario_file import load_scenario
from engine.inputs.schema import scenario_schema
from engine.inputs.sources import file_sha256
from engine.studies.dayahead import day_ahead
from engine.studies.operate import operate
from tests.engine.inputs.test_forecast_files import power_file
from tests.test_cli_operate import THREE_DAYS


def with_key(text: str, value: str) -> str:
    """THREE_DAYS with ``forecast = value`` in ``[hubs.zhongwei]``."""
    return text.replace("[hubs.zhongwei]\n", f"[hubs.zhongwei]\nforecast = {json.dumps(value)}\n", 1)


@pytest.fixture()
def folder(tmp_path):
    """A scenario without the key, its forecast file in a sub-folder, and the same scenario with the key."""
    plain = tmp_path / "plain.toml"
    plain.write_text(THREE_DAYS, encoding="utf-8")
    (tmp_path / "forecasts").mkdir()
    forecast = power_file(tmp_path / "forecasts" / "zhongwei_power.csv", load_scenario(plain))
    keyed = tmp_path / "keyed.toml"
    keyed.write_text(with_key(THREE_DAYS, "forecasts/zhongwei_power.csv"), encoding="utf-8")
    return tmp_path, plain, keyed, forecast


def test_the_key_plans_on_the_file_as_the_flag_does(folder):
    _, plain, keyed, forecast = folder
    scenario = load_scenario(keyed)
    assert scenario.hubs["zhongwei"].forecast_file == forecast  # relative to the scenario file
    by_key = operate(scenario)
    by_flag = operate(load_scenario(plain), forecasts=read_hub_forecasts({"zhongwei": forecast},
                                                                         load_scenario(plain)))
    assert by_key.operation.forecast["source"]["zhongwei"] == str(forecast)
    assert by_key.schedules["operated"].objective == pytest.approx(by_flag.schedules["operated"].objective,
                                                                   rel=1e-9)
    flag = read_hub_forecasts({"zhongwei": forecast}, load_scenario(plain))
    plans = [day_ahead(load_scenario(keyed), "2025-07-01").plan,
             day_ahead(load_scenario(plain), "2025-07-01", forecasts=flag).plan]
    assert plans[0].equals(plans[1])


@pytest.mark.parametrize(("value", "expected"), [
    ("missing.csv", r"hubs\.zhongwei\.forecast: file .*missing\.csv' not found .*Fix: correct the path"),
    ("dates.csv", r"hubs\.zhongwei\.forecast .*dates\.csv: expected issues during the scenario .* pass the "
                  r"forecasts of these dates"),
    ("quarter.csv", r"hubs\.zhongwei\.forecast .*quarter\.csv: expected the scenario's step .*; resample"),
])
def test_a_bad_forecast_file_is_one_line_at_load(tmp_path, value, expected):
    plain = tmp_path / "plain.toml"
    plain.write_text(THREE_DAYS, encoding="utf-8")
    base = load_scenario(plain)
    power_file(tmp_path / "dates.csv", base, days=("2025-05-01",))
    power_file(tmp_path / "quarter.csv", base, step="15min")
    keyed = tmp_path / "keyed.toml"
    keyed.write_text(with_key(THREE_DAYS, value), encoding="utf-8")
    with pytest.raises(ScenarioError, match=expected) as error:
        load_scenario(keyed)
    assert "\n" not in str(error.value)


def test_a_file_for_another_hub_is_refused_at_load(tmp_path):
    data = Path(__file__).resolve().parents[2] / "data" / "forecast" / "zhongwei_issued-20250601T0400Z.json"
    payload = json.loads(data.read_text(encoding="utf-8"))
    payload["hourly"]["time"] = [t.replace("2025-06-01", "2025-07-01").replace("2025-06-02", "2025-07-02")
                                 for t in payload["hourly"]["time"]]
    name = "open_meteo_issued-20250701T0400Z.json"
    (tmp_path / name).write_text(json.dumps(payload), encoding="utf-8")
    keyed = tmp_path / "shanghai.toml"
    keyed.write_text(THREE_DAYS.replace("[hubs.shanghai]\n", f'[hubs.shanghai]\nforecast = "{name}"\n', 1),
                     encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"hubs\.shanghai\.forecast .*issued-20250701T0400Z\.json: "
                                            r"expected a forecast for hub shanghai .* km away"):
        load_scenario(keyed)


def test_the_flag_wins_over_the_key_and_both_files_are_hashed(folder, capsys):
    tmp_path, _, keyed, forecast = folder
    flagged = power_file(tmp_path / "zhongwei_flag.csv", load_scenario(keyed), factor=0.5)
    out = tmp_path / "out"
    assert main(["operate", str(keyed), "--out", str(out), "--forecast", f"zhongwei={flagged}"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["forecast"]["source"]["zhongwei"] == str(flagged)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recorded = {Path(entry["path"]).name: entry["sha256"] for entry in manifest["inputs"]}
    assert recorded["zhongwei_flag.csv"] == file_sha256(flagged)
    assert recorded["zhongwei_power.csv"] == file_sha256(forecast)
    keyed_only = tmp_path / "keyed_only"
    assert main(["operate", str(keyed), "--out", str(keyed_only)]) == 0
    summary = json.loads((keyed_only / "summary.json").read_text(encoding="utf-8"))
    assert summary["forecast"]["source"]["zhongwei"] == str(forecast)


def test_a_bad_key_exits_with_one_line(tmp_path, capsys):
    keyed = tmp_path / "keyed.toml"
    keyed.write_text(with_key(THREE_DAYS, "missing.csv"), encoding="utf-8")
    assert main(["operate", str(keyed), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "hubs.zhongwei.forecast" in error


def test_the_schema_knows_the_key():
    hub = scenario_schema()["properties"]["hubs"]["additionalProperties"]
    assert hub["properties"]["forecast"]["type"] == "string"
    assert "forecast" in hub["properties"]["forecast"]["description"]
