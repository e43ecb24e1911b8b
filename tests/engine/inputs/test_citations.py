"""The ``[sources]`` table: a file cites where its numbers come from; the assumed-inputs table shows it."""

from __future__ import annotations

import tomllib

import pytest

from engine.errors import ScenarioError
from engine.inputs.economics import assumed_inputs
from engine.inputs.fields import ScenarioProblems
from engine.inputs.keypath import apply_overrides, canonical_key
from engine.inputs.scenario_file import load_scenario, scenario_from_dict
from tests.engine.inputs.test_scenario_file import hub, small

CITED = "ASSUMPTION: Ningxia benchmark 0.2595 x Shandong's PV auction ratio 0.225/0.3949"


def _rows(scenario) -> dict[tuple[str, str], tuple[float, str]]:
    return {(what, where): (value, source) for what, where, value, _, source in assumed_inputs(scenario)}


def _exporting(**sources) -> dict:
    raw = small()
    hub(raw).update(export_mw=50, export_price_cny_per_kwh=0.148)
    raw["sources"] = sources
    return raw


def test_a_cited_value_shows_its_source_in_the_assumed_inputs():
    raw = _exporting(**{"hubs.zhongwei.export_price_cny_per_kwh": CITED})
    rows = _rows(scenario_from_dict(raw))
    assert rows[("Export price", "zhongwei")] == (pytest.approx(0.148), f"scenario file: {CITED}")
    # a value the file sets without a citation, and a default, keep their sources
    assert rows[("Demand charge", "zhongwei")][1] != "scenario file"
    assert rows[("PPA price of park energy", "shanghai")][1].startswith("ASSUMPTION")


def test_an_uncited_written_value_says_scenario_file():
    rows = _rows(scenario_from_dict(_exporting()))
    assert rows[("Export price", "zhongwei")][1] == "scenario file"


def test_a_written_grid_factor_is_the_value_in_the_table_not_the_catalogue_one():
    raw = small()
    hub(raw).update(grid_factor_kg_per_kwh=0.42)
    raw["sources"] = {"hubs.zhongwei.grid_factor_kg_per_kwh": "the park operator's 2024 figure"}
    value, source = _rows(scenario_from_dict(raw))[("Grid emission factor", "zhongwei")]
    assert value == pytest.approx(0.42)
    assert source == "scenario file: the park operator's 2024 figure"


def test_an_override_drops_the_citation_of_the_value_it_replaces(tmp_path):
    path = tmp_path / "cited.toml"
    path.write_text(
        'name = "cited"\nstart = "2025-07-01 00:00"\nhours = 24\n'
        "[hubs.zhongwei]\nit_capacity_mw = 100\nfirm_it_mw = 20\ngrid_import_mw = 150\nexport_mw = 50\n"
        "export_price_cny_per_kwh = 0.148\n"
        f'[sources]\n"hubs.zhongwei.export_price_cny_per_kwh" = "{CITED}"\n', encoding="utf-8")
    assert _rows(load_scenario(path))[("Export price", "zhongwei")][1] == f"scenario file: {CITED}"
    replaced = load_scenario(path, **{"hubs.zhongwei.export_price_cny_per_kwh": 0.2})
    assert _rows(replaced)[("Export price", "zhongwei")] == (pytest.approx(0.2), "scenario file")
    # a whole table replaced drops the citations inside it; others stay
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    raw["sources"]["hubs.zhongwei.firm_it_mw"] = "the operator"
    kept = apply_overrides(raw, {"hubs.zhongwei": {"it_capacity_mw": 90}})["sources"]
    assert kept == {}
    kept = apply_overrides(raw, {"hours": 48})["sources"]
    assert set(kept) == {"hubs.zhongwei.export_price_cny_per_kwh", "hubs.zhongwei.firm_it_mw"}


BAD = {
    # case: (sources table, what the one line names, the fix it gives)
    "unset-key": ({"hubs.zhongwei.ppa_price_cny_per_kwh": "x"}, "'hubs.zhongwei.ppa_price_cny_per_kwh'",
                  "Fix: cite a key the file writes"),
    "a-table": ({"hubs.zhongwei.battery": "x"}, "'hubs.zhongwei.battery'", "Fix: cite one key inside it"),
    "no-such-table": ({"hubs.qingyang.solar_mw": "x"}, "'hubs.qingyang.solar_mw'", "Fix the key"),
    "not-text": ({"hubs.zhongwei.export_mw": 3}, "sources.'hubs.zhongwei.export_mw'",
                 "Fix: write where the value"),
    "empty-text": ({"hubs.zhongwei.export_mw": "  "}, "sources.'hubs.zhongwei.export_mw'",
                   "Fix: write where the value"),
    "a-document": ({"hubs.zhongwei.export_mw": "x" * 501}, "got 501 characters",
                   "Fix: write where the value"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_citation_is_one_line_naming_the_entry_and_the_fix(case):
    sources, names, fix = BAD[case]
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(_exporting(**sources))
    message = str(error.value)
    assert message.startswith("sources"), message
    assert names in message and fix in message, message
    assert "\n" not in message


def test_every_bad_citation_of_a_file_is_reported_at_once():
    raw = _exporting(**{"hubs.zhongwei.ppa_price_cny_per_kwh": "x", "hubs.zhongwei.export_mw": ""})
    with pytest.raises(ScenarioProblems) as error:
        scenario_from_dict(raw)
    assert len(error.value.problems) == 2


def test_sources_must_be_a_table():
    raw = small()
    raw["sources"] = "FACTS.md"
    with pytest.raises(ScenarioError, match=r"^sources: expected a table"):
        scenario_from_dict(raw)


def test_a_key_path_has_one_canonical_form():
    assert canonical_key("workloads[ name = batch ].deadline_hours") == "workloads[name=batch].deadline_hours"
    assert canonical_key("hubs.zhongwei.solar_mw") == "hubs.zhongwei.solar_mw"
