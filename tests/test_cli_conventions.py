"""The command line's conventions (issue 13, item 6): no solver banner, --version, --json on every
command, a description on every subcommand's help, `hubs` in 100 columns, `schema`."""

import argparse
import json
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest

from engine.cli import build_parser, main

EXAMPLES = Path(__file__).parents[1] / "examples"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_run_json_is_the_summary_and_no_solver_banner(tmp_path):
    """HiGHS prints its banner from C++ on the first Highs object; the engine creates it with the file
    descriptors on /dev/null, so stdout is the summary alone and stderr has no banner."""
    result = subprocess.run([sys.executable, "-m", "engine.cli", "run", "--no-attribution", "--json",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "HiGHS" not in result.stdout and "HiGHS" not in result.stderr
    assert "Copyright" not in result.stdout + result.stderr
    assert "suandian run:" not in result.stderr and "\r" not in result.stderr  # no terminal: no progress
    summary = json.loads(result.stdout)
    assert {"coordinated", "baseline", "gains"} <= summary.keys()


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("suandian ")


def test_every_subcommand_has_a_description_and_json():
    commands = _subcommands()
    assert {"hubs", "power", "weather", "forecast", "run", "plan", "operate", "dayahead", "settle", "sweep",
            "schema"} <= commands.keys()
    for name, parser in commands.items():
        assert parser.description and len(parser.description) > 40, name
        assert "--json" in parser.format_help(), name


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_hubs_fit_100_columns_and_wide_shows_every_field(capsys):
    assert main(["hubs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(_width(line) for line in lines) <= 100
    assert "中卫" in lines[1] and "zhongwei" in lines[1]
    starts = {line.index("Ningxia") for line in lines if "Ningxia" in line}
    column = lines[0].index("province")
    assert all(_width(lines[0][:column]) == _width(line[:start]) for line in lines for start in starts
               if "Ningxia" in line)  # aligned after the Chinese names
    assert main(["hubs", "--wide"]) == 0
    wide = capsys.readouterr().out.splitlines()
    assert "tariff" in wide[0] and "elevation_m" in wide[0]


def _keys_allowed(value: object, schema: dict, path: str) -> list[str]:
    """Keys of a TOML value that the schema does not allow (a small walker: objects and arrays)."""
    if isinstance(value, dict):
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties", True)
        bad = []
        for key, item in value.items():
            child = properties.get(key, extra if isinstance(extra, dict) else None)
            if child is None and extra is False:
                bad.append(f"{path}{key}")
            elif isinstance(child, dict):
                options = child.get("anyOf", [child])
                table = next((option for option in options if option.get("type") == "object"), child)
                bad += _keys_allowed(item, table, f"{path}{key}.")
        return bad
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [bad for item in value for bad in _keys_allowed(item, schema["items"], path)]
    return []


def test_schema_accepts_every_example_and_flags_a_typo(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    for path in EXAMPLES.glob("*.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if "base" in raw:  # a sweep file, not a scenario
            continue
        assert _keys_allowed(raw, schema, "") == [], path.name
    typo = {"hubs": {"zhongwei": {"it_capacity_mw": 10, "solar_mv": 5}}}
    assert _keys_allowed(typo, schema, "") == ["hubs.zhongwei.solar_mv"]
    battery = schema["properties"]["hubs"]["additionalProperties"]["properties"]["battery"]
    assert battery["properties"]["energy_mwh"]["description"] == "[MWh]"
