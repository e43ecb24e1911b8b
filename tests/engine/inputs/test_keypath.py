"""Key paths: one language for load_scenario's overrides and for sweeps."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine.errors import ScenarioError
from engine.inputs.keypath import apply_overrides, check_key, parse_key, resolve_key
from engine.inputs.scenario_file import TABLE_KEYS, load_scenario

TWO_HUBS = Path(__file__).resolve().parents[2] / "data" / "engine" / "two_hubs.toml"


def raw_tiny() -> dict:
    """Two hubs, one workload, one link (the keys only; never built into a Scenario here)."""
    return {
        "name": "tiny", "start": "2025-07-01 00:00", "hours": 24, "objective": {"minimize": "cost"},
        "hubs": {"shanghai": {"it_capacity_mw": 10, "grid_import_mw": 20},
                 "zhongwei": {"it_capacity_mw": 10, "grid_import_mw": 20, "solar_mw": 30}},
        "workloads": [{"name": "batch", "origin": "shanghai", "arrival_it_mw": 3, "deadline_hours": 12,
                       "hubs": ["shanghai", "zhongwei"]}],
        "links": [{"from": "shanghai", "to": "zhongwei", "gbps": 10}],
    }


def test_parse_key_forms():
    segments = parse_key("workloads[name=ai-training].deadline_hours")
    assert segments[0].name == "workloads" and segments[0].selector == (("name", "ai-training"),)
    assert segments[1].name == "deadline_hours"
    assert parse_key("links.0.gbps")[1].index == 0
    assert parse_key("links[from=shanghai,to=zhongwei].gbps")[0].selector == (
        ("from", "shanghai"), ("to", "zhongwei"))
    assert parse_key("workloads[name=v1.2].hubs")[0].selector == (("name", "v1.2"),)


@pytest.mark.parametrize("key", ["", "a..b", "0.gbps", "links[from].gbps", "hubs.zhong wei.solar_mw"])
def test_parse_key_rejects_malformed_and_names_the_key(key):
    with pytest.raises(ScenarioError, match="sweep key .*Fix") as caught:
        parse_key(key, label="sweep key")
    assert repr(key) in str(caught.value)


def test_apply_overrides_sets_every_form_and_leaves_the_base_alone():
    raw = raw_tiny()
    changed = apply_overrides(raw, {"workloads[name=batch].deadline_hours": 6, "links.0.gbps": 0,
                                    "objective.min_green_share": 0.5,
                                    "hubs.zhongwei.battery": {"energy_mwh": 10, "power_mw": 5}})
    assert changed["workloads"][0]["deadline_hours"] == 6
    assert changed["links"][0]["gbps"] == 0
    assert changed["objective"]["min_green_share"] == 0.5
    assert changed["hubs"]["zhongwei"]["battery"]["power_mw"] == 5
    assert raw == raw_tiny()


def test_overrides_do_not_share_values_with_the_caller():
    battery = {"energy_mwh": 10, "power_mw": 5}
    changed = apply_overrides(raw_tiny(), {"hubs.zhongwei.battery": battery})
    battery["power_mw"] = 99
    assert changed["hubs"]["zhongwei"]["battery"]["power_mw"] == 5


@pytest.mark.parametrize(("key", "message"), [
    ("hubs.nowhere.solar_mw", "no 'hubs.nowhere'"),
    ("workloads.3.deadline_hours", "no index 3"),
    ("workloads[name=nope].deadline_hours", "matches 0 element"),
    ("objective.minimize.cost", "is a value, not a table"),
    ("hours.0", "is not a list"),
    ("hubs[name=x].solar_mw", "list of tables"),
])
def test_resolve_key_names_the_missing_part(key, message):
    with pytest.raises(ScenarioError, match=message) as caught:
        resolve_key(raw_tiny(), key)
    assert repr(key) in str(caught.value)


def test_create_tables_makes_missing_tables_but_never_list_elements():
    raw = raw_tiny()
    changed = apply_overrides(raw, {"hubs.zhongwei.battery.energy_mwh": 7, "plan.years": 2},
                              create_tables=True)
    assert changed["hubs"]["zhongwei"]["battery"] == {"energy_mwh": 7}
    assert changed["plan"] == {"years": 2}
    assert "battery" not in raw["hubs"]["zhongwei"]
    with pytest.raises(ScenarioError, match="no index 5"):
        apply_overrides(raw, {"workloads.5.deadline_hours": 1}, create_tables=True)
    with pytest.raises(ScenarioError, match="matches 0 element"):
        apply_overrides(raw, {"workloads[name=x].deadline_hours": 1}, create_tables=True)


def test_check_key_accepts_known_new_keys_and_rejects_typos():
    raw = raw_tiny()
    check_key(raw, "objective.min_green_share", TABLE_KEYS)
    check_key(raw, "hubs.shanghai.battery", TABLE_KEYS)
    check_key(raw, "workloads[name=batch].data_tb_per_mwh", TABLE_KEYS)
    check_key(raw, "links.0.gbps", TABLE_KEYS)
    for typo, known in (("objective.min_green_shar", "min_green_share"),
                        ("hubs.shanghai.solar_mv", "solar_mw"),
                        ("workloads.0.deadline_hour", "deadline_hours")):
        with pytest.raises(ScenarioError, match=f"{typo!r}.*{known}"):
            check_key(raw, typo, TABLE_KEYS)


def test_load_scenario_takes_the_sweep_selectors():
    scenario = load_scenario(TWO_HUBS, **{"workloads[name=ai-training].deadline_hours": 12,
                                          "hubs.zhongwei.solar_mw": 0, "hubs.zhongwei.wind_mw": 0})
    assert scenario.workloads[0].deadline_hours == 12.0


def test_load_scenario_override_errors_name_the_override():
    with pytest.raises(ScenarioError, match=r"^override 'workloads.9.deadline_hours'.*no index 9"):
        load_scenario(TWO_HUBS, **{"workloads.9.deadline_hours": 12})


def test_resolving_does_not_change_the_raw_without_create_tables():
    raw = raw_tiny()
    before = copy.deepcopy(raw)
    with pytest.raises(ScenarioError):
        resolve_key(raw, "hubs.nowhere.solar_mw")
    assert raw == before
