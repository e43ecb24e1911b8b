"""Tests of reading scenario files and dictionaries into a validated Scenario."""

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.hub_series import typical_year_cached
from engine.inputs.scenario import BATTERY_DEFAULTS, Battery, HubInputs, Link, Workload
from engine.inputs.scenario_file import load_scenario, scenario_from_dict, validate_scenario

DATA = Path(__file__).resolve().parents[2] / "data" / "engine"
TWO_HUBS = DATA / "two_hubs.toml"


def small(**top) -> dict:
    """A small valid scenario dictionary (no parks, so no weather is built)."""
    raw = {
        "name": "small",
        "start": "2025-07-01 00:00",
        "hours": 24,
        "timezone": "Asia/Shanghai",
        "hubs": {
            "zhongwei": {"it_capacity_mw": 100, "firm_it_mw": 20, "grid_import_mw": 150,
                         "battery": {"energy_mwh": 200, "power_mw": 50}},
            "shanghai": {"it_capacity_mw": 100, "firm_it_mw": 50, "grid_import_mw": 200},
        },
        "workloads": [{"name": "ai-training", "origin": "shanghai", "arrival_it_mw": 30,
                       "deadline_hours": 24, "hubs": ["shanghai", "zhongwei"], "data_tb_per_mwh": 0.5}],
        "links": [{"from": "shanghai", "to": "zhongwei", "gbps": 100}],
    }
    raw.update(top)
    return raw


def test_full_scenario_loads_with_unit_conversions_and_relative_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the profiles path is relative to the scenario file, not the cwd
    scenario = load_scenario(TWO_HUBS)
    assert scenario.name == "two-hubs"
    assert scenario.step_hours == 1.0
    assert scenario.timezone == "Asia/Shanghai"
    assert len(scenario.index) == 48
    assert str(scenario.index.tz) == "UTC"
    assert scenario.index[0] == pd.Timestamp("2025-06-30 16:00", tz="UTC")
    assert scenario.objective.minimize == "carbon"
    assert scenario.objective.carbon_price_cny_per_t == 50.0
    assert scenario.objective.min_green_share == 0.3

    zhongwei = scenario.hubs["zhongwei"]
    assert zhongwei.it_capacity_kw == 100_000.0
    assert zhongwei.grid_import_kw == 150_000.0
    assert zhongwei.solar_kw_nameplate == 200_000.0
    assert zhongwei.wind_kw_nameplate == 100_000.0
    assert zhongwei.battery.energy_kwh == 200_000.0
    assert zhongwei.battery.power_kw == 50_000.0
    assert zhongwei.battery.round_trip_efficiency == 0.81
    assert zhongwei.battery.initial_soc == 0.25
    assert zhongwei.battery.grid_charging is False
    series = zhongwei.series
    assert (series["firm_it_kw"] == 20_000.0).all()
    assert (series["pue"] == 1.15).all()
    # MEE 2025 No.47: Ningxia 2023 factor 0.6187 kgCO2/kWh -> flat 618.7 g/kWh
    assert series["carbon_g_per_kwh"].to_numpy() == pytest.approx(np.full(48, 618.7))
    assert 0 < series["solar_kw"].max() <= 200_000.0
    assert (series["solar_kw"] >= 0).all() and (series["wind_kw"] >= 0).all()
    assert series["wind_kw"].max() <= 100_000.0
    local = scenario.index.tz_convert("Asia/Shanghai")
    assert (series["solar_kw"].to_numpy()[(local.hour < 4) | (local.hour >= 22)] == 0).all()

    guian = scenario.hubs["guian"].series
    assert (guian["pue"] == 1.2).all()  # catalogue target, western start zones (hub approvals 2022)
    assert (guian["solar_kw"] == 0).all() and (guian["wind_kw"] == 0).all()
    # 黔发改价格〔2023〕481号: valley 00-08 at 0.4 x flat, peak 10-13 and 17-22 at 1.6 x flat (local time)
    ratio = guian["price_cny_per_kwh"].to_numpy() / 0.52
    assert ratio[local.hour < 8] == pytest.approx(0.4)
    assert ratio[(local.hour >= 10) & (local.hour < 13)] == pytest.approx(1.6)
    assert ratio[(local.hour >= 8) & (local.hour < 10)] == pytest.approx(1.0)

    shanghai = scenario.hubs["shanghai"].series
    assert shanghai["firm_it_kw"].iloc[:4].tolist() == [40000.0, 50000.0, 40000.0, 50000.0]
    assert (shanghai["carbon_g_per_kwh"] == 500.0).all()
    assert (shanghai["pue"] == 1.25).all()  # eastern start zones (hub approvals 2022)

    training, render = scenario.workloads
    assert (training.arrival_it_kw == 30_000.0).all()
    assert training.arrival_it_kw.index.equals(scenario.index)
    assert training.hubs == ("shanghai", "zhongwei", "guian")
    assert training.data_tb_per_mwh == 0.5
    assert training.deadline_hours == 24.0
    assert render.hubs == ("shanghai",)
    assert render.arrival_it_kw.iloc[:24].eq(10_000.0).all() and render.arrival_it_kw.iloc[24:].eq(0).all()
    assert [(link.from_hub, link.to_hub, link.gbps) for link in scenario.links] == [
        ("shanghai", "zhongwei", 100.0), ("shanghai", "guian", 50.0)]
    json.dumps(scenario.settings)  # JSON-ready for summary.json
    assert scenario.settings["hubs"]["zhongwei"]["solar_mw"] == 200


def test_utc_and_shanghai_starts_give_the_same_instants():
    local = scenario_from_dict(small(start="2025-07-01 08:00", hours=6))
    utc = scenario_from_dict(small(start="2025-07-01 00:00", hours=6, timezone="UTC"))
    assert local.index.equals(utc.index)
    for name in local.hubs:
        pd.testing.assert_frame_equal(local.hubs[name].series, utc.hubs[name].series)


def test_fifteen_minute_steps_repeat_the_hourly_values():
    parks = {"solar_mw": 50, "wind_mw": 30, "pue": "weather"}
    hourly = small(hours=24)
    hourly["hubs"]["zhongwei"].update(parks)
    quarter = copy.deepcopy(hourly)
    quarter["step_minutes"] = 15
    quarter["workloads"][0]["deadline_hours"] = 0.75
    hourly["workloads"][0]["deadline_hours"] = 1
    a = scenario_from_dict(hourly)
    b = scenario_from_dict(quarter)
    assert b.step_hours == 0.25
    assert len(b.index) == 4 * len(a.index)
    for name in a.hubs:
        fine = b.hubs[name].series.to_numpy().reshape(len(a.index), 4, -1)
        coarse = a.hubs[name].series.to_numpy()
        for quarter_of_hour in range(4):
            np.testing.assert_allclose(fine[:, quarter_of_hour, :], coarse)
    assert b.hubs["zhongwei"].series["solar_kw"].max() > 0


def test_a_horizon_crossing_new_year_uses_both_typical_years():
    raw = small(start="2025-12-31 18:00", hours=12)
    raw["hubs"]["zhongwei"].update({"solar_mw": 10, "wind_mw": 10, "pue": "weather"})
    scenario = scenario_from_dict(raw)
    temp = scenario.hubs["zhongwei"].series["temp_air"]
    assert len(temp) == 12 and temp.notna().all()
    old = typical_year_cached("zhongwei", 2025, 0).data["temp_air"]
    new = typical_year_cached("zhongwei", 2026, 0).data["temp_air"]
    np.testing.assert_allclose(temp.iloc[:6].to_numpy(), old.loc[temp.index[:6]].to_numpy())
    np.testing.assert_allclose(temp.iloc[6:].to_numpy(), new.loc[temp.index[6:]].to_numpy())
    assert scenario.hubs["zhongwei"].series["wind_kw"].notna().all()


def test_overrides_set_keys_by_dotted_path():
    scenario = load_scenario(TWO_HUBS, **{"hubs.zhongwei.battery.energy_mwh": 300,
                                                    "workloads.0.deadline_hours": 12,
                                                    "hubs.zhongwei.solar_mw": 0, "hubs.zhongwei.wind_mw": 0})
    assert scenario.hubs["zhongwei"].battery.energy_kwh == 300_000.0
    assert scenario.workloads[0].deadline_hours == 12.0
    assert (scenario.hubs["zhongwei"].series["solar_kw"] == 0).all()


def test_profiles_override_series_and_give_workload_arrivals(tmp_path):
    index = pd.date_range("2025-07-01", periods=24, freq="h", tz="Asia/Shanghai")
    frame = pd.DataFrame({"time": index.map(lambda t: t.isoformat()),
                          "solar_kw": np.arange(24) * 1000.0, "price_cny_per_kwh": 0.3, "pue": 1.1,
                          "batch_it_kw": 5000.0})
    frame.to_csv(tmp_path / "zw.csv", index=False)
    raw = small()
    raw["hubs"]["zhongwei"].update({"profiles": "zw.csv", "solar_mw": 24})
    raw["workloads"].append({"name": "batch", "origin": "zhongwei", "deadline_hours": 4})
    scenario = scenario_from_dict(raw, base_dir=tmp_path)
    series = scenario.hubs["zhongwei"].series
    assert series["solar_kw"].tolist() == list(np.arange(24) * 1000.0)
    assert (series["price_cny_per_kwh"] == 0.3).all() and (series["pue"] == 1.1).all()
    assert series["carbon_g_per_kwh"].to_numpy() == pytest.approx(np.full(24, 618.7))
    assert (scenario.workloads[1].arrival_it_kw == 5000.0).all()


def test_custom_hub_with_its_own_facts(tmp_path):
    raw = small()
    raw["hubs"]["kashgar"] = {"lat": 39.5, "lon": 76.0, "province": "Xinjiang", "it_capacity_mw": 10,
                              "grid_import_mw": 20, "pue": 1.3, "grid_factor_kg_per_kwh": 0.6,
                              "flat_price_cny_per_kwh": 0.35, "tariff": "ningxia"}
    scenario = scenario_from_dict(raw)
    series = scenario.hubs["kashgar"].series
    assert series["carbon_g_per_kwh"].to_numpy() == pytest.approx(np.full(24, 600.0))
    assert (series["pue"] == 1.3).all()
    local_hour = scenario.index.tz_convert("Asia/Shanghai").hour
    # Ningxia periods (宁发改价格（管理）〔2023〕7号): valley 09-17 at the assumed 0.5 ratio
    valley = (local_hour >= 9) & (local_hour < 17)
    assert series["price_cny_per_kwh"].to_numpy()[valley] == pytest.approx(0.175)


def write_profiles(path: Path, times: list[str], columns: dict) -> None:
    pd.DataFrame({"time": times, **columns}).to_csv(path, index=False)


def shanghai_profiles(tmp_path: Path, times: list[str], **columns) -> dict:
    write_profiles(tmp_path / "sh.csv", times, columns or {"firm_it_kw": [40000.0] * len(times)})
    raw = small()
    raw["hubs"]["shanghai"]["profiles"] = "sh.csv"
    return raw


LOCAL_TIMES = [t.isoformat() for t in pd.date_range("2025-07-01", periods=24, freq="h", tz="Asia/Shanghai")]


@pytest.mark.parametrize(("times", "columns", "expected"), [
    (LOCAL_TIMES[:23], {}, "expected 24 rows"),
    ([t[:-6] for t in LOCAL_TIMES], {}, "with a UTC offset"),
    ([t[:-6] + "+00:00" for t in LOCAL_TIMES], {}, "expected the scenario step"),
    (LOCAL_TIMES, {"solar_kv": [1.0] * 24}, "did you mean 'solar_kw'"),
    (LOCAL_TIMES, {"pue": [0.9] * 24}, "'pue'"),
], ids=["wrong-length", "missing-tz", "wrong-tz", "unknown-column", "pue-below-one"])
def test_bad_profiles_name_the_key(tmp_path, times, columns, expected):
    raw = shanghai_profiles(tmp_path, times, **columns)
    with pytest.raises(ScenarioError, match="hubs.shanghai.profiles") as error:
        scenario_from_dict(raw, base_dir=tmp_path)
    assert expected in str(error.value)
    assert "Fix" in str(error.value)


def hub(raw: dict, name: str = "zhongwei") -> dict:
    return raw["hubs"][name]


def bat(raw: dict) -> dict:
    return raw["hubs"]["zhongwei"]["battery"]


def wl(raw: dict) -> dict:
    return raw["workloads"][0]


INVALID = {
    # case: (mutation of small(), key path the message must name, another part of the message)
    "unknown-hub": (lambda r: r["hubs"].update(zhongwie=r["hubs"].pop("zhongwei")) or r["workloads"].clear()
                    or r["links"].clear(), "hubs.zhongwie", "'zhongwei'"),
    "unknown-hub-key": (lambda r: hub(r).update(solar_mv=10), "hubs.zhongwei.solar_mv", "'solar_mw'"),
    "unknown-top-key": (lambda r: r.update(hour=3), "hour", "'hours'"),
    "unknown-battery-key": (lambda r: bat(r).update(energy_kwh=1), "hubs.zhongwei.battery.energy_kwh",
                            "'energy_mwh'"),
    "negative-capacity": (lambda r: hub(r).update(it_capacity_mw=-5), "hubs.zhongwei.it_capacity_mw", "-5"),
    "negative-solar": (lambda r: hub(r).update(solar_mw=-1), "hubs.zhongwei.solar_mw", "[0, 100000]"),
    "wrong-type": (lambda r: hub(r).update(wind_mw="lots"), "hubs.zhongwei.wind_mw", "'lots'"),
    "wrong-bool": (lambda r: hub(r).update(tracking="yes"), "hubs.zhongwei.tracking", "true or false"),
    "missing-grid": (lambda r: hub(r).pop("grid_import_mw"), "hubs.zhongwei.grid_import_mw", "missing"),
    "firm-over-capacity": (lambda r: hub(r).update(firm_it_mw=120), "hubs.zhongwei.firm_it_mw", "120"),
    "pue-below-one": (lambda r: hub(r).update(pue=0.9), "hubs.zhongwei.pue", "0.9"),
    "pue-word": (lambda r: hub(r).update(pue="cold"), "hubs.zhongwei.pue", "\"weather\""),
    "battery-power": (lambda r: bat(r).update(power_mw=-1), "hubs.zhongwei.battery.power_mw", "-1"),
    "battery-missing-energy": (lambda r: bat(r).pop("energy_mwh"), "hubs.zhongwei.battery.energy_mwh",
                               "missing"),
    "efficiency-zero": (lambda r: bat(r).update(round_trip_efficiency=0),
                        "hubs.zhongwei.battery.round_trip_efficiency", "(0, 1]"),
    "efficiency-above-one": (lambda r: bat(r).update(round_trip_efficiency=1.2),
                             "hubs.zhongwei.battery.round_trip_efficiency", "1.2"),
    "soc-above-one": (lambda r: bat(r).update(initial_soc=1.5), "hubs.zhongwei.battery.initial_soc",
                      "[0, 1]"),
    "soc-negative": (lambda r: bat(r).update(initial_soc=-0.1), "hubs.zhongwei.battery.initial_soc",
                     "-0.1"),
    "deadline-below-step": (lambda r: wl(r).update(deadline_hours=0.5), "workloads[0].deadline_hours",
                            "at least one step"),
    "deadline-not-whole-steps": (lambda r: r.update(step_minutes=15) or wl(r).update(deadline_hours=.6),
                                 "workloads[0].deadline_hours", "2.4 steps"),
    "arrival-above-spare": (lambda r: wl(r).update(arrival_it_mw=140), "workloads[0].arrival_it_mw",
                            "can never meet its deadline"),
    "arrival-above-spare-of-origin": (lambda r: wl(r).update(arrival_it_mw=60, hubs=["shanghai"]),
                                      "workloads[0].arrival_it_mw", "spare IT capacity"),
    "no-arrivals": (lambda r: wl(r).pop("arrival_it_mw"), "workloads[0].arrival_it_mw", "no arrivals"),
    "duplicate-workload": (lambda r: r["workloads"].append(dict(wl(r))), "workloads[1].name", "duplicate"),
    "unknown-origin": (lambda r: wl(r).update(origin="shenzhen"), "workloads[0].origin", "shenzhen"),
    "unknown-allowed-hub": (lambda r: wl(r).update(hubs=["shanghai", "zhongwie"]), "workloads[0].hubs",
                            "'zhongwei'"),
    "remote-without-link": (lambda r: r["links"].clear(), "workloads[0].hubs",
                            "no link shanghai -> zhongwei"),
    "link-to-nowhere": (lambda r: r["links"][0].update(to="qingyang"), "links[0].to", "qingyang"),
    "link-from-nowhere": (lambda r: r["links"][0].update({"from": "beijing"}), "links[0].from", "beijing"),
    "link-negative": (lambda r: r["links"][0].update(gbps=-10), "links[0].gbps", "-10"),
    "step-not-dividing-hour": (lambda r: r.update(step_minutes=7), "step_minutes", "divisor of 60"),
    "fixed-offset-timezone": (lambda r: r.update(timezone="+08:00"), "timezone", "IANA"),
    "misspelt-timezone": (lambda r: r.update(timezone="Asia/Shanghia"), "timezone", "'Asia/Shanghai'"),
    "start-with-offset": (lambda r: r.update(start="2025-07-01T00:00+08:00"), "start", "without offset"),
    "start-off-grid": (lambda r: r.update(start="2025-07-01 00:30"), "start", "step grid"),
    "start-garbage": (lambda r: r.update(start="July"), "start", "'July'"),
    "hours-zero": (lambda r: r.update(hours=0), "hours", "positive"),
    "hours-fraction": (lambda r: r.update(hours=1.5), "hours", "whole number"),
    "objective": (lambda r: r.update(objective={"minimize": "money"}), "objective.minimize", "cost"),
    "green-share": (lambda r: r.update(objective={"min_green_share": 1.5}), "objective.min_green_share",
                    "1.5"),
    "custom-hub-facts": (lambda r: r["hubs"].update(myhub={"lat": 30, "lon": 100, "province": "X",
                                                            "it_capacity_mw": 1, "grid_import_mw": 1}),
                         "hubs.myhub.grid_factor_kg_per_kwh", "custom hub"),
    "custom-hub-typical": (lambda r: r["hubs"].update(myhub={
        "lat": 30, "lon": 100, "province": "X", "it_capacity_mw": 1, "grid_import_mw": 1, "pue": 1.2,
        "grid_factor_kg_per_kwh": 0.5, "flat_price_cny_per_kwh": 0.4, "solar_mw": 5}), "hubs.myhub.weather",
        "climatology"),
    "weather-file-missing": (lambda r: hub(r).update(weather="nowhere.epw"), "hubs.zhongwei.weather",
                             "not found"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_scenarios_fail_naming_the_key_and_the_fix(case, tmp_path):
    mutate, key, detail = INVALID[case]
    raw = small()
    mutate(raw)
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(raw, base_dir=tmp_path)
    message = str(error.value)
    assert message.startswith(key + ":") or f"{key}:" in message, message
    assert detail in message, message
    assert "Fix" in message, message


def test_the_small_scenario_itself_is_valid():
    scenario = scenario_from_dict(small())
    assert set(scenario.hubs) == {"zhongwei", "shanghai"}
    assert scenario.hubs["zhongwei"].battery.round_trip_efficiency == 0.9  # default
    assert scenario.hubs["zhongwei"].battery.initial_soc == 0.5  # default


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)


def test_validate_scenario_checks_a_scenario_built_in_code():
    scenario = scenario_from_dict(small())
    validate_scenario(scenario)
    with pytest.raises(ScenarioError, match=r"workloads\[0\]\.hubs: .*no link shanghai -> zhongwei"):
        dataclasses.replace(scenario, links=())
    heavy = dataclasses.replace(scenario.workloads[0], arrival_it_kw=scenario.workloads[0].arrival_it_kw * 5)
    with pytest.raises(ScenarioError, match=r"workloads\[0\]\.arrival_it_mw: .*never meet its deadline"):
        validate_scenario(dataclasses.replace(scenario, workloads=(heavy,)))


FOUR_MISTAKES = """
start = "2025-07-01 00:00"
hours = 24
timezone = "Asia/Shanghia"

[hubs.zhongwei]
it_capacity_mw = 100
grid_import_mw = 150
battery = { energy_mwh = 200, power_mw = 50, initial_soc = 1.5 }

[hubs.shanghai]
it_capacity_mw = 100
grid_import_mw = 200

[[workloads]]
name = "batch"
origin = "shanghai"
arrival_it_mw = 10
deadline_hours = -2
hubs = ["shanghai", "zhongwei"]

[[links]]
from = "shanghai"
to = "zhongwei"
gbps = "fast"
"""


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "four.toml"
    path.write_text(FOUR_MISTAKES, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "4 problems in four.toml:"
    for key, line in zip(("timezone:", "hubs.zhongwei.battery.initial_soc:", "workloads[0].deadline_hours:",
                          "links[0].gbps:"), lines[1:], strict=True):
        assert line.strip().startswith(key) and "Fix" in line, line
    assert caught.value.problems == tuple(line.strip() for line in lines[1:])


def test_two_mistakes_in_one_hub_are_both_reported():
    raw = small()
    raw["hubs"]["zhongwei"].update(it_capacity_mw=-1, tracking="yes", solar_mv=3)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(raw)
    message = str(caught.value)
    assert message.startswith("3 problems in the scenario:")
    for key in ("hubs.zhongwei.solar_mv", "hubs.zhongwei.it_capacity_mw", "hubs.zhongwei.tracking"):
        assert key in message


def test_a_failed_hub_reports_once_not_again_through_its_workloads():
    raw = small()
    raw["hubs"]["shanghai"]["it_capacity_mw"] = -60
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(raw)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("hubs.shanghai.it_capacity_mw:")


@pytest.mark.parametrize(("change", "field"), [
    (lambda s: dataclasses.replace(s, objective=dataclasses.replace(s.objective, minimize="money")),
     "objective.minimize"),
    (lambda s: dataclasses.replace(s, timezone="+08:00"), "timezone"),
    (lambda s: dataclasses.replace(s.hubs["zhongwei"].battery, initial_soc=2.0), "Battery.initial_soc"),
    (lambda s: dataclasses.replace(s.hubs["zhongwei"], it_capacity_kw=-1.0), "hubs.zhongwei.it_capacity_kw"),
    (lambda s: dataclasses.replace(s.hubs["zhongwei"], series=s.hubs["zhongwei"].series.drop(columns="pue")),
     "hubs.zhongwei.series"),
    (lambda s: dataclasses.replace(s.hubs["zhongwei"], it_capacity_kw=10_000.0), "hubs.zhongwei.firm_it_mw"),
    (lambda s: dataclasses.replace(s.workloads[0], deadline_hours=1.5), "workloads[0].deadline_hours"),
    (lambda s: dataclasses.replace(s.workloads[0], origin="beijing"), "workloads[0].origin"),
    (lambda s: dataclasses.replace(s.workloads[0], hubs=()), "workloads[name=ai-training].hubs"),
    (lambda s: dataclasses.replace(s, workloads=s.workloads * 2), "workloads[1].name"),
    (lambda s: dataclasses.replace(s.links[0], to_hub="qingyang"), "links[0].to"),
    (lambda s: dataclasses.replace(s.links[0], gbps=-1.0), "gbps"),
    (lambda s: dataclasses.replace(s, index=s.index.tz_localize(None)), "index"),
])
def test_a_scenario_built_in_python_with_a_bad_field_raises_naming_it(change, field):
    scenario = scenario_from_dict(small())

    def rebuilt():
        part = change(scenario)
        if isinstance(part, HubInputs):
            return dataclasses.replace(scenario, hubs={**scenario.hubs, part.name: part})
        if isinstance(part, Workload):
            return dataclasses.replace(scenario, workloads=(part,))
        if isinstance(part, Link):
            return dataclasses.replace(scenario, links=(part,))
        return part

    with pytest.raises(ScenarioError) as caught:
        rebuilt()
    assert field in str(caught.value) and "Fix" in str(caught.value), str(caught.value)


def test_battery_defaults_are_one_table():
    battery = Battery(energy_kwh=1.0, power_kw=1.0)
    assert {name: getattr(battery, name) for name in BATTERY_DEFAULTS} == BATTERY_DEFAULTS
    scenario = scenario_from_dict(small())
    loaded = scenario.hubs["zhongwei"].battery
    assert {name: getattr(loaded, name) for name in BATTERY_DEFAULTS} == BATTERY_DEFAULTS
