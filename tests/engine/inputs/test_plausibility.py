"""Inputs that cannot surprise: one table of plausibility bounds, no file content echoed, reserved
names, allowed hubs with the origin, TOML limits and the problem size checked before allocation."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest

from engine.cli import EXIT_BAD_INPUT, main
from engine.errors import ScenarioError
from engine.inputs.limits import MAX_TOML_DEPTH, read_toml
from engine.inputs.plausibility import (
    CARBON_G_PER_KWH,
    ENERGY_KWH,
    KEY_HIGH,
    POWER_KW,
    PRICE_CNY_PER_KWH,
    PUE,
)
from engine.inputs.scenario_file import load_scenario, scenario_from_dict
from tests.engine.inputs.test_scenario_file import LOCAL_TIMES, shanghai_profiles, small

SECRET = "root:x:0:0:secret-token"


@pytest.mark.parametrize("column, value, bounds", [
    ("carbon_g_per_kwh", 5.8e5, CARBON_G_PER_KWH),
    ("pue", 40.0, PUE),
    ("price_cny_per_kwh", 650.0, PRICE_CNY_PER_KWH),  # fen, not yuan
    ("firm_it_kw", 4.0e10, POWER_KW),  # W, not kW, of a 40 GW... campus
    ("solar_kw", -1.0, POWER_KW),
])
def test_profile_columns_have_the_bounds_of_the_table(tmp_path, column, value, bounds):
    raw = shanghai_profiles(tmp_path, LOCAL_TIMES, **{column: [value] * 24})
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(raw, base_dir=tmp_path)
    message = str(error.value)
    assert f"hubs.shanghai.profiles: column {column!r} of sh.csv" in message
    assert f"[{bounds.low:g}, {bounds.high:g}] [{bounds.unit}]" in message and "row 0" in message


def test_the_toml_keys_use_the_same_bounds():
    assert KEY_HIGH == {"pue": PUE.high, "grid_factor_kg_per_kwh": CARBON_G_PER_KWH.high / 1000,
                        "flat_price_cny_per_kwh": PRICE_CNY_PER_KWH.high, "power_mw": POWER_KW.high / 1000,
                        "energy_mwh": ENERGY_KWH.high / 1000}
    raw = small()
    raw["hubs"]["shanghai"]["grid_factor_kg_per_kwh"] = 2.5
    with pytest.raises(ScenarioError, match=r"grid_factor_kg_per_kwh: expected a number in \[0, 2\]"):
        scenario_from_dict(raw)
    raw = small()
    raw["hubs"]["shanghai"]["pue"] = 3.5
    with pytest.raises(ScenarioError, match=r"pue: expected a number in \[1, 3\]"):
        scenario_from_dict(raw)


def test_a_profile_file_content_is_never_echoed(tmp_path):
    header = tmp_path / "sh.csv"
    for text in (f"time,{SECRET}\n", f"{SECRET}\n1\n", "time,firm_it_kw\n" + "\n".join(
            f"{t},{SECRET}" for t in LOCAL_TIMES) + "\n", "time,firm_it_kw\n" + "\n".join(
            f"{SECRET}{t},1" for t in LOCAL_TIMES) + "\n"):
        raw = small()
        raw["hubs"]["shanghai"]["profiles"] = "sh.csv"
        header.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as error:
            scenario_from_dict(raw, base_dir=tmp_path)
        assert "secret" not in str(error.value) and "sh.csv" in str(error.value)


@pytest.mark.parametrize(("table", "name", "high"), [
    ("hub", "it_capacity_mw", "100000"), ("hub", "firm_it_mw", "100000"), ("hub", "solar_mw", "100000"),
    ("hub", "wind_mw", "100000"), ("hub", "grid_import_mw", "100000"), ("battery", "power_mw", "100000"),
    ("battery", "energy_mwh", "2.4e+06"), ("workload", "arrival_it_mw", "100000")])
def test_megawatt_keys_have_the_power_bound_of_the_profiles(table, name, high):
    raw = small()
    where = {"hub": raw["hubs"]["zhongwei"], "battery": raw["hubs"]["zhongwei"].get("battery"),
             "workload": raw["workloads"][0]}[table]
    assert where is not None, "small() has no battery at zhongwei"
    where[name] = 1e9
    with pytest.raises(ScenarioError, match=rf"{name}: expected a number in \[0, {re.escape(high)}\]"):
        scenario_from_dict(raw)


def test_export_mw_is_bounded_without_a_readable_grid_connection():
    raw = small()
    raw["hubs"]["zhongwei"].pop("grid_import_mw")
    raw["hubs"]["zhongwei"]["export_mw"] = 1e9
    with pytest.raises(ScenarioError, match=r"export_mw: expected a number in \[0, 100000\]"):
        scenario_from_dict(raw)


def test_reserved_workload_names_are_rejected():
    raw = small()
    raw["workloads"][0]["name"] = "firm"
    with pytest.raises(ScenarioError, match=r"workloads\[0\].name: 'firm' is reserved \(its column firm_it"):
        scenario_from_dict(raw)


def test_reserved_workload_names_are_rejected_in_python_too():
    workload = scenario_from_dict(small()).workloads[0]
    with pytest.raises(ScenarioError, match=r"Workload.name: 'firm' is reserved \(its column firm_it_kw"):
        dataclasses.replace(workload, name="firm")


def test_allowed_hubs_must_include_the_origin():
    raw = small()
    raw["workloads"][0]["hubs"] = ["zhongwei"]
    with pytest.raises(ScenarioError, match=r"workloads\[0\].hubs: expected the origin 'shanghai' among"):
        scenario_from_dict(raw)


def test_deep_and_huge_toml_files_are_one_line(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="nests tables or arrays too deeply"):
        read_toml(deep, "scenario")
    nested = tmp_path / "nested.toml"
    depth = MAX_TOML_DEPTH + 2
    nested.write_text("x = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"expected at most {MAX_TOML_DEPTH}"):
        load_scenario(nested)
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 500_000, encoding="utf-8")
    with pytest.raises(ScenarioError, match="bytes, expected at most"):
        load_scenario(huge)


def test_an_impossible_horizon_fails_at_once_with_the_number(tmp_path, capsys):
    raw = small(hours=10**9)
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"hours: 1,000,000,000 steps x 2 hubs x 1 workloads need about"):
        scenario_from_dict(raw)
    assert time.perf_counter() - started < 0.5
    scenario = tmp_path / "long.toml"
    scenario.write_text('start = "2025-07-01 00:00"\nhours = 876000000\n[hubs.zhongwei]\n'
                        "it_capacity_mw = 10\ngrid_import_mw = 10\n", encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "GB to solve" in error and error.count("\n") == 1
